/**
 * What the Diff page shows, from a model diff or a run diff: the graph overlays (tones added,
 * removed, changed, faster, slower), the table's sort and filter, and the short text of a row. Pure.
 */
import { describeChange, type ModelDiff, type NodeDiff } from '../../../../shared/graph/diff';
import type { RunDiff, RunDiffRow } from '../../../../shared/graph/run-diff';
import { formatPercent, formatUs } from '../../format';
import { formatMs } from '../../../../shared/units';
import type { GraphOverlay, NodeOverlay } from '../graph/graph-overlay';

export type DiffSideName = 'a' | 'b';

/** Level of a node the quantizer added or folded: drawn paler than a change of the network itself. */
const HELPER_LEVEL = 0.35;

/** What a model-diff row says in a few words: 'precision float → int8, input 1 dtype float32 → int8'. */
export function nodeDiffText(node: NodeDiff, names: { b: (id: string) => string }): string {
  if (node.status === 'added') return node.forQuantization ? (node.op === 'Cast' ? 'added to convert precision' : 'added for quantization') : 'added';
  if (node.status === 'removed') {
    if (node.forQuantization) return 'removed (it only quantized for its neighbours)';
    if (node.foldedInto === null) return 'removed';
    const into = names.b(node.foldedInto);
    return node.foldKind === 'weight' ? `weight now stored as int8 for ${into}` : `folded into ${into}`;
  }
  if (node.status === 'same') return 'same';
  return node.changes.map(describeChange).join(', ');
}

/** The model diff drawn on one side's graph: A shows what was removed and changed, B what was added and changed. */
export function modelDiffOverlay(diff: ModelDiff, side: DiffSideName, labels: { a: string; b: string }, nameOfB: (id: string) => string): GraphOverlay {
  const byNode = new Map<string, NodeOverlay>();
  for (const node of diff.nodes) {
    const id = side === 'a' ? node.a : node.b;
    if (id === null || node.status === 'same') continue;
    const detail = nodeDiffText(node, { b: nameOfB });
    if (node.status === 'changed') {
      const precision = node.changes.find((c) => c.kind === 'precision');
      byNode.set(id, { tone: 'changed', level: 1, label: precision && precision.kind === 'precision' ? `${precision.from} → ${precision.to}` : 'changed', detail });
    } else if (node.status === 'added') {
      byNode.set(id, { tone: 'added', level: node.forQuantization ? HELPER_LEVEL : 1, label: node.forQuantization ? 'added (int8)' : 'added', detail });
    } else {
      const helper = node.foldedInto !== null || node.forQuantization;
      byNode.set(id, { tone: 'removed', level: helper ? HELPER_LEVEL : 1, label: node.forQuantization ? 'removed (int8)' : node.foldedInto === null ? 'removed' : 'folded', detail });
    }
  }
  const { summary } = diff;
  const other = side === 'a' ? labels.b : labels.a;
  const seen =
    side === 'a'
      ? `Red: not in ${other} (pale: folded into a node of it); orange: changed.`
      : `Green: added in ${labels.b} (pale: added for quantization); orange: changed.`;
  return {
    title: `Diff: ${labels.a} → ${labels.b} (graph of ${side === 'a' ? labels.a : labels.b})`,
    legend: `${seen} ${summary.changed} changed, ${summary.added} added (${summary.addedForQuantization} for quantization), ${summary.removed} removed (${summary.folded} folded); a plain node is the same in both.`,
    byNode,
  };
}

/** Per-op times are µs-sized on small models, so a delta is written as the times beside it are (formatUs). */
const signedUs = (deltaUs: number): string => `${deltaUs >= 0 ? '+' : '−'}${formatUs(Math.abs(deltaUs))}`;
/** A relative change with its sign: '+12%', '−4.5%'. */
export const signedPercent = (fraction: number): string => `${fraction >= 0 ? '+' : '−'}${formatPercent(Math.abs(fraction), Math.abs(fraction) < 0.1 ? 1 : 0)}`;

/** A row's delta as text: '+410 µs (+12%)', or which run it is missing from. */
export function deltaText(row: Pick<RunDiffRow, 'deltaUs' | 'relative' | 'aUs' | 'bUs'>): string {
  if (row.deltaUs === null) return row.aUs === null ? 'only in B' : 'only in A';
  return row.relative === null ? signedUs(row.deltaUs) : `${signedUs(row.deltaUs)} (${signedPercent(row.relative)})`;
}

/** The run diff on one side's graph: green faster, red slower, a stronger colour for a larger absolute delta. */
export function runDiffOverlay(diff: RunDiff, side: DiffSideName, labels: { a: string; b: string }): GraphOverlay {
  const largest = Math.max(0, ...diff.rows.map((r) => Math.abs(r.deltaUs ?? 0)));
  const byNode = new Map<string, NodeOverlay>();
  for (const row of diff.rows) {
    const id = side === 'a' ? row.aNode : row.bNode;
    if (id === null || row.deltaUs === null) continue;
    byNode.set(id, {
      tone: row.deltaUs <= 0 ? 'faster' : 'slower',
      level: largest > 0 ? Math.abs(row.deltaUs) / largest : 0,
      label: deltaText(row),
      detail: `${formatMs((row.aUs ?? 0) / 1000)} in ${labels.a} → ${formatMs((row.bUs ?? 0) / 1000)} in ${labels.b}${row.bQdqUs > 0 ? ` (of which Q/DQ ${formatMs(row.bQdqUs / 1000)})` : ''}`,
    });
  }
  return {
    title: `Per-op latency: ${labels.a} → ${labels.b}`,
    legend: `Green: faster in ${labels.b}; red: slower; stronger colour: a larger change (largest ${formatMs(largest / 1000)}). A plain node was timed in one run only, or in neither.`,
    byNode,
  };
}

export type NodeSortKey = 'status' | 'name' | 'op';
export type RunSortKey = 'delta' | 'relative' | 'name' | 'op' | 'a' | 'b';

const STATUS_ORDER: Record<NodeDiff['status'], number> = { changed: 0, added: 1, removed: 2, same: 3 };

/** Model-diff rows, "changed only" dropping the same ones, sorted by status (changes first), name or op. */
export function sortNodeRows(nodes: readonly NodeDiff[], key: NodeSortKey, changedOnly: boolean): NodeDiff[] {
  const rows = changedOnly ? nodes.filter((n) => n.status !== 'same') : [...nodes];
  const byName = (x: NodeDiff, y: NodeDiff): number => x.name.localeCompare(y.name);
  const compare: Record<NodeSortKey, (x: NodeDiff, y: NodeDiff) => number> = {
    status: (x, y) => STATUS_ORDER[x.status] - STATUS_ORDER[y.status] || Number(x.forQuantization) - Number(y.forQuantization),
    name: byName,
    op: (x, y) => x.op.localeCompare(y.op) || byName(x, y),
  };
  return rows.sort(compare[key]);
}

/**
 * Run-diff rows: by delta (largest slowdown first; 'delta' descending puts the biggest slowdowns
 * on top, ascending the biggest gains), relative delta, name, op, or either side's time. Rows
 * timed in one run only go last whatever the order. "changed only" keeps rows whose time moved
 * by more than `minChange` of A's (and the one-sided ones).
 */
export function sortRunRows(rows: readonly RunDiffRow[], key: RunSortKey, descending: boolean, changedOnly: boolean, minChange = 0.05): RunDiffRow[] {
  const kept = changedOnly ? rows.filter((r) => r.relative === null || Math.abs(r.relative) >= minChange) : [...rows];
  const value: Record<RunSortKey, (r: RunDiffRow) => number | string | null> = {
    delta: (r) => r.deltaUs,
    relative: (r) => r.relative,
    name: (r) => r.name,
    op: (r) => r.op,
    a: (r) => r.aUs,
    b: (r) => r.bUs,
  };
  const sign = descending ? -1 : 1;
  return kept.sort((x, y) => {
    const vx = value[key](x);
    const vy = value[key](y);
    if (vx === null || vy === null) return Number(vx === null) - Number(vy === null);
    const order = typeof vx === 'string' ? vx.localeCompare(vy as string) : vx - (vy as number);
    return sign * order || x.name.localeCompare(y.name);
  });
}

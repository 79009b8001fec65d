/**
 * The results grid of one job, as data: rows are models (and variants), columns are the target ×
 * runtime × threads combinations the job ran, each cell a run's headline figures, compared with a
 * baseline cell. Pure, so the page only draws it and the tests read it.
 */
import type { ModelEntry } from '../../../../shared/contract';
import type { EvalRecord } from '../../../../shared/eval-schema';
import { acceleratorOpsText, RUNTIME_LABELS, type RunAcceleratorSummary } from '../../../../shared/runtimes';
import type { RunSummary } from '../../../../shared/run-schema';
import { accuracyOf, ACCURACY_LABELS, type AccuracyKey } from '../../accuracy';
import type { CellState, JobView } from '../../bench-job';
import { formatMsRange, formatPercent, formatThreads } from '../../format';
import { formatBytes, formatSpeedup, NOT_MEASURED } from '../../../../shared/units';
import { percentileCell } from '../../stats-view';
import type { NetworkEntry } from '../../../../shared/networks';
import { formatRuntimeLabel, networkOf } from '../networks/formats-view';
import { energyCell } from '../../energy-view';
import { summaryMedianText, summaryMemoryText } from '../../simulated-view';


/** One cell of the job as the grid receives it: where it ran, and its run if there is one. */
export interface GridInput {
  /** The model file's sha256 (rows group by it), or '' when unknown. */
  modelSha256: string;
  modelLabel: string;
  targetName: string;
  /** Registry name, e.g. 'onnxruntime'. */
  runtime: string;
  threads: number;
  /** The CPUs the cell was pinned to (all, little, mid, big, 0xMASK), when the job has a CPU axis. */
  cpus?: string;
  /** Where the cell is in a live job; 'done' for a run read from the workspace. */
  state: CellState['state'];
  /** 0..1 while running. */
  fraction?: number;
  /** The saved run (a partial one for a failed cell that kept samples), once listed. */
  summary?: RunSummary;
  /** Why a failed cell failed, in the UI's words. */
  failure?: string;
  /** The model's format ('onnx', 'tflite', 'tfjs'), when known: columns then read "TFLite in LiteRT". */
  format?: string;
  /** The network the model is one format of: its formats share one row, each in its format's column. */
  network?: { id: string; name: string };
}

export type CellTone = 'baseline' | 'faster' | 'slower' | 'similar' | 'none';

export interface GridCell {
  /** Stable, readable key ("<sha256 prefix>~<target>~<runtime>~<threads>"): what the job URL names as its baseline. */
  key: string;
  runId: string | null;
  /** What the cell says instead of figures, or beside them ('partial: …', 'failed', 'queued', 'running 40 %'). */
  status: { kind: 'completed' | 'partial' | 'failed' | 'cancelled' | 'queued' | 'running' | 'skipped'; text: string };
  /** Headline median (headlineMedianMs), or null when not measured. */
  medianMs: number | null;
  median: string;
  /** "0.91 – 0.95 ms", with which CI it is ("between-run" with repeats, else "within-run"). */
  ci: { text: string; kind: 'between-run' | 'within-run' | null };
  p99: { text: string; title: string };
  peakRss: string;
  size: string;
  /** "97.10 %" (top-1, or agreement with float), or "not measured" when no evaluation of this model exists. */
  accuracy: { text: string; title: string };
  /** Energy per inference with how it was measured, for runs measured with a power source (--energy). */
  energy?: { text: string; title: string };
  /** What the run's accelerator record says ran, and where its ops went with who said so (acceleratorCell); absent for CPU-only runtimes. */
  accelerator?: { text: string; ops: string | null; title: string; missing: boolean };
  /** What makes the figures doubtful, said on the cell itself: guessed input sizes, an unstable verdict. Null for a stable run. */
  caution: { text: string; title: string } | null;
  /** Against the baseline: speedup = baseline median / this median (above 1 is faster). */
  speedup: number | null;
  speedupText: string;
  tone: CellTone;
  /** 0..1: how strongly to colour (|log2 speedup| / 2, so 4× is full). */
  level: number;
}

export interface GridColumn {
  key: string;
  /** Only the axes that vary across the job ("local · 2 threads"); "all cells" when nothing varies. */
  label: string;
}

export interface GridRow {
  key: string;
  label: string;
  /** The network whose formats this row holds, or null for a model (or variant) row. */
  networkId: string | null;
  cells: Array<GridCell | null>;
}

export interface ResultsGrid {
  columns: GridColumn[];
  rows: GridRow[];
  /** The axes that vary (in the order target, runtime, threads, CPUs). */
  axes: Array<'target' | 'runtime' | 'threads' | 'cpus'>;
  baselineKey: string | null;
  /** Why speedups are absent, when they are (the baseline has no median). */
  baselineNote: string | null;
}

function runtimeLabel(name: string): string {
  return name in RUNTIME_LABELS ? RUNTIME_LABELS[name as keyof typeof RUNTIME_LABELS] : name;
}

/**
 * Cell keys go into the job's URL when a cell is picked as the baseline (#/jobs/<id>/baseline/<key>),
 * so they read as text: "<model sha256, 16 hex>~<target>~<runtime>~<threads>", the same for the same
 * cell on every load (no row order, no control characters). A "~" or "%" inside a free-text part
 * (a target's name) is escaped, so the parts stay apart.
 */
const KEY_SEPARATOR = '~';
const keyPart = (text: string): string => text.replace(/%/g, '%25').replace(/~/g, '%7E');
// A CPU selection adds a part ("~cpus=big"); cells without one keep the keys they always had.
const columnKey = (input: GridInput): string =>
  [keyPart(input.targetName), keyPart(input.runtime), String(input.threads), ...(input.cpus !== undefined ? [`cpus=${keyPart(input.cpus)}`] : [])].join(KEY_SEPARATOR);
const cpusText = (cpus: string): string => `CPUs ${cpus}`;
const rowKey = (input: GridInput): string => (input.network ? `network:${input.network.id}` : input.modelSha256 || `name:${input.modelLabel}`);
/** The row's share of a cell key: a model's sha256 prefix (as the workspace's model ids), a network's id, or the label. */
const rowKeyPart = (input: GridInput): string =>
  keyPart(input.network ? `network:${input.network.id}` : input.modelSha256 ? input.modelSha256.slice(0, 16) : `name:${input.modelLabel}`);
const runtimeText = (input: GridInput): string => (input.format ? formatRuntimeLabel(input.format, input.runtime) : runtimeLabel(input.runtime));

/** The newest evaluation of each model file (by sha256), for the grid's accuracy figure. */
export function accuracyBySha(records: readonly EvalRecord[], models: readonly ModelEntry[]): Map<string, { text: string; title: string }> {
  const shaOf = new Map(models.map((m) => [m.id, m.info.sha256]));
  const newest = new Map<string, EvalRecord>();
  for (const record of records) {
    const sha = shaOf.get(record.modelId);
    if (sha === undefined) continue;
    const seen = newest.get(sha);
    if (!seen || seen.createdAt < record.createdAt) newest.set(sha, record);
  }
  const out = new Map<string, { text: string; title: string }>();
  for (const [sha, record] of newest) {
    const key: AccuracyKey = record.result.top1 !== null ? 'top1' : 'agreement';
    const value = accuracyOf(record.result, key);
    if (value === null) continue;
    out.set(sha, { text: formatPercent(value, 2), title: `${ACCURACY_LABELS[key]} on dataset ${record.datasetId} (evaluated ${record.createdAt.slice(0, 10)})` });
  }
  return out;
}

function statusOf(input: GridInput): GridCell['status'] {
  const run = input.summary;
  if (input.state === 'queued') return { kind: 'queued', text: 'queued' };
  if (input.state === 'running') return { kind: 'running', text: `running ${formatPercent(input.fraction ?? 0, 0)}` };
  if (input.state === 'skipped') return { kind: 'skipped', text: 'not run (job cancelled)' };
  if (input.state === 'cancelled') return { kind: 'cancelled', text: 'cancelled' };
  if (input.state === 'failed') {
    const reason = input.failure ? `: ${input.failure}` : '';
    return { kind: 'failed', text: run ? `failed, samples kept (partial run)${reason}` : `failed${reason}` };
  }
  if (run?.status === 'partial') return { kind: 'partial', text: 'partial: stopped early, samples kept' };
  return { kind: 'completed', text: run ? 'completed' : 'finished, run not listed yet' };
}

/** The accelerator badge: what ran (or that nothing was reported of what was asked), and the op placement with its source. */
export function acceleratorCell(accelerator: RunAcceleratorSummary): NonNullable<GridCell['accelerator']> {
  const missing = accelerator.used.length === 0;
  const text = missing ? `${accelerator.requested.join(', ')}: nothing reported` : accelerator.used.join(', ');
  const ops = accelerator.ops === undefined ? null : acceleratorOpsText(accelerator.ops);
  return { text, ops, missing, title: `Asked for ${accelerator.requested.join(', ') || 'nothing'}; ran on ${accelerator.used.join(', ') || 'nothing reported'}.${ops === null ? ' Op placement not reported.' : ` ${ops}.`}` };
}

/** A guess is never shown as a measurement: guessed sizes first (they change what was measured), then an unstable verdict. */
function cautionOf(run: RunSummary): GridCell['caution'] {
  const guessed = run.guessedInputs ?? [];
  if (guessed.length > 0) {
    return { text: 'INPUT SIZES GUESSED', title: `The runner guessed sizes of ${guessed.map((name) => `'${name}'`).join(', ')}: this times a guess. Give the sizes under Input sizes on the Models page and run it again.` };
  }
  if (run.verdict === 'unstable') return { text: 'unstable', title: `The run's verdict is unstable (${run.warnings} warning${run.warnings === 1 ? '' : 's'}); open the run for why.` };
  return null;
}

function ciOf(run: RunSummary): GridCell['ci'] {
  if (run.betweenRun) {
    const ci = run.betweenRun.ci95;
    return ci ? { text: formatMsRange(ci.low, ci.high), kind: 'between-run' } : { text: `too few repeats (${run.betweenRun.repeats}) for a CI`, kind: 'between-run' };
  }
  return run.medianCi95 ? { text: formatMsRange(run.medianCi95.low, run.medianCi95.high), kind: 'within-run' } : { text: NOT_MEASURED, kind: null };
}

function ciRange(run: RunSummary | undefined): { low: number; high: number } | null {
  if (!run) return null;
  return run.betweenRun ? run.betweenRun.ci95 : (run.medianCi95 ?? null);
}

function cellOf(input: GridInput, key: string, accuracy: Map<string, { text: string; title: string }>): GridCell {
  const run = input.summary;
  const measured = run !== undefined && run.count > 0;
  const p99 = measured && run.p99 !== undefined ? percentileCell('p99', run.p99, run.count) : null;
  return {
    key,
    runId: run?.id ?? null,
    status: statusOf(input),
    medianMs: measured ? run.median : null,
    median: measured ? summaryMedianText(run) : NOT_MEASURED,
    ci: measured ? ciOf(run) : { text: NOT_MEASURED, kind: null },
    p99: p99 ? { text: p99.text, title: p99.title } : { text: NOT_MEASURED, title: 'This run file does not record a p99.' },
    // A board that reports no memory writes 0, and a simulated board's figure is an estimate: neither is a measurement.
    peakRss: run ? summaryMemoryText(run).text : NOT_MEASURED,
    size: run?.modelSizeBytes !== undefined ? formatBytes(run.modelSizeBytes) : NOT_MEASURED,
    accuracy: accuracy.get(input.modelSha256) ?? { text: NOT_MEASURED, title: 'No evaluation of this model yet (Accuracy page).' },
    ...(run?.energy ? { energy: energyCell(run.energy) } : {}),
    ...(run?.accelerator ? { accelerator: acceleratorCell(run.accelerator) } : {}),
    caution: measured ? cautionOf(run) : null,
    speedup: null,
    speedupText: '',
    tone: 'none',
    level: 0,
  };
}

/** Colours a cell against the baseline; overlapping 95 % CIs read "similar", not faster or slower. */
function compare(cell: GridCell, baseline: GridCell, cellCi: { low: number; high: number } | null, baseCi: { low: number; high: number } | null): GridCell {
  if (cell.key === baseline.key) return { ...cell, tone: 'baseline', speedup: 1, speedupText: 'baseline' };
  if (cell.medianMs === null || baseline.medianMs === null || cell.medianMs <= 0) return cell;
  const speedup = baseline.medianMs / cell.medianMs;
  const overlap = cellCi !== null && baseCi !== null && cellCi.low <= baseCi.high && baseCi.low <= cellCi.high;
  const same = Math.abs(speedup - 1) < 0.005;
  const tone: CellTone = overlap || same ? 'similar' : speedup > 1 ? 'faster' : 'slower';
  const text = formatSpeedup(speedup);
  return {
    ...cell,
    speedup,
    speedupText: overlap && !same ? `${text} (CIs overlap)` : text,
    tone,
    level: tone === 'similar' ? 0 : Math.min(1, Math.abs(Math.log2(speedup)) / 2),
  };
}

/**
 * The grid for a job's cells. `baselineKey` is the cell the user picked; when absent or gone, the
 * first cell of the first row is the baseline.
 */
export function buildResultsGrid(inputs: readonly GridInput[], accuracy: Map<string, { text: string; title: string }>, baselineKey: string | null): ResultsGrid {
  const targets = new Set(inputs.map((i) => i.targetName));
  const runtimes = new Set(inputs.map((i) => i.runtime));
  const threads = new Set(inputs.map((i) => i.threads));
  const cpus = new Set(inputs.map((i) => i.cpus));
  const axes: ResultsGrid['axes'] = [];
  if (targets.size > 1) axes.push('target');
  if (runtimes.size > 1) axes.push('runtime');
  if (threads.size > 1) axes.push('threads');
  if (cpus.size > 1) axes.push('cpus');

  const columns = new Map<string, GridColumn>();
  const rows = new Map<string, { key: string; cellPrefix: string; label: string; networkId: string | null; byColumn: Map<string, GridInput> }>();
  for (const input of inputs) {
    const cKey = columnKey(input);
    if (!columns.has(cKey)) {
      const parts: string[] = [];
      if (axes.includes('target')) parts.push(input.targetName);
      if (axes.includes('runtime')) parts.push(runtimeText(input));
      if (axes.includes('threads')) parts.push(formatThreads(input.threads));
      const pinned = input.cpus !== undefined ? ` · ${cpusText(input.cpus)}` : '';
      // A pinned cell always says its CPUs (beside threads), even where every cell has the same selection.
      if (input.cpus !== undefined && (axes.includes('cpus') || parts.length > 0)) parts.push(cpusText(input.cpus));
      const label = parts.length > 0 ? parts.join(' · ') : `${input.targetName} · ${runtimeText(input)} · ${formatThreads(input.threads)}${pinned}`;
      columns.set(cKey, { key: cKey, label });
    }
    const rKey = rowKey(input);
    const row = rows.get(rKey) ?? { key: rKey, cellPrefix: rowKeyPart(input), label: input.network ? input.network.name : input.modelLabel, networkId: input.network?.id ?? null, byColumn: new Map<string, GridInput>() };
    // A cell run twice in one job (it cannot be today) keeps its first run.
    if (!row.byColumn.has(cKey)) row.byColumn.set(cKey, input);
    rows.set(rKey, row);
  }

  const columnList = [...columns.values()];
  const built = [...rows.values()].map((row) => ({
    key: row.key,
    label: row.label,
    networkId: row.networkId,
    cells: columnList.map((column) => {
      const input = row.byColumn.get(column.key);
      return input ? { input, cell: cellOf(input, `${row.cellPrefix}${KEY_SEPARATOR}${column.key}`, accuracy) } : null;
    }),
  }));
  const all = built.flatMap((row) => row.cells.filter((c): c is NonNullable<typeof c> => c !== null));
  const base = all.find((c) => c.cell.key === baselineKey) ?? built[0]?.cells.find((c) => c !== null) ?? null;
  const baseCi = ciRange(base?.input.summary);
  return {
    columns: columnList,
    axes,
    baselineKey: base?.cell.key ?? null,
    baselineNote: base && base.cell.medianMs === null ? 'The baseline cell has no measured median yet: pick another baseline to see speedups.' : null,
    rows: built.map((row) => ({
      key: row.key,
      label: row.label,
      networkId: row.networkId,
      cells: row.cells.map((c) => (c === null ? null : base ? compare(c.cell, base.cell, ciRange(c.input.summary), baseCi) : c.cell)),
    })),
  };
}

/** "demo-mnist (int8 dynamic)": the variant joins the name unless the name already says it. */
export function modelLabelOf(name: string, variant: string): string {
  if (variant === 'float' || name.includes(variant)) return name;
  return `${name} (${variant})`;
}

/** The model's format and, for a format of a linked network, that network: its formats then share one row. */
function formatOf(model: ModelEntry | undefined, networks: readonly NetworkEntry[]): Pick<GridInput, 'format' | 'network'> {
  if (!model) return {};
  const network = networkOf(networks, model.id);
  return { format: model.info.format, ...(network ? { network: { id: network.id, name: network.name } } : {}) };
}

/** The grid's inputs for a job: the live job's cells when it runs in this window, else its runs in the workspace. */
export function gridInputs(job: JobView | null, jobId: string, runs: readonly RunSummary[], models: readonly ModelEntry[], networks: readonly NetworkEntry[] = []): GridInput[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const bySha = new Map(models.map((m) => [m.info.sha256, m]));
  if (job && job.jobId === jobId) {
    const modelsById = new Map(models.map((m) => [m.id, m]));
    return job.cells.map((cell, i) => {
      const state = job.cellStates[i] ?? { state: 'queued' as const };
      const runId = state.state === 'done' ? state.runId : state.state === 'failed' ? state.partialRunId : undefined;
      const summary = runId !== undefined ? byId.get(runId) : undefined;
      const model = modelsById.get(cell.modelId);
      return {
        modelSha256: model?.info.sha256 ?? summary?.modelSha256 ?? '',
        modelLabel: model ? modelLabelOf(model.name, model.variant) : summary ? modelLabelOf(summary.modelName, summary.variant) : cell.modelName,
        targetName: cell.targetName,
        runtime: cell.runtime,
        threads: cell.threads,
        ...(cell.cpus !== undefined ? { cpus: cell.cpus } : {}),
        state: state.state,
        ...(state.state === 'running' ? { fraction: state.fraction } : {}),
        ...(state.state === 'failed' ? { failure: state.error.message } : {}),
        ...(summary ? { summary } : {}),
        ...formatOf(model ?? (summary ? bySha.get(summary.modelSha256) : undefined), networks),
      };
    });
  }
  return runs
    .filter((r) => r.jobId === jobId)
    .sort((a, b) => (a.jobCell?.cell ?? 0) - (b.jobCell?.cell ?? 0) || a.createdAt.localeCompare(b.createdAt))
    .map((summary) => ({
      modelSha256: summary.modelSha256,
      modelLabel: modelLabelOf(summary.modelName, summary.variant),
      targetName: summary.targetName,
      runtime: summary.runtimeName ?? summary.runtime.split(' ')[0] ?? summary.runtime,
      threads: summary.threads,
      ...(summary.cpus !== undefined ? { cpus: summary.cpus } : {}),
      // A saved run is done (a partial one says so through its status).
      state: 'done' as const,
      summary,
      ...formatOf(bySha.get(summary.modelSha256), networks),
    }));
}

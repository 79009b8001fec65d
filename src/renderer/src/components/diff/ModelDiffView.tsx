import { useMemo, useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import { diffModels, type ModelDiff } from '../../../../shared/graph/diff';
import type { ModelGraph } from '../../../../shared/model-graph';
import { modelVariantLabel } from '../../../../shared/variants';
import { formatCount } from '../../format';
import { formatBytes } from '../../../../shared/units';
import { GraphView } from '../graph/GraphView';
import { modelDiffOverlay, nodeDiffText, sortNodeRows, type DiffSideName, type NodeSortKey } from './diff-view';
import { SortHeader } from './SortHeader';
import { errorText, useModelGraph } from './useModelGraph';

/** Rows drawn at once: a 5,000-node model's table stays quick; the filter and sort still cover all. */
const MAX_ROWS = 1000;

const signed = (value: number, text: (n: number) => string): string => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${text(Math.abs(value))}`;

function Summary({ diff }: { diff: ModelDiff }) {
  const s = diff.summary;
  const items: Array<[string, string, string]> = [
    ['Nodes', `${formatCount(s.nodesA)} → ${formatCount(s.nodesB)}`, 'nodes'],
    ['Same', formatCount(s.same), 'same'],
    ['Changed', formatCount(s.changed), 'changed'],
    ['Precision changed', formatCount(s.precisionChanged), 'precision'],
    ['Added', `${formatCount(s.added)} (${formatCount(s.addedForQuantization)} for quantization)`, 'added'],
    ['Removed', `${formatCount(s.removed)} (${formatCount(s.folded)} folded${s.removedForQuantization > 0 ? `, ${formatCount(s.removedForQuantization)} for quantization` : ''})`, 'removed'],
  ];
  if (s.parametersDelta !== null) items.push(['Parameters', signed(s.parametersDelta, formatCount), 'params']);
  if (s.sizeDeltaBytes !== null) items.push(['Size', signed(s.sizeDeltaBytes, formatBytes), 'size']);
  return (
    <dl className="diff-summary" data-testid="diff-summary">
      {items.map(([label, value, key]) => (
        <div key={key} data-testid={`diff-summary-${key}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function NodeTable({ diff, nameOfB, onShow }: { diff: ModelDiff; nameOfB: (id: string) => string; onShow: (side: DiffSideName) => void }) {
  const [sortKey, setSortKey] = useState<NodeSortKey>('status');
  const [descending, setDescending] = useState(false);
  const [changedOnly, setChangedOnly] = useState(true);
  const rows = useMemo(() => {
    const sorted = sortNodeRows(diff.nodes, sortKey, changedOnly);
    return descending ? sorted.reverse() : sorted;
  }, [diff, sortKey, descending, changedOnly]);
  const sort = (key: NodeSortKey): void => {
    setDescending(key === sortKey ? !descending : false);
    setSortKey(key);
  };
  return (
    <div>
      <div className="diff-table-tools">
        <label>
          <input type="checkbox" data-testid="diff-changed-only" checked={changedOnly} onChange={(e) => setChangedOnly(e.currentTarget.checked)} /> Changed only
        </label>
        <span className="muted" data-testid="diff-row-count">
          {rows.length > MAX_ROWS ? `first ${formatCount(MAX_ROWS)} of ${formatCount(rows.length)} rows` : `${formatCount(rows.length)} rows`}
        </span>
      </div>
      <div className="diff-table-wrap">
        <table className="table compact" data-testid="diff-table">
          <thead>
            <tr>
              <SortHeader label="Status" sortKey="status" current={sortKey} descending={descending} onSort={sort} testIdPrefix="diff-sort" />
              <SortHeader label="Node" sortKey="name" current={sortKey} descending={descending} onSort={sort} testIdPrefix="diff-sort" />
              <SortHeader label="Op" sortKey="op" current={sortKey} descending={descending} onSort={sort} testIdPrefix="diff-sort" />
              <th>What changed</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((node) => (
              <tr key={`${node.a ?? ''}|${node.b ?? ''}`} data-testid="diff-row" data-status={node.status} data-node-a={node.a ?? undefined} data-node-b={node.b ?? undefined}>
                <td className={`diff-status diff-status-${node.status}`}>{node.status}</td>
                <td className="node-name" title={node.name}>
                  <button type="button" className="diff-link" onClick={() => onShow(node.b === null ? 'a' : 'b')}>
                    <code>{node.name}</code>
                  </button>
                </td>
                <td>{node.op}</td>
                <td>{nodeDiffText(node, { b: nameOfB })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Loaded({ a, b, graphA, graphB }: { a: ModelEntry; b: ModelEntry; graphA: ModelGraph; graphB: ModelGraph }) {
  const diff = useMemo(
    () => diffModels({ graph: graphA, parameters: a.info.parameters, sizeBytes: a.info.sizeBytes }, { graph: graphB, parameters: b.info.parameters, sizeBytes: b.info.sizeBytes }),
    [a, b, graphA, graphB],
  );
  const [side, setSide] = useState<DiffSideName>('b');
  const namesB = useMemo(() => new Map(graphB.nodes.map((n) => [n.id, n.name || n.id])), [graphB]);
  const nameOfB = (id: string): string => namesB.get(id) ?? id;
  const labels = useMemo(() => ({ a: modelVariantLabel(a), b: modelVariantLabel(b) }), [a, b]);
  const overlay = useMemo(() => modelDiffOverlay(diff, side, labels, (id) => namesB.get(id) ?? id), [diff, side, labels, namesB]);
  return (
    <div data-testid="model-diff">
      <Summary diff={diff} />
      <NodeTable diff={diff} nameOfB={nameOfB} onShow={setSide} />
      <div className="diff-graph">
        <GraphView
          graph={side === 'a' ? graphA : graphB}
          overlay={overlay}
          toolbar={
            <span role="group" aria-label="Graph shown">
              {(['a', 'b'] as const).map((key) => (
                <button key={key} type="button" className={`button tiny${side === key ? ' active' : ''}`} aria-pressed={side === key} data-testid={`diff-graph-${key}`} onClick={() => setSide(key)}>
                  {key === 'a' ? `A: ${labels.a}` : `B: ${labels.b}`}
                </button>
              ))}
            </span>
          }
        />
      </div>
    </div>
  );
}

/** Two models' graphs diffed: summary, a sortable table of nodes, and the diff drawn on either graph. */
export function ModelDiffView({ a, b }: { a: ModelEntry; b: ModelEntry }) {
  const graphA = useModelGraph(a.id);
  const graphB = useModelGraph(b.id);
  const failed = graphA.error ?? graphB.error;
  if (failed) {
    return (
      <p className="graph-error" role="alert" data-testid="diff-error">
        {errorText(failed)}
      </p>
    );
  }
  if (!graphA.data || !graphB.data) {
    return (
      <p className="muted" data-testid="diff-loading">
        Reading both models&apos; graphs…
      </p>
    );
  }
  return <Loaded a={a} b={b} graphA={graphA.data} graphB={graphB.data} />;
}

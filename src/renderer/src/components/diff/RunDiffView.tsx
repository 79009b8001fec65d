import { useMemo, useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import { diffModels } from '../../../../shared/graph/diff';
import { diffRuns, runDiffProblem, type RunDiff } from '../../../../shared/graph/run-diff';
import type { ModelGraph } from '../../../../shared/model-graph';
import type { RunFile } from '../../../../shared/run-schema';
import { useModels } from '../../data/queries';
import { formatCount, formatUs } from '../../format';
import { formatMs } from '../../../../shared/units';
import { distinctRunLabels } from '../../run-label';
import { GraphView } from '../graph/GraphView';
import { deltaText, runDiffOverlay, signedPercent, sortRunRows, type DiffSideName, type RunSortKey } from './diff-view';
import { SortHeader } from './SortHeader';
import { errorText, useModelGraph } from './useModelGraph';

const MAX_ROWS = 1000;

function Summary({ diff, labels }: { diff: RunDiff; labels: { a: string; b: string } }) {
  const ratio = diff.medianMs.a > 0 ? diff.medianMs.b / diff.medianMs.a : null;
  const items: Array<[string, string, string]> = [
    ['Median A', formatMs(diff.medianMs.a), 'median-a'],
    ['Median B', formatMs(diff.medianMs.b), 'median-b'],
    ['B / A', ratio === null ? '—' : `${ratio.toFixed(2)}×`, 'ratio'],
    ['Profiled (runtime)', `${formatMs(diff.profiledMs.a)} → ${formatMs(diff.profiledMs.b)}`, 'profiled'],
    ['Nodes in both', formatCount(diff.rows.length - diff.onlyInA - diff.onlyInB), 'both'],
    ['Only in A / only in B', `${formatCount(diff.onlyInA)} / ${formatCount(diff.onlyInB)}`, 'only'],
  ];
  return (
    <>
      <dl className="diff-summary" data-testid="diff-summary">
        {items.map(([label, value, key]) => (
          <div key={key} data-testid={`diff-summary-${key}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        A: {labels.a}. B: {labels.b}. Times are onnxruntime&apos;s per-node means over each run&apos;s profiled runs; a layer&apos;s time includes the QuantizeLinear/DequantizeLinear kernels that feed it.
        {diff.throughModelDiff ? ' The runs are of different models: their nodes were matched through the model diff.' : ' Nodes were matched by name.'} A run file keeps
        its 200 slowest kernels, so a fast node may be timed in one run only.
      </p>
    </>
  );
}

function RunTable({ diff }: { diff: RunDiff }) {
  const [byOp, setByOp] = useState(false);
  const [sortKey, setSortKey] = useState<RunSortKey>('delta');
  const [descending, setDescending] = useState(true);
  const [changedOnly, setChangedOnly] = useState(false);
  const rows = useMemo(() => {
    const source = byOp
      ? diff.byOp.map((g) => ({ name: g.op, op: g.op, aNode: null, bNode: null, aUs: g.aUs, bUs: g.bUs, aQdqUs: 0, bQdqUs: 0, deltaUs: g.deltaUs, relative: g.relative, nodes: `${g.nodesA} / ${g.nodesB}` }))
      : diff.rows.map((r) => ({ ...r, nodes: '' }));
    return sortRunRows(source, sortKey, descending, changedOnly) as typeof source;
  }, [diff, byOp, sortKey, descending, changedOnly]);
  const sort = (key: RunSortKey): void => {
    setDescending(key === sortKey ? !descending : key === 'delta' || key === 'relative' || key === 'a' || key === 'b');
    setSortKey(key);
  };
  const header = (label: string, key: RunSortKey, numeric = false) => (
    <SortHeader label={label} sortKey={key} current={sortKey} descending={descending} onSort={sort} numeric={numeric} testIdPrefix="diff-sort" />
  );
  return (
    <div>
      <div className="diff-table-tools">
        <span role="group" aria-label="Rows">
          <button type="button" className={`button tiny${!byOp ? ' active' : ''}`} aria-pressed={!byOp} data-testid="diff-by-node" onClick={() => setByOp(false)}>
            Per node
          </button>
          <button type="button" className={`button tiny${byOp ? ' active' : ''}`} aria-pressed={byOp} data-testid="diff-by-op" onClick={() => setByOp(true)}>
            Per op type
          </button>
        </span>
        <label>
          <input type="checkbox" data-testid="diff-changed-only" checked={changedOnly} onChange={(e) => setChangedOnly(e.currentTarget.checked)} /> Changed by 5 % or more only
        </label>
        <span className="muted" data-testid="diff-row-count">
          {rows.length > MAX_ROWS ? `first ${formatCount(MAX_ROWS)} of ${formatCount(rows.length)} rows` : `${formatCount(rows.length)} rows`}
        </span>
      </div>
      <div className="diff-table-wrap">
        <table className="table compact" data-testid="diff-table">
          <thead>
            <tr>
              {header(byOp ? 'Op type' : 'Node', 'name')}
              {!byOp && header('Op', 'op')}
              {byOp && <th className="num">Nodes A / B</th>}
              {header('A', 'a', true)}
              {header('B', 'b', true)}
              {header('Delta', 'delta', true)}
              {header('Relative', 'relative', true)}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((row) => (
              <tr key={`${row.name}|${row.aNode ?? ''}|${row.bNode ?? ''}`} data-testid="diff-row" data-delta-us={row.deltaUs ?? undefined} data-name={row.name}>
                <td className="node-name" title={row.name}>
                  <code>{row.name}</code>
                </td>
                {!byOp && <td>{row.op}</td>}
                {byOp && <td className="num">{row.nodes}</td>}
                <td className="num">{row.aUs === null ? '—' : formatUs(row.aUs)}</td>
                <td className="num">
                  {row.bUs === null ? '—' : formatUs(row.bUs)}
                  {row.bQdqUs > 0 && <span className="muted"> (Q/DQ {formatUs(row.bQdqUs)})</span>}
                </td>
                <td className={`num ${row.deltaUs === null ? '' : row.deltaUs > 0 ? 'diff-delta-slower' : 'diff-delta-faster'}`}>{row.deltaUs === null ? deltaText(row) : deltaText({ ...row, relative: null })}</td>
                <td className="num">{row.relative === null ? '—' : signedPercent(row.relative)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

const modelOf = (run: RunFile, models: readonly ModelEntry[]): ModelEntry | null => models.find((m) => m.info.sha256 === run.model.sha256) ?? null;

function Loaded({ runA, runB, graphA, graphB }: { runA: RunFile; runB: RunFile; graphA: ModelGraph | null; graphB: ModelGraph | null }) {
  const sameModel = runA.model.sha256 === runB.model.sha256;
  const diff = useMemo(() => {
    const modelDiff = !sameModel && graphA && graphB ? diffModels({ graph: graphA, parameters: null, sizeBytes: null }, { graph: graphB, parameters: null, sizeBytes: null }) : null;
    return diffRuns({ run: runA, graph: graphA }, { run: runB, graph: sameModel ? graphA : graphB }, modelDiff);
  }, [runA, runB, graphA, graphB, sameModel]);
  const [labelA, labelB] = distinctRunLabels([runA, runB]);
  const labels = useMemo(() => ({ a: `${labelA ?? runA.id} on ${runA.target.name}`, b: `${labelB ?? runB.id} on ${runB.target.name}` }), [labelA, labelB, runA, runB]);
  const [side, setSide] = useState<DiffSideName>('b');
  const overlay = useMemo(() => runDiffOverlay(diff, side, labels), [diff, side, labels]);
  const shown = side === 'a' ? graphA : (graphB ?? (sameModel ? graphA : null));
  return (
    <div data-testid="run-diff">
      <Summary diff={diff} labels={labels} />
      <RunTable diff={diff} />
      <div className="diff-graph">
        {shown ? (
          <GraphView
            graph={shown}
            overlay={overlay}
            toolbar={
              sameModel ? undefined : (
                <span role="group" aria-label="Graph shown">
                  {(['a', 'b'] as const).map((key) => (
                    <button key={key} type="button" className={`button tiny${side === key ? ' active' : ''}`} aria-pressed={side === key} data-testid={`diff-graph-${key}`} onClick={() => setSide(key)}>
                      {key === 'a' ? 'Graph of A' : 'Graph of B'}
                    </button>
                  ))}
                </span>
              )
            }
          />
        ) : (
          <p className="muted" data-testid="diff-no-graph">
            The graph is not drawn: this workspace does not have the model of run {side === 'a' ? 'A' : 'B'} (import it on the Models page to see the diff on its graph).
          </p>
        )}
      </div>
    </div>
  );
}

/** Two profiled runs diffed per op: summary, a sortable table (per node or per op type), and the deltas on the graph. */
export function RunDiffView({ runA, runB }: { runA: RunFile; runB: RunFile }) {
  const models = useModels();
  const modelA = modelOf(runA, models);
  const modelB = modelOf(runB, models);
  const graphA = useModelGraph(modelA?.id ?? null);
  const graphB = useModelGraph(modelB?.id ?? null);
  const problem = runDiffProblem(runA, runB);
  if (problem) {
    return (
      <p className="graph-error" role="alert" data-testid="diff-error">
        {problem}
      </p>
    );
  }
  const pending = (modelA !== null && graphA.isPending && !graphA.error) || (modelB !== null && graphB.isPending && !graphB.error);
  if (pending) {
    return (
      <p className="muted" data-testid="diff-loading">
        Reading the models&apos; graphs…
      </p>
    );
  }
  const failed = graphA.error ?? graphB.error;
  return (
    <>
      {failed && (
        <p className="muted" data-testid="diff-graph-problem">
          {errorText(failed)} Nodes are matched by the profile&apos;s own names.
        </p>
      )}
      <Loaded runA={runA} runB={runB} graphA={graphA.data ?? null} graphB={graphB.data ?? null} />
    </>
  );
}

import { percentileSupported, type RunSummary } from '../../../shared/run-schema';
import { MAX_COMPARED_RUNS } from '../colors';
import { formatDate, formatMb, formatMs } from '../format';
import { betweenRunCiText, betweenRunTitle } from '../repeats-view';
import { TOO_FEW_SAMPLES } from '../stats-view';
import { PartialBadge } from './run/RunHeader';

interface Props {
  runs: RunSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Runs ticked for comparison. */
  picked: readonly string[];
  onPick: (ids: string[]) => void;
  onCompare: () => void;
}

export function RunsTable({ runs, selectedId, onSelect, picked, onPick, onCompare }: Props) {
  if (runs.length === 0) {
    return (
      <div className="empty small" data-testid="runs-empty">
        <p>No runs yet. Tick a model above and press <strong>Start</strong>.</p>
      </div>
    );
  }
  const full = picked.length >= MAX_COMPARED_RUNS;
  const toggle = (id: string, on: boolean): void => onPick(on ? [...picked, id] : picked.filter((p) => p !== id));
  return (
    <div className="card list-card">
      <div className="table-toolbar">
        <span className="muted">
          {picked.length === 0
            ? 'Tick runs to compare them side by side.'
            : `${picked.length} picked${full ? ` (at most ${MAX_COMPARED_RUNS})` : ''}`}
        </span>
        {picked.length > 0 && (
          <button type="button" className="button tiny" onClick={() => onPick([])} data-testid="compare-clear">
            Clear
          </button>
        )}
        <button type="button" className="button primary" disabled={picked.length < 2} onClick={onCompare} data-testid="compare-button" title="Needs two runs or more">
          Compare ({picked.length})
        </button>
      </div>
      <table className="table selectable">
        <thead>
          <tr>
            <th aria-label="Compare" />
            <th>Date</th>
            <th>Model</th>
            <th>Target</th>
            <th>Runtime</th>
            <th className="num">Threads</th>
            <th className="num">Median</th>
            <th className="num">p90</th>
            <th className="num" title="95% CI of the median across fresh runs (Repeats)">Between-run CI</th>
            <th className="num">Runs</th>
            <th className="num">Peak RSS</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const isPicked = picked.includes(run.id);
            return (
              <tr
                key={run.id}
                className={run.id === selectedId ? 'selected' : undefined}
                data-testid="run-row"
                data-run-id={run.id}
                data-status={run.status}
                tabIndex={0}
                aria-selected={run.id === selectedId}
                onClick={() => onSelect(run.id)}
                onKeyDown={(event) => event.key === 'Enter' && onSelect(run.id)}
              >
                <td className="pick-cell" onClick={(event) => event.stopPropagation()}>
                  <input
                    type="checkbox"
                    aria-label="Pick for comparison"
                    checked={isPicked}
                    disabled={!isPicked && full}
                    data-testid="run-pick"
                    onChange={(event) => toggle(run.id, event.currentTarget.checked)}
                  />
                </td>
                <td>{formatDate(run.createdAt)}</td>
                <td>
                  {run.modelName}
                  {run.variant !== 'float' && <span className="tag">{run.variant}</span>}
                </td>
                <td>{run.targetName}</td>
                <td>
                  {run.runtime} <span className="muted">{run.runtimeBackend}</span>
                </td>
                <td className="num">{run.threads === 0 ? 'auto' : run.threads}</td>
                <td className="num">{formatMs(run.median)}</td>
                <td className="num">{percentileSupported('p90', run.count) ? formatMs(run.p90) : <span className="too-few">{TOO_FEW_SAMPLES}</span>}</td>
                <td className={`num${run.betweenRun ? (run.betweenRun.disagree ? ' disagree' : '') : ' muted'}`} data-stat="between-run-ci" title={betweenRunTitle(run)}>
                  {betweenRunCiText(run.betweenRun)}
                </td>
                <td className="num">{run.count.toLocaleString('en-US')}</td>
                <td className="num">{formatMb(run.peakRssBytes)}</td>
                <td>
                  <span className={`verdict verdict-${run.verdict} small`} title={`${run.warnings} warning${run.warnings === 1 ? '' : 's'}`}>
                    {run.verdict}
                  </span>
                  {run.status === 'partial' && <PartialBadge small />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

import { Fragment, useState } from 'react';
import { percentileSupported, type RunSummary } from '../../../shared/run-schema';
import { MAX_COMPARED_RUNS } from '../../../shared/run-colors';
import { useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { formatDate } from '../format';
import { betweenRunCiText, betweenRunTitle } from '../repeats-view';
import { filterRuns, groupRuns, NO_RUNS_FILTER, RUN_GROUPINGS, RUN_STATUS_FILTERS, runTargets, type RunGrouping, type RunsFilter } from '../runs-filter';
import { TOO_FEW_SAMPLES } from '../stats-view';
import { cpusLabelPart } from '../../../shared/cpu-pinning';
import { ConfirmRemove } from './housekeeping/ConfirmRemove';
import { formatMs } from '../../../shared/units';
import { PartialBadge } from './run/RunHeader';
import { summaryMedianText, summaryMemoryText } from '../simulated-view';

interface Props {
  runs: RunSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Runs ticked for comparison. */
  picked: readonly string[];
  onPick: (ids: string[]) => void;
  onCompare: () => void;
}

/** Without the CPUs column, which shows only when some run was pinned (unpinned workspaces read as before). */
const COLUMNS = 12;
const STATUS_TEXT: Record<RunsFilter['status'], string> = { all: 'Any status', completed: 'Completed', partial: 'Partial', unstable: 'Unstable verdict' };
const GROUP_TEXT: Record<RunGrouping, string> = { none: 'No grouping', job: 'Group by job', model: 'Group by model', target: 'Group by target' };

function runLabel(run: RunSummary): string {
  return `${run.modelName}${run.variant !== 'float' ? ` · ${run.variant}` : ''} on ${run.targetName} · ${run.runtime}${cpusLabelPart(run.cpus)}`;
}

export function RunsTable({ runs, selectedId, onSelect, picked, onPick, onCompare }: Props) {
  const [filter, setFilter] = useState<RunsFilter>(NO_RUNS_FILTER);
  const [grouping, setGrouping] = useState<RunGrouping>('none');
  const [removing, setRemoving] = useState<RunSummary[] | null>(null);
  const { mutateAsync: removeRuns } = useWorkspaceChange(workspaceChanges.removeRuns);
  if (runs.length === 0) {
    return (
      <div className="empty small" data-testid="runs-empty">
        <p>No runs yet. Tick a model above and press <strong>Start</strong>.</p>
      </div>
    );
  }
  const full = picked.length >= MAX_COMPARED_RUNS;
  const toggle = (id: string, on: boolean): void => onPick(on ? [...picked, id] : picked.filter((p) => p !== id));
  const shown = filterRuns(runs, filter);
  const groups = groupRuns(shown, grouping, formatDate);
  const targets = runTargets(runs);
  // Remove acts on the ticked runs, or on the open one when none is ticked.
  const toRemove = picked.length > 0 ? runs.filter((run) => picked.includes(run.id)) : runs.filter((run) => run.id === selectedId);
  const pinned = runs.some((run) => run.cpus !== undefined);
  const columns = COLUMNS + (pinned ? 1 : 0);
  const filtered = filter.query !== '' || filter.status !== 'all' || filter.target !== null;
  return (
    <div className="card list-card">
      <div className="table-toolbar runs-filters" data-testid="runs-filters">
        <input
          type="search"
          placeholder="Search model, variant, target, runtime"
          aria-label="Search runs"
          value={filter.query}
          data-testid="runs-search"
          onChange={(event) => setFilter({ ...filter, query: event.currentTarget.value })}
        />
        <select aria-label="Status" value={filter.status} data-testid="runs-status" onChange={(event) => setFilter({ ...filter, status: event.currentTarget.value as RunsFilter['status'] })}>
          {RUN_STATUS_FILTERS.map((status) => (
            <option key={status} value={status}>
              {STATUS_TEXT[status]}
            </option>
          ))}
        </select>
        <select aria-label="Target" value={filter.target ?? ''} data-testid="runs-target" onChange={(event) => setFilter({ ...filter, target: event.currentTarget.value || null })}>
          <option value="">Every target</option>
          {targets.map((target) => (
            <option key={target} value={target}>
              {target}
            </option>
          ))}
        </select>
        <select aria-label="Group" value={grouping} data-testid="runs-group" onChange={(event) => setGrouping(event.currentTarget.value as RunGrouping)}>
          {RUN_GROUPINGS.map((by) => (
            <option key={by} value={by}>
              {GROUP_TEXT[by]}
            </option>
          ))}
        </select>
        {filtered && (
          <span className="muted" data-testid="runs-shown">
            {shown.length} of {runs.length} runs
          </span>
        )}
      </div>
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
        <button
          type="button"
          className="button danger"
          disabled={toRemove.length === 0}
          onClick={() => setRemoving(toRemove)}
          data-testid="runs-remove"
          title={picked.length > 0 ? 'Remove the ticked runs' : 'Remove the open run'}
        >
          {picked.length > 0 ? `Remove (${picked.length})…` : 'Remove run…'}
        </button>
        <button type="button" className="button primary" disabled={picked.length < 2} onClick={onCompare} data-testid="compare-button" title="Needs two runs or more">
          Compare ({picked.length})
        </button>
      </div>
      <table className="table selectable runs-table">
        <thead>
          <tr>
            <th aria-label="Compare" />
            <th>Date</th>
            <th>Model</th>
            <th>Target</th>
            <th>Runtime</th>
            <th className="num">Threads</th>
            {pinned && <th title="The CPUs the run was pinned to (--cpus); — for a run that was not pinned">CPUs</th>}
            <th className="num">Median</th>
            <th className="num">p90</th>
            <th className="num" title="95% CI of the median across fresh runs (Repeats)">Between-run CI</th>
            <th className="num">Runs</th>
            <th className="num">Peak RSS</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={columns} className="muted" data-testid="runs-none-match">
                No run matches the search and filters.{' '}
                <button type="button" className="button tiny" onClick={() => setFilter(NO_RUNS_FILTER)}>
                  Show every run
                </button>
              </td>
            </tr>
          )}
          {groups.map((group) => (
            <Fragment key={group.key}>
              {grouping !== 'none' && (
                <tr className="group-row" data-testid="runs-group-row">
                  <th colSpan={columns} scope="colgroup">
                    {group.label}
                    <span className="muted">
                      {group.runs.length} run{group.runs.length === 1 ? '' : 's'}
                    </span>
                  </th>
                </tr>
              )}
              {group.runs.map((run) => {
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
                    {pinned && (
                      <td className={run.cpus === undefined ? 'muted' : undefined} data-stat="cpus" title={run.cpus === undefined ? 'Not pinned' : undefined}>
                        {run.cpus ?? '—'}
                      </td>
                    )}
                    <td className="num">{summaryMedianText(run)}</td>
                    <td className="num">{percentileSupported('p90', run.count) ? formatMs(run.p90) : <span className="too-few">{TOO_FEW_SAMPLES}</span>}</td>
                    <td className={`num${run.betweenRun ? (run.betweenRun.disagree ? ' disagree' : '') : ' muted'}`} data-stat="between-run-ci" title={betweenRunTitle(run)}>
                      {betweenRunCiText(run.betweenRun)}
                    </td>
                    <td className="num">{run.count.toLocaleString('en-US')}</td>
                    <td className={`num${summaryMemoryText(run).muted ? ' muted' : ''}`} data-stat="peak-rss">
                      {summaryMemoryText(run).text}
                    </td>
                    <td>
                      <span className={`verdict verdict-${run.verdict} small`} title={`${run.warnings} warning${run.warnings === 1 ? '' : 's'}`}>
                        {run.verdict}
                      </span>
                      {run.status === 'partial' && <PartialBadge small />}
                    </td>
                  </tr>
                );
              })}
            </Fragment>
          ))}
        </tbody>
      </table>
      {removing && (
        <ConfirmRemove
          title={removing.length === 1 ? 'Remove this run?' : `Remove ${removing.length} runs?`}
          items={removing.map((run) => ({ key: run.id, label: runLabel(run), detail: `${formatDate(run.createdAt)} · ${run.id}` }))}
          onConfirm={async () => {
            const { removed } = await removeRuns({ ids: removing.map((run) => run.id) });
            onPick(picked.filter((id) => !removed.includes(id)));
          }}
          onClose={() => setRemoving(null)}
        >
          <p className="muted">Models, datasets and every other run stay.</p>
        </ConfirmRemove>
      )}
    </div>
  );
}

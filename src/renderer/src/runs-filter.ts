/** Search, filter and grouping of the Runs table: pure, so tested on plain summaries. */
import type { RunSummary } from '../../shared/run-schema';

/** "completed" / "partial" are a run's status; "unstable" is its verdict (warnings put its numbers in doubt). */
export const RUN_STATUS_FILTERS = ['all', 'completed', 'partial', 'unstable'] as const;
export type RunStatusFilter = (typeof RUN_STATUS_FILTERS)[number];

export const RUN_GROUPINGS = ['none', 'job', 'model', 'target'] as const;
export type RunGrouping = (typeof RUN_GROUPINGS)[number];

export interface RunsFilter {
  /** Words that must each appear in the model, variant, target or runtime (any case). */
  query: string;
  status: RunStatusFilter;
  /** A target's name, or null for every target. */
  target: string | null;
}

export const NO_RUNS_FILTER: RunsFilter = { query: '', status: 'all', target: null };

function searchText(run: RunSummary): string {
  return [run.modelName, run.variant, run.targetName, run.runtime, run.runtimeBackend].join(' ').toLowerCase();
}

export function filterRuns(runs: readonly RunSummary[], filter: RunsFilter): RunSummary[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  return runs.filter((run) => {
    if (filter.target !== null && run.targetName !== filter.target) return false;
    if (filter.status === 'unstable' ? run.verdict !== 'unstable' : filter.status !== 'all' && run.status !== filter.status) return false;
    if (words.length === 0) return true;
    const text = searchText(run);
    return words.every((word) => text.includes(word));
  });
}

/** The targets runs were made on, for the target filter, in first-seen order. */
export function runTargets(runs: readonly RunSummary[]): string[] {
  return [...new Set(runs.map((run) => run.targetName))];
}

export interface RunGroup {
  key: string;
  /** The heading row: "Job of 12 May, 14:02", "demo-mnist · int8 dynamic", "Raspberry Pi 5". */
  label: string;
  runs: RunSummary[];
}

/**
 * Runs in groups, each group where its newest run stands in the list (the list is newest first),
 * runs inside a group in list order. A run of no job (an older file) groups under "Single runs".
 */
export function groupRuns(runs: readonly RunSummary[], by: RunGrouping, dateText: (iso: string) => string): RunGroup[] {
  if (by === 'none') return [{ key: 'all', label: '', runs: [...runs] }];
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const [key, label] =
      by === 'job'
        ? run.jobId === null
          ? ['single', 'Single runs (no job)']
          : [`job:${run.jobId}`, `Job of ${dateText(run.createdAt)}`]
        : by === 'model'
          ? [`model:${run.modelName}\u0000${run.variant}`, run.variant === 'float' ? run.modelName : `${run.modelName} · ${run.variant}`]
          : [`target:${run.targetName}`, run.targetName];
    const group = groups.get(key);
    if (group) group.runs.push(run);
    else groups.set(key, { key, label, runs: [run] });
  }
  return [...groups.values()];
}

/**
 * How the report sections word a run's between-run estimate (issue 12): the latency, comparison,
 * overview and verdict sections say it the same way. The figures are the run file's; nothing
 * here computes a statistic.
 */
import type { BetweenRunEstimate, RunFile } from '../../../shared/run-schema';
import type { Cell } from '../blocks';
import { formatMs } from '../../../shared/units';

export const NO_REPEATS = '—, no repeats';

/** "0.024 ms to 0.054 ms", as the latency table writes a CI. */
export function msRange(range: { low: number; high: number }): string {
  return `${formatMs(range.low)} to ${formatMs(range.high)}`;
}

export function acrossText(repeats: number): string {
  return `across ${repeats} fresh runs`;
}

/** The between-run CI as a table cell: its range, "too few repeats", or "—, no repeats" for a run of one process. */
export function betweenRunCell(run: Pick<RunFile, 'betweenRun'>): Cell {
  const b = run.betweenRun;
  if (!b) return { text: NO_REPEATS, tone: 'muted', title: 'One process: no between-run CI.' };
  if (!b.ci95) return { text: `too few repeats (${b.repeats})`, tone: 'muted', title: b.method };
  return { text: msRange(b.ci95), sort: b.ci95.high - b.ci95.low, title: `${acrossText(b.repeats)}; ${b.method}`, ...(b.disagree ? { tone: 'bad' as const } : {}) };
}

/** Whether any run of the report has repeats: the between-run columns are shown only then. */
export function anyBetweenRun(runs: ReadonlyArray<{ run: Pick<RunFile, 'betweenRun'> }>): boolean {
  return runs.some((entry) => entry.run.betweenRun !== undefined);
}

/** "the medians of 5 fresh runs range 1.40 ms to 2.77 ms" */
export function medianRangeText(b: BetweenRunEstimate): string {
  return `the medians of ${b.repeats} fresh runs range ${msRange({ low: b.rangeMs.min, high: b.rangeMs.max })}`;
}

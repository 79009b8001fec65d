/**
 * Report mode (--mode report), after MLPerf Tiny's performance rule: the model runs in
 * REPORT_MODE.windows windows of at least REPORT_MODE.minWindowMs each, and the latency reported
 * is the median of the windows' medians, which one disturbed window cannot move.
 *
 * In the run file:
 *   latencyMs            statistics over ALL samples of all windows (latencyMs.median included),
 *                        so percentiles and charts work as for any run;
 *   report.windows       each window's runs, measured time and median;
 *   report.medianOfWindowsMs  the median of the window medians: the "reported median" the UI and
 *                        the CLI show first for a report-mode run.
 *
 * --runs is each window's minimum number of runs (the window goes on until its minimum time is
 * also reached), and must be at least MIN_RUNS_PER_WINDOW. --min-time and --max-time are refused
 * in report mode: the windows' time is the rule's to set.
 */
import { REPORT_MODE } from '../../shared/bench-defaults';
import type { RunFile, RunWarning } from '../../shared/run-schema';
import { asSamples, median, sortSamples } from './stats';

export interface ReportModePlan {
  windows: number;
  minWindowMs: number;
}

export type RunReport = NonNullable<RunFile['report']>;

/** Fewer runs than this and a window's median would itself trigger the few-samples warning. */
export const MIN_RUNS_PER_WINDOW = REPORT_MODE.minRunsPerWindow;

export const DEFAULT_REPORT_PLAN: ReportModePlan = REPORT_MODE;


/**
 * The windows ONE runner process measures. With repeats, each repeat (a fresh process) measures
 * one window of the rule's minimum time and the run's report.windows are the repeats' windows;
 * without, the one process measures every window, as before repeats existed.
 */
export function processPlan(plan: ReportModePlan, repeats: number): ReportModePlan {
  return repeats > 1 ? { ...plan, windows: 1 } : plan;
}

/** The report block from each window's samples, in the order measured. */
export function summarizeWindows(windowsMs: ReadonlyArray<readonly number[]>): RunReport {
  const windows = windowsMs.map((samples) => ({
    runs: samples.length,
    durationMs: samples.reduce((sum, ms) => sum + ms, 0),
    medianMs: median(sortSamples(asSamples(samples))),
  }));
  return { windows, medianOfWindowsMs: median(sortSamples(asSamples(windows.map((w) => w.medianMs)))) };
}

/**
 * A warning when a window ended at the cap on measured runs before its minimum time: the run
 * is sound but does not meet the report rule's time per window.
 */
export function shortWindowWarning(report: RunReport, plan: ReportModePlan): RunWarning | undefined {
  const short = report.windows.filter((w) => w.durationMs < plan.minWindowMs);
  if (short.length === 0) return undefined;
  const shortest = Math.min(...short.map((w) => w.durationMs));
  return {
    code: 'report-window-short',
    message:
      `${short.length} of ${report.windows.length} report windows stopped at the cap on measured runs before reaching ` +
      `${plan.minWindowMs / 1000} s (the shortest measured ${(shortest / 1000).toFixed(2)} s): the model is so fast that a full window ` +
      'would hold too many samples to store. The medians are sound, but the run does not meet the report rule\'s time per window.',
  };
}

/**
 * Progress over all windows: runs done in finished windows plus the current one, out of an
 * estimate that assumes the windows still to come need as many runs as the current one.
 */
export function windowProgress(finishedRuns: number, windowIndex: number, plan: ReportModePlan, current: { completed: number; total: number }): { completed: number; total: number } {
  const remainingWindows = plan.windows - windowIndex;
  return { completed: finishedRuns + current.completed, total: finishedRuns + current.total * remainingWindows };
}

/**
 * One model across targets (issue 13 item 2), as data: each run becomes a point of a grouped bar
 * chart (grouped by target, one series per model and variant, or whatever else tells the runs
 * apart), with its headline median, that median's 95 % CI, and its peak memory when measured.
 * Works from run files (Compare) and from run summaries (a job's results), so a grid of hundreds
 * of runs draws without reading their samples.
 */
import { headlineMedianMs, type RunFile, type RunSummary } from '../../../../shared/run-schema';
import { measuredPeakBytes } from '../../../../shared/units';
import { modelVariantLabel } from '../../../../shared/variants';
import { formatThreads } from '../../format';

/** What the across-targets charts need of one run. */
export interface TargetRun {
  id: string;
  targetName: string;
  modelName: string;
  variant: string;
  modelSha256: string;
  runtime: string;
  threads: number;
  /** The headline median (headlineMedianMs): with repeats the median of their medians. */
  medianMs: number;
  /** The 95 % CI of that median, or null when the run cannot say (too few repeats, a report-mode window median). */
  ci95: { low: number; high: number } | null;
  /** Which CI: across fresh processes, or within the one process. */
  ciKind: 'between-run' | 'within-run' | null;
  /** Peak RSS; null when the target did not measure it (a serial board reports 0). */
  peakRssBytes: number | null;
}

/** A summary as the results grid reads it: the within-run CI rides along where the engine wrote one. */
type SummaryLike = RunSummary & { medianCi95?: { low: number; high: number } };

function isRunFile(run: RunFile | SummaryLike): run is RunFile {
  return 'latencyMs' in run;
}

/**
 * The headline's CI: with repeats the between-run CI (null when too few repeats), in report mode
 * none (the median of window medians has no CI in the file), else the within-run CI.
 */
function headlineCi(
  betweenRun: { ci95: { low: number; high: number } | null } | undefined,
  reportMode: boolean,
  withinRun: { low: number; high: number } | undefined,
): Pick<TargetRun, 'ci95' | 'ciKind'> {
  if (betweenRun) return { ci95: betweenRun.ci95, ciKind: betweenRun.ci95 ? 'between-run' : null };
  if (reportMode || !withinRun) return { ci95: null, ciKind: null };
  return { ci95: withinRun, ciKind: 'within-run' };
}

export function targetRunOf(run: RunFile | SummaryLike): TargetRun {
  if (isRunFile(run)) {
    return {
      id: run.id,
      targetName: run.target.name,
      modelName: run.model.name,
      variant: run.model.variant,
      modelSha256: run.model.sha256,
      runtime: run.runtime.name,
      threads: run.runtime.threads,
      medianMs: headlineMedianMs(run),
      ...headlineCi(run.betweenRun, run.report !== undefined, run.latencyMs.medianCi95),
      peakRssBytes: measuredPeakBytes(run.memory.peakRssBytes),
    };
  }
  return {
    id: run.id,
    targetName: run.targetName,
    modelName: run.modelName,
    variant: run.variant,
    modelSha256: run.modelSha256,
    runtime: run.runtime,
    threads: run.threads,
    // summarizeRun stores the headline median (headlineMedianMs) as `median`.
    medianMs: run.median,
    // A summary does not say whether the run was in report mode; its within-run CI is what it has.
    ...headlineCi(run.betweenRun, false, run.medianCi95),
    peakRssBytes: measuredPeakBytes(run.peakRssBytes),
  };
}

/**
 * A name per series: the model with its variant, plus runtime and threads where the runs differ
 * in them (two thread counts of one variant on one target are two bars, not one).
 */
export function seriesNameOf(runs: readonly TargetRun[]): (run: TargetRun) => string {
  const varies = (key: (run: TargetRun) => string): boolean => new Set(runs.map(key)).size > 1;
  const runtimeVaries = varies((r) => r.runtime);
  const threadsVaries = varies((r) => String(r.threads));
  return (run) =>
    [modelVariantLabel({ name: run.modelName, variant: run.variant }), runtimeVaries ? run.runtime : null, threadsVaries ? formatThreads(run.threads) : null]
      .filter((part): part is string => part !== null)
      .join(' · ');
}

export interface BarSeries {
  /** The row key its values sit under: s0, s1… */
  key: string;
  name: string;
}

/** One target's row: a value per series (absent where that series did not run on the target). */
export interface TargetRow {
  target: string;
  values: Record<string, { run: TargetRun; valueMs: number; errorMs: [number, number] | null; bytes: number | null }>;
}

export interface GroupedRuns {
  series: BarSeries[];
  rows: TargetRow[];
  /** Runs that share a target and a series with an earlier one: drawn once, the newest first in `runs`. */
  duplicates: TargetRun[];
}

/** Groups runs by target (in first-seen order), one series per distinct name. */
export function groupByTarget(runs: readonly TargetRun[]): GroupedRuns {
  const nameOf = seriesNameOf(runs);
  const series: BarSeries[] = [];
  const keyOfName = new Map<string, string>();
  const rows = new Map<string, TargetRow>();
  const duplicates: TargetRun[] = [];
  for (const run of runs) {
    const name = nameOf(run);
    let key = keyOfName.get(name);
    if (key === undefined) {
      key = `s${series.length}`;
      keyOfName.set(name, key);
      series.push({ key, name });
    }
    const row = rows.get(run.targetName) ?? { target: run.targetName, values: {} };
    rows.set(run.targetName, row);
    if (row.values[key]) {
      duplicates.push(run);
      continue;
    }
    const errorMs: [number, number] | null = run.ci95 ? [Math.max(0, run.medianMs - run.ci95.low), Math.max(0, run.ci95.high - run.medianMs)] : null;
    row.values[key] = { run, valueMs: run.medianMs, errorMs, bytes: run.peakRssBytes };
  }
  return { series, rows: [...rows.values()], duplicates };
}

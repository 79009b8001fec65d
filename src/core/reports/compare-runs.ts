/**
 * One run against a baseline, metric by metric. ratio = current / baseline (above 1 is slower);
 * speedup = baseline / current (above 1 is faster); change = (current − baseline) / baseline in %.
 * Percentiles with too few samples in either run are not compared (see PERCENTILE_MIN_SAMPLES).
 * The median is the run's headline median: the median of its repeats' medians when it has repeats.
 *
 * The regression gate (regressionGate) decides on the between-run CIs (run.betweenRun.ci95), not
 * on two medians alone: one process's median moves between processes by more than its own CI says,
 * so a gate on medians fails and passes at random (issue 12).
 */
import { remedy, worded } from '../../shared/remedies';
import type { WordedMessage } from '../../shared/errors';
import { headlineMedianMs, percentileSupported, type PercentileName, type RunFile } from '../../shared/run-schema';
import { formatRatio } from './format';
import { formatMs } from '../../shared/units';

export const DEFAULT_MAX_REGRESSION_PCT = 5;
/** The repeats the gate's "cannot decide" sentence asks for. */
export const GATE_REPEATS = 5;

export interface MetricComparison {
  metric: 'median' | PercentileName;
  /** False when either run has too few samples for this percentile. */
  supported: boolean;
  baselineMs: number;
  currentMs: number;
  ratio: number;
  speedup: number;
  changePct: number;
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * The gate's answer. pass (exit 0): the median is within the allowance and the current run's
 * between-run CI ends no higher than the baseline's CI top raised by the allowance. regressed
 * (exit 1): the median is slower by more than the allowance and the CIs are apart (the current
 * CI lies entirely above the baseline's). undecided (exit 3): anything else (a run without a
 * between-run CI, or CIs that overlap so that neither case holds): rerun with more repeats.
 */
export type GateOutcome = 'pass' | 'regressed' | 'undecided';

export interface RegressionGate extends WordedMessage {
  outcome: GateOutcome;
  exitCode: 0 | 1 | 3;
  /** between-run: decided on both runs' between-run CIs; single-run: on the medians alone (--allow-single-run). */
  basis: 'between-run' | 'single-run';
  baselineCi95: Interval | null;
  currentCi95: Interval | null;
}

export interface RunComparison {
  metrics: MetricComparison[];
  median: MetricComparison;
  /**
   * The current median is slower than the baseline's by more than the allowed percent: the medians
   * alone, which may be noise. Whether the run regressed is the gate's answer (`gate.outcome`); the
   * name says which this is, so a script cannot read it as the gate's.
   */
  medianAboveLimit: boolean;
  maxRegressionPct: number;
  /** The CI gate's verdict (see RegressionGate). */
  gate: RegressionGate;
  /** Things that make the comparison weaker, in full sentences (different model, unstable run...). */
  caveats: string[];
}

export interface GateOptions {
  /** Decide on the medians alone when a run has no between-run CI (the gate before repeats existed). */
  allowSingleRun?: boolean;
}

function metric(name: MetricComparison['metric'], baseline: RunFile, current: RunFile): MetricComparison {
  const b = name === 'median' ? headlineMedianMs(baseline) : baseline.latencyMs[name];
  const c = name === 'median' ? headlineMedianMs(current) : current.latencyMs[name];
  const supported = name === 'median' || (percentileSupported(name, baseline.latencyMs.count) && percentileSupported(name, current.latencyMs.count));
  return { metric: name, supported, baselineMs: b, currentMs: c, ratio: c / b, speedup: b / c, changePct: ((c - b) / b) * 100 };
}

function rangeText(ci: Interval): string {
  return `${formatMs(ci.low)}–${formatMs(ci.high)}`;
}

function changeText(median: MetricComparison): string {
  return median.changePct > 0
    ? `the median is ${median.changePct.toFixed(1)}% slower than the baseline`
    : `the median is ${Math.abs(median.changePct).toFixed(1)}% faster than the baseline (speedup ${formatRatio(median.speedup)})`;
}

/** The gate on the medians alone: what `compare` did before runs had repeats. */
function singleRunGate(median: MetricComparison, maxRegressionPct: number, baselineCi95: Interval | null, currentCi95: Interval | null): RegressionGate {
  const common = { basis: 'single-run', baselineCi95, currentCi95 } as const;
  const note = worded` (medians alone: a fresh process may land elsewhere; runs made with ${remedy('repeats', String(GATE_REPEATS))} give a gate that does not flap)`;
  if (median.changePct > maxRegressionPct) {
    return { ...common, outcome: 'regressed', exitCode: 1, ...worded`REGRESSION: ${changeText(median)}, more than the allowed ${maxRegressionPct}%${note}.` };
  }
  const within = median.changePct > 0 ? `, within the allowed ${maxRegressionPct}%` : '';
  return { ...common, outcome: 'pass', exitCode: 0, ...worded`OK: ${changeText(median)}${within}${note}.` };
}

/** The gate; see RegressionGate for the three outcomes. */
export function regressionGate(baseline: RunFile, current: RunFile, maxRegressionPct: number, options: GateOptions = {}): RegressionGate {
  const median = metric('median', baseline, current);
  const baselineCi95 = baseline.betweenRun?.ci95 ?? null;
  const currentCi95 = current.betweenRun?.ci95 ?? null;
  if (baselineCi95 === null || currentCi95 === null) {
    if (options.allowSingleRun === true) return singleRunGate(median, maxRegressionPct, baselineCi95, currentCi95);
    const missing = baselineCi95 === null && currentCi95 === null ? 'neither run has a between-run CI' : `the ${baselineCi95 === null ? 'baseline' : 'current'} run has no between-run CI`;
    return {
      outcome: 'undecided',
      exitCode: 3,
      basis: 'between-run',
      baselineCi95,
      currentCi95,
      ...worded`CANNOT DECIDE: ${changeText(median)}, but ${missing} (runs made with repeats have one), so a regression is neither shown nor ruled out; rerun with ${remedy('repeats', String(GATE_REPEATS))}.`,
    };
  }
  const common = { basis: 'between-run', baselineCi95, currentCi95 } as const;
  const cis = `current ${rangeText(currentCi95)}, baseline ${rangeText(baselineCi95)}`;
  if (median.changePct > maxRegressionPct && currentCi95.low > baselineCi95.high) {
    return { ...common, outcome: 'regressed', exitCode: 1, ...worded`REGRESSION: ${changeText(median)}, more than the allowed ${maxRegressionPct}%, and the between-run CIs are apart (${cis}).` };
  }
  const limitMs = baselineCi95.high * (1 + maxRegressionPct / 100);
  if (median.changePct <= maxRegressionPct && currentCi95.high <= limitMs) {
    const within = median.changePct > 0 ? `, within the allowed ${maxRegressionPct}%` : '';
    return {
      ...common,
      outcome: 'pass',
      exitCode: 0,
      ...worded`OK: ${changeText(median)}${within}, and the current between-run CI ends at ${formatMs(currentCi95.high)}, no higher than the baseline's CI top plus ${maxRegressionPct}% (${formatMs(limitMs)}).`,
    };
  }
  const why =
    median.changePct > maxRegressionPct
      ? `more than the allowed ${maxRegressionPct}%, but the between-run CIs overlap (${cis})`
      : `within the allowed ${maxRegressionPct}%, but the current between-run CI reaches ${formatMs(currentCi95.high)}, above the baseline's CI top plus ${maxRegressionPct}% (${formatMs(limitMs)})`;
  // Twice the repeats: the CI's width shrinks with their square root (and t's smaller quantile).
  const more = Math.max(GATE_REPEATS, 2 * Math.max(baseline.betweenRun?.repeats ?? 1, current.betweenRun?.repeats ?? 1));
  return {
    ...common,
    outcome: 'undecided',
    exitCode: 3,
    ...worded`CANNOT DECIDE: ${changeText(median)}, ${why}; a regression is neither shown nor ruled out: rerun both with more repeats (${remedy('repeats', String(more))}) for narrower CIs.`,
  };
}

export function compareRuns(baseline: RunFile, current: RunFile, maxRegressionPct = DEFAULT_MAX_REGRESSION_PCT, options: GateOptions = {}): RunComparison {
  const median = metric('median', baseline, current);
  const caveats: string[] = [];
  if (baseline.model.sha256 !== current.model.sha256) {
    caveats.push(`The runs are of different model files (${baseline.model.name} ${baseline.model.sha256.slice(0, 12)} vs ${current.model.name} ${current.model.sha256.slice(0, 12)}).`);
  }
  if (baseline.target.hardware.cpuModel !== current.target.hardware.cpuModel) {
    caveats.push(`The runs were measured on different CPUs (${baseline.target.hardware.cpuModel} vs ${current.target.hardware.cpuModel}).`);
  }
  for (const [name, run] of [['baseline', baseline], ['current', current]] as const) {
    if (run.verdict === 'unstable') {
      caveats.push(`The ${name} run is unstable (${run.warnings.map((w) => w.code).join(', ')}); its median may move between runs.`);
    }
  }
  return {
    metrics: [median, metric('p90', baseline, current), metric('p99', baseline, current)],
    median,
    medianAboveLimit: median.changePct > maxRegressionPct,
    maxRegressionPct,
    gate: regressionGate(baseline, current, maxRegressionPct, options),
    caveats,
  };
}

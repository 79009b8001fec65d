/**
 * The between-run estimate of a cell measured in several fresh runner processes (settings.repeats).
 * A within-run CI (latencyMs.medianCi95) describes the samples of one process; what changes from
 * one process to the next (CPU clock, core placement, steal time on a VM, heat) it cannot see. The
 * estimate here treats each repeat's median as one observation of "what a run measures":
 *
 *   medianMs   the median of the repeats' medians (the headline of a run with repeats);
 *   ci95       where the headline of another run with as many repeats lands, 95 % of the time:
 *              a Student t interval on the natural log of the repeat medians (latency varies by
 *              factors, so log makes its spread symmetric), exponentiated. With R repeats, mean m
 *              and standard deviation s of the logs, the next run's mean log differs from m by a
 *              variance s²/R + s²/R, so the interval is exp(m ± t(0.975, R−1) · s · √(2/R)).
 *              Null below MIN_REPEATS_FOR_CI repeats: one degree of freedom gives an interval
 *              too wide to say anything (t = 12.7).
 *   disagree   some two repeats' within-run CIs do not overlap (the repeats measured different
 *              speeds, further apart than their own samples allow) AND the repeats' medians spread
 *              more than ±WIDE_CI_SHARE (2 %, the width at which a within-run CI is
 *              called uncertain too) around the headline. With hundreds of samples a
 *              within-run CI is a fraction of a percent wide, so CIs alone call 0.5 % apart
 *              "disagreeing" and every run on a VM unstable; a spread nobody would act on is not.
 */
import type { BetweenRunEstimate, RunRepeat } from '../../shared/run-schema';
import { asSamples, median, sortSamples } from '../../shared/numeric/quantile';
import { WIDE_CI_SHARE } from './warnings';

/** Fewer repeats than this give no ci95 (null). */
export const MIN_REPEATS_FOR_CI = 3;

/**
 * Two-sided 95 % critical values of Student's t, t(0.975, df) for df = 1..30, to three decimals, as
 * tabulated in the NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2 ("Critical
 * values of the Student's t distribution"). Index 0 is df 1.
 */
const T_975: readonly number[] = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08,
  2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The standard normal's 0.975 quantile. */
const Z_975 = 1.959964;

/**
 * t(0.975, df): the table up to 30 degrees of freedom; above, the Cornish-Fisher expansion of t
 * around the normal quantile (Abramowitz & Stegun 26.7.5, first two terms), which matches the
 * table's df 30 value to 0.001 and only gets closer as df grows.
 */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`Student's t needs a whole number of degrees of freedom of at least 1, not ${df}.`);
  const tabled = T_975[df - 1];
  if (tabled !== undefined) return tabled;
  const z = Z_975;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** What the estimate needs of each repeat. */
export type RepeatMedian = Pick<RunRepeat, 'medianMs' | 'medianCi95'>;

/** The between-run estimate of two or more repeats; undefined for fewer (a run of one process has none). */
export function betweenRunEstimate(repeats: readonly RepeatMedian[]): BetweenRunEstimate | undefined {
  if (repeats.length < 2) return undefined;
  const medians = repeats.map((r) => r.medianMs);
  const sorted = sortSamples(asSamples(medians));
  return {
    repeats: repeats.length,
    medianMs: median(sorted),
    ci95: logTInterval(medians),
    method:
      repeats.length < MIN_REPEATS_FOR_CI
        ? `No between-run interval: ${repeats.length} fresh runs are too few (it needs at least ${MIN_REPEATS_FOR_CI}).`
        : `95 % interval for the median of another run of ${repeats.length} fresh processes: a Student t interval (${repeats.length - 1} degrees of freedom) on the log of the ${repeats.length} repeats' medians, exp(mean ± t·s·√(2/${repeats.length})).`,
    rangeMs: { min: sorted[0], max: sorted[sorted.length - 1] ?? sorted[0] },
    disagree: withinRunCisDisagree(repeats) && spreadIsMeaningful(sorted[0], sorted[sorted.length - 1] ?? sorted[0], median(sorted)),
  };
}

/** exp(m ± t·s·√(2/R)) over the logs of `medians`; null below MIN_REPEATS_FOR_CI, or when a median is not positive (no log). */
function logTInterval(medians: readonly number[]): { low: number; high: number } | null {
  const count = medians.length;
  if (count < MIN_REPEATS_FOR_CI || medians.some((ms) => !(ms > 0))) return null;
  const logs = medians.map(Math.log);
  const mean = logs.reduce((sum, x) => sum + x, 0) / count;
  const variance = logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (count - 1);
  const halfWidth = studentT975(count - 1) * Math.sqrt(variance) * Math.sqrt(2 / count);
  return { low: Math.exp(mean - halfWidth), high: Math.exp(mean + halfWidth) };
}

/** The repeats' range is wider than ±WIDE_CI_SHARE of the headline median. */
function spreadIsMeaningful(lowMs: number, highMs: number, headlineMs: number): boolean {
  return highMs - lowMs > 2 * WIDE_CI_SHARE * headlineMs;
}

/**
 * Some pair of repeats whose within-run 95 % CIs do not overlap: the highest low end above the
 * lowest high end. Repeats without a CI (fewer than 6 samples) take no part.
 */
export function withinRunCisDisagree(repeats: readonly RepeatMedian[]): boolean {
  const cis = repeats.flatMap((r) => (r.medianCi95 === null ? [] : [r.medianCi95]));
  if (cis.length < 2) return false;
  return Math.max(...cis.map((ci) => ci.low)) > Math.min(...cis.map((ci) => ci.high));
}

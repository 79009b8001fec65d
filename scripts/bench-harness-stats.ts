/**
 * How bench:harness turns its interleaved rounds into a figure and a verdict.
 *
 * Each round measures ours (runLocalBenchmark) and then the bare loop, back to back, so slow drift
 * of the machine (clock, cache, other load) hits both halves of a round alike. The figure is the
 * median over rounds of the per-round ratio ours ÷ bare (or difference ours − bare, in µs), and
 * its 95% confidence interval is the distribution-free one of a median (the sign-test interval,
 * the same order statistics the run files' median CI uses: src/core/bench/confidence.ts): with 10
 * rounds the 2nd and 9th smallest of the 10 per-round ratios, which cover the true median ratio
 * with probability 1 − 2·11/1024 = 97.9% (the nearest ranks at or above 95%). It assumes only that
 * rounds are independent, nothing about the shape of their spread.
 *
 * The verdict is about what the interval shows, never about which side came out faster:
 *   - the interval contains 1 (0 for a difference): no measurable overhead; the goal is met only
 *     if the whole interval is within it, else the rounds cannot tell (inconclusive);
 *   - the interval is above 1: measurable overhead, within the goal, above it, or straddling it;
 *   - the interval is below 1: ours measured faster than a loop that does strictly less work.
 *     That is not a win but a sign the two sides measure different things (other inputs, another
 *     backend, a warmup that ended at a different point), so it is reported as suspicious.
 */
import { medianConfidenceInterval95, medianCiRanks } from '../src/core/bench/confidence';
import { asSamples, median, sortSamples } from '../src/shared/numeric/quantile';

/** The rounds a verdict needs: fewer give an interval too wide to say anything (6 is the least that has one at all). */
export const MIN_ROUNDS = 10;

export interface PairedEstimate {
  /** Median over rounds of the per-round figure. */
  point: number;
  /** Its 95% interval (see the file comment). */
  low: number;
  high: number;
  rounds: number;
  /** The 1-based ranks of the sorted per-round figures that bound the interval. */
  ranks: { low: number; high: number };
}

export type HarnessVerdict = 'within goal' | 'ABOVE GOAL' | 'no measurable overhead' | 'inconclusive' | 'SUSPICIOUS';

/** The median of per-round ours ÷ bare with its 95% interval. */
export function pairedRatio(oursMs: readonly number[], bareMs: readonly number[]): PairedEstimate {
  return pairedEstimate(pairs(oursMs, bareMs).map(([ours, bare]) => ours / bare));
}

/** The median of per-round ours − bare, in µs, with its 95% interval. */
export function pairedDifferenceUs(oursMs: readonly number[], bareMs: readonly number[]): PairedEstimate {
  return pairedEstimate(pairs(oursMs, bareMs).map(([ours, bare]) => (ours - bare) * 1000));
}

function pairedEstimate(perRound: number[]): PairedEstimate {
  const ranks = medianCiRanks(perRound.length);
  if (ranks === undefined) throw new Error(`${perRound.length} rounds give no 95% interval; bench:harness needs at least ${MIN_ROUNDS}.`);
  const sorted = sortSamples(asSamples(perRound));
  const ci = medianConfidenceInterval95(sorted);
  return { point: median(sorted), low: ci.low, high: ci.high, rounds: perRound.length, ranks: { low: ranks.lowRank, high: ranks.highRank } };
}

function pairs(oursMs: readonly number[], bareMs: readonly number[]): Array<[number, number]> {
  if (oursMs.length !== bareMs.length) throw new Error(`bench:harness has ${oursMs.length} rounds of ours but ${bareMs.length} of the bare loop.`);
  return oursMs.map((ours, i) => [ours, bareMs[i] as number]);
}

/**
 * The verdict on an estimate whose "no overhead" value is `neutral` (1 for a ratio, 0 for a
 * difference) and whose goal is `goal` (at most this much overhead), and a sentence saying why.
 */
export function judge(estimate: PairedEstimate, neutral: number, goal: number | undefined, unit: string): { verdict: HarnessVerdict | '(no goal set)'; why: string } {
  // Ratios to the thousandth, differences in µs to the tenth.
  const digits = unit === '' ? 3 : 1;
  const interval = `95% CI [${fixed(estimate.low, digits)}, ${fixed(estimate.high, digits)}]${unit}`;
  if (estimate.high < neutral) {
    return {
      verdict: 'SUSPICIOUS',
      why: `ours measured faster than the bare loop (${interval}, all below ${neutral}), which does strictly less work: the two sides are not measuring the same thing; find out why before trusting either figure`,
    };
  }
  const measurable = estimate.low > neutral;
  if (goal === undefined) {
    return { verdict: '(no goal set)', why: measurable ? `measurable overhead (${interval})` : `no measurable overhead (${interval} includes ${neutral})` };
  }
  if (!measurable) {
    return estimate.high <= goal
      ? { verdict: 'no measurable overhead', why: `${interval} includes ${neutral} and stays within the goal of ${goal}${unit}` }
      : { verdict: 'inconclusive', why: `${interval} includes ${neutral} but reaches above the goal of ${goal}${unit}: more rounds or a quieter machine are needed to show the goal is met` };
  }
  if (estimate.high <= goal) return { verdict: 'within goal', why: `measurable overhead, ${interval}, all within the goal of ${goal}${unit}` };
  if (estimate.low > goal) return { verdict: 'ABOVE GOAL', why: `${interval} lies above the goal of ${goal}${unit}` };
  return { verdict: 'inconclusive', why: `measurable overhead, but ${interval} straddles the goal of ${goal}${unit}` };
}

/** toFixed without "-0.0" for a value that rounds to zero. */
export function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

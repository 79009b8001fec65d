/**
 * 95% confidence interval of the median from order statistics. Distribution-free: it assumes
 * nothing about the shape of the latency distribution (which is skewed and often multi-modal),
 * only that samples are independent draws from it.
 *
 * Why it works: each sample falls below the true median with probability 1/2, so the number of
 * samples below it, B, is Binomial(n, 1/2). The interval [x(j), x(n-j+1)] (1-based ranks of the
 * sorted samples) misses the median only when B < j or B > n - j, so its coverage is
 * 1 - 2 · P(B ≤ j - 1). We take the largest j whose coverage is still at least 95%.
 */
import type { SortedSamples } from './stats';

/** One-sided tail allowed on each side of a 95% two-sided interval. */
const TAIL_PROBABILITY = 0.025;
/** z for a two-sided 95% interval of the standard normal distribution. */
const Z_95 = 1.959964;
/**
 * Up to this many samples the binomial tail is summed exactly. 2^-n, the first term, stays a
 * normal double up to n = 1022; past 1000 samples the normal approximation is within one rank.
 */
export const EXACT_BINOMIAL_MAX_SAMPLES = 1000;
/**
 * With 5 samples even [min, max] covers the median only 1 - 2/2^5 = 93.75% of the time;
 * 6 samples are the fewest for which a 95% interval exists (1 - 2/2^6 = 96.9%).
 */
export const MEDIAN_CI_MIN_SAMPLES = 6;

/** 1-based ranks of the sorted samples that bound the interval. */
export interface MedianCiRanks {
  lowRank: number;
  highRank: number;
}

/**
 * Ranks of the 95% interval for `count` samples, or undefined below MEDIAN_CI_MIN_SAMPLES.
 * n ≤ 1000: exact binomial tail. Larger n: the normal approximation of Campbell & Gardner
 * ("Calculating confidence intervals for some non-parametric analyses", BMJ 1988;296:1454-6):
 *   lowRank = n/2 - 1.96·√n/2, highRank = 1 + n/2 + 1.96·√n/2, each rounded to the nearest integer
 * (we take highRank as n - lowRank + 1, which is the same number and keeps the ranks symmetric).
 * Example: n = 100 gives ranks 40 and 61 by both methods.
 */
export function medianCiRanks(count: number): MedianCiRanks | undefined {
  if (count < MEDIAN_CI_MIN_SAMPLES) return undefined;
  const lowRank = count <= EXACT_BINOMIAL_MAX_SAMPLES ? exactLowRank(count) : normalLowRank(count);
  return { lowRank, highRank: count - lowRank + 1 };
}

/**
 * The interval for sorted samples, in their unit. Fewer than 6 samples cannot give a 95% interval
 * (see MEDIAN_CI_MIN_SAMPLES): the result is then the whole range min..max, which covers the
 * median with less than 95% confidence; the few-samples warning tells the user.
 */
export function medianConfidenceInterval95(sorted: SortedSamples): { low: number; high: number } {
  const ranks = medianCiRanks(sorted.length);
  if (ranks === undefined) return { low: sorted[0], high: sorted[sorted.length - 1] ?? sorted[0] };
  return { low: sorted[ranks.lowRank - 1] ?? sorted[0], high: sorted[ranks.highRank - 1] ?? sorted[0] };
}

/** Largest j with P(B ≤ j - 1) ≤ 2.5%, summing the Binomial(n, 1/2) probabilities from 0 upwards. */
function exactLowRank(count: number): number {
  let probability = 2 ** -count; // P(B = 0)
  let cumulative = 0;
  let lowRank = 1;
  for (let below = 0; below < count; below++) {
    cumulative += probability;
    if (cumulative > TAIL_PROBABILITY) break;
    lowRank = below + 1;
    // P(B = i + 1) = P(B = i) · (n - i) / (i + 1)
    probability = (probability * (count - below)) / (below + 1);
  }
  return lowRank;
}

function normalLowRank(count: number): number {
  return Math.max(1, Math.round(count / 2 - (Z_95 * Math.sqrt(count)) / 2));
}

/**
 * Outlier counts for a run. Counts only: every sample stays in the run file and in the
 * statistics, because a latency spike is a fact about the deployment, not a measuring error.
 *
 * References:
 * - Boris Iglewicz and David Hoaglin (1993), "How to Detect and Handle Outliers", ASQC Basic
 *   References in Quality Control, vol. 16 (the modified z-score).
 * - John W. Tukey (1977), "Exploratory Data Analysis" (the 1.5 and 3 IQR fences).
 */
import type { LatencyStats } from '../../shared/run-schema';
import type { SortedSamples } from './stats';

/**
 * MAD × 1.4826 estimates the standard deviation of normally distributed data (1.4826 = 1 / Φ⁻¹(3/4)),
 * so (x - median) / (1.4826 · MAD) is a z-score in "standard deviations"; Iglewicz & Hoaglin write
 * it as 0.6745 · (x - median) / MAD.
 */
export const MAD_TO_STDDEV = 1.4826;
/**
 * When more than half the samples are identical the MAD is 0; the mean absolute deviation times
 * √(π/2) = 1.253314 then estimates the standard deviation instead (IBM's definition of the
 * modified z-score, Cognos Analytics documentation, "Modified z score"). Coarse timers on boards
 * produce such ties; treating every sample off the median as an outlier would be wrong.
 */
export const MEAN_AD_TO_STDDEV = 1.253314;
/**
 * A sample is an outlier when its modified z-score exceeds 10 standard deviations. This is
 * hyperfine's threshold (src/outlier_detection.rs: OUTLIER_THRESHOLD = 1.4826 * 10.0 applied to
 * (x - median) / MAD). Iglewicz & Hoaglin's 3.5 suits near-normal data; latency distributions have
 * a long right tail by nature, and at 3.5 a healthy run would report many "outliers".
 */
export const MODIFIED_Z_THRESHOLD = 10;
/** Tukey's inner fences: beyond 1.5 IQR outside the quartiles is a mild outlier. */
export const TUKEY_MILD_IQR = 1.5;
/** Tukey's outer fences: beyond 3 IQR outside the quartiles is a severe outlier. */
export const TUKEY_SEVERE_IQR = 3;

/** The quartiles of the sorted samples (percentiles 25, 50 and 75, same interpolation). */
export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

export function countOutliers(sorted: SortedSamples, quartiles: Quartiles): LatencyStats['outliers'] {
  const tukey = countTukeyOutliers(sorted, quartiles);
  return { madZ: countModifiedZOutliers(sorted, quartiles.median), tukeyMild: tukey.mild, tukeySevere: tukey.severe };
}

/** Samples whose |modified z-score| exceeds MODIFIED_Z_THRESHOLD; 0 when all samples are equal. */
export function countModifiedZOutliers(sorted: SortedSamples, median: number): number {
  const stddevEstimate = robustStddev(sorted, median);
  if (stddevEstimate === 0) return 0;
  const reach = MODIFIED_Z_THRESHOLD * stddevEstimate;
  return countOutside(sorted, median - reach, median + reach);
}

/**
 * Samples beyond Tukey's fences. `mild` counts everything beyond 1.5 IQR (severe ones included),
 * `severe` everything beyond 3 IQR.
 */
export function countTukeyOutliers(sorted: SortedSamples, quartiles: Quartiles): { mild: number; severe: number } {
  const iqr = quartiles.q3 - quartiles.q1;
  return {
    mild: countOutside(sorted, quartiles.q1 - TUKEY_MILD_IQR * iqr, quartiles.q3 + TUKEY_MILD_IQR * iqr),
    severe: countOutside(sorted, quartiles.q1 - TUKEY_SEVERE_IQR * iqr, quartiles.q3 + TUKEY_SEVERE_IQR * iqr),
  };
}

/**
 * Median absolute deviation: the median of |x - median|. The deviations of a sorted array are two
 * sorted runs (walking left from the median and right from it), so merging them up to the middle
 * finds their median in O(n) without sorting a second array.
 */
export function medianAbsoluteDeviation(sorted: SortedSamples, median: number): number {
  const n = sorted.length;
  // First index at or above the median: left run is indices firstAbove-1 down to 0, right run firstAbove up.
  const firstAbove = lowerBound(sorted, median);
  let left = firstAbove - 1;
  let right = firstAbove;
  const nextDeviation = (): number => {
    const leftDeviation = left >= 0 ? median - (sorted[left] ?? 0) : Infinity;
    const rightDeviation = right < n ? (sorted[right] ?? 0) - median : Infinity;
    if (leftDeviation <= rightDeviation) {
      left--;
      return leftDeviation;
    }
    right++;
    return rightDeviation;
  };
  // Median of the n deviations: element (n-1)/2 for odd n, mean of elements n/2-1 and n/2 for even n.
  let deviation = 0;
  for (let i = 0; i <= (n - 1) >> 1; i++) deviation = nextDeviation();
  return n % 2 === 1 ? deviation : (deviation + nextDeviation()) / 2;
}

function robustStddev(sorted: SortedSamples, median: number): number {
  const mad = medianAbsoluteDeviation(sorted, median);
  if (mad > 0) return MAD_TO_STDDEV * mad;
  let sum = 0;
  for (const v of sorted) sum += Math.abs(v - median);
  return (MEAN_AD_TO_STDDEV * sum) / sorted.length;
}

/** Samples strictly below `low` or strictly above `high`. */
function countOutside(sorted: SortedSamples, low: number, high: number): number {
  return lowerBound(sorted, low) + (sorted.length - upperBound(sorted, high));
}

/** Index of the first sample ≥ value. */
function lowerBound(sorted: SortedSamples, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first sample > value. */
function upperBound(sorted: SortedSamples, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Latency statistics. Samples are non-empty by type, and only samples that went through
 * `sortSamples` reach the order statistics (median, percentiles, confidence interval, outliers),
 * so an unsorted array can never produce a silently wrong percentile.
 *
 * The samples' types and the one quantile live in src/shared/numeric/quantile.ts, where the
 * renderer and the reports use them too.
 *
 * `summarizeLatency` sorts once and reuses the sorted array for everything: a run of
 * 1,000,000 samples is summarized in under 0.2 s on the development machine (`npm run bench:stats`).
 */
import { asSamples, median, percentile, sortSamples, type Samples, type SortedSamples } from '../../shared/numeric/quantile';
import type { LatencyStats } from '../../shared/run-schema';
import { medianConfidenceInterval95 } from './confidence';
import { countOutliers } from './outliers';

export { asSamples, median, percentile, sortSamples, type Samples, type SortedSamples };

export function mean(samples: Samples): number {
  let sum = 0;
  for (const v of samples) sum += v;
  return sum / samples.length;
}

export function min(sorted: SortedSamples): number {
  return sorted[0];
}

export function max(sorted: SortedSamples): number {
  return sorted[sorted.length - 1] ?? sorted[0];
}

/** Sample standard deviation (divides by n - 1: the samples estimate the latency distribution); 0 for one sample. */
export function sampleStddev(samples: Samples): number {
  return stddevAround(samples, mean(samples));
}

/** Coefficient of variation, stddev / mean as a fraction; 0 when the mean is 0 (nothing to compare against). */
export function coefficientOfVariation(stddev: number, meanValue: number): number {
  return meanValue > 0 ? stddev / meanValue : 0;
}

/**
 * Inferences per second when run back to back: count / (sum of latencies in seconds), which is
 * 1000 / mean latency in ms. 0 when every sample is 0 ms (the timer saw nothing to divide by).
 */
export function throughputPerSec(meanLatencyMs: number): number {
  return meanLatencyMs > 0 ? 1000 / meanLatencyMs : 0;
}

/** The run file's latency block: raw samples in measured order plus their summary. */
export function summarizeLatency(latencyMs: readonly number[]): LatencyStats {
  const samples = asSamples(latencyMs);
  const sorted = sortSamples(samples);
  const meanMs = mean(sorted);
  const stddev = stddevAround(sorted, meanMs);
  const medianMs = median(sorted);
  return {
    samples: [...samples],
    count: samples.length,
    mean: meanMs,
    median: medianMs,
    p50: medianMs,
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: min(sorted),
    max: max(sorted),
    stddev,
    cv: coefficientOfVariation(stddev, meanMs),
    medianCi95: medianConfidenceInterval95(sorted),
    throughputPerSec: throughputPerSec(meanMs),
    outliers: countOutliers(sorted, { q1: percentile(sorted, 25), median: medianMs, q3: percentile(sorted, 75) }),
  };
}

/** Two passes (mean first, then squared deviations): one-pass formulas lose digits when stddev ≪ mean. */
function stddevAround(samples: Samples, meanValue: number): number {
  if (samples.length < 2) return 0;
  let squares = 0;
  for (const v of samples) squares += (v - meanValue) ** 2;
  return Math.sqrt(squares / (samples.length - 1));
}

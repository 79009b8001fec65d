/**
 * Latency statistics. Samples are non-empty by type, and only samples that went through
 * `sortSamples` reach the order statistics (median, percentiles), so an unsorted array can never
 * produce a silently wrong percentile.
 */
import { StudioError } from '../../shared/errors';
import type { LatencyStats } from '../../shared/run-schema';

/** At least one sample. */
export type Samples = readonly [number, ...number[]];

declare const sortedBrand: unique symbol;
/** Samples in ascending order; made only by `sortSamples`. */
export type SortedSamples = Samples & { readonly [sortedBrand]: true };

/** Checks that there is at least one sample and that every sample is a finite number. */
export function asSamples(values: readonly number[]): Samples {
  if (values.length === 0) {
    throw new StudioError('INTERNAL', 'No latency samples were measured, so no statistics can be computed.');
  }
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) {
    throw new StudioError('INTERNAL', `A latency sample is not a finite number (${bad}); the measurement is broken.`);
  }
  return values as Samples;
}

export function sortSamples(samples: Samples): SortedSamples {
  return [...samples].sort((a, b) => a - b) as unknown as SortedSamples;
}

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

/**
 * The p-th percentile (p in 0..100) by linear interpolation between the closest ranks:
 * rank h = (n - 1) · p / 100, result = x[⌊h⌋] + (h - ⌊h⌋) · (x[⌊h⌋ + 1] - x[⌊h⌋]).
 * This is Hyndman & Fan's definition 7, the default of numpy.percentile, R's quantile and
 * Excel's PERCENTILE.INC, so our numbers match what users compute from the raw samples.
 */
export function percentile(sorted: SortedSamples, p: number): number {
  if (!(p >= 0 && p <= 100)) {
    throw new StudioError('INTERNAL', `Percentile ${p} is outside 0..100.`);
  }
  const rank = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(rank);
  const below = sorted[lower] ?? sorted[0];
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? below;
  return below + (rank - lower) * (above - below);
}

export function median(sorted: SortedSamples): number {
  return percentile(sorted, 50);
}

/** Sample standard deviation (divides by n - 1: the samples estimate the latency distribution); 0 for one sample. */
export function sampleStddev(samples: Samples): number {
  if (samples.length < 2) return 0;
  const m = mean(samples);
  let squares = 0;
  for (const v of samples) squares += (v - m) ** 2;
  return Math.sqrt(squares / (samples.length - 1));
}

/** The run file's latency block: raw samples in measured order plus their summary. */
export function summarizeLatency(latencyMs: readonly number[]): LatencyStats {
  const samples = asSamples(latencyMs);
  const sorted = sortSamples(samples);
  return {
    samples: [...samples],
    count: samples.length,
    mean: mean(samples),
    median: median(sorted),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    min: min(sorted),
    max: max(sorted),
    stddev: sampleStddev(samples),
  };
}

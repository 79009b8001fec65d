/**
 * The one quantile of the studio: every median and percentile (run statistics, report windows,
 * MLPerf Tiny's median throughput, report charts) goes through `percentile`. Samples are
 * non-empty and finite by type, and only samples that went through `sortSamples` reach it, so an
 * unsorted array can never give a silently wrong percentile (tinybench types its samples the same
 * way: `SortedSamples` in its src/types.ts).
 */
import { StudioError } from '../errors';

/** At least one sample, every one finite. */
export type Samples = readonly [number, ...number[]];

declare const sortedBrand: unique symbol;
/** Samples in ascending order; made only by `sortSamples`. */
export type SortedSamples = Samples & { readonly [sortedBrand]: true };

/** Checks that there is at least one sample and that every sample is a finite number. */
export function asSamples(values: readonly number[]): Samples {
  if (values.length === 0) {
    throw new StudioError('INTERNAL', 'No latency samples were measured, so no statistics can be computed.');
  }
  for (const v of values) {
    if (!Number.isFinite(v)) {
      throw new StudioError('INTERNAL', `A latency sample is not a finite number (${v}); the measurement is broken.`);
    }
  }
  return values as Samples;
}

/**
 * A sorted copy (the measured order stays untouched). Float64Array's sort compares numbers
 * natively, several times faster than Array#sort with a comparator on a million samples.
 */
export function sortSamples(samples: Samples): SortedSamples {
  return Array.from(Float64Array.from(samples).sort()) as unknown as SortedSamples;
}

/**
 * The p-th percentile (p in 0..100) by linear interpolation between the closest ranks:
 * rank h = (n - 1) · p / 100, result = x[⌊h⌋] + (h - ⌊h⌋) · (x[⌊h⌋ + 1] - x[⌊h⌋]).
 * This is definition 7 of Hyndman & Fan, "Sample Quantiles in Statistical Packages" (The
 * American Statistician 50(4), 1996), the default of numpy.percentile, R's quantile and Excel's
 * PERCENTILE.INC, so our numbers match what users compute from the raw samples.
 */
export function percentile(sorted: SortedSamples, p: number): number {
  if (!(p >= 0 && p <= 100)) {
    throw new StudioError('INTERNAL', `Percentile ${p} is outside 0..100.`);
  }
  const rank = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(rank);
  const below = sorted[lower] ?? sorted[0];
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] ?? below;
  // Equal neighbours short-circuit so that ties never pick up rounding noise.
  return below === above ? below : below + (rank - lower) * (above - below);
}

/** The 50th percentile: the middle sample, or the mean of the middle two. */
export function median(sorted: SortedSamples): number {
  return percentile(sorted, 50);
}

/**
 * The median of the finite values among `values` (a window that took no time has an infinite
 * throughput, which has no place in a median); NaN when none is finite.
 */
export function medianOf(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : median(sortSamples(asSamples(finite)));
}

/**
 * The charts' data in the studio: histogram bins come from the one binning the reports use too
 * (src/shared/numeric/histogram.ts); CDFs are evaluated here at CDF_POINTS latencies, since
 * recharts slows down past a few thousand points and a run may hold 100,000 samples.
 */
export { binLatency, binSharedLatencies, FENCE_SPREADS, MAX_BINS, RUN_HISTOGRAM_BINS, sharedRange } from '../../shared/numeric/histogram';
export type { BinnableLatency, HistogramBin, SharedRange } from '../../shared/numeric/histogram';

export const CDF_POINTS = 200;

export interface CdfPoint {
  latencyMs: number;
  /** Fraction of runs at or below latencyMs, 0..1. */
  fraction: number;
}

/**
 * The empirical CDF evaluated at `points` evenly spaced latencies from `fromMs` to `toMs`: exact
 * at each of them (the share of samples at or below it), in one counting pass. Samples beyond
 * `toMs` count only in the total, so a cut axis ends below 100%.
 */
export function cdfPoints(samplesMs: readonly number[], fromMs: number, toMs: number, points = CDF_POINTS): CdfPoint[] {
  if (samplesMs.length === 0) return [];
  const n = Math.max(2, points);
  const stepMs = (toMs - fromMs) / (n - 1);
  const counts = new Float64Array(n);
  for (const sample of samplesMs) {
    if (sample > toMs) continue;
    // The first point at or above the sample: the sample counts from there on.
    const index = sample <= fromMs || stepMs <= 0 ? 0 : Math.min(n - 1, Math.ceil((sample - fromMs) / stepMs));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  let below = 0;
  return Array.from({ length: n }, (_, i) => {
    below += counts[i] ?? 0;
    return { latencyMs: fromMs + i * stepMs, fraction: below / samplesMs.length };
  });
}

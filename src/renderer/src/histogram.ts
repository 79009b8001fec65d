/**
 * The charts' data in the studio: histogram bins come from the one binning the reports use too
 * (src/shared/numeric/histogram.ts); CDFs are evaluated here at CDF_POINTS latencies, since
 * recharts slows down past a few thousand points and a run may hold 100,000 samples.
 */
export { binLatency, binSharedLatencies, FENCE_SPREADS, MAX_BINS, RUN_HISTOGRAM_BINS, sharedRange } from '../../shared/numeric/histogram';
export type { BinnableLatency, BinOptions, HistogramBin, SharedRange } from '../../shared/numeric/histogram';

export const CDF_POINTS = 200;

export interface CdfPoint {
  latencyMs: number;
  /** Fraction of runs at or below latencyMs, 0..1. */
  fraction: number;
}

/**
 * The empirical CDF evaluated at `points` latencies from `fromMs` to `toMs`, evenly spaced (or
 * evenly in log(latency), for a log axis, when fromMs > 0): exact at each of them (the share of
 * samples at or below it), in one counting pass. Samples beyond `toMs` count only in the total,
 * so a cut axis ends below 100%.
 */
export function cdfPoints(
  samplesMs: readonly number[],
  fromMs: number,
  toMs: number,
  points = CDF_POINTS,
  spacing: 'linear' | 'log' = 'linear',
): CdfPoint[] {
  if (samplesMs.length === 0) return [];
  const n = Math.max(2, points);
  const log = spacing === 'log' && fromMs > 0;
  const from = log ? Math.log(fromMs) : fromMs;
  const step = ((log ? Math.log(toMs) : toMs) - from) / (n - 1);
  const counts = new Float64Array(n);
  // An indexed loop, as in the shared binning: cheaper than for-of in code not yet optimised.
  for (let i = 0, count = samplesMs.length; i < count; i++) {
    const sample = samplesMs[i]!;
    if (sample > toMs) continue;
    // The first point at or above the sample: the sample counts from there on.
    const at = log ? Math.log(sample) : sample;
    const index = sample <= fromMs || step <= 0 ? 0 : Math.min(n - 1, Math.ceil((at - from) / step));
    counts[index]! += 1;
  }
  let below = 0;
  return Array.from({ length: n }, (_, i) => {
    below += counts[i] ?? 0;
    const latencyMs = i === n - 1 ? toMs : log ? Math.exp(from + i * step) : from + i * step;
    return { latencyMs, fraction: below / samplesMs.length };
  });
}

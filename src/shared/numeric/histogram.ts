/**
 * The one histogram binning: the studio's charts (a run's histogram, the Compare page's overlaid
 * histograms and CDF range) and a report's charts bin a run the same way, so one run draws the
 * same bins in the app and in its report.
 *
 * Nothing here sorts or selects: the range comes from the statistics already in the run file
 * (min, max, p50, p90), so binning a run costs one counting pass over its samples. A sort of
 * 100,000 samples costs ~8 ms per run, a counting pass under 1 ms, and recharts slows down past a
 * few thousand points, so bins keep a chart to a few dozen bars whatever the sample count.
 */
import type { LatencyStats } from '../run-schema';

/** Most bins of histograms drawn over each other (the Compare page). */
export const MAX_BINS = 60;
/** Most bins of one run's histogram: its run page in the studio and its report's chart. */
export const RUN_HISTOGRAM_BINS = 40;
/**
 * Where the bins end, as a multiple of (p90 − p50) above p50. For normally distributed latencies
 * p50 + 3.68·(p90 − p50) = μ + 4.72σ, which is where Tukey's far-out fence Q3 + 3·IQR lies
 * (0.674σ + 3 × 1.349σ); unlike the fence it needs no quartiles, which the run file does not keep.
 */
export const FENCE_SPREADS = 3.68;

/** What binning needs of a run: its samples and the statistics the run file already holds. */
export type BinnableLatency = Pick<LatencyStats, 'samples' | 'min' | 'max' | 'p50' | 'p90'>;

export interface HistogramBin {
  /** Lower edge of the bin, in milliseconds. */
  fromMs: number;
  /** Upper edge; for the overflow bin, the slowest sample. */
  toMs: number;
  count: number;
  /** The last bin, holding the outliers beyond the far fence (see FENCE_SPREADS). */
  overflow: boolean;
}

/**
 * How the bins are laid out. `log`: equal widths in log(latency), so a tail spanning decades gets
 * as many bins per decade as the body (used by the studio's log-scale toggle; needs a positive
 * fastest sample, else the bins fall back to linear). `fence: false` ends the bins at the slowest
 * sample, with no overflow bin (the studio's "show all").
 */
export interface BinOptions {
  spacing?: 'linear' | 'log';
  fence?: boolean;
}

export interface SharedRange {
  /** The fastest sample of any run. */
  minMs: number;
  /** Where the bins end: the highest far fence of any run, or the slowest sample if none lies beyond. */
  upperMs: number;
  /** The slowest sample of any run. */
  maxMs: number;
}

/**
 * The latency range the charts of several runs share. Without the fence, one 8 ms hiccup among
 * 0.01 ms runs would squeeze every other sample into the first bin.
 */
export function sharedRange(runs: ReadonlyArray<BinnableLatency>, options: Pick<BinOptions, 'fence'> = {}): SharedRange | null {
  const withSamples = runs.filter((r) => r.samples.length > 0);
  if (withSamples.length === 0) return null;
  const minMs = Math.min(...withSamples.map((r) => r.min));
  const maxMs = Math.max(...withSamples.map((r) => r.max));
  const fenceMs = Math.max(...withSamples.map((r) => r.p50 + FENCE_SPREADS * (r.p90 - r.p50)));
  const fenced = options.fence !== false && fenceMs > minMs && fenceMs < maxMs;
  return { minMs, maxMs, upperMs: fenced ? fenceMs : maxMs };
}

/** About 2·√n bins for n samples, so that bins of small runs are not mostly empty. */
function binCountFor(samples: number, targetBins: number): number {
  return Math.max(1, Math.min(targetBins, MAX_BINS, Math.ceil(Math.sqrt(samples) * 2)));
}

function countInBins(samplesMs: readonly number[], range: SharedRange, binCount: number, log: boolean): HistogramBin[] {
  const { minMs, upperMs, maxMs } = range;
  // In log spacing the same arithmetic runs on log(latency); edges are mapped back with exp.
  const low = log ? Math.log(minMs) : minMs;
  const width = ((log ? Math.log(upperMs) : upperMs) - low) / binCount;
  const counts = new Float64Array(binCount + 1);
  // An indexed loop, not for-of: the Compare page bins 300,000 samples in code not yet optimised
  // after a page load, where for-of's iterator steps cost about three times as much (bench:ui).
  for (let i = 0, n = samplesMs.length; i < n; i++) {
    const sample = samplesMs[i]!;
    // The upper edge belongs to the last bin, not to one past it; beyond the fence is the overflow slot.
    const at = log ? Math.log(sample) : sample;
    const index = sample > upperMs ? binCount : Math.min(binCount - 1, Math.max(0, Math.floor((at - low) / width)));
    counts[index]! += 1;
  }
  const edge = (i: number): number => (i === binCount ? upperMs : log ? Math.exp(low + i * width) : low + i * width);
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, i) => ({
    fromMs: i === 0 ? minMs : edge(i),
    toMs: edge(i + 1),
    count: counts[i] ?? 0,
    overflow: false,
  }));
  return maxMs > upperMs ? [...bins, { fromMs: upperMs, toMs: maxMs, count: counts[binCount] ?? 0, overflow: true }] : bins;
}

/**
 * Bins shared by several runs (the same edges for all, so their histograms can be drawn over
 * each other): equal-width bins from the fastest sample of any run to the highest far fence,
 * plus one overflow bin for slower samples when there are any.
 */
export function binSharedLatencies(runs: ReadonlyArray<BinnableLatency>, targetBins = MAX_BINS, options: BinOptions = {}): HistogramBin[][] {
  const range = sharedRange(runs, options);
  if (!range) return runs.map(() => []);
  if (range.maxMs === range.minMs) {
    return runs.map((r) => [{ fromMs: range.minMs, toMs: range.maxMs, count: r.samples.length, overflow: false }]);
  }
  const smallest = Math.min(...runs.filter((r) => r.samples.length > 0).map((r) => r.samples.length));
  const binCount = binCountFor(smallest, targetBins);
  const log = options.spacing === 'log' && range.minMs > 0;
  return runs.map((r) => (r.samples.length > 0 ? countInBins(r.samples, range, binCount, log) : []));
}

/** One run's histogram (see binSharedLatencies), as the studio's run page and a report both draw it. */
export function binLatency(latency: BinnableLatency, targetBins = RUN_HISTOGRAM_BINS, options: BinOptions = {}): HistogramBin[] {
  return binSharedLatencies([latency], targetBins, options)[0] ?? [];
}

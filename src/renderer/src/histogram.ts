export interface HistogramBin {
  /** Lower edge of the bin, in milliseconds. */
  fromMs: number;
  /** Upper edge; for the overflow bin, the slowest sample. */
  toMs: number;
  count: number;
  /** The last bin, holding the outliers beyond the far fence (see binSamples). */
  overflow: boolean;
}

/** Quantile of sorted values by linear interpolation between closest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const a = sorted[lower] ?? 0;
  const b = sorted[Math.min(lower + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (position - lower);
}

/**
 * Equal-width bins between the fastest sample and Tukey's far-out fence (Q3 + 3·IQR); slower
 * samples go to one overflow bin. Without the fence, one 8 ms hiccup among 0.01 ms runs would
 * squeeze every other sample into the first bin. With few samples the bin count shrinks to about
 * 2·√n so that bins are not mostly empty.
 */
export function binSamples(samplesMs: readonly number[], targetBins = 30): HistogramBin[] {
  if (samplesMs.length === 0) return [];
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  if (max === min) return [{ fromMs: min, toMs: max, count: sorted.length, overflow: false }];

  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const fence = q3 + 3 * (q3 - q1);
  const upper = fence > min && fence < max ? fence : max;
  const binCount = Math.max(1, Math.min(targetBins, Math.ceil(Math.sqrt(sorted.length) * 2)));
  const widthMs = (upper - min) / binCount;
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, i) => ({
    fromMs: min + i * widthMs,
    toMs: min + (i + 1) * widthMs,
    count: 0,
    overflow: false,
  }));
  const overflow: HistogramBin = { fromMs: upper, toMs: max, count: 0, overflow: true };
  for (const sample of sorted) {
    if (sample > upper) {
      overflow.count += 1;
      continue;
    }
    // The upper edge belongs to the last bin, not to one past it.
    const bin = bins[Math.min(binCount - 1, Math.floor((sample - min) / widthMs))];
    if (bin) bin.count += 1;
  }
  return overflow.count > 0 ? [...bins, overflow] : bins;
}

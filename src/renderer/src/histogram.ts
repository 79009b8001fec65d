export interface HistogramBin {
  /** Lower edge of the bin, in milliseconds. */
  fromMs: number;
  toMs: number;
  count: number;
}

/**
 * Equal-width bins between the smallest and largest sample. With fewer samples than bins each
 * bin would hold zero or one sample, so the bin count shrinks to about the square root of n.
 */
export function binSamples(samplesMs: readonly number[], targetBins = 30): HistogramBin[] {
  if (samplesMs.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const sample of samplesMs) {
    if (sample < min) min = sample;
    if (sample > max) max = sample;
  }
  if (max === min) return [{ fromMs: min, toMs: max, count: samplesMs.length }];
  const binCount = Math.max(1, Math.min(targetBins, Math.ceil(Math.sqrt(samplesMs.length) * 2)));
  const widthMs = (max - min) / binCount;
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, i) => ({
    fromMs: min + i * widthMs,
    toMs: min + (i + 1) * widthMs,
    count: 0,
  }));
  for (const sample of samplesMs) {
    // The maximum belongs to the last bin, not to one past it.
    const index = Math.min(binCount - 1, Math.floor((sample - min) / widthMs));
    const bin = bins[index];
    if (bin) bin.count += 1;
  }
  return bins;
}

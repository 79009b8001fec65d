/** The report's two latency charts: each run's distribution, and all runs' percentile curves. */
import type { SvgMarkup } from './blocks';
import { formatMs, formatMsShort } from './format';
import type { ReportRun } from './report-types';
import { barChart, lineChart } from './svg-chart';

/** Points per percentile curve: enough for a smooth line, few enough to keep the file small. */
const CURVE_POINTS = 201;
/** Samples beyond Tukey's far fence (Q3 + 3 IQR) go to one overflow bar, so a rare stall cannot squash the rest. */
const FAR_FENCE_IQR = 3;

function sorted(samples: readonly number[]): Float64Array {
  return Float64Array.from(samples).sort();
}

/** Nearest-rank quantile of sorted samples, q in [0, 1]. */
function quantile(sortedMs: Float64Array, q: number): number {
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil(q * sortedMs.length) - 1));
  return sortedMs[index] as number;
}

export interface HistogramBin {
  fromMs: number;
  toMs: number;
  count: number;
  overflow: boolean;
}

export function histogramBins(samplesMs: readonly number[]): HistogramBin[] {
  const s = sorted(samplesMs);
  if (s.length === 0) return [];
  const min = s[0] as number;
  const max = s[s.length - 1] as number;
  const q1 = quantile(s, 0.25);
  const q3 = quantile(s, 0.75);
  const fence = q3 + FAR_FENCE_IQR * (q3 - q1);
  const top = max > fence && fence > min ? fence : max;
  // Square-root rule, kept between 8 and 40 bins so small runs still show a shape and big ones stay readable.
  const binCount = Math.min(40, Math.max(8, Math.ceil(Math.sqrt(s.length))));
  const width = (top - min) / binCount || 1;
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, i) => ({
    fromMs: min + i * width,
    toMs: min + (i + 1) * width,
    count: 0,
    overflow: false,
  }));
  let overflow = 0;
  for (const value of s) {
    if (value > top) overflow++;
    else (bins[Math.min(binCount - 1, Math.floor((value - min) / width))] as HistogramBin).count++;
  }
  if (overflow > 0) bins.push({ fromMs: top, toMs: max, count: overflow, overflow: true });
  return bins;
}

export function histogramChart(entry: ReportRun, seriesIndex: number): SvgMarkup {
  const bins = histogramBins(entry.run.latencyMs.samples);
  const regular = bins.filter((bin) => !bin.overflow);
  const first = regular[0];
  const last = regular[regular.length - 1];
  const binWidth = first ? first.toMs - first.fromMs : 1;
  // The overflow bar is drawn one bin wide right after the others; its tooltip gives its true range.
  const bars = bins.map((bin) => {
    const x0 = bin.overflow ? (last?.toMs ?? 0) + binWidth * 0.5 : bin.fromMs;
    const x1 = bin.overflow ? x0 + binWidth : bin.toMs;
    const range = `${formatMs(bin.fromMs)} to ${formatMs(bin.toMs)}`;
    return { x0, x1, value: bin.count, overflow: bin.overflow, title: bin.overflow ? `${bin.count} outliers, ${range}` : `${bin.count} runs, ${range}` };
  });
  const xMax = bars.length > 0 ? Math.max(...bars.map((bar) => bar.x1)) : 1;
  const yMax = Math.max(1, ...bins.map((bin) => bin.count));
  return barChart({
    title: `${entry.label}: latency distribution (${entry.run.latencyMs.count} runs)`,
    x: { min: first?.fromMs ?? 0, max: xMax, label: 'latency', format: formatMsShort },
    y: { min: 0, max: yMax * 1.05, label: 'runs', format: (v) => String(Math.round(v)) },
    bars,
    seriesIndex,
  });
}

/**
 * Percentiles on HdrHistogram's axis: x = log10(1 / (1 − p)), so 90%, 99% and 99.9% are evenly
 * spaced and the tail, where regressions hide, gets as much room as the body. A run of n samples
 * reaches x = log10(n) (its slowest sample). Latency is on a log axis so µs bodies and ms stalls
 * both stay readable.
 */
const PERCENTILE_TICKS: Array<[number, string]> = [
  [0, '0%'],
  [Math.log10(2), '50%'],
  [1, '90%'],
  [2, '99%'],
  [3, '99.9%'],
  [4, '99.99%'],
  [5, '99.999%'],
];

export function percentileChart(runs: readonly ReportRun[]): SvgMarkup {
  const sortedRuns = runs.map((entry) => ({ entry, s: sorted(entry.run.latencyMs.samples) })).filter(({ s }) => s.length > 0);
  const xMax = Math.max(1, ...sortedRuns.map(({ s }) => Math.log10(s.length)));
  const lowest = Math.min(...sortedRuns.map(({ s }) => s[0] as number));
  const highest = Math.max(...sortedRuns.map(({ s }) => s[s.length - 1] as number));
  // A log axis needs a positive bottom; a zero sample (coarse timer) sits on it.
  const yMin = Math.max(lowest > 0 ? lowest / 1.2 : highest / 1e3, Number.MIN_VALUE);
  const yMax = highest > yMin ? highest * 1.2 : yMin * 10;
  const series = sortedRuns.map(({ entry, s }) => {
    const reach = Math.log10(s.length);
    return {
      name: entry.label,
      points: Array.from({ length: CURVE_POINTS }, (_, i): [number, number] => {
        const x = (i / (CURVE_POINTS - 1)) * reach;
        return [x, Math.max(yMin, quantile(s, 1 - 10 ** -x))];
      }),
    };
  });
  const ticks = PERCENTILE_TICKS.filter(([x]) => x <= xMax + 1e-9);
  const labels = new Map(ticks);
  return lineChart({
    title: 'Latency by percentile (lower is faster)',
    x: { min: 0, max: xMax, label: 'percentile (log scale of the tail)', format: (v) => labels.get(v) ?? '', ticks: ticks.map(([x]) => x) },
    y: { min: yMin, max: yMax, label: 'latency (log scale)', format: formatMsShort, log: true },
    series,
    markers: [1, 2].filter((x) => x <= xMax).map((x) => ({ x, label: labels.get(x) === '90%' ? 'p90' : 'p99' })),
  });
}

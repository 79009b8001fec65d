/** The report's two latency charts: each run's distribution, and all runs' percentile curves. */
import { binLatency } from '../../shared/numeric/histogram';
import { asSamples, percentile, sortSamples, type SortedSamples } from '../../shared/numeric/quantile';
import type { SvgMarkup } from './blocks';
import { formatMsShort } from './format';
import { formatMs } from '../../shared/units';
import type { ReportRun } from './report-types';
import { barChart, lineChart } from './svg-chart';

/** Points per percentile curve: enough for a smooth line, few enough to keep the file small. */
const CURVE_POINTS = 201;

/**
 * A run's latency histogram, on the bins the studio draws for the same run (its run page):
 * src/shared/numeric/histogram.ts.
 */
export function histogramChart(entry: ReportRun, seriesIndex: number): SvgMarkup {
  const bins = binLatency(entry.run.latencyMs);
  const regular = bins.filter((bin) => !bin.overflow);
  const first = regular[0];
  const last = regular[regular.length - 1];
  // Samples all equal make one bin of no width: it is drawn as a bar 2% of its latency wide.
  const zeroWidth = first !== undefined && first.toMs === first.fromMs;
  const binWidth = first === undefined ? 1 : zeroWidth ? Math.max(Math.abs(first.fromMs) * 0.02, 1e-6) : first.toMs - first.fromMs;
  // The overflow bar is drawn one bin wide right after the others; its tooltip gives its true range.
  const bars = bins.map((bin) => {
    const x0 = bin.overflow ? (last?.toMs ?? 0) + binWidth * 0.5 : zeroWidth ? bin.fromMs - binWidth / 2 : bin.fromMs;
    const x1 = bin.overflow ? x0 + binWidth : zeroWidth ? bin.fromMs + binWidth / 2 : bin.toMs;
    const range = `${formatMs(bin.fromMs)} to ${formatMs(bin.toMs)}`;
    return { x0, x1, value: bin.count, overflow: bin.overflow, title: bin.overflow ? `${bin.count} outliers, ${range}` : `${bin.count} runs, ${range}` };
  });
  const xMin = bars.length > 0 ? Math.min(...bars.map((bar) => bar.x0)) : 0;
  const xMax = bars.length > 0 ? Math.max(...bars.map((bar) => bar.x1)) : 1;
  const yMax = Math.max(1, ...bins.map((bin) => bin.count));
  return barChart({
    title: `${entry.label}: latency distribution (${entry.run.latencyMs.count} runs)`,
    x: { min: xMin, max: xMax, label: 'latency', format: formatMsShort },
    y: { min: 0, max: yMax * 1.05, label: 'runs', format: (v) => String(Math.round(v)) },
    bars,
    seriesIndex,
  });
}

/**
 * Percentiles on HdrHistogram's axis: x = log10(1 / (1 − p)), so 90%, 99% and 99.9% are evenly
 * spaced and the tail, where regressions hide, gets as much room as the body. A run of n samples
 * reaches x = log10(n), between its two slowest samples. Latency is on a log axis so µs bodies and ms stalls
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
  const sortedRuns = runs
    .filter((entry) => entry.run.latencyMs.samples.length > 0)
    .map((entry): { entry: ReportRun; s: SortedSamples } => ({ entry, s: sortSamples(asSamples(entry.run.latencyMs.samples)) }));
  const xMax = Math.max(1, ...sortedRuns.map(({ s }) => Math.log10(s.length)));
  const lowest = Math.min(...sortedRuns.map(({ s }) => s[0]));
  const highest = Math.max(...sortedRuns.map(({ s }) => s[s.length - 1] ?? s[0]));
  // A log axis needs a positive bottom; a zero sample (coarse timer) sits on it.
  const yMin = Math.max(lowest > 0 ? lowest / 1.2 : highest / 1e3, Number.MIN_VALUE);
  const yMax = highest > yMin ? highest * 1.2 : yMin * 10;
  const series = sortedRuns.map(({ entry, s }) => {
    const reach = Math.log10(s.length);
    return {
      name: entry.label,
      points: Array.from({ length: CURVE_POINTS }, (_, i): [number, number] => {
        const x = (i / (CURVE_POINTS - 1)) * reach;
        // The one quantile (type 7): the curve passes through the run's own p50, p90 and p99.
        return [x, Math.max(yMin, percentile(s, Math.min(100, 100 * (1 - 10 ** -x))))];
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

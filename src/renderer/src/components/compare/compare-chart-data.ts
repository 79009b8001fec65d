/**
 * What the Compare page's histogram and CDF draw, computed from the runs' samples (300,000 for
 * three runs of 100,000), and kept for the last few sets of runs: the Runs page computes it for
 * the ticked runs once their files are read ahead and the page is idle, so Compare's first render
 * takes it from here. In code not yet optimised after a page load, the two cost 15–30 ms of the
 * click on "Compare" (bench:ui's profile).
 */
import type { RunFile } from '../../../../shared/run-schema';
import { formatMs } from '../../../../shared/units';
import { formatAxisMs } from '../../format';
import { binSharedLatencies, cdfPoints, MAX_BINS, sharedRange, type CdfPoint } from '../../histogram';
import { DEFAULT_LATENCY_VIEW, drawnRange, overflowCount, type LatencyView } from '../charts/latency-axis';

export type HistogramRow = Record<string, number | string>;

export interface HistogramRows {
  /** One row per shared bin up to the fence; run r's share of its samples in the bin, in percent, under `r${r}`. */
  rows: HistogramRow[];
  /** Samples of all runs beyond the fence (in the overflow bin, which is not drawn). */
  beyondFence: number;
}

export interface CdfLines {
  /** One line per run, in the order of the runs. */
  lines: CdfPoint[][];
  minMs: number;
  upperMs: number;
}

function computeHistogramRows(runs: readonly RunFile[], view: LatencyView): HistogramRows {
  const binned = binSharedLatencies(
    runs.map((r) => r.latencyMs),
    MAX_BINS,
    { spacing: view.scale, fence: !view.showAll },
  );
  const edges = (binned.find((bins) => bins.length > 0) ?? []).filter((bin) => !bin.overflow);
  const log = view.scale === 'log';
  const rows = edges.map((bin, i) => {
    const row: HistogramRow = {
      key: String(i),
      label: formatAxisMs(log ? Math.sqrt(bin.fromMs * bin.toMs) : (bin.fromMs + bin.toMs) / 2),
      range: `${formatMs(bin.fromMs)} – ${formatMs(bin.toMs)}`,
    };
    runs.forEach((run, r) => {
      const count = binned[r]?.[i]?.count ?? 0;
      row[`r${r}`] = (100 * count) / Math.max(1, run.latencyMs.samples.length);
    });
    return row;
  });
  return { rows, beyondFence: overflowCount(binned) };
}

function computeCdfLines(runs: readonly RunFile[], view: LatencyView): CdfLines {
  const range = sharedRange(runs.map((r) => r.latencyMs));
  const drawn = range ? drawnRange(range, view) : { minMs: 0, upperMs: 1, maxMs: 1 };
  return {
    lines: runs.map((r) => cdfPoints(r.latencyMs.samples, drawn.minMs, drawn.upperMs, undefined, view.scale)),
    minMs: drawn.minMs,
    upperMs: drawn.upperMs,
  };
}

/** Sets of runs kept: the one Compare shows, the one ticked next, and a view toggled back and forth. */
const KEPT = 4;

interface Entry<T> {
  /**
   * The run files themselves (the query cache's objects, so a file read again is a new set), held
   * weakly: what is kept here is small (bins and CDF points), and never keeps a file of 100,000
   * samples in memory past the query cache's own bound on them.
   */
  runs: ReadonlyArray<WeakRef<RunFile>>;
  view: string;
  value: T;
}

/** The last KEPT results of `compute`, by run files and view. */
function keptResults<T>(compute: (runs: readonly RunFile[], view: LatencyView) => T) {
  const entries: Array<Entry<T>> = [];
  return (runs: readonly RunFile[], view: LatencyView): T => {
    const key = `${view.scale} ${view.showAll}`;
    const at = entries.findIndex((e) => e.view === key && e.runs.length === runs.length && e.runs.every((r, i) => r.deref() === runs[i]));
    const found = at >= 0 ? entries.splice(at, 1)[0] : undefined;
    const entry = found ?? { runs: runs.map((r) => new WeakRef(r)), view: key, value: compute(runs, view) };
    entries.unshift(entry);
    entries.length = Math.min(entries.length, KEPT);
    return entry.value;
  };
}

/** The overlaid histogram's rows for `runs` (in the order drawn) in `view`. */
export const histogramRows = keptResults(computeHistogramRows);

/** The CDF lines for `runs` (in the order drawn) in `view`. */
export const cdfLines = keptResults(computeCdfLines);

/** What Compare's first render of `runs` needs (its charts open in the default view). */
export function prepareCompareCharts(runs: readonly RunFile[]): void {
  histogramRows(runs, DEFAULT_LATENCY_VIEW);
  cdfLines(runs, DEFAULT_LATENCY_VIEW);
}

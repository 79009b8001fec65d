/**
 * What every latency axis of the studio shares: a linear or log scale, its ticks, and the outlier
 * fence that keeps a long tail from squashing a chart. The fence itself is the one the histogram
 * binning uses (src/shared/numeric/histogram.ts, `sharedRange`): the app's charts and a report's
 * charts of one run stop at the same latency.
 */
import type { SharedRange } from '../../../../shared/numeric/histogram';
import { formatAxisMs } from '../../format';
import { formatMs } from '../../../../shared/units';

export type LatencyScale = 'linear' | 'log';

/** How a latency axis is drawn: its scale, and whether it stops at the outlier fence or shows every sample. */
export interface LatencyView {
  scale: LatencyScale;
  /** Every sample drawn, the fence ignored. */
  showAll: boolean;
}

export const DEFAULT_LATENCY_VIEW: LatencyView = { scale: 'linear', showAll: false };

/** The mantissas of ticks within one decade, by how many decades the axis spans (more decades, fewer ticks each). */
const DECADE_STEPS: ReadonlyArray<readonly number[]> = [[1, 2, 5], [1, 3], [1]];

/**
 * Ticks of a log axis from `lowMs` to `highMs`: 1, 2, 5 × 10^k inside the range (1, 3 × 10^k
 * or powers of ten alone when the range spans many decades), always with both ends, so that a
 * narrow range (0.9 to 1.4 ms, inside one decade) still gets a labelled tick at each end.
 * Empty when the range is not positive: a log axis cannot show 0.
 */
export function logTicks(lowMs: number, highMs: number, maxTicks = 8): number[] {
  if (!(lowMs > 0) || !(highMs > lowMs) || !Number.isFinite(highMs)) return lowMs > 0 && highMs === lowMs ? [lowMs] : [];
  const firstDecade = Math.floor(Math.log10(lowMs));
  const lastDecade = Math.ceil(Math.log10(highMs));
  for (const steps of DECADE_STEPS) {
    const ticks: number[] = [];
    for (let decade = firstDecade; decade <= lastDecade; decade++) {
      for (const step of steps) {
        // toPrecision drops the binary noise of step · 10^decade (3 × 0.1 = 0.30000000000000004).
        const tick = Number((step * 10 ** decade).toPrecision(6));
        if (tick > lowMs * 1.0001 && tick < highMs / 1.0001) ticks.push(tick);
      }
    }
    if (ticks.length + 2 <= maxTicks || steps.length === 1) return thinned([lowMs, ...ticks, highMs], maxTicks);
  }
  return [lowMs, highMs];
}

/** At most `maxTicks`, keeping both ends and every k-th tick between them. */
function thinned(ticks: number[], maxTicks: number): number[] {
  if (ticks.length <= maxTicks) return ticks;
  const inner = ticks.slice(1, -1);
  const every = Math.ceil(inner.length / Math.max(1, maxTicks - 2));
  return [ticks[0] ?? 0, ...inner.filter((_, i) => i % every === every - 1), ticks[ticks.length - 1] ?? 0];
}

/** Linear axes: recharts picks its own round ticks. Log axes: the ticks above, on the range drawn. */
export function latencyTicks(view: LatencyView, lowMs: number, highMs: number): number[] | undefined {
  return view.scale === 'log' ? logTicks(lowMs, highMs) : undefined;
}

/** The samples a chart leaves out past its axis' end, and the slowest of them. */
export interface HiddenTail {
  count: number;
  /** Where the axis stops: the outlier fence. */
  fenceMs: number;
  /** The slowest sample of any run. */
  maxMs: number;
}

/**
 * The tail a chart cut at `range.upperMs` leaves out, given how many samples lie beyond it (the
 * binning's overflow bins, or what a CDF's last point does not reach: no extra pass over the
 * samples); null when none do or the view shows every sample.
 */
export function hiddenTail(beyondFence: number, range: SharedRange, view: LatencyView): HiddenTail | null {
  if (view.showAll || !(range.maxMs > range.upperMs) || beyondFence <= 0) return null;
  return { count: beyondFence, fenceMs: range.upperMs, maxMs: range.maxMs };
}

/** Samples beyond the fence, from bins made with the fence on: what their overflow bins hold. */
export function overflowCount(bins: ReadonlyArray<ReadonlyArray<{ overflow: boolean; count: number }>>): number {
  return bins.reduce((sum, runBins) => sum + runBins.reduce((s, bin) => s + (bin.overflow ? bin.count : 0), 0), 0);
}

/** "12 samples above 3.1 ms not drawn (max 9.84 ms)". */
export function hiddenTailText(tail: HiddenTail): string {
  const samples = tail.count === 1 ? 'sample' : 'samples';
  return `${tail.count.toLocaleString('en-US')} ${samples} above ${formatAxisMs(tail.fenceMs)} ms not drawn (max ${formatMs(tail.maxMs)})`;
}

/** The range a chart draws: up to the fence, or up to the slowest sample when the view shows all. */
export function drawnRange(range: SharedRange, view: LatencyView): SharedRange {
  return view.showAll ? { ...range, upperMs: range.maxMs } : range;
}

/** A latency axis' domain with a little room at both ends; a log axis keeps it positive. */
export function paddedDomain(view: LatencyView, lowMs: number, highMs: number): [number, number] {
  if (view.scale === 'log') {
    const low = lowMs > 0 ? lowMs : highMs / 1000;
    return [low / 1.05, highMs * 1.05];
  }
  const pad = (highMs - lowMs) * 0.02;
  return [Math.max(0, lowMs - pad), highMs + pad];
}

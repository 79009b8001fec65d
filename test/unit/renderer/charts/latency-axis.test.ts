/**
 * The arithmetic under the studio's latency charts (issue 13 item 2): log-axis ticks, the outlier
 * fence and what it hides, log-spaced bins and CDF points, and the Pareto front.
 */
import { describe, expect, it } from 'vitest';
import { paretoFront, type ScatterPoint } from '../../../../src/renderer/src/accuracy';
import { drawnRange, hiddenTail, hiddenTailText, logTicks, overflowCount, paddedDomain } from '../../../../src/renderer/src/components/charts/latency-axis';
import { cdfPoints } from '../../../../src/renderer/src/histogram';
import { binLatency, sharedRange } from '../../../../src/shared/numeric/histogram';
import { asSamples, percentile, sortSamples } from '../../../../src/shared/numeric/quantile';
import { summarizeLatency } from '../../../../src/core/bench/stats';
import { seededRandom } from '../../../../src/core/runner/input-data';

function normalSamples(count: number, meanMs: number, sdMs: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => meanMs + sdMs * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

describe('log-axis ticks', () => {
  it('puts 1, 2, 5 per decade between the ends, and both ends', () => {
    expect(logTicks(0.55, 40)).toEqual([0.55, 1, 2, 5, 10, 20, 40]);
  });

  it('thins to fewer ticks per decade over many decades, never more than asked', () => {
    const ticks = logTicks(0.01, 1000);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks).toEqual(expect.arrayContaining([0.01, 0.1, 1, 10, 100, 1000]));
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
  });

  it('keeps both ends of a range inside one decade', () => {
    expect(logTicks(1.1, 1.4)).toEqual([1.1, 1.4]);
    expect(logTicks(0.9, 1.4)).toEqual([0.9, 1, 1.4]);
  });

  it('has no ticks where a log axis cannot go (0 or below), and one for a single value', () => {
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(-1, 10)).toEqual([]);
    expect(logTicks(2, 2)).toEqual([2]);
  });

  it('gives ticks without binary noise (0.3, not 0.30000000000000004)', () => {
    for (const tick of logTicks(0.02, 900)) expect(String(tick).length).toBeLessThan(8);
  });

  it('pads a log domain by a ratio and keeps it positive; a linear one by 2 % of the span, never below 0', () => {
    const [low, high] = paddedDomain({ scale: 'log', showAll: false }, 1, 100);
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(1);
    expect(high).toBeGreaterThan(100);
    expect(paddedDomain({ scale: 'linear', showAll: false }, 0.1, 10)).toEqual([0, 10 + 0.198]);
  });
});

describe('the outlier fence', () => {
  it("sits where Tukey's far fence Q3 + 3·IQR does for normal latencies (within 3 %)", () => {
    const samples = normalSamples(20_000, 10, 1, 7);
    const sorted = sortSamples(asSamples(samples));
    const q1 = percentile(sorted, 25);
    const q3 = percentile(sorted, 75);
    const tukeyMs = q3 + 3 * (q3 - q1);
    // The far fence lies past nearly every normal sample, so add a tail for the fence to cut.
    const range = sharedRange([summarizeLatency([...samples, 30, 40])]);
    expect(range).not.toBeNull();
    expect(Math.abs((range?.upperMs ?? 0) - tukeyMs) / tukeyMs).toBeLessThan(0.03);
  });

  it('counts the samples beyond it (from the overflow bins, and from where the CDF stops), names the slowest, and hides nothing when the view shows all', () => {
    const samples = [...normalSamples(2_000, 1, 0.05, 3), 9, 12, 50];
    const latency = summarizeLatency(samples);
    const range = sharedRange([latency]);
    if (!range) throw new Error('no range');
    const beyond = samples.filter((s) => s > range.upperMs).length;
    expect(beyond).toBeGreaterThanOrEqual(3);
    expect(overflowCount([binLatency(latency)])).toBe(beyond);
    const cdf = cdfPoints(samples, range.minMs, range.upperMs);
    expect(Math.round(samples.length * (1 - (cdf.at(-1)?.fraction ?? 1)))).toBe(beyond);
    const tail = hiddenTail(beyond, range, { scale: 'linear', showAll: false });
    expect(tail).toEqual({ count: beyond, fenceMs: range.upperMs, maxMs: 50 });
    expect(hiddenTailText({ count: 3, fenceMs: 1.234, maxMs: 50 })).toBe('3 samples above 1.23 ms not drawn (max 50.00 ms)');
    expect(hiddenTailText({ count: 1, fenceMs: 0.5, maxMs: 2 })).toBe('1 sample above 0.500 ms not drawn (max 2.00 ms)');
    expect(hiddenTail(beyond, range, { scale: 'linear', showAll: true })).toBeNull();
    expect(drawnRange(range, { scale: 'log', showAll: true }).upperMs).toBe(50);
  });

  it('hides nothing in a run without a tail', () => {
    const latency = summarizeLatency([1, 1.1, 1.2, 1.3, 1.4]);
    const range = sharedRange([latency]);
    if (!range) throw new Error('no range');
    expect(range.upperMs).toBe(range.maxMs);
    expect(overflowCount([binLatency(latency)])).toBe(0);
    expect(hiddenTail(0, range, { scale: 'linear', showAll: false })).toBeNull();
  });

  it('is ignored when the bins are asked to show all: they end at the slowest sample, without an overflow bin', () => {
    const latency = summarizeLatency([...normalSamples(500, 1, 0.05, 5), 20]);
    const fenced = binLatency(latency);
    expect(fenced.at(-1)?.overflow).toBe(true);
    const all = binLatency(latency, undefined, { fence: false });
    expect(all.some((bin) => bin.overflow)).toBe(false);
    expect(all.at(-1)?.toMs).toBe(20);
    expect(all.reduce((sum, bin) => sum + bin.count, 0)).toBe(501);
  });
});

describe('log-spaced bins and CDF points', () => {
  const samples = [...normalSamples(1_000, 1, 0.1, 9), 3, 5, 8, 30];
  const latency = summarizeLatency(samples);

  it('log bins are equal in log(latency), from the fastest sample to the slowest, and hold every sample once', () => {
    const bins = binLatency(latency, 40, { spacing: 'log', fence: false });
    expect(bins[0]?.fromMs).toBe(latency.min);
    expect(bins.at(-1)?.toMs).toBe(latency.max);
    const ratios = bins.map((bin) => bin.toMs / bin.fromMs);
    for (const ratio of ratios) expect(ratio).toBeCloseTo(ratios[0] ?? 0, 9);
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(samples.length);
    // Each sample falls in the bin whose edges hold it.
    for (const bin of bins) {
      const inside = samples.filter((s) => s >= bin.fromMs && (s < bin.toMs || (bin === bins.at(-1) && s <= bin.toMs))).length;
      expect(bin.count).toBe(inside);
    }
  });

  it('log CDF points are spaced evenly in log(latency) and exact at each of them', () => {
    const points = cdfPoints(samples, 0.5, 30, 50, 'log');
    expect(points).toHaveLength(50);
    expect(points[0]?.latencyMs).toBeCloseTo(0.5, 12);
    expect(points.at(-1)?.latencyMs).toBe(30);
    const ratio = (points[1]?.latencyMs ?? 0) / (points[0]?.latencyMs ?? 1);
    expect((points[2]?.latencyMs ?? 0) / (points[1]?.latencyMs ?? 1)).toBeCloseTo(ratio, 9);
    for (const point of points.filter((_, i) => i % 7 === 0)) {
      expect(point.fraction).toBeCloseTo(samples.filter((s) => s <= point.latencyMs).length / samples.length, 12);
    }
  });

  it('falls back to linear spacing when the fastest latency is not positive', () => {
    const linear = cdfPoints([0, 1, 2], 0, 2, 3, 'log');
    expect(linear.map((p) => p.latencyMs)).toEqual([0, 1, 2]);
  });
});

describe('the Pareto front (faster and more accurate is better)', () => {
  const point = (x: number, y: number, label = `${x}/${y}`): ScatterPoint => ({ x, y, modelId: label, label });

  it('keeps the points nothing beats, sorted from the fastest', () => {
    const points = [point(5, 0.99), point(1, 0.9), point(2, 0.95), point(3, 0.93), point(4, 0.99), point(2.5, 0.8)];
    expect(paretoFront(points).map((p) => p.label)).toEqual(['1/0.9', '2/0.95', '4/0.99']);
  });

  it('of points equally fast keeps the most accurate; of equal points, one', () => {
    expect(paretoFront([point(1, 0.9, 'a'), point(1, 0.95, 'b'), point(1, 0.95, 'c')]).map((p) => p.label)).toEqual(['b']);
  });

  it('is one point when the fastest is also the most accurate, and empty without points', () => {
    expect(paretoFront([point(1, 0.99), point(2, 0.9), point(3, 0.95)])).toHaveLength(1);
    expect(paretoFront([])).toEqual([]);
  });
});

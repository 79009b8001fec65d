import { describe, expect, test } from 'vitest';
import {
  asSamples,
  coefficientOfVariation,
  max,
  mean,
  median,
  min,
  percentile,
  sampleStddev,
  sortSamples,
  summarizeLatency,
  throughputPerSec,
} from '../../../src/core/bench/stats';
import { StudioError } from '../../../src/shared/errors';
import { LatencyStats } from '../../../src/shared/run-schema';

// Even n with ties. Sorted [1, 1, 2, 3, 4, 5, 6, 9], n = 8, sum = 31.
const samples = asSamples([3, 1, 4, 1, 5, 9, 2, 6]);
const sorted = sortSamples(samples);

describe('latency statistics', () => {
  test('mean, min and max', () => {
    expect(mean(samples)).toBe(3.875); // 31 / 8
    expect(min(sorted)).toBe(1);
    expect(max(sorted)).toBe(9);
  });

  test('percentiles interpolate linearly between closest ranks (numpy default)', () => {
    // median: rank 7 · 0.5 = 3.5 → 3 + 0.5 · (4 − 3)
    expect(median(sorted)).toBe(3.5);
    // p90: rank 6.3 → 6 + 0.3 · (9 − 6)
    expect(percentile(sorted, 90)).toBeCloseTo(6.9, 12);
    // p95: rank 6.65 → 6 + 0.65 · 3
    expect(percentile(sorted, 95)).toBeCloseTo(7.95, 12);
    // p99: rank 6.93 → 6 + 0.93 · 3
    expect(percentile(sorted, 99)).toBeCloseTo(8.79, 12);
    // p25: rank 1.75 → 1 + 0.75 · (2 − 1)
    expect(percentile(sorted, 25)).toBe(1.75);
    // rank 0.7 lies between two equal samples: exactly 1, no rounding noise
    expect(percentile(sorted, 10)).toBe(1);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 100)).toBe(9);
  });

  test('sample standard deviation divides by n − 1', () => {
    // deviations from 3.875: −0.875, −2.875, 0.125, −2.875, 1.125, 5.125, −1.875, 2.125; squares sum to 52.875
    expect(sampleStddev(samples)).toBeCloseTo(Math.sqrt(52.875 / 7), 12);
    expect(sampleStddev(asSamples([4, 4, 4]))).toBe(0);
    expect(sampleStddev(asSamples([7]))).toBe(0);
  });

  test('coefficient of variation and throughput', () => {
    expect(coefficientOfVariation(0.5, 10)).toBe(0.05);
    expect(coefficientOfVariation(0, 0)).toBe(0);
    // 4 ms per inference → 250 inferences per second; 0 ms → nothing to divide by
    expect(throughputPerSec(4)).toBe(250);
    expect(throughputPerSec(0)).toBe(0);
  });

  test('summary of an even count with ties fills every field', () => {
    const stats = summarizeLatency([3, 1, 4, 1, 5, 9, 2, 6]);
    const stddev = Math.sqrt(52.875 / 7); // ≈ 2.7484
    expect(stats.samples).toEqual([3, 1, 4, 1, 5, 9, 2, 6]); // measured order kept
    expect(stats).toMatchObject({ count: 8, mean: 3.875, median: 3.5, p50: 3.5, min: 1, max: 9 });
    expect(stats.p90).toBeCloseTo(6.9, 12);
    expect(stats.p95).toBeCloseTo(7.95, 12);
    expect(stats.p99).toBeCloseTo(8.79, 12);
    expect(stats.stddev).toBeCloseTo(stddev, 12);
    expect(stats.cv).toBeCloseTo(stddev / 3.875, 12); // ≈ 0.709
    expect(stats.throughputPerSec).toBeCloseTo(1000 / 3.875, 9); // ≈ 258.06
    // n = 8: P(B ≤ 0) = 1/256 ≤ 2.5% < P(B ≤ 1) = 9/256, so ranks 1 and 8: the whole range
    expect(stats.medianCi95).toEqual({ low: 1, high: 9 });
    // Q1 = 1.75, Q3 = 5.25 (ranks 1.75 and 5.25), IQR 3.5: fences −3.5..10.5 hold everything.
    // MAD: |x − 3.5| sorted 0.5, 0.5, 1.5, 1.5, 2.5, 2.5, 2.5, 5.5 → (1.5 + 2.5) / 2 = 2; 10 · 1.4826 · 2 ≫ 5.5
    expect(stats.outliers).toEqual({ madZ: 0, tukeyMild: 0, tukeySevere: 0 });
    expect(LatencyStats.parse(stats)).toEqual(stats);
  });

  test('summary of an odd count with ties', () => {
    // sorted [3, 3, 3, 7, 9], sum 25
    const stats = summarizeLatency([7, 3, 3, 9, 3]);
    expect(stats).toMatchObject({ count: 5, mean: 5, median: 3, p50: 3, min: 3, max: 9 });
    // p90: rank 4 · 0.9 = 3.6 → 7 + 0.6 · (9 − 7)
    expect(stats.p90).toBeCloseTo(8.2, 12);
    // deviations −2, −2, −2, 2, 4 → squares 32 → √(32 / 4) = √8
    expect(stats.stddev).toBeCloseTo(Math.sqrt(8), 12);
    expect(stats.cv).toBeCloseTo(Math.sqrt(8) / 5, 12);
    expect(stats.throughputPerSec).toBe(200); // 1000 / 5
    // 5 samples are too few for a 95% interval: min..max
    expect(stats.medianCi95).toEqual({ low: 3, high: 9 });
  });

  test('two samples', () => {
    const stats = summarizeLatency([4, 2]);
    expect(stats).toMatchObject({ count: 2, mean: 3, median: 3, min: 2, max: 4 });
    // p90: rank 0.9 → 2 + 0.9 · 2; p99: 2 + 0.99 · 2
    expect(stats.p90).toBeCloseTo(3.8, 12);
    expect(stats.p99).toBeCloseTo(3.98, 12);
    // deviations ±1 → √(2 / 1)
    expect(stats.stddev).toBeCloseTo(Math.SQRT2, 12);
    expect(stats.medianCi95).toEqual({ low: 2, high: 4 });
    expect(stats.outliers).toEqual({ madZ: 0, tukeyMild: 0, tukeySevere: 0 });
  });

  test('one sample gives that sample for every statistic', () => {
    expect(summarizeLatency([2.5])).toEqual({
      samples: [2.5],
      count: 1,
      mean: 2.5,
      median: 2.5,
      p50: 2.5,
      p90: 2.5,
      p95: 2.5,
      p99: 2.5,
      min: 2.5,
      max: 2.5,
      stddev: 0,
      cv: 0,
      medianCi95: { low: 2.5, high: 2.5 },
      throughputPerSec: 400,
      outliers: { madZ: 0, tukeyMild: 0, tukeySevere: 0 },
    });
  });

  test('samples of 0 ms (a timer too coarse to see the work) still give a valid summary', () => {
    const stats = summarizeLatency([0, 0, 0]);
    expect(stats).toMatchObject({ mean: 0, cv: 0, throughputPerSec: 0 });
    expect(LatencyStats.parse(stats)).toEqual(stats);
  });

  test('no samples, non-finite samples and percentiles outside 0..100 are refused', () => {
    expect(() => asSamples([])).toThrow(StudioError);
    expect(() => asSamples([1, Number.NaN])).toThrow(/not a finite number/);
    expect(() => asSamples([1, Number.POSITIVE_INFINITY])).toThrow(/not a finite number \(Infinity\)/);
    expect(() => percentile(sorted, 101)).toThrow(/outside 0\.\.100/);
  });

  test('sorting copies: the measured order of the raw samples is left alone', () => {
    const measured = [3, 1, 2];
    expect(sortSamples(asSamples(measured))).toEqual([1, 2, 3]);
    expect(measured).toEqual([3, 1, 2]);
  });

  test('only sorted samples reach the percentile code', () => {
    // @ts-expect-error plain (unsorted) samples are not SortedSamples
    expect(percentile(samples, 50)).toBeTypeOf('number');
  });
});

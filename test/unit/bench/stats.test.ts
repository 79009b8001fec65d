import { describe, expect, test } from 'vitest';
import { asSamples, max, mean, median, min, percentile, sampleStddev, sortSamples, summarizeLatency } from '../../../src/core/bench/stats';
import { StudioError } from '../../../src/shared/errors';

// Hand-computed: sorted [1, 1, 2, 3, 4, 5, 6, 9], n = 8, sum = 31.
const samples = asSamples([3, 1, 4, 1, 5, 9, 2, 6]);
const sorted = sortSamples(samples);

describe('latency statistics', () => {
  test('mean, min and max', () => {
    expect(mean(samples)).toBe(3.875);
    expect(min(sorted)).toBe(1);
    expect(max(sorted)).toBe(9);
  });

  test('percentiles interpolate linearly between closest ranks (numpy default)', () => {
    // median: rank 7 · 0.5 = 3.5 → 3 + 0.5 · (4 − 3)
    expect(median(sorted)).toBe(3.5);
    // p90: rank 6.3 → 6 + 0.3 · (9 − 6)
    expect(percentile(sorted, 90)).toBeCloseTo(6.9, 12);
    // p99: rank 6.93 → 6 + 0.93 · 3
    expect(percentile(sorted, 99)).toBeCloseTo(8.79, 12);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 100)).toBe(9);
    // odd count: the middle element exactly
    expect(median(sortSamples(asSamples([5, 1, 3])))).toBe(3);
  });

  test('sample standard deviation divides by n − 1', () => {
    // squared deviations from 3.875 sum to 52.875
    expect(sampleStddev(samples)).toBeCloseTo(Math.sqrt(52.875 / 7), 12);
    expect(sampleStddev(asSamples([4, 4, 4]))).toBe(0);
    expect(sampleStddev(asSamples([7]))).toBe(0);
  });

  test('sorting leaves the measured order of the raw samples alone', () => {
    const stats = summarizeLatency([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(stats.samples).toEqual([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(stats).toMatchObject({ count: 8, mean: 3.875, median: 3.5, min: 1, max: 9 });
  });

  test('one sample gives that sample for every statistic', () => {
    expect(summarizeLatency([2.5])).toEqual({ samples: [2.5], count: 1, mean: 2.5, median: 2.5, p90: 2.5, p99: 2.5, min: 2.5, max: 2.5, stddev: 0 });
  });

  test('no samples, non-finite samples and percentiles outside 0..100 are refused', () => {
    expect(() => asSamples([])).toThrow(StudioError);
    expect(() => asSamples([1, Number.NaN])).toThrow(/not a finite number/);
    expect(() => percentile(sorted, 101)).toThrow(/outside 0\.\.100/);
  });

  test('only sorted samples reach the percentile code', () => {
    // @ts-expect-error plain (unsorted) samples are not SortedSamples
    expect(percentile(samples, 50)).toBeTypeOf('number');
  });
});

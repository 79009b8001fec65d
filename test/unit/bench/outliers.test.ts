import { describe, expect, test } from 'vitest';
import {
  countModifiedZOutliers,
  countOutliers,
  countTukeyOutliers,
  medianAbsoluteDeviation,
} from '../../../src/core/bench/outliers';
import { asSamples, median, percentile, sortSamples, summarizeLatency } from '../../../src/core/bench/stats';

const sorted = (values: number[]) => sortSamples(asSamples(values));
const quartiles = (values: number[]) => {
  const s = sorted(values);
  return { q1: percentile(s, 25), median: median(s), q3: percentile(s, 75) };
};

// A steady run with one mild and one severe spike, n = 11:
// sorted [98, 99, 99, 100, 100, 100, 101, 101, 102, 106, 200], median = 100 (rank 5).
const spiky = [100, 101, 99, 100, 102, 98, 100, 101, 99, 106, 200];

describe('median absolute deviation', () => {
  test('odd and even counts, hand-computed', () => {
    // spiky: |x − 100| sorted 0, 0, 0, 1, 1, 1, 1, 2, 2, 6, 100 → middle (6th) = 1
    expect(medianAbsoluteDeviation(sorted(spiky), 100)).toBe(1);
    // [1, 1, 2, 3, 4, 5, 6, 9], median 3.5: |x − 3.5| sorted 0.5, 0.5, 1.5, 1.5, 2.5, 2.5, 2.5, 5.5 → (1.5 + 2.5) / 2
    expect(medianAbsoluteDeviation(sorted([3, 1, 4, 1, 5, 9, 2, 6]), 3.5)).toBe(2);
    // [2, 4], median 3: deviations 1, 1
    expect(medianAbsoluteDeviation(sorted([4, 2]), 3)).toBe(1);
    expect(medianAbsoluteDeviation(sorted([7]), 7)).toBe(0);
  });
});

describe('outlier counts', () => {
  test('Tukey fences separate mild from severe', () => {
    // Q1 = rank 2.5 → 99.5, Q3 = rank 7.5 → 101.5, IQR = 2.
    // 1.5 IQR fences 96.5..104.5: 106 and 200 are beyond → mild 2 (severe included).
    // 3 IQR fences 93.5..107.5: only 200 → severe 1.
    expect(quartiles(spiky)).toEqual({ q1: 99.5, median: 100, q3: 101.5 });
    expect(countTukeyOutliers(sorted(spiky), quartiles(spiky))).toEqual({ mild: 2, severe: 1 });
  });

  test('modified z-score flags only samples more than 10 robust standard deviations out', () => {
    // MAD = 1 → σ ≈ 1.4826; 10 σ reach → 85.174..114.826: only 200 is outside (106 is 4 σ out)
    expect(countModifiedZOutliers(sorted(spiky), 100)).toBe(1);
    expect(summarizeLatency(spiky).outliers).toEqual({ madZ: 1, tukeyMild: 2, tukeySevere: 1 });
  });

  test('a low outlier counts too', () => {
    // sorted [2, 98, 99, 99, 100, 100, 100, 101, 101, 102, 106], median 100, MAD 1 → 2 is 66 σ below
    const values = [...spiky.slice(0, 10), 2];
    expect(countOutliers(sorted(values), quartiles(values)).madZ).toBe(1);
  });

  test('when more than half the samples tie (MAD = 0), the mean absolute deviation takes over', () => {
    // [10 ×7, 100]: MAD = 0; mean |x − 10| = 90 / 8 = 11.25 → σ ≈ 1.253314 · 11.25 = 14.1;
    // 100 is 6.4 σ out: not an outlier for the z-score. Tukey: Q1 = Q3 = 10, IQR 0 → 100 is beyond both fences.
    const fewTies = [10, 10, 10, 10, 10, 10, 10, 100];
    expect(summarizeLatency(fewTies).outliers).toEqual({ madZ: 0, tukeyMild: 1, tukeySevere: 1 });
    // [10 ×1000, 100]: mean |x − 10| = 90 / 1001 → σ ≈ 0.113; 100 is ~800 σ out
    const manyTies = [...Array.from({ length: 1000 }, () => 10), 100];
    expect(summarizeLatency(manyTies).outliers.madZ).toBe(1);
    // Quantized timer: 50 ± 1 tick. MAD 0, mean |x − 50| = 2/5 → σ ≈ 0.5; no sample is 10 σ out
    expect(summarizeLatency([50, 50, 51, 50, 49]).outliers.madZ).toBe(0);
  });

  test('identical samples have no outliers', () => {
    expect(summarizeLatency([5, 5, 5, 5]).outliers).toEqual({ madZ: 0, tukeyMild: 0, tukeySevere: 0 });
  });

  test('samples exactly on a fence are not beyond it', () => {
    // sorted [0, 1, 2, 3, 4], Q1 = 1, Q3 = 3, IQR = 2: mild fences −2..6, severe fences −5..9
    expect(countTukeyOutliers(sorted([0, 1, 2, 3, 4, 6]), { q1: 1, median: 2, q3: 3 })).toEqual({ mild: 0, severe: 0 });
    expect(countTukeyOutliers(sorted([0, 1, 2, 3, 4, 6.5, 9.5]), { q1: 1, median: 2, q3: 3 })).toEqual({ mild: 2, severe: 1 });
  });
});

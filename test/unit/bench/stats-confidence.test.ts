import { describe, expect, test } from 'vitest';
import { medianCiRanks, medianConfidenceInterval95 } from '../../../src/core/bench/confidence';
import { asSamples, sortSamples } from '../../../src/core/bench/stats';

/** 1, 2, ..., n in a scrambled measured order, so a sample's value is its rank. */
function ranked(n: number) {
  return sortSamples(asSamples(Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 1)));
}

describe('95% confidence interval of the median', () => {
  test('fewer than 6 samples cannot give a 95% interval: the whole range', () => {
    // n = 5: even [min, max] misses the median with probability 2 / 2^5 = 6.25% > 5%
    expect(medianCiRanks(5)).toBeUndefined();
    expect(medianConfidenceInterval95(sortSamples(asSamples([5, 1, 4, 2, 3])))).toEqual({ low: 1, high: 5 });
    expect(medianConfidenceInterval95(sortSamples(asSamples([7])))).toEqual({ low: 7, high: 7 });
  });

  test('small n: exact binomial ranks', () => {
    // n = 6: P(B ≤ 0) = 1/64 = 1.6% ≤ 2.5% < P(B ≤ 1) = 7/64 → ranks 1..6 (coverage 96.9%)
    expect(medianCiRanks(6)).toEqual({ lowRank: 1, highRank: 6 });
    // n = 8: P(B ≤ 0) = 1/256, P(B ≤ 1) = 9/256 = 3.5% → ranks 1..8
    expect(medianCiRanks(8)).toEqual({ lowRank: 1, highRank: 8 });
    // n = 9: P(B ≤ 1) = (1 + 9)/512 = 1.95% ≤ 2.5% < P(B ≤ 2) = 46/512 → ranks 2..8
    expect(medianCiRanks(9)).toEqual({ lowRank: 2, highRank: 8 });
    // n = 20: P(B ≤ 5) = 21700/2^20 = 2.07% ≤ 2.5% < P(B ≤ 6) = 60460/2^20 = 5.8% → ranks 6..15
    expect(medianCiRanks(20)).toEqual({ lowRank: 6, highRank: 15 });
  });

  test('n = 100 gives ranks 40..61', () => {
    // P(B ≤ 39) = 1.76% ≤ 2.5% < P(B ≤ 40) = 2.84% (Binomial(100, 1/2));
    // Campbell & Gardner's approximation agrees: 50 − 1.96 · 10 / 2 = 40.2 → 40, 1 + 50 + 9.8 = 60.8 → 61
    expect(medianCiRanks(100)).toEqual({ lowRank: 40, highRank: 61 });
    expect(medianConfidenceInterval95(ranked(100))).toEqual({ low: 40, high: 61 });
  });

  test('large n: normal approximation of the binomial', () => {
    // n = 1000 (still exact): 500 − 1.96 · √1000 / 2 = 469.0 → 469..532
    expect(medianCiRanks(1000)).toEqual({ lowRank: 469, highRank: 532 });
    // n = 10,000: 5000 − 1.959964 · 100 / 2 = 4902.0 → 4902, high 10000 − 4902 + 1 = 5099
    expect(medianCiRanks(10_000)).toEqual({ lowRank: 4902, highRank: 5099 });
    expect(medianConfidenceInterval95(ranked(10_000))).toEqual({ low: 4902, high: 5099 });
  });

  test('the interval always contains the median and never leaves the samples', () => {
    for (const n of [6, 7, 10, 33, 64, 999, 1000, 1001, 5000]) {
      const ranks = medianCiRanks(n);
      expect(ranks).toBeDefined();
      if (ranks === undefined) continue;
      expect(ranks.lowRank).toBeGreaterThanOrEqual(1);
      expect(ranks.highRank).toBeLessThanOrEqual(n);
      expect(ranks.lowRank).toBeLessThanOrEqual(Math.floor((n + 1) / 2));
      expect(ranks.highRank).toBeGreaterThanOrEqual(Math.ceil((n + 1) / 2));
    }
  });
});

/**
 * bench:harness's figure and verdict (scripts/bench-harness-stats.ts): the paired ratio's interval
 * decides, and ours coming out faster is never a pass.
 */
import { describe, expect, test } from 'vitest';
import { judge, pairedDifferenceUs, pairedRatio } from '../../../scripts/bench-harness-stats';

describe('the paired ratio over rounds', () => {
  test('10 rounds: the median of the per-round ratios, between the 2nd and 9th smallest of them', () => {
    const bare = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const ours = [1.09, 1.01, 1.05, 1.02, 1.08, 1.03, 1.07, 1.04, 1.06, 1.1];
    const ratio = pairedRatio(ours, bare);
    expect(ratio.point).toBeCloseTo(1.055, 12);
    expect(ratio).toMatchObject({ low: 1.02, high: 1.09, rounds: 10, ranks: { low: 2, high: 9 } });
  });

  test('rounds are paired: drift that moves both sides of a round alike leaves the ratio alone', () => {
    const bare = [0.048, 0.09, 0.05, 0.085, 0.06, 0.07, 0.052, 0.088, 0.065, 0.075];
    const ratio = pairedRatio(bare.map((ms) => ms * 1.02), bare);
    expect(ratio.low).toBeCloseTo(1.02, 12);
    expect(ratio.high).toBeCloseTo(1.02, 12);
  });

  test('the overhead is a difference in µs; fewer than 6 rounds have no interval at all', () => {
    expect(pairedDifferenceUs([0.02, 0.021, 0.019, 0.02, 0.022, 0.02], [0.01, 0.01, 0.01, 0.01, 0.01, 0.01]).point).toBeCloseTo(10, 9);
    expect(() => pairedRatio([1, 1, 1], [1, 1, 1])).toThrow(/3 rounds give no 95% interval/);
  });
});

describe('verdicts', () => {
  const at = (point: number, low: number, high: number) => ({ point, low, high, rounds: 10, ranks: { low: 2, high: 9 } });

  test("today's case: rounds from 0.048 to 0.090 ms on both sides give an interval that includes 1 and the goal's far side: no win, no pass", () => {
    const bare = [0.06, 0.09, 0.05, 0.085, 0.048, 0.07, 0.052, 0.088, 0.065, 0.075];
    const ours = [0.09, 0.048, 0.06, 0.05, 0.07, 0.088, 0.075, 0.052, 0.085, 0.065];
    const ratio = pairedRatio(ours, bare);
    expect(ratio.low).toBeLessThan(1);
    expect(ratio.high).toBeGreaterThan(1);
    expect(judge(ratio, 1, 1.05, '').verdict).toBe('inconclusive');
  });

  test('an interval wholly below 1 is suspicious, however good it looks', () => {
    const { verdict, why } = judge(at(0.657, 0.6, 0.7), 1, 1.05, '');
    expect(verdict).toBe('SUSPICIOUS');
    expect(why).toMatch(/not measuring the same thing/);
  });

  test('an interval that contains 1 is "no measurable overhead" only if it also stays within the goal', () => {
    expect(judge(at(1.0, 0.98, 1.03), 1, 1.05, '').verdict).toBe('no measurable overhead');
    expect(judge(at(1.0, 0.9, 1.2), 1, 1.05, '').verdict).toBe('inconclusive');
  });

  test('an interval above 1: within the goal, above it, or straddling it', () => {
    expect(judge(at(1.02, 1.01, 1.04), 1, 1.05, '').verdict).toBe('within goal');
    expect(judge(at(1.2, 1.1, 1.3), 1, 1.05, '').verdict).toBe('ABOVE GOAL');
    expect(judge(at(1.05, 1.02, 1.08), 1, 1.05, '').verdict).toBe('inconclusive');
  });

  test('a difference is judged against 0 and its goal in µs', () => {
    expect(judge(at(-3, -6, -1), 0, 20, ' µs').verdict).toBe('SUSPICIOUS');
    expect(judge(at(8, 5, 12), 0, 20, ' µs')).toEqual({ verdict: 'within goal', why: 'measurable overhead, 95% CI [5.0, 12.0] µs, all within the goal of 20 µs' });
    expect(judge(at(1, -2, 4), 0, undefined, ' µs').verdict).toBe('(no goal set)');
    // A bound that rounds to zero reads 0.0, not -0.0.
    expect(judge(at(0.1, -0.04, 0.6), 0, 20, ' µs').why).toBe('95% CI [0.0, 0.6] µs includes 0 and stays within the goal of 20 µs');
  });
});

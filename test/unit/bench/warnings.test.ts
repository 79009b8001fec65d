import { describe, expect, test } from 'vitest';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { benchWarnings } from '../../../src/core/bench/warnings';

const steady = summarizeLatency(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 9.9 : 10.1)));

describe('run warnings', () => {
  test('a steady run with enough samples has none', () => {
    expect(benchWarnings(steady, 12)).toEqual([]);
  });

  test('fewer than 10 samples asks for more runs', () => {
    const warnings = benchWarnings(summarizeLatency([10, 10, 10]), 10);
    expect(warnings.map((w) => w.code)).toEqual(['few-samples']);
    expect(warnings[0]?.message).toMatch(/Only 3 runs were measured.*Raise --runs/);
  });

  test('a coefficient of variation above 10% says what to do', () => {
    const noisy = summarizeLatency(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 8 : 12)));
    const warnings = benchWarnings(noisy, 10);
    expect(warnings.map((w) => w.code)).toEqual(['high-variance']);
    expect(warnings[0]?.message).toMatch(/21% of the mean.*close other programs, pin threads with --threads, or raise --runs/);
  });

  test('a first inference over 5× the median is reported', () => {
    const warnings = benchWarnings(steady, 60);
    expect(warnings.map((w) => w.code)).toEqual(['slow-first-run']);
    expect(warnings[0]?.message).toMatch(/60\.00 ms, 6\.0× the median/);
    expect(benchWarnings(steady, 49)).toEqual([]);
  });
});

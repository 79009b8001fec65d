import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/core/reports/compare-runs';
import { FIXTURES, readRun, scaledRun } from './run-fixtures';

describe('compareRuns', () => {
  const base = readRun(FIXTURES.onnx700);

  it('finds no change between a run and itself', () => {
    const c = compareRuns(base, base);
    expect(c.median.ratio).toBe(1);
    expect(c.median.changePct).toBe(0);
    expect(c.regressed).toBe(false);
  });

  it('flags a median 20% slower than the allowed 5%, but not under a 25% allowance', () => {
    const slower = scaledRun(base, 1.2);
    const c = compareRuns(base, slower);
    expect(c.median.changePct).toBeCloseTo(20, 9);
    expect(c.median.speedup).toBeCloseTo(1 / 1.2, 12);
    expect(c.regressed).toBe(true);
    expect(compareRuns(base, slower, 25).regressed).toBe(false);
    expect(compareRuns(base, scaledRun(base, 0.5)).regressed).toBe(false);
  });

  it('compares p99 only when both runs have enough samples', () => {
    const c = compareRuns(base, scaledRun(base, 1.1));
    expect(c.metrics.find((m) => m.metric === 'p99')?.supported).toBe(true);
    const small = compareRuns(readRun(FIXTURES.onnx), base);
    expect(small.metrics.find((m) => m.metric === 'p99')?.supported).toBe(false);
    expect(small.metrics.find((m) => m.metric === 'p90')?.supported).toBe(true);
  });

  it('says when the runs are of different models', () => {
    const other = { ...base, model: { ...base.model, sha256: 'f'.repeat(64) } };
    expect(compareRuns(base, other).caveats.join(' ')).toMatch(/different model files/);
  });
});

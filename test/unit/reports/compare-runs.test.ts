import { describe, expect, it } from 'vitest';
import { compareRuns, regressionGate } from '../../../src/core/reports/compare-runs';
import { messageFor } from '../../../src/shared/remedies';
import { poolRepeats } from '../../../src/core/bench/run-file';
import { DEFAULT_BENCH_SETTINGS } from '../../../src/shared/bench-defaults';
import type { RunFile } from '../../../src/shared/run-schema';
import { syntheticRun } from '../../e2e/helpers/synthetic-run';
import { FIXTURES, readRun, scaledRun, withBetweenRun } from './run-fixtures';

describe('compareRuns', () => {
  const base = readRun(FIXTURES.onnx700);

  it('finds no change between a run and itself', () => {
    const c = compareRuns(base, base);
    expect(c.median.ratio).toBe(1);
    expect(c.median.changePct).toBe(0);
    expect(c.medianAboveLimit).toBe(false);
  });

  it('flags a median 20% slower than the allowed 5%, but not under a 25% allowance', () => {
    const slower = scaledRun(base, 1.2);
    const c = compareRuns(base, slower);
    expect(c.median.changePct).toBeCloseTo(20, 9);
    expect(c.median.speedup).toBeCloseTo(1 / 1.2, 12);
    expect(c.medianAboveLimit).toBe(true);
    expect(compareRuns(base, slower, 25).medianAboveLimit).toBe(false);
    expect(compareRuns(base, scaledRun(base, 0.5)).medianAboveLimit).toBe(false);
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

describe('regressionGate (between-run CIs)', () => {
  const run = readRun(FIXTURES.onnx700);
  // Five fresh processes each: the repeats' medians and the CI the between-run estimate gave them.
  const baseline = withBetweenRun(run, [1.0, 0.97, 1.02, 0.99, 1.03], { low: 0.97, high: 1.03 }, 'base');
  const same = withBetweenRun(run, [1.01, 0.98, 1.0, 1.02, 0.99], { low: 0.98, high: 1.02 }, 'same');
  const slower = withBetweenRun(run, [1.2, 1.18, 1.22, 1.21, 1.19], { low: 1.18, high: 1.22 }, 'slower');
  // As slow again by its median, but one process in five ran at the baseline's speed: the CI reaches back.
  const noisy = withBetweenRun(run, [1.2, 0.99, 1.22, 1.21, 1.1], { low: 0.99, high: 1.22 }, 'noisy');

  it('passes (0) a run whose CI stays within the allowance of the baseline CI top, and one that is faster', () => {
    const gate = regressionGate(baseline, same, 5);
    expect([gate.outcome, gate.exitCode, gate.basis]).toEqual(['pass', 0, 'between-run']);
    expect(gate.message).toMatch(/^OK: the median is 0\.0% faster .*ends at 1\.02 ms, no higher than the baseline's CI top plus 5% \(1\.08 ms\)/);
    expect(regressionGate(slower, baseline, 5).exitCode).toBe(0);
  });

  it('fails (1) a median 20% slower whose CI lies entirely above the baseline CI, and not under a 25% allowance', () => {
    const gate = regressionGate(baseline, slower, 5);
    expect([gate.outcome, gate.exitCode]).toEqual(['regressed', 1]);
    expect(gate.message).toContain('REGRESSION: the median is 20.0% slower than the baseline, more than the allowed 5%, and the between-run CIs are apart (current 1.18 ms–1.22 ms, baseline 0.970 ms–1.03 ms).');
    // 1.22 ms ≤ 1.03 ms × 1.25: a regression beyond 25% is ruled out.
    expect(regressionGate(baseline, slower, 25).exitCode).toBe(0);
  });

  it('cannot decide (3) when the CIs overlap: the median says slower, one fresh process says not', () => {
    const gate = regressionGate(baseline, noisy, 5);
    expect([gate.outcome, gate.exitCode]).toEqual(['undecided', 3]);
    expect(gate.message).toMatch(/^CANNOT DECIDE: the median is 20\.0% slower .*overlap .*rerun both with more repeats \(--repeats 10\)/);
    expect(messageFor(gate, 'ui')).toContain('the Repeats field set to 10');
    // Within the allowance by its median, but its CI reaches beyond it: neither ruled in nor out.
    const wide = withBetweenRun(run, [1.0, 0.9, 1.02, 1.2, 1.01], { low: 0.9, high: 1.2 }, 'wide');
    expect(regressionGate(baseline, wide, 5).outcome).toBe('undecided');
  });

  it('cannot decide (3) without a between-run CI on both runs, unless told to gate on medians alone', () => {
    const single = scaledRun(run, 1.2);
    const neither = regressionGate(run, single, 5);
    expect([neither.outcome, neither.exitCode]).toEqual(['undecided', 3]);
    expect(neither.message).toContain('neither run has a between-run CI');
    expect(neither.message).toContain('rerun with --repeats 5');
    expect(regressionGate(baseline, single, 5).message).toContain('the current run has no between-run CI');
    const tooFew = withBetweenRun(run, [1.0, 1.1], null, 'two');
    expect(regressionGate(tooFew, slower, 5).message).toContain('the baseline run has no between-run CI');
    const old = regressionGate(run, single, 5, { allowSingleRun: true });
    expect([old.outcome, old.exitCode, old.basis]).toEqual(['regressed', 1, 'single-run']);
    expect(regressionGate(run, single, 25, { allowSingleRun: true }).exitCode).toBe(0);
  });

  it('compares the headline medians (the median of the repeats\' medians)', () => {
    const c = compareRuns(baseline, slower);
    expect(c.median.baselineMs).toBe(1.0);
    expect(c.median.currentMs).toBe(1.2);
    expect(c.gate.exitCode).toBe(1);
  });
});

describe('the gate on runs pooled by the run-file builder from a fake runner whose speed shifts per process', () => {
  // Each repeat is one fake process: 300 deterministic samples around its own speed (seeded).
  const pooled = (name: string, speedsMs: readonly number[]): RunFile => {
    const repeats = speedsMs.map((medianMs, i) => ({
      run: syntheticRun({ id: `${name}-${i}`, samples: 300, medianMs, seed: 1000 + i + 17 * name.length, createdAt: '2026-12-07T00:00:00.000Z' }),
      startedAt: `2026-12-07T00:00:0${i}.000Z`,
    }));
    return poolRepeats({ ...DEFAULT_BENCH_SETTINGS, repeats: speedsMs.length }, repeats);
  };
  const baseline = pooled('base', [1.0, 0.97, 1.03, 0.99, 1.01]);

  it('0 for the same build, 1 for a build 20% slower in every process, 3 when one process in five ran at the old speed', () => {
    expect(baseline.betweenRun?.ci95).not.toBeNull();
    const same = compareRuns(baseline, pooled('same', [1.02, 0.98, 1.0, 1.01, 0.99])).gate;
    const slower = compareRuns(baseline, pooled('slower', [1.2, 1.17, 1.23, 1.19, 1.21])).gate;
    const mixed = compareRuns(baseline, pooled('mixed', [1.2, 1.0, 1.25, 1.22, 1.1])).gate;
    expect([same.exitCode, slower.exitCode, mixed.exitCode]).toEqual([0, 1, 3]);
    // The within-run CIs of the pooled samples are apart in the mixed case too: a gate on them would fail it.
    const mixedRun = pooled('mixed', [1.2, 1.0, 1.25, 1.22, 1.1]);
    expect(mixedRun.latencyMs.medianCi95.low).toBeGreaterThan(baseline.latencyMs.medianCi95.high);
  });
});

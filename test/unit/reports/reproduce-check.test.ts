import { describe, expect, it } from 'vitest';
import { reproduceVerdict } from '../../../src/core/reports/reproduce-check';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { messageFor } from '../../../src/shared/remedies';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun, scaledRun, withBetweenRun } from './run-fixtures';

describe('reproduceVerdict', () => {
  const run = readRun(FIXTURES.onnx700);
  const m = run.latencyMs.median;
  // The original: five fresh processes whose between-run CI is ±10 % around the median.
  const original = withBetweenRun(run, [m, 0.95 * m, 1.05 * m, 0.98 * m, 1.02 * m], { low: 0.9 * m, high: 1.1 * m }, 'original');
  const withGovernor = (r: RunFile, governor: string): RunFile => ({ ...r, environment: { ...r.environment, governor } });

  it('reproduced (0) when the fresh median of the repeats lands inside the between-run CI', () => {
    const fresh = withBetweenRun(run, [1.04 * m, 1.05 * m, 1.06 * m], { low: m, high: 1.1 * m }, 'fresh');
    const verdict = reproduceVerdict(original, fresh);
    expect([verdict.outcome, verdict.exitCode, verdict.original.ciKind]).toEqual(['reproduced', 0, 'between-run']);
    expect(verdict.fresh.medianMs).toBeCloseTo(1.05 * m, 12);
    expect(verdict.message).toMatch(/^REPRODUCED: the fresh median .* is inside run original's between-run 95 % CI/);
    expect(verdict.notes).toEqual([]);
  });

  it('not reproduced (1) when it lands outside, listing the environment facts that differ', () => {
    const fresh = withGovernor(scaledRun(original, 1.3, 'fresh'), 'powersave');
    const verdict = reproduceVerdict(withGovernor(original, 'performance'), { ...fresh, betweenRun: undefined });
    expect([verdict.outcome, verdict.exitCode]).toEqual(['not-reproduced', 1]);
    expect(verdict.message).toMatch(/is above run original's between-run 95 % CI .*; 1 environment fact differs \(listed below\)\.$/);
    expect(verdict.differences.map((d) => [d.fact, d.a, d.b])).toEqual([['governor', 'performance', 'powersave']]);
    expect(verdict.differences[0]?.sentence).toContain('the original run');
    // Faster than the CI is not a reproduction either.
    expect(reproduceVerdict(original, { ...scaledRun(original, 0.5, 'fast'), betweenRun: undefined }).message).toContain('is below');
  });

  it('an original without repeats is checked against its within-run CI, with a loud note', () => {
    const inside = reproduceVerdict(run, scaledRun(run, 1, 'fresh'));
    expect([inside.outcome, inside.original.ciKind]).toEqual(['reproduced', 'within-run']);
    expect(inside.original.ci95).toEqual(run.latencyMs.medianCi95);
    const note = inside.notes[0];
    expect(note?.message).toMatch(/^NOTE: run .* has no between-run CI \(1 process\), so this checks against its within-run CI, which ignores what changes between processes/);
    expect(note?.message).toContain('make the original with --repeats 5');
    expect(note && messageFor(note, 'ui')).toContain('the Repeats field set to 5');
    expect(reproduceVerdict(run, scaledRun(run, 1.5, 'slow')).exitCode).toBe(1);
  });

  it('cannot decide (3) when the original has no CI at all: no repeats and under 6 samples', () => {
    const few = { ...run, latencyMs: summarizeLatency([1, 1.1, 0.9, 1.2, 1.05]), betweenRun: undefined };
    const verdict = reproduceVerdict(few, scaledRun(run, 1, 'fresh'));
    expect([verdict.outcome, verdict.exitCode, verdict.original.ci95]).toEqual(['undecided', 3, null]);
    expect(verdict.message).toMatch(/^CANNOT DECIDE: run .* has no CI to land in \(no between-run CI, and 5 samples are too few for a within-run one\); the check needs an original made with --repeats 5\./);
    // Two repeats give no between-run CI either: the within-run one, with the note.
    const two = withBetweenRun(run, [m, 1.1 * m], null, 'two');
    const verdictTwo = reproduceVerdict(two, scaledRun(run, 1, 'fresh'));
    expect(verdictTwo.original.ciKind).toBe('within-run');
    expect(verdictTwo.notes[0]?.message).toContain('(2 processes, too few)');
  });
});

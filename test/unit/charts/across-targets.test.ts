/** Runs across targets as chart data: grouping, series names, the headline CI, memory not measured. */
// In the Node-typed tests (not test/unit/renderer): it builds its runs with the e2e helper, which uses node:fs.
import { describe, expect, it } from 'vitest';
import { groupByTarget, seriesNameOf, targetRunOf, type TargetRun } from '../../../src/renderer/src/components/charts/across-targets';
import { RunFile, type RunSummary } from '../../../src/shared/run-schema';
import { syntheticRun } from '../../e2e/helpers/synthetic-run';

function run(over: Partial<TargetRun>): TargetRun {
  return {
    id: 'r',
    targetName: 'This computer',
    modelName: 'demo',
    variant: 'float',
    modelSha256: 'a',
    runtime: 'onnxruntime',
    threads: 1,
    medianMs: 1,
    ci95: { low: 0.9, high: 1.2 },
    ciKind: 'within-run',
    peakRssBytes: 1024,
    ...over,
  };
}

describe('grouping runs by target', () => {
  it('gives one row per target and one series per model and variant, each run under its own', () => {
    const runs = [
      run({ id: '1', variant: 'float' }),
      run({ id: '2', variant: 'int8 dynamic' }),
      run({ id: '3', variant: 'float', targetName: 'pi5' }),
      run({ id: '4', variant: 'int8 dynamic', targetName: 'pi5', ci95: null, ciKind: null }),
    ];
    const grouped = groupByTarget(runs);
    expect(grouped.series.map((s) => s.name)).toEqual(['demo', 'demo (int8 dynamic)']);
    expect(grouped.rows.map((r) => r.target)).toEqual(['This computer', 'pi5']);
    expect(grouped.rows[1]?.values.s0?.run.id).toBe('3');
    // The CI becomes error lengths below and above the median; no CI, no whisker.
    expect(grouped.rows[0]?.values.s0?.errorMs?.[0]).toBeCloseTo(0.1, 12);
    expect(grouped.rows[0]?.values.s0?.errorMs?.[1]).toBeCloseTo(0.2, 12);
    expect(grouped.rows[1]?.values.s1?.errorMs).toBeNull();
    expect(grouped.duplicates).toEqual([]);
  });

  it('tells apart thread counts and runtimes only where the runs differ in them', () => {
    const name = seriesNameOf([run({ threads: 1 }), run({ threads: 4 })]);
    expect(name(run({ threads: 4 }))).toBe('demo · 4 threads');
    expect(seriesNameOf([run({ runtime: 'onnxruntime' }), run({ runtime: 'litert' })])(run({ runtime: 'litert' }))).toBe('demo · litert');
  });

  it('draws a second run of the same series on the same target once, and says so', () => {
    const grouped = groupByTarget([run({ id: 'new' }), run({ id: 'old' })]);
    expect(grouped.rows[0]?.values.s0?.run.id).toBe('new');
    expect(grouped.duplicates.map((r) => r.id)).toEqual(['old']);
  });
});

describe('a run as the charts read it', () => {
  const base = syntheticRun({ id: 'x', samples: 200, medianMs: 2, seed: 1, createdAt: '2026-12-01T10:00:00.000Z' });

  it('reads a peak memory of 0 (a board that could not measure) as not measured', () => {
    expect(targetRunOf(RunFile.parse({ ...base, memory: { ...base.memory, peakRssBytes: 0 } })).peakRssBytes).toBeNull();
  });

  it('takes the headline median and, without repeats, the within-run CI', () => {
    const target = targetRunOf(base);
    expect(target.medianMs).toBe(base.latencyMs.median);
    expect(target.ci95).toEqual(base.latencyMs.medianCi95);
    expect(target.ciKind).toBe('within-run');
  });

  it('with repeats takes the between-run median and CI', () => {
    const repeated = syntheticRun({ id: 'y', samples: 100, medianMs: 2, seed: 2, createdAt: '2026-12-01T10:00:00.000Z', repeatFactors: [1, 1.2, 0.9, 1.1, 1] });
    const target = targetRunOf(repeated);
    expect(target.medianMs).toBe(repeated.betweenRun?.medianMs);
    expect(target.ci95).toEqual(repeated.betweenRun?.ci95);
    expect(target.ciKind).toBe('between-run');
  });

  it('in report mode gives no CI: the median of window medians has none in the file', () => {
    const report = RunFile.parse({ ...base, report: { windows: [{ runs: 100, durationMs: 10_000, medianMs: 2.1 }], medianOfWindowsMs: 2.1 } });
    expect(targetRunOf(report)).toMatchObject({ medianMs: 2.1, ci95: null, ciKind: null });
  });

  it('reads a run summary the same way', () => {
    const summary: RunSummary = {
      id: 's',
      createdAt: base.createdAt,
      modelName: 'demo',
      modelSha256: 'a',
      variant: 'float',
      targetName: 'pi5',
      runtime: 'onnxruntime',
      threads: 1,
      runtimeBackend: 'cpu',
      status: 'completed',
      median: 3,
      p90: 4,
      count: 100,
      verdict: 'stable',
      warnings: 0,
      peakRssBytes: 0,
      jobId: null,
    };
    expect(targetRunOf({ ...summary, medianCi95: { low: 2.9, high: 3.2 } })).toMatchObject({ medianMs: 3, ci95: { low: 2.9, high: 3.2 }, peakRssBytes: null, targetName: 'pi5' });
    expect(targetRunOf(summary).ci95).toBeNull();
  });
});

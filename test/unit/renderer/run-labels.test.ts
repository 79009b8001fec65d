/**
 * The studio's run labels and the export dialog's name a variant made here once (issue 13: no
 * doubled variant names), and a pinned run with its CPUs as the results grid words them, so that
 * runs on CPUs 0x1 and 0x2 do not read alike; an unpinned run's label is as it always was.
 */
import { describe, expect, it } from 'vitest';
import { exportRunsFromSummaries } from '../../../src/renderer/src/components/export/export-runs';
import { distinctRunLabels, runLabel } from '../../../src/renderer/src/run-label';
import type { RunFile, RunSummary } from '../../../src/shared/run-schema';

const recipe = 'int8 static (minmax, per-channel)';
const once = /^demo-mnist · int8 static \(minmax, per-channel\) · /;

describe('run labels in the studio', () => {
  it('a quantized variant, named after its recipe by variant-jobs.ts, reads its recipe once', () => {
    const run = { model: { name: `demo-mnist · ${recipe}`, variant: recipe }, runtime: { name: 'onnxruntime', threads: 2 }, settings: { threads: 2 } } as unknown as RunFile;
    expect(runLabel(run)).toMatch(once);
    expect(runLabel(run).split(recipe)).toHaveLength(2);
  });

  it('the export dialog lists such a run once named, and an imported variant with its variant added', () => {
    const base = { createdAt: '2026-12-07T06:00:00Z', runtime: 'onnxruntime 1.30.0', threads: 1, targetName: 'This computer' };
    const runs = [
      { ...base, id: 'a', modelName: `demo-mnist · ${recipe}`, variant: recipe },
      { ...base, id: 'b', modelName: 'mobilenet_q', variant: 'int8 (imported)' },
    ] as RunSummary[];
    const [made, imported] = exportRunsFromSummaries(runs, ['a', 'b']);
    expect(made?.label).toMatch(once);
    expect(made?.label.split(recipe)).toHaveLength(2);
    expect(imported?.label).toBe('mobilenet_q (int8 (imported)) · onnxruntime · 1 thr');
  });

  it('a pinned run names its CPUs; two runs alike but for their CPUs read apart without their times', () => {
    const run = (cpus?: string): RunFile =>
      ({
        model: { name: 'demo-mnist', variant: 'float' },
        runtime: { name: 'onnxruntime', threads: 1 },
        settings: { threads: 1, ...(cpus !== undefined ? { cpus } : {}) },
        createdAt: '2026-12-07T06:00:00Z',
      }) as unknown as RunFile;
    expect(distinctRunLabels([run('0x1'), run('0x2')])).toEqual(['demo-mnist · onnxruntime · 1 thr · CPUs 0x1', 'demo-mnist · onnxruntime · 1 thr · CPUs 0x2']);
    expect(runLabel(run('big'))).toBe('demo-mnist · onnxruntime · 1 thr · CPUs big');
    expect(runLabel(run())).toBe('demo-mnist · onnxruntime · 1 thr');
  });

  it('the export dialog names a pinned run with its CPUs', () => {
    const base = { createdAt: '2026-12-07T06:00:00Z', runtime: 'onnxruntime 1.30.0', threads: 2, targetName: 'This computer', modelName: 'demo-mnist', variant: 'fp16' };
    const runs = [
      { ...base, id: 'a', cpus: '0x1' },
      { ...base, id: 'b', cpus: '0x2' },
      { ...base, id: 'c' },
    ] as RunSummary[];
    expect(exportRunsFromSummaries(runs, ['a', 'b', 'c']).map((r) => r.label)).toEqual([
      'demo-mnist (fp16) · onnxruntime · 2 thr · CPUs 0x1',
      'demo-mnist (fp16) · onnxruntime · 2 thr · CPUs 0x2',
      'demo-mnist (fp16) · onnxruntime · 2 thr',
    ]);
  });
});

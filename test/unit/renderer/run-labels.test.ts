/** The studio's run labels and the export dialog's name a variant made here once (issue 13: no doubled variant names). */
import { describe, expect, it } from 'vitest';
import { exportRunsFromSummaries } from '../../../src/renderer/src/components/export/export-runs';
import { runLabel } from '../../../src/renderer/src/run-label';
import type { RunFile, RunSummary } from '../../../src/shared/run-schema';

const recipe = 'int8 static (minmax, per-channel)';
const once = /^demo-mnist · int8 static \(minmax, per-channel\) · /;

describe('run labels in the studio', () => {
  it('a quantized variant, named after its recipe by variant-jobs.ts, reads its recipe once', () => {
    const run = { model: { name: `demo-mnist · ${recipe}`, variant: recipe }, runtime: { name: 'onnxruntime', threads: 2 } } as unknown as RunFile;
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
});

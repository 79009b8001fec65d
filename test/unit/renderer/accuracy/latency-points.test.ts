/**
 * The Accuracy-vs-latency scatter's points: one per model × target × runtime × threads × CPU
 * selection, from the newest run of each; runs pinned to different CPUs are two points, each
 * named with its CPUs, and an unpinned run keeps its name.
 */
import { describe, expect, it } from 'vitest';
import { latencyPoints, type EvalRow } from '../../../../src/renderer/src/accuracy';
import type { RunSummary } from '../../../../src/shared/run-schema';

const row = { model: { id: 'm', name: 'demo-mnist', info: { sha256: 'abc' } }, record: { result: { top1: 0.97, agreement: null, reference: null, model: 'm' } } } as unknown as EvalRow;

const summary = (id: string, median: number, createdAt: string, cpus?: string): RunSummary =>
  ({ id, modelSha256: 'abc', targetName: 'This computer', runtime: 'onnxruntime 1.30.0', threads: 2, median, createdAt, ...(cpus !== undefined ? { cpus } : {}) }) as unknown as RunSummary;

describe('accuracy against latency', () => {
  it('keeps a point per CPU selection, named with its CPUs, and the newest run of each', () => {
    const runs = [
      summary('a', 3.1, '2026-12-07T06:00:00Z', '0x1'),
      summary('b', 2.4, '2026-12-07T06:01:00Z', '0x2'),
      summary('c', 2.0, '2026-12-07T06:02:00Z'),
      summary('d', 3.0, '2026-12-07T07:00:00Z', '0x1'),
    ];
    const points = latencyPoints([row], runs, 'top1');
    expect(points.map((p) => [p.label, p.x])).toEqual([
      ['demo-mnist · This computer · onnxruntime 1.30.0 · 2t · CPUs 0x1', 3.0],
      ['demo-mnist · This computer · onnxruntime 1.30.0 · 2t', 2.0],
      ['demo-mnist · This computer · onnxruntime 1.30.0 · 2t · CPUs 0x2', 2.4],
    ]);
  });
});

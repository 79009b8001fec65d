/**
 * The Runs table's search, filters and grouping; the Datasets page's preprocessing form; and the
 * one formatter for a peak memory, which says "not measured" where a board measured none.
 */
import { describe, expect, it } from 'vitest';
import { formFromRecipe, parseNumber, recipeFromForm } from '../../../src/renderer/src/components/datasets/preprocessing-form';
import { filterRuns, groupRuns, NO_RUNS_FILTER, runTargets } from '../../../src/renderer/src/runs-filter';
import type { ModelEntry } from '../../../src/shared/contract';
import { descendantsOf } from '../../../src/shared/model-family';
import type { RunSummary } from '../../../src/shared/run-schema';
import { formatPeakMemory, measuredPeakBytes, NOT_MEASURED } from '../../../src/shared/units';

/** A run summary as summarizeRun writes one; each test run differs where the filters look. */
function summary(id: string, over: Partial<RunSummary>): RunSummary {
  return {
    id,
    createdAt: '2026-11-26T18:41:35.059Z',
    modelName: 'demo-mnist',
    modelSha256: 'ab'.repeat(32),
    variant: 'float',
    targetName: 'This computer',
    runtime: 'onnxruntime 1.23.2',
    threads: 1,
    runtimeBackend: 'cpu',
    status: 'completed',
    median: 0.05,
    p90: 0.06,
    count: 700,
    verdict: 'stable',
    warnings: 0,
    peakRssBytes: 142_409_728,
    jobId: 'job-a',
    ...over,
  } as RunSummary;
}

const local = summary('local-tflite', { runtime: 'litert 1.0.1', runtimeBackend: 'xnnpack', createdAt: '2026-11-26T18:41:35.059Z' });
const onnx = summary('local-onnx', {});
const partial = summary('partial-onnx', { status: 'partial' });
const board = summary('board', { targetName: 'Simulated board (MLPerf Tiny emulator)', runtime: 'mlperf-tiny firmware', runtimeBackend: 'board', peakRssBytes: 0, jobId: null });
const int8 = summary('int8-run', { variant: 'int8 dynamic', jobId: 'job-b', verdict: 'unstable', targetName: 'Raspberry Pi 5', createdAt: '2026-11-27T10:00:00.000Z' });
const RUNS = [local, onnx, partial, board, int8];

describe('runs table: search, filter, group', () => {
  it('searches every word in model, variant, target and runtime, in any case', () => {
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, query: 'XNNPACK' }).map((r) => r.id)).toEqual(['local-tflite']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, query: 'INT8 raspberry' }).map((r) => r.id)).toEqual(['int8-run']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, query: 'mlperf' }).map((r) => r.id)).toEqual(['board']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, query: 'onnxruntime float' }).map((r) => r.id)).toEqual(['local-onnx', 'partial-onnx']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, query: 'no such thing' })).toEqual([]);
    expect(filterRuns(RUNS, NO_RUNS_FILTER)).toEqual(RUNS);
  });

  it('filters by status (completed, partial), by an unstable verdict, and by target', () => {
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, status: 'partial' }).map((r) => r.id)).toEqual(['partial-onnx']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, status: 'completed' }).every((r) => r.status === 'completed')).toBe(true);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, status: 'unstable' }).map((r) => r.id)).toEqual(['int8-run']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, status: 'completed', target: 'This computer' }).map((r) => r.id)).toEqual(['local-tflite', 'local-onnx']);
    expect(filterRuns(RUNS, { ...NO_RUNS_FILTER, target: 'Raspberry Pi 5' }).map((r) => r.id)).toEqual(['int8-run']);
    expect(runTargets(RUNS)).toEqual(['This computer', 'Simulated board (MLPerf Tiny emulator)', 'Raspberry Pi 5']);
  });

  it('groups by job, model (with its variant) or target, keeping list order inside and between groups', () => {
    const byTarget = groupRuns(RUNS, 'target', (iso) => iso);
    expect(byTarget.map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([
      ['This computer', ['local-tflite', 'local-onnx', 'partial-onnx']],
      ['Simulated board (MLPerf Tiny emulator)', ['board']],
      ['Raspberry Pi 5', ['int8-run']],
    ]);
    const byModel = groupRuns(RUNS, 'model', (iso) => iso);
    expect(byModel.map((g) => [g.label, g.runs.length])).toEqual([
      ['demo-mnist', 4],
      ['demo-mnist · int8 dynamic', 1],
    ]);
    const byJob = groupRuns(RUNS, 'job', (iso) => `at ${iso}`);
    expect(byJob.map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([
      ['Job of at 2026-11-26T18:41:35.059Z', ['local-tflite', 'local-onnx', 'partial-onnx']],
      ['Single runs (no job)', ['board']],
      ['Job of at 2026-11-27T10:00:00.000Z', ['int8-run']],
    ]);
    expect(groupRuns(RUNS, 'none', (iso) => iso)).toEqual([{ key: 'all', label: '', runs: RUNS }]);
  });
});

describe('preprocessing form', () => {
  it('reads 1/255, decimals and exponents; refuses what is not a number', () => {
    expect(parseNumber('1/255')).toBeCloseTo(1 / 255, 12);
    expect(parseNumber(' 0.5 ')).toBe(0.5);
    expect(parseNumber('2e-3')).toBe(0.002);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('1/0')).toBeNull();
  });

  it('round-trips a stored recipe, and builds an ImageNet one from text', () => {
    const stored = { resize: { width: 224, height: 224, method: 'bilinear' as const }, channelOrder: 'BGR' as const, layout: 'NHWC' as const, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], dtype: 'float32' as const };
    const form = formFromRecipe(stored, [3, 256, 256]);
    expect(form.scale).toBe('1/255');
    expect(recipeFromForm(form, true)).toEqual({ ok: true, recipe: stored });
  });

  it('starts from the stored sizes and channels, and leaves images-only fields out of a tensor recipe', () => {
    const form = formFromRecipe({}, [1, 28, 28]);
    expect(form).toMatchObject({ resize: false, width: '28', height: '28', channelOrder: '', layout: 'NCHW', scale: '1', mean: '0', std: '1' });
    expect(recipeFromForm(form, true)).toEqual({ ok: true, recipe: { layout: 'NCHW', scale: 1, mean: [0], std: [1], dtype: 'float32' } });
    expect(recipeFromForm({ ...form, resize: true, channelOrder: 'RGB' }, false)).toEqual({ ok: true, recipe: { scale: 1, mean: [0], std: [1], dtype: 'float32' } });
  });

  it('names the first unusable field and what to type', () => {
    const form = formFromRecipe({}, [3, 8, 8]);
    expect(recipeFromForm({ ...form, resize: true, width: '0' }, true)).toEqual({ ok: false, field: 'width', message: 'Width must be a whole number of pixels, e.g. 224.' });
    expect(recipeFromForm({ ...form, scale: '0' }, true)).toMatchObject({ ok: false, field: 'scale' });
    expect(recipeFromForm({ ...form, mean: '0.5, x' }, true)).toMatchObject({ ok: false, field: 'mean' });
    expect(recipeFromForm({ ...form, std: '0.2, 0' }, true)).toMatchObject({ ok: false, field: 'std' });
  });
});

describe('peak memory', () => {
  it('reads in MiB where measured and "not measured" for a board that measured none (0), never 0.0', () => {
    expect(formatPeakMemory(board.peakRssBytes)).toBe(NOT_MEASURED);
    expect(NOT_MEASURED).toBe('not measured');
    expect(formatPeakMemory(local.peakRssBytes)).toBe('135.8 MiB');
    expect(measuredPeakBytes(0)).toBeNull();
    expect(measuredPeakBytes(Number.NaN)).toBeNull();
    expect(measuredPeakBytes(1024)).toBe(1024);
  });
});

describe('model family', () => {
  it('finds variants of variants, and nothing of another family', () => {
    const entry = (id: string, parentId?: string): ModelEntry => ({ id, origin: parentId ? { kind: 'linked', parentId } : null }) as ModelEntry;
    const models = [entry('a'), entry('b', 'a'), entry('c', 'b'), entry('d'), entry('e', 'd')];
    expect(descendantsOf(models, 'a').map((m) => m.id)).toEqual(['b', 'c']);
    expect(descendantsOf(models, 'c')).toEqual([]);
  });
});

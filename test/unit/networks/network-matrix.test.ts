/** A network's formats in the benchmark matrix: each format runs with the runtime for its format, on every thread count (issue 13 item 3). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { planMatrix, type MatrixModel } from '../../../src/core/jobs/matrix';
import { seededSampleShape, seededValues } from '../../../src/core/jobs/network-jobs';
import { resolveNetworks } from '../../../src/core/workspace/networks-store';
import type { ModelEntry } from '../../../src/shared/contract';
import { repoRoot } from '../../helpers/run-cli';

function entry(id: string, files: string[]): ModelEntry {
  const info = inspectModelBuffers(files.map((f) => ({ name: path.basename(f), data: readFileSync(path.join(repoRoot, 'resources/models', f)) })));
  return { id, name: `demo-${info.format}`, importedAt: '', variant: 'float', files, info, origin: null, savedInputs: null, savedInputsProblem: null };
}

const models = [entry('a', ['demo-mnist.onnx']), entry('b', ['demo-mnist.tflite']), entry('c', ['demo-mnist-tfjs/model.json', 'demo-mnist-tfjs/group1-shard1of1.bin'])];
const [network] = resolveNetworks([{ id: 'net-1', name: 'demo-mnist', modelIds: ['c', 'a', 'b'], createdAt: '' }], models);

describe('a network in the matrix', () => {
  it('lists each member with the runtime for its format, in the order linked', () => {
    expect(network?.members.map((m) => [m.modelId, m.format, m.runtime])).toEqual([
      ['c', 'tfjs', 'tfjs'],
      ['a', 'onnx', 'onnxruntime'],
      ['b', 'tflite', 'litert'],
    ]);
  });

  it('expands into one cell per format × thread count, each format on its own runtime', () => {
    const byId = new Map(models.map((m) => [m.id, m]));
    const matrixModels: MatrixModel[] = (network?.members ?? []).map((m) => {
      const model = byId.get(m.modelId) as ModelEntry;
      return { id: model.id, name: model.name, path: model.files[0] as string, variant: model.variant, info: model.info };
    });
    const cells = planMatrix(matrixModels, undefined, [1, 2]);
    expect(cells.map((c) => [c.model.id, c.runtime, c.threads])).toEqual([
      ['c', 'tfjs', 1],
      ['c', 'tfjs', 2],
      ['a', 'onnxruntime', 1],
      ['a', 'onnxruntime', 2],
      ['b', 'litert', 1],
      ['b', 'litert', 2],
    ]);
    // Every member's runtime, as the network lists it, is the one its cells use.
    for (const member of network?.members ?? []) expect(cells.filter((c) => c.model.id === member.modelId).every((c) => c.runtime === member.runtime)).toBe(true);
  });
});

describe('the seeded inputs of the format check', () => {
  it('are stored channels-first for an image input of either layout, and span an 8-bit input’s range', () => {
    const [onnx, tflite] = models as [ModelEntry, ModelEntry];
    expect(seededSampleShape(onnx)).toEqual([1, 28, 28]);
    expect(seededSampleShape(tflite)).toEqual([1, 28, 28]);
    const floats = seededValues(1000, 'float32');
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...floats)).toBeLessThan(1);
    const bytes = seededValues(1000, 'uint8');
    expect(bytes.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(Math.max(...bytes) - Math.min(...bytes)).toBeGreaterThan(200);
    expect(seededValues(1000, 'int8').every((v) => v >= -128 && v <= 127)).toBe(true);
  });

  it('refuse a model with several inputs or open sizes, in one sentence', () => {
    const [onnx] = models as [ModelEntry];
    const two = { ...onnx, info: { ...onnx.info, inputs: [...onnx.info.inputs, ...onnx.info.inputs] } };
    expect(() => seededSampleShape(two)).toThrow("'demo-onnx' has 2 inputs; the format check feeds models with one input (compare such formats on a dataset of named arrays instead).");
    const open = { ...onnx, info: { ...onnx.info, inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 3, 'h', 'w'] }] } };
    expect(() => seededSampleShape(open)).toThrow("Input 'x' of 'demo-onnx' has open sizes past its batch dim");
    // Saved sizes close them, as in every run of the model.
    const saved = { ...open, savedInputs: { shapes: {}, dims: { h: 32, w: 48 }, values: {}, updatedAt: '', fromModelId: 'a' } };
    expect(seededSampleShape(saved)).toEqual([3, 32, 48]);
  });
});

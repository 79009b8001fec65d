/**
 * Inference with outputs on models whose I/O is not plain float32 or whose batch is fixed:
 * values are converted on the way in and out, and a fixed batch is padded, never mixed up.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStoredDataset } from '../../../src/core/datasets/stored-dataset';
import { evaluateModels } from '../../../src/core/eval/run-evaluation';
import type { OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { onnxruntimeModule } from '../../../src/core/runner/runtimes/onnxruntime';
import type { LoadedModel } from '../../../src/core/runner/runtimes/index';
import { RuntimeOptions } from '../../../src/shared/run-schema';
import { tempDir } from '../datasets/helpers';
import { recordingSpawner } from '../runner/bench-helpers';
import { writeModel } from '../runner/tiny-models';

const base = { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'edgebench-test', producerVersion: '1', initializers: [] };

/** uint8 pixels in, the same values out as float16 and as int64. */
const castSpec: OnnxModelSpec = {
  ...base,
  graphName: 'cast_u8',
  inputs: [{ name: 'pixels', elemType: 'UINT8', shape: ['batch', 4] }],
  outputs: [
    { name: 'half', elemType: 'FLOAT16', shape: ['batch', 4] },
    { name: 'wide', elemType: 'INT64', shape: ['batch', 4] },
  ],
  nodes: [
    { opType: 'Cast', name: 'to_half', inputs: ['pixels'], outputs: ['half'], attributes: { to: 10 } },
    { opType: 'Cast', name: 'to_wide', inputs: ['pixels'], outputs: ['wide'], attributes: { to: 7 } },
  ],
};

/** Scores = 2·x for a batch fixed at 2 samples of 3 values. */
const fixedBatchSpec: OnnxModelSpec = {
  ...base,
  graphName: 'fixed_batch',
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: [2, 3] }],
  outputs: [{ name: 'scores', elemType: 'FLOAT', shape: [2, 3] }],
  nodes: [{ opType: 'Add', name: 'double', inputs: ['x', 'x'], outputs: ['scores'] }],
};

let model: LoadedModel;
let tmp: string;

beforeAll(async () => {
  model = await onnxruntimeModule.load({ modelPath: writeModel(castSpec), threads: 1, inputs: [], options: RuntimeOptions.parse({}) });
  tmp = await tempDir('eval-infer');
});

afterAll(async () => {
  await model?.release();
});

describe('LoadedModel.infer (onnxruntime)', () => {
  it('rounds and clamps float values into a uint8 input and reads float16 and int64 outputs back as numbers', async () => {
    expect(model.outputNames).toEqual(['half', 'wide']);
    const outputs = await model.infer({ pixels: { dims: [2, 4], data: new Float32Array([0, 1.6, 300, -5, 7, 128.4, 255, 12]) } });
    expect(outputs.half?.dims).toEqual([2, 4]);
    expect(Array.from(outputs.half?.data ?? [])).toEqual([0, 2, 255, 0, 7, 128, 255, 12]);
    expect(Array.from(outputs.wide?.data ?? [])).toEqual([0, 2, 255, 0, 7, 128, 255, 12]);
  });

  it('names the input that was not given', async () => {
    await expect(model.infer({})).rejects.toThrow("input 'pixels'");
  });
});

describe('evaluation of a model whose batch dim is fixed', () => {
  it('pads the last batch and keeps only the real samples, in order', async () => {
    // Five samples whose largest value sits at index (sample mod 3): a batch of 2 leaves one over.
    const dir = path.join(tmp, 'five');
    const samples = new Float32Array(15);
    for (let s = 0; s < 5; s++) samples[s * 3 + (s % 3)] = s + 1;
    await writeStoredDataset(dir, {
      name: 'five',
      source: 'test',
      sampleShape: [3],
      samples,
      labels: Int32Array.from({ length: 5 }, (_, s) => s % 3),
      classes: ['a', 'b', 'c'],
      preprocessing: {},
    });
    const file = writeModel(fixedBatchSpec);
    const [result] = await evaluateModels([{ name: 'fixed', path: file, info: await inspectModelFiles([file]) }], { dir }, { spawner: recordingSpawner() });
    expect(result).toMatchObject({ samples: 5, top1: 1, width: 3, inputShape: [2, 3] });
    expect(result?.perClass?.map((c) => c.samples)).toEqual([2, 2, 1]);
  });
});

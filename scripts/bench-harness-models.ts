/**
 * The models bench:harness measures, per runtime: the demo model in that runtime's format, and a
 * tiny model whose inference does next to nothing (one add of a [1, 1] tensor), so what is left
 * of its latency is the cost of calling the runtime and of our machinery around it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeOnnxModel } from '../src/core/formats/onnx/onnx-writer';
import { encodeTfliteModel } from '../src/core/formats/tflite/tflite-writer';
import type { ModelFormat } from '../src/shared/model-info';
import type { RuntimeName } from '../src/shared/run-schema';

/** The studio's own (Node runner) runtimes, which the harness compares with bare loops; the 'python:*' ones run in the Python runner. */
export type HarnessRuntime = Exclude<RuntimeName, `python:${string}`>;
export const HARNESS_RUNTIMES: readonly HarnessRuntime[] = ['onnxruntime', 'tfjs', 'litert'];

export interface HarnessModel {
  label: string;
  path: string;
  format: ModelFormat;
}

export const FORMAT_OF: Record<HarnessRuntime, ModelFormat> = { onnxruntime: 'onnx', tfjs: 'tfjs', litert: 'tflite' };
export const RUNTIME_OF: Record<ModelFormat, HarnessRuntime> = { onnx: 'onnxruntime', tfjs: 'tfjs', tflite: 'litert' };

const DEMO_PATHS: Record<ModelFormat, string> = {
  onnx: 'resources/models/demo-mnist.onnx',
  tfjs: 'resources/models/demo-mnist-tfjs/model.json',
  tflite: 'resources/models/demo-mnist.tflite',
};

export function demoModel(runtime: HarnessRuntime, root: string): HarnessModel {
  const format = FORMAT_OF[runtime];
  return { label: 'demo model', path: resolve(root, DEMO_PATHS[format]), format };
}

/** y = x + 1 with x float32 [1, 1], in the runtime's format, written to a fresh temp folder. */
export function tinyModel(runtime: HarnessRuntime): HarnessModel {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-harness-tiny-'));
  const format = FORMAT_OF[runtime];
  const label = 'tiny model (one add)';
  if (format === 'onnx') {
    const path = join(dir, 'add.onnx');
    writeFileSync(
      path,
      encodeOnnxModel({
        irVersion: 8,
        opsetImports: [{ domain: '', version: 17 }],
        producerName: 'edgebench-bench-harness',
        producerVersion: '1',
        graphName: 'add',
        inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 1] }],
        outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 1] }],
        initializers: [{ name: 'one', dims: [1, 1], dataType: 'FLOAT', data: new Float32Array([1]) }],
        nodes: [{ opType: 'Add', name: 'add', inputs: ['x', 'one'], outputs: ['y'] }],
      }),
    );
    return { label, path, format };
  }
  if (format === 'tflite') {
    const path = join(dir, 'add.tflite');
    writeFileSync(
      path,
      encodeTfliteModel({
        description: 'edgebench-bench-harness add',
        subgraphName: 'main',
        tensors: [
          { name: 'x', type: 'float32', shape: [1, 1] },
          { name: 'one', type: 'float32', shape: [1, 1], data: new Float32Array([1]) },
          { name: 'y', type: 'float32', shape: [1, 1] },
        ],
        inputs: ['x'],
        outputs: ['y'],
        operators: [{ op: 'ADD', inputs: ['x', 'one'], outputs: ['y'] }],
      }),
    );
    return { label, path, format };
  }
  // A TF.js graph model as the converter writes one: Placeholder → AddV2 with a stored constant.
  const dims = (...sizes: number[]): { dim: Array<{ size: string }> } => ({ dim: sizes.map((size) => ({ size: String(size) })) });
  const json = {
    format: 'graph-model',
    generatedBy: 'edgebench-bench-harness',
    convertedBy: 'edgebench-bench-harness',
    signature: {
      inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims(1, 1) } },
      outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT', tensorShape: dims(1, 1) } },
    },
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(1, 1) } } },
        { name: 'one', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(1, 1) } } } },
        { name: 'y', op: 'AddV2', input: ['x', 'one'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: { producer: 1474 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'one', shape: [1, 1], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(new Float32Array([1]).buffer));
  return { label, path: join(dir, 'model.json'), format };
}

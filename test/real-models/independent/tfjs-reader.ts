/**
 * A TF.js graph model as @tensorflow/tfjs-converter itself loads it. The IOHandler here hands
 * the converter model.json and its shards exactly as they are on disk (the weights manifest
 * untouched, with its quantization min/scale and float16 markers), so what the converter makes
 * of them is the converter's own reading, not the studio's manifest parser.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import type { TensorFacts } from './onnx-readers';

interface ModelJson {
  format?: string;
  modelTopology: { node?: Array<{ op: string }> };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  signature?: object;
}

export interface TfjsConverterFacts {
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  /** Elements of every weight tensor the converter loaded (dequantized ones included). */
  parameters: number;
  /** Op types of the graph's nodes as the file lists them. */
  ops: Record<string, number>;
}

let backendReady: Promise<boolean> | undefined;

export async function tfjsConverterFacts(file: string): Promise<TfjsConverterFacts> {
  backendReady ??= tf.setBackend('cpu');
  await backendReady;
  const json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  const shards = json.weightsManifest.flatMap((group) => group.paths).map((shard) => readFileSync(path.join(path.dirname(file), shard)));
  const data = Buffer.concat(shards);
  const handler = tf.io.fromMemory({
    modelTopology: json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    format: json.format,
    ...(json.signature ? { signature: json.signature } : {}),
  });
  const model = await loadGraphModel(handler);
  try {
    const convert = (info: tf.ModelTensorInfo): TensorFacts => ({
      name: info.name,
      dtype: info.dtype ?? null,
      shape: info.shape ? info.shape.map((dim) => (dim < 0 ? null : dim)) : null,
    });
    let parameters = 0;
    for (const tensors of Object.values(model.weights)) for (const tensor of tensors) parameters += tensor.size;
    const ops: Record<string, number> = {};
    for (const node of json.modelTopology.node ?? []) ops[node.op] = (ops[node.op] ?? 0) + 1;
    return { inputs: model.inputs.map(convert), outputs: model.outputs.map(convert), parameters, ops };
  } finally {
    model.dispose();
  }
}

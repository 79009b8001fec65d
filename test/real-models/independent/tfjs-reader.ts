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
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import type { TensorFacts } from './onnx-readers';

interface SignatureEntry {
  name: string;
  tensorShape?: { dim?: Array<{ size?: string }>; unknownRank?: boolean };
}

interface ModelJson {
  format?: string;
  modelTopology: { node?: Array<{ op: string }> };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  signature?: { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> };
}

export interface TfjsConverterFacts {
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  /**
   * Each output's shape by graph tensor: the file's own where its signature gives one (-1 as null),
   * else what the converter computes running the model, its open input dims at 1 and then at 2
   * (a dim that differs between the runs follows them: null).
   */
  outputShapes: Record<string, Array<number | null> | null>;
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
    return { inputs: model.inputs.map(convert), outputs: model.outputs.map(convert), outputShapes: await outputShapes(model, json), parameters, ops };
  } finally {
    model.dispose();
  }
}

async function outputShapes(model: GraphModel, json: ModelJson): Promise<Record<string, Array<number | null> | null>> {
  const declared = new Map(
    Object.values(json.signature?.outputs ?? {})
      .filter((entry) => entry.tensorShape && !entry.tensorShape.unknownRank)
      .map((entry) => [entry.name.replace(/:0$/, ''), (entry.tensorShape?.dim ?? []).map((dim) => (Number(dim.size ?? 0) < 0 ? null : Number(dim.size ?? 0)))]),
  );
  const names = model.outputs.map((output) => output.name);
  const missing = names.filter((name) => !declared.has(name));
  const result: Record<string, Array<number | null> | null> = Object.fromEntries(names.map((name) => [name, declared.get(name) ?? null]));
  if (missing.length === 0) return result;
  const open = model.inputs.some((input) => !input.shape || input.shape.some((dim) => dim < 0));
  const atOne = await executedShapes(model, missing, 1);
  const atTwo = open ? await executedShapes(model, missing, 2) : atOne;
  missing.forEach((name, i) => {
    const [first, second] = [atOne[i] as number[], atTwo[i] as number[]];
    result[name] = first.length === second.length ? first.map((dim, d) => (dim === second[d] ? dim : null)) : null;
  });
  return result;
}

/** Runs the model on zeros with its open input dims at `openDim`; the shapes of the named outputs. */
async function executedShapes(model: GraphModel, outputs: string[], openDim: number): Promise<number[][]> {
  const feeds = Object.fromEntries(
    model.inputs.map((input) => [input.name, tf.zeros((input.shape ?? []).map((dim) => (dim < 0 ? openDim : dim)), input.dtype === 'int32' ? 'int32' : 'float32')]),
  );
  try {
    // execute() is the plain path; graphs with control flow or dynamic shapes ask for executeAsync().
    let produced: tf.Tensor | tf.Tensor[];
    try {
      produced = model.execute(feeds, outputs);
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('executeAsync'))) throw error;
      produced = await model.executeAsync(feeds, outputs);
    }
    const tensors = Array.isArray(produced) ? produced : [produced];
    const shapes = tensors.map((tensor) => [...tensor.shape]);
    tf.dispose(tensors);
    return shapes;
  } finally {
    tf.dispose(Object.values(feeds));
  }
}

/**
 * Every TF.js graph model @vladmandic/human ships (fp16- and uint8-quantized weights, int32 and
 * uint8 inputs, a TF1 while loop in handtrack), inspected by the studio and checked against
 * TF.js itself as the independent reader: tfjs-converter loads the files (artifacts built here
 * from the raw JSON and shards, not by the studio's reader), its decoded weights give the
 * parameter count, and running the graph with every MAC op requested as an output gives the
 * shapes the MACs are computed from. The facts are also written out as data, so a change in
 * either reader shows up here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { NamedTensorMap, Tensor, io } from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { useTfjsBackend } from '../../../src/core/runner/runtimes/tfjs-backend';
import type { Dim } from '../../../src/shared/model-info';

const MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@vladmandic', 'human', 'models');

interface Facts {
  file: string;
  parameters: number;
  macs: number;
  macsByOp: Record<string, number>;
  inputs: Array<[string, string, Dim[] | null]>;
  outputs: Array<[string, string, Dim[] | null]>;
  quantized: string | null;
}

// @vladmandic/human 3.3.6. Parameters and MACs as TF.js computes them (see the test below).
const FACTS: Facts[] = [
  {
    file: 'antispoof.json', parameters: 426_547, macs: 100_033_408, macsByOp: { _FusedConv2D: 99_631_872, _FusedMatMul: 401_536 },
    inputs: [['conv2d_input', 'float32', [null, 128, 128, 3]]], outputs: [['activation_4', 'float32', [null, 1]]], quantized: '10 (float16)',
  },
  {
    file: 'blazeface.json', parameters: 134_732, macs: 188_749_824, macsByOp: { _FusedConv2D: 151_867_392, DepthwiseConv2dNative: 36_882_432 },
    inputs: [['input', 'float32', [1, 256, 256, 3]]],
    outputs: [['Identity', 'float32', [1, 512, 1]], ['Identity_2', 'float32', [1, 512, 16]], ['Identity_3', 'float32', [1, 384, 16]], ['Identity_1', 'float32', [1, 384, 1]]],
    quantized: null,
  },
  {
    file: 'centernet.json', parameters: 2_015_065, macs: 1_295_249_792,
    macsByOp: { _FusedConv2D: 1_123_850_624, FusedDepthwiseConv2dNative: 83_423_232, DepthwiseConv2dNative: 87_971_840, Conv2D: 4_096 },
    inputs: [['tower_0/images', 'float32', [1, 512, 512, 3]]],
    outputs: [['tower_0/wh', 'float32', [1, 128, 128, 4]], ['tower_0/keypoints', 'float32', [1, 128, 128, 80]], ['tower_0/detections', 'float32', [1, 100, 6]]],
    quantized: '227 (float16)',
  },
  {
    file: 'emotion.json', parameters: 205_129, macs: 65_768_288, macsByOp: { _FusedConv2D: 63_537_440, DepthwiseConv2dNative: 2_230_848 },
    inputs: [['input_1', 'float32', [null, 64, 64, 1]]], outputs: [['Identity', 'float32', [null, 7]]], quantized: null,
  },
  {
    file: 'facemesh.json', parameters: 738_949, macs: 35_577_792, macsByOp: { _FusedConv2D: 29_815_776, DepthwiseConv2dNative: 5_762_016 },
    inputs: [['input_1', 'float32', [null, 192, 192, 3]]],
    outputs: [['output_mesh', 'float32', [null, 1404]], ['output_faceflag', 'float32', [null, 1]], ['output_contours', 'float32', [null, 266]]],
    quantized: '114 (float16)',
  },
  {
    file: 'faceres.json', parameters: 3_489_405, macs: 568_004_352, macsByOp: { Conv2D: 550_330_368, DepthwiseConv2dNative: 17_385_984, _FusedMatMul: 288_000 },
    inputs: [['input_1', 'float32', [null, 224, 224, 3]]],
    outputs: [['gender_pred/Sigmoid:0', 'float32', [1, 1]], ['global_pooling/Mean', 'float32', [1, 1024]], ['age_pred/Softmax:0', 'float32', [1, 100]]],
    quantized: '127 (float16)',
  },
  {
    file: 'handlandmark-lite.json', parameters: 1_011_714, macs: 145_605_824, macsByOp: { Conv2D: 123_909_632, DepthwiseConv2dNative: 21_610_176, _FusedMatMul: 86_016 },
    inputs: [['input_1', 'float32', [1, 224, 224, 3]]],
    outputs: [['Identity_1:0', 'float32', [1, 1]], ['Identity:0', 'float32', [1, 63]], ['Identity_2:0', 'float32', [1, 1]], ['Identity_3:0', 'float32', [1, 63]]],
    quantized: '102 (float16)',
  },
  {
    file: 'handtrack.json', parameters: 2_961_504, macs: 849_004_800,
    macsByOp: { _FusedConv2D: 789_633_024, FusedDepthwiseConv2dNative: 42_278_400, DepthwiseConv2dNative: 17_093_376 },
    inputs: [['input_tensor:0', 'uint8', [1, 320, 320, 3]]],
    outputs: [
      ['Identity_2:0', 'float32', [1, 100]], ['Identity_4:0', 'float32', [1, 100]], ['Identity_6:0', 'float32', [1, 12804, 4]], ['Identity_1:0', 'float32', [1, 100, 4]],
      ['Identity_3:0', 'float32', [1, 100, 8]], ['Identity_5:0', 'float32', [1]], ['Identity:0', 'float32', [1, 100]], ['Identity_7:0', 'float32', [1, 12804, 8]],
    ],
    quantized: '272 (uint8)',
  },
  {
    file: 'iris.json', parameters: 649_773, macs: 53_667_328, macsByOp: { _FusedConv2D: 51_496_960, DepthwiseConv2dNative: 2_170_368 },
    inputs: [['input_1', 'float32', [null, 64, 64, 3]]], outputs: [['Identity', 'float32', [null, 1, 1, 228]]], quantized: null,
  },
  {
    file: 'liveness.json', parameters: 148_244, macs: 6_471_808, macsByOp: { _FusedConv2D: 6_340_608, _FusedMatMul: 131_200 },
    inputs: [['conv2d_1_input', 'float32', [null, 32, 32, 3]]], outputs: [['activation_6', 'float32', [null, 2]]], quantized: null,
  },
  {
    file: 'movenet-lightning.json', parameters: 2_325_002, macs: 270_549_504,
    macsByOp: { _FusedConv2D: 252_592_128, FusedDepthwiseConv2dNative: 15_220_224, DepthwiseConv2dNative: 2_737_152 },
    inputs: [['input:0', 'int32', [1, 192, 192, 3]]], outputs: [['Identity:0', 'float32', [1, 1, 17, 3]]], quantized: '149 (float16)',
  },
];

interface RawModel {
  modelTopology: { node: Array<{ name: string; op: string; input?: string[]; attr?: Record<string, { b?: boolean }> }>; library?: { function?: Array<{ nodeDef?: unknown[] }> } };
  weightsManifest: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
  signature?: { inputs?: Record<string, { tensorShape?: { dim?: Array<{ size: string }> } }> };
  format: string;
}

/** The artifacts tf.io.fromMemory takes, straight from the files (the manifest as written). */
function rawArtifacts(file: string): { json: RawModel; artifacts: io.ModelArtifacts } {
  const json = JSON.parse(readFileSync(join(MODELS_DIR, file), 'utf8')) as RawModel;
  const shards = json.weightsManifest.flatMap((group) => group.paths).map((path) => readFileSync(join(MODELS_DIR, path)));
  const weightData = new Uint8Array(shards.reduce((sum, shard) => sum + shard.byteLength, 0));
  shards.reduce((offset, shard) => (weightData.set(shard, offset), offset + shard.byteLength), 0);
  return {
    json,
    artifacts: {
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weightData.buffer,
      format: json.format,
      ...(json.signature ? { signature: json.signature } : {}),
    },
  };
}

const MAC_OPS = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'MatMul', '_FusedMatMul']);
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const node = (name: string): string => name.replace(/:0$/, '');

/** MACs from the shapes TF.js computes: conv out x kh x kw x Cin, depthwise out x kh x kw, matmul out x K. */
async function macsFromExecution(model: GraphModel, json: RawModel, inputs: Tensor[]): Promise<{ macs: number; macsByOp: Record<string, number> }> {
  const macNodes = json.modelTopology.node.filter((n) => MAC_OPS.has(n.op));
  const wanted = [...new Set(macNodes.flatMap((n) => [n.name, node(n.input?.[0] ?? '')]))];
  const feed: NamedTensorMap = Object.fromEntries(model.inputs.map((input, i) => [input.name, inputs[i] as Tensor]));
  let tensors: Tensor[];
  try {
    tensors = model.execute(feed, wanted) as Tensor[];
  } catch {
    tensors = (await model.executeAsync(feed, wanted)) as Tensor[];
  }
  const shapes = new Map(wanted.map((name, i) => [name, tensors[i]?.shape ?? []]));
  tensors.forEach((tensor) => tensor.dispose());
  const filters = new Map(json.weightsManifest.flatMap((group) => group.weights).map((w) => [w.name, w.shape]));
  const macsByOp: Record<string, number> = {};
  for (const n of macNodes) {
    const out = shapes.get(n.name) ?? [];
    const x = shapes.get(node(n.input?.[0] ?? '')) ?? [];
    const w = filters.get(node(n.input?.[1] ?? '')) ?? [];
    const macs = n.op.includes('MatMul')
      ? product(out) * (n.attr?.transpose_a?.b === true ? (x[x.length - 2] as number) : (x[x.length - 1] as number))
      : product(out) * (w[0] as number) * (w[1] as number) * (n.op.includes('Depthwise') ? 1 : (w[2] as number));
    macsByOp[n.op] = (macsByOp[n.op] ?? 0) + macs;
  }
  return { macs: Object.values(macsByOp).reduce((a, b) => a + b, 0), macsByOp };
}

describe('@vladmandic/human TF.js models', () => {
  test.each(FACTS)('$file: inspect reports its inputs, outputs, parameters and MACs', async (facts) => {
    const info = await inspectModelFiles([join(MODELS_DIR, facts.file)]);
    const { json } = rawArtifacts(facts.file);
    expect(info.format).toBe('tfjs');
    expect(info.inputs.map((t) => [t.name, t.dtype, t.shape])).toEqual(facts.inputs);
    expect(info.outputs.map((t) => [t.name, t.dtype, t.shape])).toEqual(facts.outputs);
    expect(info.parameters).toBe(facts.parameters);
    expect(info.macs).toBe(facts.macs);
    expect(info.macsByOp).toEqual(facts.macsByOp);
    expect(info.notes.filter((note) => note.startsWith('MACs of'))).toEqual([]);
    if (facts.quantized) expect(info.notes).toContain(`${facts.quantized.replace(/ \((.*)\)/, ' weight(s) are stored quantized ($1)')} and dequantized when the model loads.`);
    const nodes = json.modelTopology.node.length + (json.modelTopology.library?.function ?? []).reduce((sum, fn) => sum + (fn.nodeDef?.length ?? 0), 0);
    expect(Object.values(info.ops).reduce((a, b) => a + b, 0)).toBe(nodes);
    const bytes = [facts.file, ...json.weightsManifest.flatMap((group) => group.paths)].reduce((sum, file) => sum + readFileSync(join(MODELS_DIR, file)).byteLength, 0);
    expect(info.sizeBytes).toBe(bytes);
  });

  test.each(FACTS)('$file: TF.js decodes the same parameter count and its executed shapes give the same MACs', { timeout: 60_000 }, async (facts) => {
    const { tf } = await useTfjsBackend('wasm', 0);
    const converter = await import('@tensorflow/tfjs-converter');
    const { json, artifacts } = rawArtifacts(facts.file);
    const model = await converter.loadGraphModel(tf.io.fromMemory(artifacts));
    try {
      const decoded = Object.values(model.weights).flat().reduce((sum, tensor) => sum + tensor.size, 0);
      expect(decoded).toBe(facts.parameters);
      // Sizes: TF.js's own placeholder dims, its -1s filled from the signature (the facts' input shape), else 1.
      const inputs = model.inputs.map((input, i) => {
        const declared = facts.inputs[i]?.[2] ?? [];
        const shape = (input.shape ?? []).map((dim, k) => (dim > 0 ? dim : typeof declared[k] === 'number' ? (declared[k] as number) : 1));
        return tf.zeros(shape, input.dtype);
      });
      expect(await macsFromExecution(model, json, inputs)).toEqual({ macs: facts.macs, macsByOp: facts.macsByOp });
      inputs.forEach((tensor) => tensor.dispose());
    } finally {
      model.dispose();
    }
  });
});

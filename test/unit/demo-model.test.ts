import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const modelsDir = join(root, 'resources', 'models');
const datasetDir = join(root, 'resources', 'datasets', 'demo-digits');
const PIXELS = 28 * 28;

interface DemoSummary {
  heldOutTop1: number;
  trainSamples: number;
  heldOutSamples: number;
  parameters: number;
  seed: number;
}

const summary = JSON.parse(readFileSync(join(modelsDir, 'demo-mnist.json'), 'utf8')) as DemoSummary;
const dataset = JSON.parse(readFileSync(join(datasetDir, 'dataset.json'), 'utf8')) as Record<string, unknown>;
const samples = readFileSync(join(datasetDir, 'samples.u8'));
const labels = readFileSync(join(datasetDir, 'labels.u8'));

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

function top1(predictions: number[]): number {
  return predictions.filter((p, i) => p === labels[i]).length / predictions.length;
}

/**
 * A plain channels-last forward pass of the demo network (TF "same" padding, stride 2), with
 * weights fetched through accessors so the TF.js (HWIO / [in,out]) and TFLite (OHWI / [out,in])
 * layouts can both be checked against what onnxruntime computes from the ONNX file.
 */
interface NhwcWeights {
  conv: { outChannels: number; kernel: (o: number, ky: number, kx: number, c: number) => number; bias: Float32Array }[];
  dense: (o: number, feature: number) => number;
  denseBias: Float32Array;
}

function nhwcPredict(w: NhwcWeights, pixels: Uint8Array): number {
  let side = 28;
  let channels = 1;
  let x = Float64Array.from(pixels, (v) => v / 255);
  for (const layer of w.conv) {
    const outSide = side / 2;
    const y = new Float64Array(outSide * outSide * layer.outChannels);
    for (let oy = 0; oy < outSide; oy++)
      for (let ox = 0; ox < outSide; ox++)
        for (let o = 0; o < layer.outChannels; o++) {
          let sum = layer.bias[o] as number;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = oy * 2 + ky;
              const ix = ox * 2 + kx;
              if (iy >= side || ix >= side) continue; // TF "same": the one pad row/column is at the end
              for (let c = 0; c < channels; c++) sum += layer.kernel(o, ky, kx, c) * (x[(iy * side + ix) * channels + c] as number);
            }
          y[(oy * outSide + ox) * layer.outChannels + o] = Math.max(0, sum);
        }
    x = y;
    side = outSide;
    channels = layer.outChannels;
  }
  const logits = Array.from(w.denseBias, (bias, o) => {
    let sum = bias;
    for (let i = 0; i < x.length; i++) sum += (x[i] as number) * w.dense(o, i);
    return sum;
  });
  return argmax(logits);
}

function nhwcPredictAll(w: NhwcWeights): number[] {
  return Array.from({ length: labels.length }, (_, i) => nhwcPredict(w, samples.subarray(i * PIXELS, (i + 1) * PIXELS)));
}

let onnxPredictions: number[] = [];

beforeAll(async () => {
  const session = await ort.InferenceSession.create(join(modelsDir, 'demo-mnist.onnx'));
  const input = Float32Array.from(samples, (v) => v / 255);
  const { logits } = await session.run({ input: new ort.Tensor('float32', input, [labels.length, 1, 28, 28]) });
  await session.release();
  const data = logits?.data as Float32Array;
  onnxPredictions = Array.from({ length: labels.length }, (_, i) => argmax(data.subarray(i * 10, (i + 1) * 10)));
});

describe('demo digits dataset', () => {
  it('holds 2,000 labeled 28x28 uint8 digits of every class, as dataset.json says', () => {
    expect(dataset).toMatchObject({ format: 'edgebench.dataset/1', samples: 2000, sampleShape: [1, 28, 28], dtype: 'uint8', preprocessing: { layout: 'NCHW' } });
    expect(dataset.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(samples.byteLength).toBe(2000 * PIXELS);
    expect(labels.byteLength).toBe(2000);
    const perClass = Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
    expect(Math.min(...perClass)).toBeGreaterThan(150);
    expect(samples.includes(255)).toBe(true); // full-scale bytes, not 0..1 floats
  });
});

describe('demo-mnist.onnx', () => {
  it('declares input [batch,1,28,28] and output [batch,10] in float32', async () => {
    const session = await ort.InferenceSession.create(join(modelsDir, 'demo-mnist.onnx'));
    expect(session.inputMetadata[0]).toMatchObject({ name: 'input', type: 'float32', shape: ['batch', 1, 28, 28] });
    expect(session.outputMetadata[0]).toMatchObject({ name: 'logits', type: 'float32', shape: ['batch', 10] });
    await session.release();
  });

  it('classifies the held-out digits with the top-1 accuracy demo-mnist.json states', () => {
    expect(summary).toMatchObject({ trainSamples: 8000, heldOutSamples: 2000 });
    const accuracy = top1(onnxPredictions);
    expect(Math.abs(accuracy - summary.heldOutTop1)).toBeLessThanOrEqual(0.001);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('channels-last copies of the demo network', () => {
  it('TF.js layers model: its weights, read as TF.js lays them out, predict what the ONNX model predicts', () => {
    const dir = join(modelsDir, 'demo-mnist-tfjs');
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    };
    expect(manifest.format).toBe('layers-model');
    const group = manifest.weightsManifest[0];
    if (!group) throw new Error('model.json has no weightsManifest group');
    const bin = readFileSync(join(dir, group.paths[0] ?? ''));
    const weights = new Map<string, Float32Array>();
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      weights.set(spec.name, new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + count * 4)));
      offset += count * 4;
    }
    expect(offset).toBe(bin.byteLength);
    expect(offset / 4).toBe(summary.parameters);
    const get = (name: string): Float32Array => weights.get(name) ?? new Float32Array();
    const hwio = (name: string, inC: number, outC: number) => (o: number, ky: number, kx: number, c: number) => get(name)[((ky * 3 + kx) * inC + c) * outC + o] as number;
    const predictions = nhwcPredictAll({
      conv: [
        { outChannels: 8, kernel: hwio('conv1/kernel', 1, 8), bias: get('conv1/bias') },
        { outChannels: 16, kernel: hwio('conv2/kernel', 8, 16), bias: get('conv2/bias') },
      ],
      dense: (o, feature) => get('logits/kernel')[feature * 10 + o] as number,
      denseBias: get('logits/bias'),
    });
    expect(predictions).toEqual(onnxPredictions);
  });

  it('TFLite model: its constant buffers, read as TFLite lays them out, predict what the ONNX model predicts', () => {
    const bytes = readFileSync(join(modelsDir, 'demo-mnist.tflite'));
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('TFL3');
    const constants = readTfliteConstants(new Uint8Array(bytes));
    const params = [...constants.values()].filter((d) => d instanceof Float32Array).reduce((sum, d) => sum + d.length, 0);
    expect(params).toBe(summary.parameters);
    const get = (name: string): Float32Array => {
      const data = constants.get(name);
      if (!(data instanceof Float32Array)) throw new Error(`TFLite tensor '${name}' has no float32 buffer`);
      return data;
    };
    const ohwi = (name: string, inC: number) => (o: number, ky: number, kx: number, c: number) => get(name)[((o * 3 + ky) * 3 + kx) * inC + c] as number;
    const predictions = nhwcPredictAll({
      conv: [
        { outChannels: 8, kernel: ohwi('conv1/filter', 1), bias: get('conv1/bias') },
        { outChannels: 16, kernel: ohwi('conv2/filter', 8), bias: get('conv2/bias') },
      ],
      dense: (o, feature) => get('dense/weights')[o * 784 + feature] as number,
      denseBias: get('dense/bias'),
    });
    expect(predictions).toEqual(onnxPredictions);
    expect(statSync(join(modelsDir, 'demo-mnist.tflite')).size).toBeLessThan(summary.parameters * 4 + 4096);
  });
});

/** Tensor name → constant data of the first subgraph (float32 → Float32Array, anything else raw bytes). */
function readTfliteConstants(bytes: Uint8Array): Map<string, Float32Array | Uint8Array> {
  const bb = new flatbuffers.ByteBuffer(bytes);
  const field = (table: number, slot: number): number => {
    const vtable = table - bb.readInt32(table);
    const at = 4 + slot * 2;
    return at < bb.readInt16(vtable) ? bb.readInt16(vtable + at) : 0;
  };
  const deref = (table: number, slot: number): number => {
    const at = field(table, slot);
    return at ? table + at + bb.readInt32(table + at) : 0;
  };
  const vector = (table: number, slot: number): { start: number; length: number } => {
    const at = deref(table, slot);
    return at ? { start: at + 4, length: bb.readInt32(at) } : { start: 0, length: 0 };
  };
  const element = (v: { start: number }, i: number): number => v.start + i * 4 + bb.readInt32(v.start + i * 4);
  const model = bb.readInt32(0);
  const buffers = vector(model, 4);
  const subgraph = element(vector(model, 2), 0);
  const tensors = vector(subgraph, 0);
  const out = new Map<string, Float32Array | Uint8Array>();
  for (let i = 0; i < tensors.length; i++) {
    const tensor = element(tensors, i);
    const bufferIndex = field(tensor, 2) ? bb.readUint32(tensor + field(tensor, 2)) : 0;
    const type = field(tensor, 1) ? bb.readInt8(tensor + field(tensor, 1)) : 0;
    const nameAt = deref(tensor, 3);
    const name = new TextDecoder().decode(bytes.subarray(nameAt + 4, nameAt + 4 + bb.readInt32(nameAt)));
    const data = vector(element(buffers, bufferIndex), 0);
    if (data.length === 0) continue;
    const raw = bytes.slice(data.start, data.start + data.length);
    out.set(name, type === 0 ? new Float32Array(raw.buffer) : raw);
  }
  return out;
}

/**
 * The demo CNN as channels-last models: TF.js layers (model.json + shard) and TFLite.
 * The trainer keeps ONNX layouts; here kernels are transposed and the Gemm's input features
 * are reordered from (c, h, w), ONNX Flatten's order, to (h, w, c), the NHWC Flatten/Reshape order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTfjsLayersModel, conv2dLayer, denseLayer, flattenLayer } from '../../src/core/formats/tfjs/tfjs-writer';
import { encodeTfliteModel } from '../../src/core/formats/tflite/tflite-writer';
import { CONV1, CONV2, type CnnParams, type ConvShape, FLAT } from './cnn';
import { CLASSES, IMAGE_SIDE } from './mnist-data';

type KernelOrder = 'HWIO' | 'OHWI';

/** ONNX conv weights [out, in, kh, kw] → TF.js [kh, kw, in, out] or TFLite [out, kh, kw, in]. */
export function convKernelFromOihw(w: Float32Array, s: ConvShape, order: KernelOrder): Float32Array {
  const { outChannels: O, inChannels: C, kernel: K } = s;
  const out = new Float32Array(w.length);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < C; c++)
      for (let ky = 0; ky < K; ky++)
        for (let kx = 0; kx < K; kx++) {
          const to = order === 'HWIO' ? ((ky * K + kx) * C + c) * O + o : ((o * K + ky) * K + kx) * C + c;
          out[to] = w[((o * C + c) * K + ky) * K + kx] as number;
        }
  return out;
}

/** Gemm weights [out, c·h·w] → [out, h·w·c] ('OI', TFLite) or [h·w·c, out] ('IO', TF.js Dense kernel). */
export function denseFromChw(w: Float32Array, order: 'OI' | 'IO'): Float32Array {
  const C = CONV2.outChannels;
  const side = CONV2.outSide;
  const out = new Float32Array(w.length);
  for (let o = 0; o < CLASSES; o++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) {
          const feature = (y * side + x) * C + c;
          out[order === 'OI' ? o * FLAT + feature : feature * CLASSES + o] = w[o * FLAT + (c * side + y) * side + x] as number;
        }
  return out;
}

/** Writes model.json and its shard; returns the file names written. */
export function writeDemoTfjs(p: CnnParams, dir: string, generatedBy: string): string[] {
  const files = encodeTfjsLayersModel({
    name: 'demo_mnist',
    generatedBy,
    layers: [
      conv2dLayer({ name: 'conv1', filters: CONV1.outChannels, kernel: CONV1.kernel, stride: CONV1.stride, padding: 'same', activation: 'relu', batchInputShape: [null, IMAGE_SIDE, IMAGE_SIDE, 1] }),
      conv2dLayer({ name: 'conv2', filters: CONV2.outChannels, kernel: CONV2.kernel, stride: CONV2.stride, padding: 'same', activation: 'relu' }),
      flattenLayer('flatten'),
      denseLayer({ name: 'logits', units: CLASSES, activation: 'linear' }),
    ],
    weights: [
      { name: 'conv1/kernel', shape: [CONV1.kernel, CONV1.kernel, CONV1.inChannels, CONV1.outChannels], data: convKernelFromOihw(p.conv1W, CONV1, 'HWIO') },
      { name: 'conv1/bias', shape: [CONV1.outChannels], data: p.conv1B },
      { name: 'conv2/kernel', shape: [CONV2.kernel, CONV2.kernel, CONV2.inChannels, CONV2.outChannels], data: convKernelFromOihw(p.conv2W, CONV2, 'HWIO') },
      { name: 'conv2/bias', shape: [CONV2.outChannels], data: p.conv2B },
      { name: 'logits/kernel', shape: [FLAT, CLASSES], data: denseFromChw(p.denseW, 'IO') },
      { name: 'logits/bias', shape: [CLASSES], data: p.denseB },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), files.modelJson);
  for (const shard of files.shards) writeFileSync(join(dir, shard.fileName), shard.bytes);
  return ['model.json', ...files.shards.map((s) => s.fileName)];
}

/** Writes the .tflite file; returns its size in bytes. */
export function writeDemoTflite(p: CnnParams, file: string, description: string): number {
  const side1 = CONV1.outSide;
  const side2 = CONV2.outSide;
  const bytes = encodeTfliteModel({
    description,
    subgraphName: 'main',
    inputs: ['input'],
    outputs: ['logits'],
    tensors: [
      { name: 'input', type: 'float32', shape: [1, IMAGE_SIDE, IMAGE_SIDE, 1] },
      { name: 'conv1/filter', type: 'float32', shape: [CONV1.outChannels, 3, 3, CONV1.inChannels], data: convKernelFromOihw(p.conv1W, CONV1, 'OHWI') },
      { name: 'conv1/bias', type: 'float32', shape: [CONV1.outChannels], data: p.conv1B },
      { name: 'conv1/relu', type: 'float32', shape: [1, side1, side1, CONV1.outChannels] },
      { name: 'conv2/filter', type: 'float32', shape: [CONV2.outChannels, 3, 3, CONV2.inChannels], data: convKernelFromOihw(p.conv2W, CONV2, 'OHWI') },
      { name: 'conv2/bias', type: 'float32', shape: [CONV2.outChannels], data: p.conv2B },
      { name: 'conv2/relu', type: 'float32', shape: [1, side2, side2, CONV2.outChannels] },
      { name: 'flatten/shape', type: 'int32', shape: [2], data: new Int32Array([-1, FLAT]) },
      { name: 'flatten', type: 'float32', shape: [1, FLAT] },
      { name: 'dense/weights', type: 'float32', shape: [CLASSES, FLAT], data: denseFromChw(p.denseW, 'OI') },
      { name: 'dense/bias', type: 'float32', shape: [CLASSES], data: p.denseB },
      { name: 'logits', type: 'float32', shape: [1, CLASSES] },
    ],
    operators: [
      { op: 'CONV_2D', inputs: ['input', 'conv1/filter', 'conv1/bias'], outputs: ['conv1/relu'], options: { padding: 'SAME', strideW: CONV1.stride, strideH: CONV1.stride, activation: 'RELU' } },
      { op: 'CONV_2D', inputs: ['conv1/relu', 'conv2/filter', 'conv2/bias'], outputs: ['conv2/relu'], options: { padding: 'SAME', strideW: CONV2.stride, strideH: CONV2.stride, activation: 'RELU' } },
      { op: 'RESHAPE', inputs: ['conv2/relu', 'flatten/shape'], outputs: ['flatten'], options: { newShape: [-1, FLAT] } },
      { op: 'FULLY_CONNECTED', inputs: ['flatten', 'dense/weights', 'dense/bias'], outputs: ['logits'] },
    ],
  });
  writeFileSync(file, bytes);
  return bytes.byteLength;
}

/**
 * Op mappings on a small graph built with the project's ONNX writer and checked against
 * onnxruntime (the independent reader): depthwise Conv with BatchNormalization folded and Relu6
 * fused, a residual Add, SAME and VALID padding, MaxPool, GlobalAveragePool, Flatten + Gemm
 * (weights permuted for NHWC), Softmax and Dropout removed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { convertOnnxToTflite } from '../../../src/core/convert/onnx-to-tflite';
import { checkTfliteParity, seededUniform } from '../../../src/core/convert/tflite-parity';
import { decodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { encodeOnnxModel, type OnnxTensorSpec } from '../../../src/core/formats/onnx/onnx-writer';

const f32 = (name: string, dims: number[], seed: number, offset = 0): OnnxTensorSpec => ({
  name, dims, dataType: 'FLOAT', data: seededUniform(dims.reduce((p, d) => p * d, 1), seed).map((v) => v + offset),
});

test('depthwise conv + folded BN + Relu6, residual Add, pools, Flatten+Gemm and Softmax match onnxruntime', async () => {
  const bytes = encodeOnnxModel({
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'test', producerVersion: '1', graphName: 'g',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 4, 9, 9] }],
    outputs: [{ name: 'prob', elemType: 'FLOAT', shape: [1, 5] }],
    initializers: [
      f32('dw.w', [4, 1, 3, 3], 11), f32('dw.b', [4], 12),
      f32('bn.s', [4], 13, 1.5), f32('bn.b', [4], 14), f32('bn.m', [4], 15), f32('bn.v', [4], 16, 1.2),
      { name: 'six', dims: [], dataType: 'FLOAT', data: new Float32Array([6]) }, { name: 'zero', dims: [], dataType: 'FLOAT', data: new Float32Array([0]) },
      f32('pw.w', [4, 4, 1, 1], 17), f32('pw.b', [4], 18),
      f32('c2.w', [6, 4, 3, 3], 19), f32('c2.b', [6], 20),
      f32('fc.w', [5, 6 * 2 * 2], 21), f32('fc.b', [5], 22),
    ],
    nodes: [
      { opType: 'Conv', name: 'dw', inputs: ['x', 'dw.w', 'dw.b'], outputs: ['dw.y'], attributes: { group: 4, kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { opType: 'BatchNormalization', name: 'bn', inputs: ['dw.y', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], outputs: ['bn.y'], attributes: { epsilon: { float: 1e-3 } } },
      { opType: 'Clip', name: 'relu6', inputs: ['bn.y', 'zero', 'six'], outputs: ['a'] },
      { opType: 'Conv', name: 'pw', inputs: ['a', 'pw.w', 'pw.b'], outputs: ['p'] },
      { opType: 'Add', name: 'res', inputs: ['p', 'x'], outputs: ['r'] },
      { opType: 'MaxPool', name: 'pool', inputs: ['r'], outputs: ['m'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
      { opType: 'Conv', name: 'c2', inputs: ['m', 'c2.w', 'c2.b'], outputs: ['c'], attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] } },
      { opType: 'Relu', name: 'relu', inputs: ['c'], outputs: ['cr'] },
      { opType: 'Dropout', name: 'drop', inputs: ['cr'], outputs: ['d'] },
      { opType: 'Flatten', name: 'flat', inputs: ['d'], outputs: ['fl'] },
      { opType: 'Gemm', name: 'fc', inputs: ['fl', 'fc.w', 'fc.b'], outputs: ['logits'], attributes: { transB: 1 } },
      { opType: 'Softmax', name: 'sm', inputs: ['logits'], outputs: ['prob'], attributes: { axis: -1 } },
    ],
  });
  const converted = convertOnnxToTflite(decodeModelProto(bytes));
  expect(converted.report.notes).toContain("BatchNormalization 'bn' folded into convolution 'dw'.");
  // dw(+bn+relu6), pw, add, maxpool, c2(+relu), reshape, fc, softmax
  expect(converted.report.operatorCount).toBe(8);
  const path = join(mkdtempSync(join(tmpdir(), 'q2-ops-')), 'ops.tflite');
  writeFileSync(path, converted.bytes);
  for (const seed of [0, 7]) {
    const parity = await checkTfliteParity(bytes, path, converted.inputs, converted.outputs, seed);
    expect(parity.outputs[0]!.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(parity.outputs[0]!.maxAbsError).toBeLessThan(1e-4);
  }
});

test('padding neither SAME nor VALID gives becomes an explicit PAD before a VALID conv, and still matches onnxruntime', async () => {
  const bytes = encodeOnnxModel({
    irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'test', producerVersion: '1', graphName: 'g',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 2, 8, 8] }], outputs: [{ name: 'y', elemType: 'FLOAT' }],
    initializers: [f32('w', [2, 2, 3, 3], 1)],
    nodes: [{ opType: 'Conv', name: 'odd', inputs: ['x', 'w'], outputs: ['y'], attributes: { pads: [2, 0, 0, 2] } }],
  });
  const converted = convertOnnxToTflite(decodeModelProto(bytes));
  expect(converted.report.operatorsByOp).toEqual({ PAD: 1, CONV_2D: 1 });
  const path = join(mkdtempSync(join(tmpdir(), 'q2-pad-')), 'pad.tflite');
  writeFileSync(path, converted.bytes);
  const parity = await checkTfliteParity(bytes, path, converted.inputs, converted.outputs, 3);
  expect(parity.outputs[0]!.cosine).toBeGreaterThanOrEqual(0.9999);
});

/**
 * The converter's op set, one small graph per group of ops, each built with the project's ONNX
 * writer, converted, run by LiteRT and compared with onnxruntime on seeded inputs (the
 * independent side). Also: which TFLite ops a graph becomes (layout handling: no TRANSPOSE where
 * an axis can be mapped instead, one where an op needs the ONNX order), constant folding of a
 * PyTorch-style Shape chain, and the refusal that names every unsupported node.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { convertOnnxToTflite, type ConvertedModel } from '../../../src/core/convert/onnx-to-tflite';
import { checkTfliteParity, seededUniform } from '../../../src/core/convert/tflite-parity';
import { decodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { encodeOnnxModel, type OnnxNodeSpec, type OnnxTensorSpec } from '../../../src/core/formats/onnx/onnx-writer';

const dir = mkdtempSync(join(tmpdir(), 'edgebench-opset-'));
let fileCounter = 0;

const f32 = (name: string, dims: number[], seed: number, offset = 0): OnnxTensorSpec => ({
  name, dims, dataType: 'FLOAT', data: seededUniform(dims.reduce((p, d) => p * d, 1), seed).map((v) => v + offset),
});
const scalar = (name: string, value: number): OnnxTensorSpec => ({ name, dims: [], dataType: 'FLOAT', data: new Float32Array([value]) });
const i64 = (name: string, values: number[]): OnnxTensorSpec => ({ name, dims: [values.length], dataType: 'INT64', data: BigInt64Array.from(values.map(BigInt)) });

function onnx(input: number[], nodes: OnnxNodeSpec[], initializers: OnnxTensorSpec[], outputs: string[], opset = 13): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8, opsetImports: [{ domain: '', version: opset }], producerName: 'test', producerVersion: '1', graphName: 'g',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: input }],
    outputs: outputs.map((name) => ({ name, elemType: 'FLOAT' })),
    initializers, nodes,
  });
}

/** Converts and checks every output against onnxruntime on two seeds; returns the conversion. */
async function converts(bytes: Uint8Array): Promise<ConvertedModel> {
  const converted = convertOnnxToTflite(decodeModelProto(bytes));
  const path = join(dir, `m${fileCounter++}.tflite`);
  writeFileSync(path, converted.bytes);
  for (const seed of [0, 5]) {
    const parity = await checkTfliteParity(bytes, path, converted.inputs, converted.outputs, seed);
    for (const o of parity.outputs) {
      expect(o.cosine, o.name).toBeGreaterThanOrEqual(0.9999);
      expect(o.maxAbsError, o.name).toBeLessThan(1e-4 * Math.max(1, o.maxAbsReference));
    }
  }
  return converted;
}

describe('ONNX → TFLite op set against onnxruntime', () => {
  test('grouped and strided convolutions with asymmetric pads, ConvTranspose with pads and bias, standalone BatchNormalization', async () => {
    const c = await converts(onnx([1, 4, 9, 11], [
      { opType: 'Conv', name: 'grouped', inputs: ['x', 'gw', 'gb'], outputs: ['g'], attributes: { group: 2, kernel_shape: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1] } },
      { opType: 'Conv', name: 'dwm', inputs: ['g', 'dw'], outputs: ['d'], attributes: { group: 6, kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { opType: 'ConvTranspose', name: 'up', inputs: ['d', 'tw', 'tb'], outputs: ['u'], attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
      { opType: 'BatchNormalization', name: 'bn', inputs: ['u', 's', 'b', 'm', 'v'], outputs: ['y'] },
    ], [f32('gw', [6, 2, 3, 3], 1), f32('gb', [6], 2), f32('dw', [12, 1, 3, 3], 3), f32('tw', [12, 3, 3, 3], 4), f32('tb', [3], 5),
      f32('s', [3], 6, 1.5), f32('b', [3], 7), f32('m', [3], 8), f32('v', [3], 9, 1.5)], ['y']));
    expect(c.report.operatorsByOp).toMatchObject({ SPLIT: 1, CONV_2D: 2, CONCATENATION: 1, DEPTHWISE_CONV_2D: 1, TRANSPOSE_CONV: 1, SLICE: 1 });
    expect(c.report.operatorsByOp.TRANSPOSE).toBeUndefined();
  });

  test('a ConvTranspose with stride = kernel becomes a 1×1 conv and DEPTH_TO_SPACE, with its bias Add, BatchNormalization and Relu folded in', async () => {
    const c = await converts(onnx([1, 5, 4, 6], [
      { opType: 'ConvTranspose', name: 'up', inputs: ['x', 'tw'], outputs: ['u'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
      { opType: 'Add', name: 'bias', inputs: ['u', 'tb'], outputs: ['ub'] },
      { opType: 'BatchNormalization', name: 'bn', inputs: ['ub', 's', 'b', 'm', 'v'], outputs: ['n'] },
      { opType: 'Relu', name: 'relu', inputs: ['n'], outputs: ['y'] },
    ], [f32('tw', [5, 3, 2, 2], 1), f32('tb', [1, 3, 1, 1], 2), f32('s', [3], 6, 1.5), f32('b', [3], 7), f32('m', [3], 8), f32('v', [3], 9, 1.5)], ['y']));
    expect(c.report.operatorsByOp).toEqual({ CONV_2D: 1, DEPTH_TO_SPACE: 1 });
  });

  test('1-D convolutions (plain, strided with pads, depthwise) and pools run as 2-D ones of height 1', async () => {
    const c = await converts(onnx([1, 4, 20], [
      { opType: 'Conv', name: 'c1', inputs: ['x', 'w1', 'b1'], outputs: ['a'], attributes: { kernel_shape: [3], pads: [1, 1] } },
      { opType: 'Relu', name: 'r', inputs: ['a'], outputs: ['ar'] },
      { opType: 'Conv', name: 'c2', inputs: ['ar', 'w2'], outputs: ['b'], attributes: { kernel_shape: [5], strides: [2], pads: [2, 1], dilations: [1] } },
      { opType: 'Conv', name: 'dw', inputs: ['b', 'w3'], outputs: ['d'], attributes: { kernel_shape: [3], group: 6, pads: [1, 1] } },
      { opType: 'Mul', name: 'scale', inputs: ['d', 'perC'], outputs: ['s'] },
      { opType: 'MaxPool', name: 'mp', inputs: ['s'], outputs: ['m'], attributes: { kernel_shape: [2], strides: [2] } },
      { opType: 'AveragePool', name: 'ap', inputs: ['m'], outputs: ['p'], attributes: { kernel_shape: [3], pads: [1, 1] } },
      { opType: 'GlobalAveragePool', name: 'gap', inputs: ['p'], outputs: ['y'] },
    ], [f32('w1', [6, 4, 3], 1), f32('b1', [6], 2), f32('w2', [6, 6, 5], 3), f32('w3', [6, 1, 3], 4), f32('perC', [6, 1], 5)], ['y', 's']));
    expect(c.report.operatorsByOp).toMatchObject({ CONV_2D: 2, DEPTHWISE_CONV_2D: 1, MAX_POOL_2D: 1, AVERAGE_POOL_2D: 1, MEAN: 1 });
  });

  test('activations, and binary ops broadcasting constants and activations of lower rank', async () => {
    await converts(onnx([1, 3, 5, 6], [
      { opType: 'LeakyRelu', name: 'lr', inputs: ['x'], outputs: ['a'], attributes: { alpha: { float: 0.1 } } },
      { opType: 'HardSigmoid', name: 'hs', inputs: ['a'], outputs: ['b'], attributes: { alpha: { float: 0.2 }, beta: { float: 0.5 } } },
      { opType: 'Mul', name: 'scale', inputs: ['b', 'perC'], outputs: ['c'] },
      { opType: 'Sub', name: 'sub', inputs: ['one', 'c'], outputs: ['d'] },
      { opType: 'Div', name: 'div', inputs: ['d', 'rowW'], outputs: ['e'] },
      { opType: 'HardSwish', name: 'hsw', inputs: ['e'], outputs: ['f'] },
      { opType: 'Tanh', name: 'tanh', inputs: ['f'], outputs: ['g'] },
      { opType: 'Clip', name: 'clip', inputs: ['g', 'lo', 'hi'], outputs: ['h'] },
      { opType: 'Add', name: 'add', inputs: ['h', 'x'], outputs: ['i'] },
      { opType: 'Clip', name: 'relu6', inputs: ['i', 'zero', 'six'], outputs: ['j'] },
      { opType: 'Sigmoid', name: 'sig', inputs: ['j'], outputs: ['y'] },
    ], [f32('perC', [3, 1, 1], 1), scalar('one', 1), f32('rowW', [6], 2, 3), scalar('lo', -0.3), scalar('hi', 0.4), scalar('zero', 0), scalar('six', 6)], ['y'], 14));
  });

  test('pools with pads and ceil_mode, global max pool, Pad, Resize nearest and linear, Concat and Softmax over channels without a TRANSPOSE', async () => {
    const c = await converts(onnx([1, 3, 10, 9], [
      { opType: 'MaxPool', name: 'mp', inputs: ['x'], outputs: ['a'], attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 } },
      { opType: 'AveragePool', name: 'ap', inputs: ['x'], outputs: ['b'], attributes: { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], count_include_pad: 1 } },
      { opType: 'Pad', name: 'pad', inputs: ['b', 'pads'], outputs: ['bp'], attributes: { mode: 'reflect' } },
      { opType: 'Resize', name: 'near', inputs: ['a', '', 'scales2'], outputs: ['an'], attributes: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } },
      { opType: 'Resize', name: 'lin', inputs: ['bp', '', '', 'sizes'], outputs: ['bl'], attributes: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' } },
      { opType: 'Concat', name: 'cat', inputs: ['an', 'bl'], outputs: ['cat'], attributes: { axis: 1 } },
      { opType: 'Softmax', name: 'sm', inputs: ['cat'], outputs: ['sm'], attributes: { axis: 1 } },
      { opType: 'GlobalMaxPool', name: 'gmp', inputs: ['sm'], outputs: ['y'] },
    ], [i64('pads', [0, 0, 1, 0, 0, 0, 1, 2]), { name: 'scales2', dims: [4], dataType: 'FLOAT', data: new Float32Array([1, 1, 2, 2]) }, i64('sizes', [1, 3, 12, 10])], ['y', 'cat']));
    expect(c.report.operatorsByOp).toMatchObject({ MIRROR_PAD: 1, PADV2: 1, PAD: 1, RESIZE_NEAREST_NEIGHBOR: 1, RESIZE_BILINEAR: 1, CONCATENATION: 1, SOFTMAX: 1 });
    expect(c.report.operatorsByOp.TRANSPOSE).toBeUndefined();
  });

  test('Slice, Split and ReduceMean on NHWC tensors map their axes; Pow/Sqrt with constant exponents', async () => {
    const c = await converts(onnx([1, 6, 8, 8], [
      { opType: 'Slice', name: 'sl', inputs: ['x', 'st', 'en', 'ax', 'sp'], outputs: ['a'] },
      { opType: 'Split', name: 'split', inputs: ['a', 'parts'], outputs: ['p', 'q'], attributes: { axis: 1 } },
      { opType: 'Pow', name: 'sq', inputs: ['p', 'two'], outputs: ['p2'] },
      { opType: 'ReduceMean', name: 'rm', inputs: ['p2'], outputs: ['m'], attributes: { axes: [1], keepdims: 1 } },
      { opType: 'Sqrt', name: 'sqrt', inputs: ['m'], outputs: ['r'] },
      { opType: 'Pow', name: 'cube', inputs: ['q', 'three'], outputs: ['q3'] },
      { opType: 'Mul', name: 'mul', inputs: ['q3', 'r'], outputs: ['y'] },
      { opType: 'ReduceMean', name: 'rm2', inputs: ['y'], outputs: ['z'], attributes: { axes: [2, 3], keepdims: 0 } },
    ], [i64('st', [1, 0]), i64('en', [6, 7]), i64('ax', [1, 3]), i64('sp', [1, 2]), i64('parts', [2, 3]), scalar('two', 2), scalar('three', 3)], ['y', 'z']));
    expect(c.report.operatorsByOp).toMatchObject({ STRIDED_SLICE: 1, SPLIT_V: 1, MEAN: 2, SQRT: 1, POW: 1 });
    // LayerNorm's a / sqrt(b) as exporters write it becomes a · rsqrt(b).
    const norm = await converts(onnx([1, 5, 8], [
      { opType: 'ReduceMean', name: 'mean', inputs: ['x'], outputs: ['m'], attributes: { axes: [-1] } },
      { opType: 'Sub', name: 'center', inputs: ['x', 'm'], outputs: ['d'] },
      { opType: 'Pow', name: 'sq', inputs: ['d', 'two'], outputs: ['d2'] },
      { opType: 'ReduceMean', name: 'var', inputs: ['d2'], outputs: ['v'], attributes: { axes: [-1] } },
      { opType: 'Add', name: 'eps', inputs: ['v', 'epsilon'], outputs: ['ve'] },
      { opType: 'Sqrt', name: 'std', inputs: ['ve'], outputs: ['s'] },
      { opType: 'Div', name: 'norm', inputs: ['d', 's'], outputs: ['y'] },
    ], [scalar('two', 2), scalar('epsilon', 1e-5)], ['y']));
    expect(norm.report.operatorsByOp).toEqual({ MEAN: 2, SUB: 1, MUL: 2, ADD: 1, RSQRT: 1 });
    expect(c.report.operatorsByOp.TRANSPOSE).toBeUndefined();
  });

  test('a PyTorch-style Shape → Gather → Unsqueeze → Concat → Reshape chain is folded; Transpose and MatMul work in ONNX order', async () => {
    const c = await converts(onnx([1, 4, 3, 5], [
      { opType: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'] },
      { opType: 'Shape', name: 'shape', inputs: ['c'], outputs: ['s'] },
      { opType: 'Gather', name: 'n', inputs: ['s', 'zeroIdx'], outputs: ['n'], attributes: { axis: 0 } },
      { opType: 'Unsqueeze', name: 'un', inputs: ['n', 'axis0'], outputs: ['n1'] },
      { opType: 'Concat', name: 'target', inputs: ['n1', 'minusOne'], outputs: ['t'], attributes: { axis: 0 } },
      { opType: 'Reshape', name: 'flat', inputs: ['c', 't'], outputs: ['f'] },
      { opType: 'Unsqueeze', name: 'u', inputs: ['f', 'axis0'], outputs: ['f3'] },
      { opType: 'MatMul', name: 'fc', inputs: ['f3', 'fcw'], outputs: ['m'] },
      { opType: 'Transpose', name: 'tr', inputs: ['c'], outputs: ['ct'], attributes: { perm: [0, 2, 1, 3] } },
      { opType: 'Squeeze', name: 'sq', inputs: ['ct', 'axis0'], outputs: ['cs'] },
      { opType: 'Transpose', name: 'tr2', inputs: ['cs'], outputs: ['cs2'], attributes: { perm: [0, 2, 1] } },
      { opType: 'MatMul', name: 'bmm', inputs: ['cs', 'cs2'], outputs: ['y'] },
    ], [f32('w', [6, 4, 1, 1], 1), { name: 'zeroIdx', dims: [], dataType: 'INT64', data: BigInt64Array.from([0n]) }, i64('axis0', [0]), i64('minusOne', [-1]), f32('fcw', [90, 7], 2)], ['m', 'y']));
    expect(c.report.foldedNodes).toBe(4);
    expect(Object.keys(c.report.operatorsByOp)).not.toContain('SHAPE');
    expect(c.report.operatorsByOp).toMatchObject({ FULLY_CONNECTED: 1, BATCH_MATMUL: 1 });
    // The Reshape reads the conv's NHWC output in ONNX order: one layout TRANSPOSE. The ONNX
    // Transpose of that output is composed with the layout instead (its own TRANSPOSE, not counted).
    expect(c.report.layoutTransposes).toBe(1);
    expect(c.report.operatorsByOp.TRANSPOSE).toBe(3);
  });

  test('Gather with constant indices, Softmax over an inner axis and opset-11 Softmax over trailing axes, Flatten not into a Gemm, Upsample', async () => {
    const c = await converts(onnx([1, 4, 6, 5], [
      { opType: 'Gather', name: 'pick', inputs: ['x', 'idx'], outputs: ['g'], attributes: { axis: 1 } },
      { opType: 'Softmax', name: 'smH', inputs: ['g'], outputs: ['s'], attributes: { axis: 2 } },
      { opType: 'Flatten', name: 'fl', inputs: ['s'], outputs: ['f'], attributes: { axis: 2 } },
      { opType: 'Relu', name: 'r', inputs: ['f'], outputs: ['y'] },
    ], [i64('idx', [3, 0, 2])], ['y']));
    expect(c.report.operatorsByOp).toMatchObject({ GATHER: 1, SOFTMAX: 1 });
    const old = await converts(onnx([1, 3, 4, 4], [
      { opType: 'Upsample', name: 'up', inputs: ['x', 'scales'], outputs: ['u'], attributes: { mode: 'nearest' } },
      { opType: 'Softmax', name: 'sm', inputs: ['u'], outputs: ['y'], attributes: { axis: 1 } },
    ], [{ name: 'scales', dims: [4], dataType: 'FLOAT', data: new Float32Array([1, 1, 2, 2]) }], ['y'], 9));
    // Before opset 13, Softmax(axis 1) normalises over C·H·W together: a 2-D softmax between reshapes.
    expect(old.report.operatorsByOp).toMatchObject({ RESIZE_NEAREST_NEIGHBOR: 1, SOFTMAX: 1, RESHAPE: 2 });
  });

  test('a per-channel scale and a shift after a conv fold into it; a [W]-shaped constant (broadcast over width) does not', async () => {
    const folded = await converts(onnx([1, 3, 6, 6], [
      { opType: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: [1, 1, 1, 1] } },
      { opType: 'Mul', name: 'scale', inputs: ['gamma', 'c'], outputs: ['m'] },
      { opType: 'Add', name: 'shift', inputs: ['m', 'beta'], outputs: ['a'] },
      { opType: 'Relu', name: 'relu', inputs: ['a'], outputs: ['y'] },
    ], [f32('w', [4, 3, 3, 3], 1), f32('b', [4], 2), f32('gamma', [1, 4, 1, 1], 3, 1), scalar('beta', 0.25)], ['y']));
    expect(folded.report.operatorsByOp).toEqual({ CONV_2D: 1 });
    const byWidth = await converts(onnx([1, 3, 6, 6], [
      { opType: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: [1, 1, 1, 1] } },
      { opType: 'Mul', name: 'scale', inputs: ['c', 'perW'], outputs: ['y'] },
    ], [f32('w', [4, 3, 3, 3], 1), f32('perW', [6], 4)], ['y']));
    expect(byWidth.report.operatorsByOp).toEqual({ CONV_2D: 1, MUL: 1 });
  });

  test('every unsupported node is named at once, with what to do', () => {
    const bytes = onnx([1, 2, 4, 4], [
      { opType: 'Relu', name: 'ok', inputs: ['x'], outputs: ['a'] },
      { opType: 'NonMaxSuppression', name: 'nms', inputs: ['a'], outputs: ['b'] },
      { opType: 'TopK', name: 'top', inputs: ['b'], outputs: ['y'] },
    ], [], ['y']);
    expect(() => convertOnnxToTflite(decodeModelProto(bytes))).toThrow(/Node 'nms' \(op NonMaxSuppression\); Node 'top' \(op TopK\) have no TFLite conversion here; replace or remove those ops/);
  });

  test('a dynamic size other than the batch is refused, naming the input and --input-shape', () => {
    const bytes = encodeOnnxModel({
      irVersion: 8, opsetImports: [{ domain: '', version: 13 }], producerName: 'test', producerVersion: '1', graphName: 'g',
      inputs: [{ name: 'image', elemType: 'FLOAT', shape: [1, 3, 'height', 'width'] }], outputs: [{ name: 'y', elemType: 'FLOAT' }],
      initializers: [], nodes: [{ opType: 'Relu', name: 'r', inputs: ['image'], outputs: ['y'] }],
    });
    expect(() => convertOnnxToTflite(decodeModelProto(bytes))).toThrow(/Input 'image' has a dynamic size at dimension 2 \('height'\); give its sizes with --input-shape/);
    const converted = convertOnnxToTflite(decodeModelProto(bytes), { inputShapes: new Map([['image', [1, 3, 8, 8]]]) });
    expect(converted.inputs[0]!.shape).toEqual([1, 3, 8, 8]);
    expect(converted.report.warnings).toEqual([]);
  });
});

import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModelProto, defaultOpsetVersion, encodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { encodeOnnxModel, type OnnxNodeSpec, type OnnxTensorSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { quantizeOnnx } from '../../../src/core/quantize';
import { raiseOpset } from '../../../src/core/quantize/opset';
import { seededFloats } from './real-onnx-models';

const ones = (name: string, dims: number[], seed: number, lo = -1, hi = 1): OnnxTensorSpec => ({ name, dims, dataType: 'FLOAT', data: seededFloats(dims.reduce((a, b) => a * b, 1), seed, lo, hi) });

function model(opset: number, x: number[], y: number[] | undefined, nodes: OnnxNodeSpec[], initializers: OnnxTensorSpec[] = []): Uint8Array {
  return encodeOnnxModel({
    irVersion: 7,
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'test',
    producerVersion: '0',
    graphName: 'g',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: x }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: y }],
    initializers,
    nodes,
  });
}

async function run(bytes: Uint8Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', seededFloats(dims.reduce((a, b) => a * b, 1), 5), dims) });
    return out.y?.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
}

/** Raises `bytes` to opset 13 with the studio's rewrites. */
function raised(bytes: Uint8Array): { bytes: Uint8Array; rewritten: string[] } {
  const decoded = decodeModelProto(bytes);
  const change = raiseOpset(decoded, 13, 'the test');
  expect(defaultOpsetVersion(decoded)).toBe(13);
  return { bytes: encodeModelProto(decoded), rewritten: change?.rewritten ?? [] };
}

describe('raising opset 11 to 13 keeps what each op computes', () => {
  it('Softmax and LogSoftmax that worked on the input coerced to 2-D at axis 1 (its old default) still do', async () => {
    const before = model(11, [2, 3, 4], [2, 3, 4], [
      { opType: 'Softmax', name: 's', inputs: ['x'], outputs: ['s'] },
      { opType: 'LogSoftmax', name: 'l', inputs: ['s'], outputs: ['y'], attributes: { axis: 2 } },
    ]);
    const after = raised(before);
    expect(after.rewritten).toEqual(['Softmax ×1', 'LogSoftmax ×1']);
    expect(maxDiff(await run(before, [2, 3, 4]), await run(after.bytes, [2, 3, 4]))).toBeLessThan(1e-6);
  });

  it('Squeeze, Unsqueeze, ReduceSum, Split and Dropout move their attributes into inputs', async () => {
    const before = model(11, [1, 6, 4], [6, 1, 2], [
      { opType: 'Squeeze', name: 'sq', inputs: ['x'], outputs: ['a'], attributes: { axes: [0] } },
      { opType: 'Dropout', name: 'd', inputs: ['a'], outputs: ['b'], attributes: { ratio: { float: 0.25 } } },
      { opType: 'Split', name: 'sp', inputs: ['b'], outputs: ['c', 'e'], attributes: { axis: 1, split: [2, 2] } },
      { opType: 'ReduceSum', name: 'r', inputs: ['c'], outputs: ['f'], attributes: { axes: [1], keepdims: 1 } },
      { opType: 'Unsqueeze', name: 'u', inputs: ['f'], outputs: ['g'], attributes: { axes: [1] } },
      { opType: 'Concat', name: 'cat', inputs: ['g', 'g'], outputs: ['h'], attributes: { axis: 2 } },
      { opType: 'Reshape', name: 'rs', inputs: ['h', 'shape'], outputs: ['y'] },
    ], [{ name: 'shape', dims: [3], dataType: 'INT64', data: new BigInt64Array([6n, 1n, 2n]) }]);
    const after = raised(before);
    expect(after.rewritten.sort()).toEqual(['Dropout ×1', 'ReduceSum ×1', 'Split ×1', 'Squeeze ×1', 'Unsqueeze ×1']);
    expect(maxDiff(await run(before, [1, 6, 4]), await run(after.bytes, [1, 6, 4]))).toBe(0);
  });

  it('refuses a Resize whose coordinate mode opset 13 dropped, saying why', () => {
    const resize = model(11, [1, 1, 2, 2], undefined, [{ opType: 'Resize', name: 'r', inputs: ['x', 'roi', 'scales'], outputs: ['y'], attributes: { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn' } }], [
      { name: 'roi', dims: [0], dataType: 'FLOAT', data: new Float32Array(0) },
      { name: 'scales', dims: [4], dataType: 'FLOAT', data: new Float32Array([1, 1, 2, 2]) },
    ]);
    expect(() => raiseOpset(decodeModelProto(resize), 13, 'the test')).toThrow(/tf_half_pixel_for_nn does not exist from opset 13/);
  });
});

describe('folding a per-channel affine step into the Conv before it', () => {
  const conv = (after: OnnxNodeSpec[], extra: OnnxTensorSpec[]): Uint8Array =>
    model(13, [1, 3, 6, 6], [1, 4, 6, 6], [{ opType: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: [1, 1, 1, 1] } }, ...after], [ones('w', [4, 3, 3, 3], 1), ones('b', [4], 2), ...extra]);

  const cases: Array<[string, OnnxNodeSpec[], OnnxTensorSpec[]]> = [
    ['BatchNormalization', [{ opType: 'BatchNormalization', name: 'bn', inputs: ['c', 'g', 'beta', 'm', 'v'], outputs: ['y'] }], [ones('g', [4], 3), ones('beta', [4], 4), ones('m', [4], 5), ones('v', [4], 6, 0.5, 2)]],
    ['Mul then Add', [{ opType: 'Mul', name: 'mul', inputs: ['c', 's'], outputs: ['m'] }, { opType: 'Add', name: 'add', inputs: ['m', 'd'], outputs: ['y'] }], [ones('s', [1, 4, 1, 1], 7, 0.1, 3), ones('d', [4, 1, 1], 8)]],
  ];
  it.each(cases)('%s: the int8 variant computes what the float model does, and the note says what was folded', async (what, after, extra) => {
    const float = conv(after, extra);
    const result = await quantizeOnnx(float, { mode: 'dynamic', perChannel: true, weightRange: 'full' });
    expect(result.notes.join(' ')).toMatch(new RegExp(`Folded into the Conv before each \\(${what === 'BatchNormalization' ? 'BatchNormalization ×1' : 'Mul ×1, Add ×1'}\\)`));
    const names = decodeModelProto(result.bytes).graph?.node.map((n) => n.name) ?? [];
    expect(names.filter((name) => ['bn', 'mul', 'add'].includes(name))).toEqual([]);
    const [a, b] = [await run(float, [1, 3, 6, 6]), await run(result.bytes, [1, 3, 6, 6])];
    const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxDiff(a, b) / scale).toBeLessThan(0.03);
  });

  it('leaves a Mul whose constant broadcasts over the spatial axes (not one per channel)', async () => {
    const float = conv([{ opType: 'Mul', name: 'mul', inputs: ['c', 's'], outputs: ['y'] }], [ones('s', [6], 9)]);
    const result = await quantizeOnnx(float, { mode: 'dynamic', perChannel: true });
    expect(result.notes.join(' ')).not.toMatch(/Folded/);
    expect(decodeModelProto(result.bytes).graph?.node.some((n) => n.opType === 'Mul' && n.name === 'mul')).toBe(true);
  });
});

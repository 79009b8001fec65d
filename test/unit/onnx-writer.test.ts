import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../src/shared/errors';
import { encodeOnnxModel, type OnnxModelSpec } from '../../src/core/formats/onnx/onnx-writer';
import { ProtoWriter } from './formats/proto-writer';

function model(parts: Pick<OnnxModelSpec, 'inputs' | 'outputs' | 'initializers' | 'nodes'> & Partial<OnnxModelSpec>): OnnxModelSpec {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'edgebench-test',
    producerVersion: '0',
    graphName: 'test',
    ...parts,
  };
}

async function run(spec: OnnxModelSpec, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(encodeOnnxModel(spec));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 5));
}

describe('ProtoWriter', () => {
  it('encodes varints, negative int64 and floats as the protobuf wire format specifies', () => {
    const bytes = new ProtoWriter().varint(1, 150).varint(2, -1).float(3, 1).string(4, 'hi').finish();
    expect(Array.from(bytes)).toEqual([
      0x08, 0x96, 0x01, // field 1 varint 150
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // field 2 varint -1 (10 bytes)
      0x1d, 0x00, 0x00, 0x80, 0x3f, // field 3 fixed32 1.0f
      0x22, 0x02, 0x68, 0x69, // field 4 "hi"
    ]);
  });

  it('nests large byte fields without losing or reordering bytes', () => {
    const big = new Uint8Array(1000).map((_, i) => i % 251);
    const inner = new ProtoWriter().varint(1, 7).bytes(2, big).varint(3, 9);
    const bytes = new ProtoWriter().message(5, inner).finish();
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x2a, 0xef, 0x07, 0x08, 0x07, 0x12, 0xe8, 0x07]); // field 5, length 1007
    expect(bytes.byteLength).toBe(3 + 1007);
    expect(Array.from(bytes.subarray(8, 1008))).toEqual(Array.from(big));
    expect(Array.from(bytes.subarray(-2))).toEqual([0x18, 0x09]);
  });
});

describe('encodeOnnxModel', () => {
  it('writes a Gemm that onnxruntime computes with the given weights, float alpha and a symbolic batch dim', async () => {
    const spec = model({
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 3] }],
      outputs: [{ name: 'y', elemType: 1, shape: ['batch', 2] }],
      initializers: [
        { name: 'w', dims: [2, 3], dataType: 'FLOAT', data: new Float32Array([1, 2, 3, -1, 0, 1]) },
        { name: 'b', dims: [2], dataType: 'FLOAT', data: new Float32Array([0.5, -0.5]) },
      ],
      nodes: [{ opType: 'Gemm', name: 'gemm', inputs: ['x', 'w', 'b'], outputs: ['y'], attributes: { transB: 1, alpha: { float: 2 } } }],
    });
    const session = await ort.InferenceSession.create(encodeOnnxModel(spec));
    expect(session.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true, shape: ['batch', 3] });
    const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 1, 1, 0, 1, 2]), [2, 3]) });
    await session.release();
    expect(y?.dims).toEqual([2, 2]);
    // row 0: 2*[6, 0] + b; row 1: 2*[8, 2] + b
    expectClose(y?.data as Float32Array, [12.5, -0.5, 16.5, 3.5]);
  });

  it('writes Conv with INTS pads/strides and a Relu', async () => {
    const spec = model({
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 1, 3, 3] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 1, 2, 2] }],
      initializers: [{ name: 'k', dims: [1, 1, 2, 2], dataType: 'FLOAT', data: new Float32Array([1, 0, 0, -1]) }],
      nodes: [
        { opType: 'Conv', name: 'conv', inputs: ['x', 'k'], outputs: ['c'], attributes: { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] } },
        { opType: 'Relu', name: 'relu', inputs: ['c'], outputs: ['y'] },
      ],
    });
    const x = new ort.Tensor('float32', new Float32Array([9, 1, 4, 2, 5, 6, 7, 3, 8]), [1, 1, 3, 3]);
    const { y } = await run(spec, { x });
    // windows: [9,1;2,5] -> 9-5=4; [4,0;6,0] -> 4; [7,3;0,0] -> 7; [8,0;0,0] -> 8
    expectClose(y?.data as Float32Array, [4, 4, 7, 8]);
  });

  it('stores int8, int64 and fp16 initializers as raw_data that onnxruntime reads back exactly', async () => {
    const fp16 = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff]); // 1, -2, 0.5, 65504
    const spec = model({
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [4] }],
      outputs: [
        { name: 'deq', elemType: 'FLOAT', shape: [2, 2] },
        { name: 'half', elemType: 'FLOAT', shape: [4] },
      ],
      initializers: [
        { name: 'q', dims: [4], dataType: 'INT8', data: new Int8Array([-128, -1, 0, 127]) },
        { name: 'scale', dims: [], dataType: 'FLOAT', data: new Float32Array([0.5]) },
        { name: 'zp', dims: [], dataType: 'INT8', data: new Int8Array([-1]) },
        { name: 'shape', dims: [2], dataType: 'INT64', data: new BigInt64Array([2n, -1n]) },
        { name: 'h', dims: [4], dataType: 'FLOAT16', data: fp16 },
      ],
      nodes: [
        { opType: 'DequantizeLinear', name: 'dq', inputs: ['q', 'scale', 'zp'], outputs: ['d'] },
        { opType: 'Reshape', name: 'reshape', inputs: ['d', 'shape'], outputs: ['deq'] },
        { opType: 'Cast', name: 'cast', inputs: ['h'], outputs: ['hf'], attributes: { to: 1 } },
        { opType: 'Add', name: 'add', inputs: ['hf', 'x'], outputs: ['half'] },
      ],
    });
    const out = await run(spec, { x: new ort.Tensor('float32', new Float32Array(4), [4]) });
    expect(out.deq?.dims).toEqual([2, 2]);
    expectClose(out.deq?.data as Float32Array, [-63.5, 0, 0.5, 64]);
    expectClose(out.half?.data as Float32Array, [1, -2, 0.5, 65504]);
  });

  it('writes TENSOR and STRING attributes that onnxruntime accepts', async () => {
    const spec = model({
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 4] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 5] }],
      initializers: [],
      nodes: [
        { opType: 'Constant', name: 'k', inputs: [], outputs: ['k'], attributes: { value: { tensor: { name: 'kv', dims: [4], dataType: 'FLOAT', data: new Float32Array([1, 2, 3, 4]) } } } },
        { opType: 'Constant', name: 'p', inputs: [], outputs: ['pads'], attributes: { value: { tensor: { name: 'pv', dims: [4], dataType: 'INT64', data: new BigInt64Array([0n, 1n, 0n, 0n]) } } } },
        { opType: 'Mul', name: 'mul', inputs: ['x', 'k'], outputs: ['m'] },
        { opType: 'Pad', name: 'pad', inputs: ['m', 'pads'], outputs: ['y'], attributes: { mode: 'reflect' } },
      ],
    });
    const { y } = await run(spec, { x: new ort.Tensor('float32', new Float32Array([1, 1, 2, -1]), [1, 4]) });
    // reflect mode (the STRING attribute) mirrors m[1] = 2 to the front
    expectClose(y?.data as Float32Array, [2, 1, 2, 6, -4]);
  });

  it('refuses ambiguous or inconsistent specs with a message naming the node or tensor', () => {
    const base = model({
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1] }],
      initializers: [],
      nodes: [{ opType: 'LeakyRelu', name: 'leaky', inputs: ['x'], outputs: ['y'], attributes: { alpha: 0.1 } }],
    });
    expect(() => encodeOnnxModel(base)).toThrow(/attribute 'alpha' of ONNX node 'leaky'.*\{ float: 0.1 \}/);
    const badLength = { ...base, nodes: [], initializers: [{ name: 'w', dims: [2, 3], dataType: 'FLOAT' as const, data: new Float32Array(5) }] };
    expect(() => encodeOnnxModel(badLength)).toThrow(/'w' has 5 data elements but dims \[2, 3\] need 6/);
    const badType = { ...base, nodes: [], initializers: [{ name: 'q', dims: [2], dataType: 'INT8' as const, data: new Uint8Array(2) }] };
    expect(() => encodeOnnxModel(badType)).toThrow(StudioError);
    expect(() => encodeOnnxModel(badType)).toThrow(/pass a Int8Array/);
  });
});

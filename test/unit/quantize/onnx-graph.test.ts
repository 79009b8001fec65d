import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from '../../../src/core/formats/onnx/onnx-graph';
import { encodeOnnxModel, type OnnxGraphSpec, type OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { ProtoWriter } from '../../../src/core/formats/protobuf/wire-writer';
import { loadDemo } from './demo-data';

async function outputs(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, unknown>> {
  const session = await ort.InferenceSession.create(model);
  try {
    const result = await session.run(feeds);
    return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, { type: t.type, dims: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, String) }]));
  } finally {
    await session.release();
  }
}

const branch = (name: string, op: string): OnnxGraphSpec => ({
  name,
  inputs: [],
  outputs: [{ name: `${name}_out`, elemType: 'FLOAT' }],
  initializers: [],
  nodes: [{ opType: op, name: `${name}_node`, inputs: ['sliced'], outputs: [`${name}_out`] }],
  docString: `${name} branch`,
});

/** Exercises every kind of field the spec holds: attributes of each type, a subgraph, int64 beyond 2^53, fp16 and int64 tensors, value_info, metadata. */
const featureModel: OnnxModelSpec = {
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
  producerName: 'edgebench-test',
  producerVersion: '1.2',
  graphName: 'features',
  docString: 'round-trip fixture',
  modelVersion: 7,
  metadataProps: { author: 'tests', license: 'MIT' },
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 6] }, { name: 'flag', elemType: 'BOOL', shape: [] }],
  outputs: [{ name: 'y', elemType: 'FLOAT' }, { name: 'h', elemType: 'FLOAT16', shape: ['batch', 3] }],
  valueInfo: [{ name: 'sliced', elemType: 'FLOAT', shape: ['batch', 3] }],
  initializers: [
    { name: 'starts', dims: [1], dataType: 'INT64', data: new BigInt64Array([3n]) },
    { name: 'ends', dims: [1], dataType: 'INT64', data: new BigInt64Array([9223372036854775807n]) },
    { name: 'axes', dims: [1], dataType: 'INT64', data: new BigInt64Array([1n]) },
    { name: 'half', dims: [3], dataType: 'FLOAT16', data: new Uint16Array([0x3c00, 0x4000, 0xbc00]) },
  ],
  nodes: [
    { opType: 'Slice', name: 'slice', inputs: ['x', 'starts', 'ends', 'axes'], outputs: ['sliced'], docString: 'keeps columns 3..' },
    { opType: 'If', name: 'branch', inputs: ['flag'], outputs: ['y'], attributes: { then_branch: { graph: branch('then', 'Relu') }, else_branch: { graph: branch('else', 'Neg') } } },
    { opType: 'Cast', name: 'to_half', inputs: ['sliced'], outputs: ['sliced_h'], attributes: { to: { int: 10 } } },
    { opType: 'Mul', name: 'scale_half', inputs: ['sliced_h', 'half'], outputs: ['scaled_h'] },
    { opType: 'LeakyRelu', name: 'leaky', inputs: ['scaled_h'], outputs: ['leaky_h'], attributes: { alpha: { float: 0.25 } } },
    { opType: 'Gelu', domain: 'com.microsoft', name: 'gelu', inputs: ['leaky_h'], outputs: ['h'] },
  ],
};

describe('decodeOnnxModel', () => {
  it('decodes the demo model so that encoding it again gives the same bytes', () => {
    const { model } = loadDemo();
    expect(Buffer.from(encodeOnnxModel(decodeOnnxModel(model))).equals(Buffer.from(model))).toBe(true);
  });

  it('round-trips every field the writer holds into a model that runs identically', async () => {
    const original = encodeOnnxModel(featureModel);
    const decoded = decodeOnnxModel(original);
    expect(decoded.metadataProps).toEqual({ author: 'tests', license: 'MIT' });
    expect(decoded.nodes[0]?.docString).toBe('keeps columns 3..');
    expect(decoded.initializers[1]?.data).toEqual(new BigInt64Array([9223372036854775807n]));
    expect(decoded.valueInfo).toEqual([{ name: 'sliced', elemType: 1, shape: ['batch', 3] }]);
    const reencoded = encodeOnnxModel(decoded);
    expect(Buffer.from(reencoded).equals(Buffer.from(original))).toBe(true);
    for (const flag of [true, false]) {
      const feeds = { x: new ort.Tensor('float32', new Float32Array([1, -2, 3, -4, 5, -6, 0.5, 1, -1, 2, -3, 4]), [2, 6]), flag: new ort.Tensor('bool', new Uint8Array([flag ? 1 : 0]), []) };
      expect(await outputs(reencoded, feeds)).toEqual(await outputs(original, feeds));
    }
  });

  it('reads tensors stored in float_data / int64_data as well as raw_data', () => {
    const tensor = new ProtoWriter().varint(1, 2).varint(2, 1).float(4, 1.5).float(4, -2).string(8, 'w');
    const shape = new ProtoWriter().message(1, new ProtoWriter().varint(1, 2));
    const info = new ProtoWriter().string(1, 'x').message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, 1).message(2, shape)));
    const graph = new ProtoWriter()
      .message(1, new ProtoWriter().string(1, 'x').string(1, 'w').string(2, 'y').string(3, 'add').string(4, 'Add'))
      .string(2, 'g')
      .message(5, tensor)
      .message(11, info)
      .message(12, new ProtoWriter().string(1, 'y').message(2, new ProtoWriter().message(1, new ProtoWriter().varint(1, 1).message(2, shape))));
    const bytes = new ProtoWriter().varint(1, 8).message(7, graph).message(8, new ProtoWriter().varint(2, 17)).finish();
    const spec = decodeOnnxModel(bytes);
    expect(spec.initializers[0]).toEqual({ name: 'w', dims: [2], dataType: 1, data: new Float32Array([1.5, -2]) });
  });

  it('refuses fields it cannot keep, naming them, instead of dropping them', () => {
    const graph = new ProtoWriter().string(2, 'g');
    const withFunctions = new ProtoWriter().varint(1, 8).message(7, graph).message(25, new ProtoWriter().string(1, 'fn')).finish();
    expect(() => decodeOnnxModel(withFunctions, 'f.onnx')).toThrow(/'f\.onnx' uses ModelProto\.functions \(field 25\)/);
    const external = new ProtoWriter().varint(1, 4).varint(2, 1).string(8, 'w').varint(14, 1);
    const withExternal = new ProtoWriter().varint(1, 8).message(7, new ProtoWriter().string(2, 'g').message(5, external)).finish();
    expect(() => decodeOnnxModel(withExternal)).toThrow(/external_data/);
  });

  it('reports truncated and empty files as MODEL_FORMAT errors', () => {
    const { model } = loadDemo();
    expect(() => decodeOnnxModel(model.subarray(0, 5000), 'cut.onnx')).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringContaining("'cut.onnx'") }));
    expect(() => decodeOnnxModel(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
  });
});

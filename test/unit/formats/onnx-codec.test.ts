import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModelProto, encodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { externalLocations, loadExternalData, storeExternalData } from '../../../src/core/formats/onnx/onnx-external';
import { isExternal, tensorArray } from '../../../src/core/formats/onnx/onnx-tensors';
import { encodeOnnxModel, type OnnxGraphSpec, type OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { loadDemo } from '../quantize/demo-data';
import { ProtoWriter } from './proto-writer';

const repoRoot = path.resolve(__dirname, '../../..');

async function outputs(model: Uint8Array | string, feeds: Record<string, ort.Tensor>): Promise<Record<string, unknown>> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
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

/** Attributes of each type, an If with subgraphs reading an outer tensor, int64 beyond 2^53, fp16 and int64 tensors, value_info, metadata. */
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

const featureFeeds = (flag: boolean): Record<string, ort.Tensor> => ({
  x: new ort.Tensor('float32', new Float32Array([1, -2, 3, -4, 5, -6, 0.5, 1, -1, 2, -3, 4]), [2, 6]),
  flag: new ort.Tensor('bool', new Uint8Array([flag ? 1 : 0]), []),
});

describe('the generated ONNX codec', () => {
  it('decodes the demo model so that encoding it again gives the same bytes', () => {
    const { model } = loadDemo();
    expect(Buffer.from(encodeModelProto(decodeModelProto(model))).equals(Buffer.from(model))).toBe(true);
  });

  it('round-trips a model with subgraphs, metadata and 64-bit ints into bytes that run identically', async () => {
    const original = encodeOnnxModel(featureModel);
    const decoded = decodeModelProto(original);
    expect(decoded.metadataProps.map((p) => [p.key, p.value])).toEqual([['author', 'tests'], ['license', 'MIT']]);
    expect(decoded.graph?.node[0]?.docString).toBe('keeps columns 3..');
    expect(tensorArray(decoded.graph?.initializer[1] as never)).toEqual(new BigInt64Array([9223372036854775807n]));
    const reencoded = encodeModelProto(decoded);
    expect(Buffer.from(reencoded).equals(Buffer.from(original))).toBe(true);
    for (const flag of [true, false]) expect(await outputs(reencoded, featureFeeds(flag))).toEqual(await outputs(original, featureFeeds(flag)));
  });

  it('reads tensors stored in float_data as well as raw_data', () => {
    const tensor = new ProtoWriter().varint(1, 2).varint(2, 1).packedFloat(4, [1.5, -2]).string(8, 'w');
    const graph = new ProtoWriter().string(2, 'g').message(5, tensor);
    const model = decodeModelProto(new ProtoWriter().varint(1, 8).message(7, graph).message(8, new ProtoWriter().varint(2, 17)).finish());
    expect(tensorArray(model.graph?.initializer[0] as never)).toEqual(new Float32Array([1.5, -2]));
  });

  it('keeps fields newer than onnx.proto, functions, sparse initializers, training info and closed-enum values it does not know, byte for byte', () => {
    // Hand-built with fields the Debian (ONNX 1.12) schema lacks: ModelProto.configuration (26),
    // GraphProto.metadata_props (16), NodeProto.overload (8) and metadata_props (9), TensorProto.metadata_props (16),
    // an AttributeProto.type of 99 (a closed enum value no ONNX defines), a FLOAT8E4M3FN (17) and an INT4 (22) tensor.
    const entry = (key: string, value: string) => new ProtoWriter().string(1, key).string(2, value);
    const f8 = new ProtoWriter().varint(1, 4).varint(2, 17).string(8, 'f8').bytes(9, new Uint8Array([0x38, 0x40, 0xb8, 0x00])).message(16, entry('origin', 'fp8'));
    const i4 = new ProtoWriter().varint(1, 3).varint(2, 22).string(8, 'i4').bytes(9, new Uint8Array([0x21, 0x0f]));
    const sparseValues = new ProtoWriter().varint(1, 2).varint(2, 1).string(8, 'sp').bytes(9, new Uint8Array(new Float32Array([1, 2]).buffer));
    const sparseIndices = new ProtoWriter().varint(1, 2).varint(2, 7).bytes(9, new Uint8Array(new BigInt64Array([0n, 5n]).buffer));
    const sparse = new ProtoWriter().message(1, sparseValues).message(2, sparseIndices).varint(3, 8);
    const attribute = new ProtoWriter().string(1, 'future').varint(3, 1).varint(20, 99);
    const node = new ProtoWriter().string(1, 'x').string(2, 'y').string(3, 'n').string(4, 'Identity').message(5, attribute).string(8, 'overload-a').message(9, entry('k', 'v'));
    const graph = new ProtoWriter().message(1, node).string(2, 'g').message(5, f8).message(5, i4).message(15, sparse).message(16, entry('graph', 'meta'));
    const fn = new ProtoWriter().string(1, 'MyFn').string(4, 'a').string(5, 'b').message(7, new ProtoWriter().string(1, 'a').string(2, 'b').string(4, 'Relu')).string(10, 'custom');
    const training = new ProtoWriter().message(1, new ProtoWriter().string(2, 'init'));
    const bytes = new ProtoWriter()
      .varint(1, 10)
      .string(2, 'hand')
      .message(7, graph)
      .message(8, new ProtoWriter().varint(2, 21))
      .message(14, entry('m', 'n'))
      .message(20, training)
      .message(25, fn)
      .message(26, new ProtoWriter().string(1, 'cfg'))
      .finish();
    const decoded = decodeModelProto(bytes);
    expect(decoded.functions[0]?.name).toBe('MyFn');
    expect(decoded.graph?.sparseInitializer).toHaveLength(1);
    expect(decoded.graph?.initializer.map((t) => t.dataType)).toEqual([17, 22]);
    expect(decoded.graph?.node[0]?.attribute[0]?.type).toBe(99);
    expect(Buffer.from(encodeModelProto(decoded)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reports truncated and empty files as MODEL_FORMAT errors', () => {
    const { model } = loadDemo();
    expect(() => decodeModelProto(model.subarray(0, 5000), 'cut.onnx')).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringContaining("'cut.onnx'") }));
    expect(() => decodeModelProto(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT' }));
  });

  it('reads and writes external data: a model whose weights live in a side file runs the same after decode → encode', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onnx-external-'));
    try {
      const { model, images } = loadDemo();
      const inline = decodeModelProto(model);
      const side = storeExternalData(inline, (t) => t.rawData.byteLength > 1024, 'demo.onnx.data') as Uint8Array;
      expect(side.byteLength).toBeGreaterThan(model.byteLength * 0.9);
      writeFileSync(path.join(dir, 'demo.onnx'), encodeModelProto(inline));
      writeFileSync(path.join(dir, 'demo.onnx.data'), side);
      const feeds = { input: new ort.Tensor('float32', images.subarray(0, 784 * 2), [2, 1, 28, 28]) };
      const expected = await outputs(model, feeds);
      expect(await outputs(path.join(dir, 'demo.onnx'), feeds)).toEqual(expected);

      // Read: decode the small file, load its side file; write: store again under another name.
      const decoded = decodeModelProto(readFileSync(path.join(dir, 'demo.onnx')));
      expect(externalLocations(decoded, 'demo.onnx')).toEqual(['demo.onnx.data']);
      const refs = loadExternalData(decoded, (location) => readFileSync(path.join(dir, location)), 'demo.onnx');
      expect(refs.size).toBeGreaterThan(0);
      expect(Buffer.from(encodeModelProto(decoded)).equals(Buffer.from(model))).toBe(true);
      const again = storeExternalData(decoded, (t) => refs.has(t), 'copy.onnx.data') as Uint8Array;
      expect(decoded.graph?.initializer.filter(isExternal).length).toBe(refs.size);
      writeFileSync(path.join(dir, 'copy.onnx'), encodeModelProto(decoded));
      writeFileSync(path.join(dir, 'copy.onnx.data'), again);
      expect(await outputs(path.join(dir, 'copy.onnx'), feeds)).toEqual(expected);

      const escaping = decodeModelProto(readFileSync(path.join(dir, 'demo.onnx')));
      for (const t of escaping.graph?.initializer ?? []) for (const e of t.externalData) if (e.key === 'location') e.value = '../outside.bin';
      expect(() => externalLocations(escaping, 'demo.onnx')).toThrow(/points outside the model's folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the codec that npm run gen:onnx generates from onnx.proto (regenerated here and compared)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gen-onnx-test-'));
    try {
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts/gen-onnx.mjs'), dir], { stdio: 'pipe' });
      const fresh = readFileSync(path.join(dir, 'onnx_pb.ts'), 'utf8');
      const committed = readFileSync(path.join(repoRoot, 'src/core/formats/onnx/generated/onnx_pb.ts'), 'utf8');
      expect(fresh === committed).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

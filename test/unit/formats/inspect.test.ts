import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModelBuffers, inspectModelFiles } from '../../../src/core/formats/inspect';
import { encodeOnnxModel } from '../../../src/core/formats/onnx/onnx-writer';
import { StudioError, type ErrorCode } from '../../../src/shared/errors';
import { buildTflite, TensorType } from './tflite-builder';
import { layersModel } from './tfjs-fixtures';

let dir: string;

// Linear (Gemm 4 → 3) with a symbolic batch: small enough to hand-check, real enough for onnxruntime.
const onnxBytes = encodeOnnxModel({
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }],
  producerName: 'inspect-test',
  producerVersion: '',
  graphName: 'linear',
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 4] }],
  outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', 3] }],
  initializers: [{ name: 'w', dims: [4, 3], dataType: 'FLOAT', data: new Float32Array(12).fill(1) }],
  nodes: [{ opType: 'Gemm', name: 'gemm', inputs: ['x', 'w'], outputs: ['y'] }],
});
const tfliteBytes = buildTflite({
  version: 3,
  opcodes: [{ deprecated: 9, builtin: 9 }],
  tensors: [
    { name: 'in', shape: [1, 4], type: TensorType.FLOAT32 },
    { name: 'w', shape: [3, 4], type: TensorType.FLOAT32, buffer: 1 },
    { name: 'out', shape: [1, 3], type: TensorType.FLOAT32 },
  ],
  inputs: [0],
  outputs: [2],
  operators: [{ opcode: 0, inputs: [0, 1, -1], outputs: [2] }],
  buffers: [new Uint8Array(0), new Uint8Array(48)],
});

/** Deterministic bytes (a linear congruential generator) so a failure is reproducible. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'edgebench-inspect-'));
  await writeFile(file('linear.onnx'), onnxBytes);
  await writeFile(file('linear.tflite'), tfliteBytes);
  const tfjs = layersModel();
  await mkdir(file('tfjs'));
  await writeFile(file('tfjs/model.json'), tfjs.json);
  for (const shard of tfjs.shards) await writeFile(file(`tfjs/${shard.name}`), shard.data);
  await mkdir(file('model-folder'));
  await writeFile(file('empty.onnx'), new Uint8Array(0));
  await writeFile(file('noise.onnx'), pseudoRandomBytes(4096, 1));
  await writeFile(file('noise.tflite'), pseudoRandomBytes(4096, 2));
  await writeFile(file('noise.bin'), pseudoRandomBytes(4096, 3));
  await writeFile(file('notes.json'), '{"hello": "world"}');
  for (const fraction of [0.1, 0.5, 0.9]) {
    await writeFile(file(`cut-${fraction}.onnx`), onnxBytes.subarray(0, Math.floor(onnxBytes.length * fraction)));
    await writeFile(file(`cut-${fraction}.tflite`), tfliteBytes.subarray(0, Math.floor(tfliteBytes.length * fraction)));
  }
  await writeFile(file('cut-last-byte.onnx'), onnxBytes.subarray(0, onnxBytes.length - 1));
  await writeFile(file('tfjs-no-shards.json'), layersModel().json);
  const escaping = JSON.parse(new TextDecoder().decode(layersModel().json)) as { weightsManifest: Array<{ paths: string[] }> };
  escaping.weightsManifest[0]!.paths = ['../../etc/passwd'];
  await mkdir(file('escape'));
  await writeFile(file('escape/model.json'), JSON.stringify(escaping));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inspectModelFiles', () => {
  it('inspects an ONNX file and hashes exactly its bytes', async () => {
    const info = await inspectModelFiles([file('linear.onnx')]);
    expect(info).toMatchObject({
      format: 'onnx',
      fileName: 'linear.onnx',
      producer: 'inspect-test',
      inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
      parameters: 12,
      macs: 12,
      sizeBytes: onnxBytes.byteLength,
      sha256: createHash('sha256').update(onnxBytes).digest('hex'),
    });
  });

  it('agrees with onnxruntime on the input and output names and the output shape', async () => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(onnxBytes);
    const info = await inspectModelFiles([file('linear.onnx')]);
    expect(info.inputs.map((input) => input.name)).toEqual([...session.inputNames]);
    expect(info.outputs.map((output) => output.name)).toEqual([...session.outputNames]);
    const result = await session.run({ x: new ort.Tensor('float32', new Float32Array(8), [2, 4]) });
    expect(result.y?.dims).toEqual([2, 3]);
    await session.release();
  });

  it('inspects a TFLite file', async () => {
    const info = await inspectModelFiles([file('linear.tflite')]);
    expect(info).toMatchObject({ format: 'tflite', fileName: 'linear.tflite', parameters: 12, macs: 12, ops: { FULLY_CONNECTED: 1 } });
  });

  it('finds TF.js shards next to model.json and counts their bytes', async () => {
    const fixture = layersModel();
    const info = await inspectModelFiles([file('tfjs/model.json')]);
    const total = fixture.json.byteLength + fixture.shards.reduce((sum, shard) => sum + shard.data.byteLength, 0);
    expect(info).toMatchObject({ format: 'tfjs', fileName: 'model.json', parameters: 13_610, sizeBytes: total });
  });

  it('accepts TF.js shards listed explicitly, model.json in any position', async () => {
    const info = await inspectModelFiles([file('tfjs/group1-shard2of2.bin'), file('tfjs/model.json'), file('tfjs/group1-shard1of2.bin')]);
    expect(info.parameters).toBe(13_610);
  });

  const badInputs: Array<{ name: string; path: () => string; code: ErrorCode; message: RegExp }> = [
    { name: 'a missing file', path: () => file('nope.onnx'), code: 'FILE_NOT_FOUND', message: /nope\.onnx' does not exist/ },
    { name: 'a directory', path: () => file('model-folder'), code: 'BAD_INPUT', message: /is a directory; pass the model file inside it \(a \.onnx, \.tflite or model\.json\)/ },
    { name: 'an empty file', path: () => file('empty.onnx'), code: 'MODEL_FORMAT', message: /'empty\.onnx' is empty/ },
    { name: 'random bytes named .onnx', path: () => file('noise.onnx'), code: 'MODEL_FORMAT', message: /'noise\.onnx' is not a valid ONNX model/ },
    { name: 'random bytes named .tflite', path: () => file('noise.tflite'), code: 'MODEL_FORMAT', message: /'noise\.tflite' is not a valid TFLite model.*TFL3/ },
    { name: 'random bytes of unknown type', path: () => file('noise.bin'), code: 'MODEL_FORMAT', message: /'noise\.bin' is not a model EdgeBench Studio can read/ },
    { name: 'JSON that is not a model', path: () => file('notes.json'), code: 'MODEL_FORMAT', message: /'notes\.json' is not a valid TF\.js model: it has no 'modelTopology' object/ },
    { name: 'TF.js without its shards', path: () => file('tfjs-no-shards.json'), code: 'FILE_NOT_FOUND', message: /group1-shard1of2\.bin' listed in 'tfjs-no-shards\.json' does not exist/ },
    { name: 'TF.js shards outside its folder', path: () => file('escape/model.json'), code: 'MODEL_FORMAT', message: /lists the weight file '\.\.\/\.\.\/etc\/passwd', which is outside its folder/ },
    ...[0.1, 0.5, 0.9].flatMap((fraction) => [
      { name: `ONNX cut at ${fraction * 100}%`, path: () => file(`cut-${fraction}.onnx`), code: 'MODEL_FORMAT' as const, message: new RegExp(`'cut-${fraction}\\.onnx' is not a valid ONNX model.*(truncated at byte \\d+ of \\d+|is it truncated).*Re-export it`) },
      { name: `TFLite cut at ${fraction * 100}%`, path: () => file(`cut-${fraction}.tflite`), code: 'MODEL_FORMAT' as const, message: new RegExp(`'cut-${fraction}\\.tflite' is not a valid TFLite model`) },
    ]),
    { name: 'ONNX one byte short', path: () => file('cut-last-byte.onnx'), code: 'MODEL_FORMAT', message: /'cut-last-byte\.onnx' is not a valid ONNX model \(truncated at byte/ },
  ];

  it.each(badInputs)('refuses $name with a StudioError naming the file', async ({ path: filePath, code, message }) => {
    const failure = await inspectModelFiles([filePath()]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StudioError);
    expect(failure).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('survives damaged ONNX bytes: every corruption reads or throws MODEL_FORMAT', () => {
    const noise = pseudoRandomBytes(2000, 7);
    for (let trial = 0; trial < 500; trial += 1) {
      const damaged = onnxBytes.slice();
      const at = (noise[trial] as number) * 256 + (noise[trial + 1000] as number);
      damaged[at % damaged.length] = noise[(trial * 3) % 2000] as number;
      try {
        inspectModelBuffers([{ name: 'damaged.onnx', data: damaged }]);
      } catch (error) {
        expect(error).toBeInstanceOf(StudioError);
        expect((error as StudioError).code).toBe('MODEL_FORMAT');
      }
    }
  });
});

// The demo models are made by scripts/train-demo-model.ts: one network in three formats, so all three must read alike.
const demoModels = [
  'resources/models/demo-mnist.onnx',
  'resources/models/demo-mnist.tflite',
  'resources/models/demo-mnist-tfjs/model.json',
].filter((demoPath) => existsSync(demoPath));
describe.each(demoModels)('demo model %s', (demoPath) => {
  it('reads a 28x28 input, weights and MACs, with every MAC op accounted for', async () => {
    const info = await inspectModelFiles([demoPath]);
    const reference = await inspectModelFiles([demoModels[0] as string]);
    expect(info.inputs).toHaveLength(1);
    expect(info.inputs[0]?.shape?.filter((dim) => dim === 28)).toHaveLength(2);
    expect(info.parameters).toBeGreaterThan(0);
    expect(info.macs).toBeGreaterThan(0);
    expect(info.macs).toBe(reference.macs);
    expect(info.notes.filter((note) => note.startsWith('MACs of'))).toEqual([]);
  });
});

/**
 * Weights as the TF.js converter stores them (--quantize_uint8, --quantize_uint16,
 * --quantize_float16): uint8/uint16 codes with min and scale, and half floats, for float32 and
 * int32 weights, in graph and layers models. TF.js itself decodes them (tfjs-core's
 * decodeWeights), so the models are checked by what it computes from them; inspection must count
 * their elements, read the int32 codes it needs for shapes, and refuse what TF.js would refuse.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { tfjsModule } from '../../../src/core/runner/runtimes/tfjs';
import { encodeFloat16 } from '../../../src/shared/numeric/float16';
import { RuntimeOptions } from '../../../src/shared/run-schema';

const dims = (...sizes: number[]): { dim: Array<{ size: string }> } => ({ dim: sizes.map((size) => ({ size: String(size) })) });

/** W [6, 4]: -2 + 0.25 * k, every value exactly a uint16 code (min -2, scale 0.25). */
const W = Array.from({ length: 24 }, (_, k) => -2 + 0.25 * k);
/** Exactly representable in float16. */
const B = [0.5, -1.25, 2, 0];

interface Files {
  json: Record<string, unknown>;
  shard: Uint8Array;
}

/**
 * A graph model y = reshape(x, [-1, 6]) · W + b, x float32 [-1, 2, 3]: the Reshape target is an
 * int32 weight stored as uint8 codes (min -1, scale 1), W as uint16 codes, b as float16.
 */
function quantizedGraphModel(): Files {
  const shard = new Uint8Array(2 + 48 + 8);
  const view = new DataView(shard.buffer);
  shard.set([0, 7], 0); // -1, 6
  W.forEach((value, i) => view.setUint16(2 + 2 * i, (value + 2) / 0.25, true));
  B.forEach((value, i) => view.setUint16(50 + 2 * i, encodeFloat16(value), true));
  const json = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    signature: {
      inputs: { 'x:0': { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 2, 3) } },
      outputs: { 'y:0': { name: 'y:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 4) } },
    },
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, 2, 3) } } },
        { name: 'shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: dims(2) } } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(6, 4) } } } },
        { name: 'b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(4) } } } },
        { name: 'flat', op: 'Reshape', input: ['x', 'shape'], attr: { T: { type: 'DT_FLOAT' } } },
        { name: 'mm', op: 'MatMul', input: ['flat', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'y', op: 'BiasAdd', input: ['mm', 'b'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: { producer: 1474 },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'shape', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', min: -1, scale: 1, original_dtype: 'int32' } },
          { name: 'w', shape: [6, 4], dtype: 'float32', quantization: { dtype: 'uint16', min: -2, scale: 0.25, original_dtype: 'float32' } },
          { name: 'b', shape: [4], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
        ],
      },
    ],
  };
  return { json, shard };
}

/** A layers model Dense(4) on [null, 6], kernel W as float16, bias B as uint8 codes (min -1.25, scale 0.25). */
function quantizedLayersModel(): Files {
  const shard = new Uint8Array(48 + 4);
  const view = new DataView(shard.buffer);
  W.forEach((value, i) => view.setUint16(2 * i, encodeFloat16(value), true));
  B.forEach((value, i) => view.setUint8(48 + i, (value + 1.25) / 0.25));
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 6], dtype: 'float32', name: 'features' } },
            { class_name: 'Dense', config: { name: 'dense', units: 4, activation: 'linear', use_bias: true, dtype: 'float32' } },
          ],
        },
      },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'dense/kernel', shape: [6, 4], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
          { name: 'dense/bias', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', min: -1.25, scale: 0.25, original_dtype: 'float32' } },
        ],
      },
    ],
  };
  return { json, shard };
}

function onDisk(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-tfjs-quantized-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(files.json));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), files.shard);
  return join(dir, 'model.json');
}

function buffers(files: Files): Array<{ name: string; data: Uint8Array }> {
  return [
    { name: 'model.json', data: new TextEncoder().encode(JSON.stringify(files.json)) },
    { name: 'group1-shard1of1.bin', data: files.shard },
  ];
}

/** With every input 1, y_j = sum_i W[i, j] + b_j. */
const EXPECTED = B.map((bias, j) => bias + W.filter((_, k) => k % 4 === j).reduce((sum, value) => sum + value, 0));

describe('quantized TF.js weights', () => {
  test.each([
    ['graph', quantizedGraphModel],
    ['layers', quantizedLayersModel],
  ] as const)('a %s model with uint8, uint16 and float16 weights runs in TF.js with the values the codes stand for', async (_kind, make) => {
    const modelPath = onDisk(make());
    const input = make === quantizedGraphModel ? 'x:0' : 'features';
    const loaded = await tfjsModule.load({
      modelPath,
      threads: 0,
      inputs: [{ name: input, fill: { kind: 'constant', value: 1 } }],
      options: RuntimeOptions.parse({ tfjsBackend: 'cpu' }),
    });
    const [y] = (await loaded.run()) as Float32Array[];
    expect(Array.from(y ?? [])).toEqual(EXPECTED);
    await loaded.release();
  });

  test('inspection counts elements, not stored bytes, and reads the int32 Reshape target from its uint8 codes', () => {
    const info = inspectModelBuffers(buffers(quantizedGraphModel()));
    expect(info).toMatchObject({
      parameters: 2 + 24 + 4,
      // reshape [1, 2, 3] → [1, 6] by the decoded target [-1, 6]; [1, 6] · [6, 4].
      macs: 24,
      macsByOp: { MatMul: 24 },
      inputs: [{ name: 'x:0', dtype: 'float32', shape: [null, 2, 3] }],
      outputs: [{ name: 'y:0', dtype: 'float32', shape: [null, 4] }],
      notes: ['3 weight(s) are stored quantized (uint8, uint16, float16) and dequantized when the model loads.'],
    });
    expect(info.sizeBytes).toBe(buffers(quantizedGraphModel()).reduce((sum, file) => sum + file.data.byteLength, 0));
  });

  test('a shard one code short is named as truncated: uint16 codes take 2 bytes each', () => {
    const files = quantizedGraphModel();
    files.shard = files.shard.subarray(0, files.shard.byteLength - 1);
    expect(() => inspectModelBuffers(buffers(files))).toThrowError(/the weight shards hold 57 bytes but 'model\.json' needs at least 58 \(weight 'b'\)/);
  });

  const refused: Array<{ name: string; quantization: Record<string, unknown>; dtype?: string; message: string }> = [
    {
      name: 'uint8 codes without a scale',
      quantization: { dtype: 'uint8', min: -2 },
      message: "weight 'w' is stored as uint8 codes but its quantization lacks 'scale', so its values cannot be recovered",
    },
    {
      name: 'an encoding TF.js does not know',
      quantization: { dtype: 'int4', scale: 0.1, min: 0 },
      message: "weight 'w' is stored as 'int4', which TF.js cannot decode (it decodes uint8, uint16 and float16)",
    },
    {
      name: 'float16 codes for an int32 weight',
      quantization: { dtype: 'float16' },
      dtype: 'int32',
      message: "weight 'w' (int32) is stored as float16, which TF.js decodes only for float32 weights",
    },
  ];
  test.each(refused)('refuses $name in one sentence, as TF.js would refuse to load it', ({ quantization, dtype, message }) => {
    const files = quantizedGraphModel();
    const weights = (files.json.weightsManifest as Array<{ weights: Array<Record<string, unknown>> }>)[0]?.weights ?? [];
    const w = weights.find((weight) => weight.name === 'w') as Record<string, unknown>;
    w.quantization = quantization;
    if (dtype) w.dtype = dtype;
    expect(() => inspectModelBuffers(buffers(files))).toThrowError(`'model.json' is not a valid TF.js model: ${message}. Re-export it or check the download.`);
  });
});

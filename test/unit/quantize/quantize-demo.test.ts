import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { tensorArray } from '../../../src/core/formats/onnx/onnx-tensors';
import { OnnxDataType } from '../../../src/core/formats/onnx/onnx-types';
import { perLayerSqnr, quantizeOnnx, type QuantRecipeInput } from '../../../src/core/quantize';
import { demoFeeds, loadDemo, top1 } from './demo-data';

// The acceptance on the demo model and the demo digits: first 200 images calibrate,
// all 2000 measure top-1.
const demo = loadDemo();
const calibration = { inputs: demoFeeds(demo.images, 200) };
let floatTop1 = 0;

beforeAll(async () => {
  floatTop1 = await top1(demo.model, demo.images, demo.labels);
});

async function ioOf(model: Uint8Array): Promise<unknown> {
  const session = await ort.InferenceSession.create(model);
  const io = { inputs: session.inputMetadata, outputs: session.outputMetadata };
  await session.release();
  return io;
}

const INT8_RECIPES: QuantRecipeInput[] = [
  { mode: 'dynamic', perChannel: false },
  { mode: 'dynamic', perChannel: true },
  { mode: 'static', method: 'minmax', perChannel: true },
  { mode: 'static', method: 'minmax', perChannel: false },
  { mode: 'static', method: 'percentile', perChannel: true },
  { mode: 'static', method: 'entropy', perChannel: true },
];

describe('quantizeOnnx on the demo model', () => {
  it.each(INT8_RECIPES)('int8 %o is at most 30% of the float file and loses at most 1 point of top-1', async (recipe) => {
    const result = await quantizeOnnx(demo.model, recipe, calibration);
    expect(result.bytes.byteLength / demo.model.byteLength).toBeLessThanOrEqual(0.3);
    const accuracy = await top1(result.bytes, demo.images, demo.labels);
    expect(floatTop1 - accuracy).toBeLessThanOrEqual(0.01);
    expect(result.quantizedNodes).toEqual(expect.arrayContaining(['conv1', 'conv2', 'dense']));
    expect(result.calibrationSamples).toBe(recipe.mode === 'static' ? 200 : 0);
    expect(await ioOf(result.bytes)).toEqual(await ioOf(demo.model));
  });

  it('fp16 keeps float32 I/O and top-1 within 0.2 points, with float16 weights', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'fp16' });
    expect(await ioOf(result.bytes)).toEqual(await ioOf(demo.model));
    const accuracy = await top1(result.bytes, demo.images, demo.labels);
    expect(Math.abs(floatTop1 - accuracy)).toBeLessThanOrEqual(0.002);
    const graph = decodeModelProto(result.bytes).graph;
    expect(graph?.initializer.every((t) => t.dataType === OnnxDataType.FLOAT16)).toBe(true);
    expect(result.quantizedNodes).toEqual(['conv1', 'relu1', 'conv2', 'relu2', 'flatten', 'dense']);
    expect(result.bytes.byteLength).toBeLessThan(demo.model.byteLength * 0.55);
  });

  it('records the recipe with its defaults filled in', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'static', method: 'percentile', perChannel: true, weightRange: 'full' }, calibration);
    expect(result.recipe).toEqual({ mode: 'static', method: 'percentile', percentile: 99.999, perChannel: true, activationSymmetric: false, exclude: [], weightRange: 'full' });
  });

  it("resolves weight range 'auto' for the CPU the variant is for, and says why when it picks 7 bits", async () => {
    const haswell = { arch: 'x64', cpuFeatures: ['avx', 'avx2', 'fma'], label: 'board haswell' };
    const vnni = { arch: 'x86_64', cpuFeatures: ['avx2', 'avx512f', 'avx512_vnni'], label: 'board xeon' };
    const arm = { arch: 'aarch64', cpuFeatures: ['asimd', 'asimddp'], label: 'board pi5' };
    const reduced = await quantizeOnnx(demo.model, { mode: 'dynamic' }, undefined, { cpu: haswell });
    expect(reduced.recipe.weightRange).toBe('reduced');
    expect(reduced.notes.join(' ')).toMatch(/7-bit.*board haswell.*without VNNI/);
    const weights = decodeModelProto(reduced.bytes).graph?.initializer.filter((t) => t.dataType === OnnxDataType.INT8) ?? [];
    expect(Math.max(...weights.flatMap((t) => Array.from(tensorArray(t) as Int8Array, Math.abs)))).toBe(64);
    for (const cpu of [vnni, arm]) {
      const full = await quantizeOnnx(demo.model, { mode: 'dynamic' }, undefined, { cpu });
      expect(full.recipe.weightRange).toBe('full');
      expect(full.notes).toEqual([]);
      const fullWeights = decodeModelProto(full.bytes).graph?.initializer.filter((t) => t.dataType === OnnxDataType.INT8) ?? [];
      expect(Math.max(...fullWeights.flatMap((t) => Array.from(tensorArray(t) as Int8Array, Math.abs)))).toBe(127);
    }
  });

  it('gives byte-identical variants for the same bytes, recipe and calibration data', async () => {
    for (const recipe of [INT8_RECIPES[1], INT8_RECIPES[5], { mode: 'fp16' }] as QuantRecipeInput[]) {
      const first = await quantizeOnnx(demo.model, recipe, calibration);
      const second = await quantizeOnnx(new Uint8Array(demo.model), structuredClone(recipe), { inputs: demoFeeds(demo.images, 200) });
      expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    }
  });

  it('symmetric activations run as int8 and stay accurate', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'static', perChannel: true, activationSymmetric: true }, calibration);
    const zeroPoints = decodeModelProto(result.bytes).graph?.initializer.filter((t) => t.name.endsWith('_z')) ?? [];
    expect(zeroPoints.length).toBeGreaterThan(0);
    expect(zeroPoints.every((t) => t.dataType === OnnxDataType.INT8 && tensorArray(t)[0] === 0)).toBe(true);
    expect(floatTop1 - (await top1(result.bytes, demo.images, demo.labels))).toBeLessThanOrEqual(0.01);
  });
});

describe('perLayerSqnr', () => {
  it('lists every quantized activation with finite dB, worst first, naming the node that reads it', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'static', method: 'minmax', perChannel: true }, calibration);
    const rows = await perLayerSqnr(demo.model, result.bytes, calibration.inputs.slice(0, 50));
    const quantizedTensors = (decodeModelProto(result.bytes).graph?.node ?? []).filter((n) => n.opType === 'QuantizeLinear').map((n) => n.input[0]);
    expect(rows.map((r) => r.tensor).sort()).toEqual([...quantizedTensors].sort());
    expect(rows.every((r) => Number.isFinite(r.sqnrDb))).toBe(true);
    expect(rows.map((r) => r.sqnrDb)).toEqual([...rows.map((r) => r.sqnrDb)].sort((a, b) => a - b));
    // The input pixels k/255 are exactly representable with scale 1/255; intermediate layers are not.
    expect(rows.at(-1)?.tensor).toBe('input');
    expect(rows[0]?.sqnrDb).toBeLessThan(60);
    expect(rows.find((r) => r.tensor === 'input')).toMatchObject({ node: 'conv1', opType: 'Conv' });
  });

  it('refuses a model without QDQ pairs (dynamic variants quantize at run time)', async () => {
    const dynamic = await quantizeOnnx(demo.model, { mode: 'dynamic', perChannel: true });
    await expect(perLayerSqnr(demo.model, dynamic.bytes, calibration.inputs.slice(0, 2))).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

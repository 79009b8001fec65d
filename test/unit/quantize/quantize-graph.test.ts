import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { quantizeOnnx, type CalibrationData, type QuantRecipeInput } from '../../../src/core/quantize';
import { demoFeeds, loadDemo } from './demo-data';
import { mixedModel, seeded } from './mixed-model';

const mixedFeeds: CalibrationData['inputs'] = Array.from({ length: 32 }, (_, i) => ({ x: { dims: [1, 16], data: seeded(16, 100 + i, 1) } }));

async function run(model: Uint8Array, x: Float32Array, rows: number): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run({ x: new ort.Tensor('float32', x, [rows, 16]) });
  } finally {
    await session.release();
  }
}

describe('quantizeOnnx on a model with ops it cannot quantize', () => {
  const model = mixedModel();
  const x = seeded(16 * 64, 999, 1);

  it.each<QuantRecipeInput>([
    { mode: 'static', perChannel: true },
    { mode: 'dynamic', perChannel: true },
    { mode: 'fp16' },
  ])('%o quantizes the rest, lists what it skipped, and its output stays within 25 dB SQNR of float', async (recipe) => {
    const result = await quantizeOnnx(model, recipe, { inputs: mixedFeeds });
    const skipped = Object.fromEntries(result.skipped.map((s) => [s.node, s]));
    expect(skipped.gelu?.reason).toContain("custom op of domain 'com.microsoft'");
    expect(skipped.topk).toMatchObject({ opType: 'TopK' });
    if (recipe.mode !== 'fp16') {
      expect(result.quantizedNodes).toEqual(expect.arrayContaining(['fc1', 'fc2', 'fc3']));
      expect(skipped.softmax).toMatchObject({ opType: 'Softmax' });
    } else {
      expect(result.quantizedNodes).toEqual(['fc1', 'fc2', 'softmax', 'fc3']);
    }
    const [expected, actual] = [await run(model, x, 64), await run(result.bytes, x, 64)];
    expect(actual.top_indices?.type).toBe('int64');
    const ref = expected.y?.data as Float32Array;
    const got = actual.y?.data as Float32Array;
    const signal = ref.reduce((sum, v) => sum + v * v, 0);
    const noise = ref.reduce((sum, v, i) => sum + (v - (got[i] as number)) ** 2, 0);
    expect(10 * Math.log10(signal / noise)).toBeGreaterThan(25);
  });
});

describe('quantizeOnnx exclusions', () => {
  const demo = loadDemo();
  const calibration = { inputs: demoFeeds(demo.images, 50) };

  it('keeps an excluded node (by name) in float, reading float tensors and float weights', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'static', perChannel: true, exclude: ['conv2'] }, calibration);
    const graph = decodeModelProto(result.bytes).graph;
    const conv2 = graph?.node.find((n) => n.name === 'conv2');
    expect(conv2?.input).toEqual(['relu1_out', 'conv2.weight', 'conv2.bias']);
    expect(graph?.initializer.find((t) => t.name === 'conv2.weight')?.dataType).toBe(1);
    expect(result.quantizedNodes).not.toContain('conv2');
    expect(result.skipped).toContainEqual({ node: 'conv2', opType: 'Conv', reason: 'excluded by the recipe.' });
  });

  it('keeps every node of an excluded op type in float (dynamic)', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'dynamic', perChannel: false, exclude: ['Conv'] });
    const ops = decodeModelProto(result.bytes).graph?.node.map((n) => n.opType) ?? [];
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(2);
    expect(ops).not.toContain('ConvInteger');
    expect(ops).toContain('MatMulInteger');
    expect(result.quantizedNodes).toEqual(['dense']);
  });

  it('keeps an excluded op type in float32 between Casts (fp16)', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'fp16', exclude: ['dense'] });
    const graph = decodeModelProto(result.bytes).graph;
    expect(graph?.initializer.find((t) => t.name === 'dense.weight')?.dataType).toBe(1);
    expect(graph?.node.find((n) => n.name === 'dense')?.input[0]).toMatch(/_fp32$/);
  });
});

describe('quantizeOnnx bad input', () => {
  const demo = loadDemo();

  it('names both shapes when calibration tensors do not fit the model input', async () => {
    const feeds = [{ input: { dims: [1, 28, 28], data: new Float32Array(784) } }];
    await expect(quantizeOnnx(demo.model, { mode: 'static' }, { inputs: feeds })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/\[1, 28, 28\].*\[batch, 1, 28, 28\]/),
    });
  });

  it('asks for calibration data in static mode', async () => {
    await expect(quantizeOnnx(demo.model, { mode: 'static' }, { inputs: [] })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('calibration data') });
  });

  it('refuses an exclusion that matches nothing, and recipe fields that do not apply', async () => {
    await expect(quantizeOnnx(demo.model, { mode: 'dynamic', exclude: ['conv9'] })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining("'conv9'") });
    await expect(quantizeOnnx(demo.model, { mode: 'dynamic', method: 'entropy' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining("only applies to mode 'static'") });
  });

  it('refuses bytes that are not an ONNX model', async () => {
    await expect(quantizeOnnx(new TextEncoder().encode('not a model at all'), { mode: 'fp16' })).rejects.toMatchObject({ code: 'MODEL_FORMAT' });
  });
});

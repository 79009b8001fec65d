import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { GraphProto } from '../../../src/core/formats/onnx/generated/onnx_pb';
import { decodeModelProto, defaultOpsetVersion, forEachGraph } from '../../../src/core/formats/onnx/onnx-codec';
import { encodeOnnxModel } from '../../../src/core/formats/onnx/onnx-writer';
import { quantizeOnnx, type QuantRecipeInput } from '../../../src/core/quantize';
import { GraphIndex } from '../../../src/core/quantize/graph';
import { agreement, floatOutputs, modelBytes, REAL_ONNX_MODELS, type RealOnnxModel } from './real-onnx-models';

// Every real third-party ONNX model in node_modules, in each mode: the variant must quantize
// something, shrink, load, and follow the float model on seeded inputs. Floors are set per model
// from what the variant reaches with both full and 7-bit weights (auto picks one per CPU), so the
// same test passes on CPUs with and without VNNI (scripts/quantize-real-models.ts prints the figures).
const byName = (name: string): RealOnnxModel => REAL_ONNX_MODELS.find((m) => m.name === name) as RealOnnxModel;

interface Expectation {
  /** Largest size of the variant as a share of the float file. */
  maxSize: number;
  /** Smallest cosine similarity of all outputs against float on 4 seeded samples. */
  minCosine: number;
}

// Floors are the least of the cosines with full and with 7-bit weights (4 eval samples, 8 calibration
// samples; measured on an AMD EPYC with VNNI), less a margin; sizes are what the variants weigh, plus a
// little. PP-OCR det and rec lose most (their int8 weights alone, fake-quantized in the float model, cost
// them 13–17 dB); test/models/onnx.json holds the table's figures on full-size inputs.
const EXPECT: Record<string, Record<'dynamic' | 'static' | 'fp16', Expectation>> = {
  silero_vad_legacy: { dynamic: { maxSize: 0.75, minCosine: 0.99 }, static: { maxSize: 0.9, minCosine: 0.97 }, fp16: { maxSize: 0.53, minCosine: 0.999 } },
  silero_vad_v5: { dynamic: { maxSize: 0.68, minCosine: 0.995 }, static: { maxSize: 0.8, minCosine: 0.97 }, fp16: { maxSize: 0.56, minCosine: 0.999 } },
  silero_vad_v6: { dynamic: { maxSize: 0.68, minCosine: 0.96 }, static: { maxSize: 0.8, minCosine: 0.96 }, fp16: { maxSize: 0.56, minCosine: 0.999 } },
  'PP-OCRv4 det': { dynamic: { maxSize: 0.3, minCosine: 0.83 }, static: { maxSize: 0.3, minCosine: 0.83 }, fp16: { maxSize: 0.52, minCosine: 0.999 } },
  'PP-OCRv4 rec': { dynamic: { maxSize: 0.3, minCosine: 0.93 }, static: { maxSize: 0.3, minCosine: 0.92 }, fp16: { maxSize: 0.52, minCosine: 0.999 } },
  'PP-OCR mobile v2 cls': { dynamic: { maxSize: 0.45, minCosine: 0.985 }, static: { maxSize: 0.45, minCosine: 0.985 }, fp16: { maxSize: 0.55, minCosine: 0.999 } },
  'openwakeword hello_deepa': { dynamic: { maxSize: 0.3, minCosine: 0.999 }, static: { maxSize: 0.3, minCosine: 0.999 }, fp16: { maxSize: 0.52, minCosine: 0.9999 } },
  'openwakeword hello_deepa_old': { dynamic: { maxSize: 0.3, minCosine: 0.999 }, static: { maxSize: 0.3, minCosine: 0.999 }, fp16: { maxSize: 0.52, minCosine: 0.9999 } },
  'openwakeword namaste_deepa': { dynamic: { maxSize: 0.3, minCosine: 0.999 }, static: { maxSize: 0.3, minCosine: 0.999 }, fp16: { maxSize: 0.52, minCosine: 0.9999 } },
};

const RECIPES: QuantRecipeInput[] = [{ mode: 'dynamic', perChannel: true }, { mode: 'static', perChannel: true }, { mode: 'fp16' }];

function bodyOps(bytes: Uint8Array): string[] {
  const ops: string[] = [];
  forEachGraph(decodeModelProto(bytes).graph as GraphProto, (graph, depth) => {
    if (depth > 0) for (const node of graph.node) ops.push(node.opType);
  });
  return ops;
}

describe.each(REAL_ONNX_MODELS)('quantizing $name', (model) => {
  const float = modelBytes(model);
  const evalFeeds = Array.from({ length: 4 }, (_, i) => model.feed(1000 + i));
  const calibration = { inputs: Array.from({ length: 8 }, (_, i) => model.feed(i + 1)) };

  it.each(RECIPES)('%o quantizes, shrinks, loads and follows the float model', async (recipe) => {
    const expected = (EXPECT[model.name] as Record<string, Expectation>)[recipe.mode] as Expectation;
    const result = await quantizeOnnx(float, recipe, recipe.mode === 'static' ? calibration : undefined);
    expect(result.quantizedNodes.length).toBeGreaterThan(0);
    expect(result.bytes.byteLength / float.byteLength).toBeLessThan(expected.maxSize);
    const { cosine } = agreement(await floatOutputs(float, evalFeeds), await floatOutputs(result.bytes, evalFeeds));
    expect(cosine).toBeGreaterThan(expected.minCosine);
    if (recipe.mode !== 'fp16') expect(['full', 'reduced']).toContain(result.recipe.weightRange);
  });
});

describe('real models: what each one needed', () => {
  it('silero v5 is quantized inside its If bodies, where its Conv weights are Constant nodes', async () => {
    const bytes = modelBytes(byName('silero_vad_v5'));
    const dynamic = await quantizeOnnx(bytes, { mode: 'dynamic' });
    expect(dynamic.quantizedNodes.length).toBe(12);
    expect(bodyOps(dynamic.bytes).filter((op) => op === 'ConvInteger')).toHaveLength(12);
    expect(bodyOps(dynamic.bytes)).not.toContain('Conv');
  });

  it('silero v5 static calibrates on its three inputs; the 8 kHz branch, which 16 kHz samples never take, stays float and says why', async () => {
    const model = byName('silero_vad_v5');
    const result = await quantizeOnnx(modelBytes(model), { mode: 'static' }, { inputs: [1, 2, 3, 4].map((i) => model.feed(i)) });
    expect(result.quantizedNodes.length).toBeGreaterThan(0);
    expect(result.skipped.some((s) => s.opType === 'Conv' && /calibration never computed its input/.test(s.reason))).toBe(true);
    expect(bodyOps(result.bytes)).toContain('QuantizeLinear');
  });

  it.each(['PP-OCRv4 rec', 'PP-OCR mobile v2 cls'])('%s (opset 9) gets opset 11, its Clip and Slice rewritten, and says so', async (name) => {
    const bytes = modelBytes(byName(name));
    expect(defaultOpsetVersion(decodeModelProto(bytes))).toBe(9);
    const result = await quantizeOnnx(bytes, { mode: 'dynamic' });
    expect(result.opset).toEqual({ from: 9, to: 11 });
    expect(result.notes.join(' ')).toMatch(/opset 9; int8 dynamic .* needs opset 11, so the variant imports opset 11 \(rewritten to their opset-11 form: Clip ×\d+, Slice ×\d+\)/);
    expect(defaultOpsetVersion(decodeModelProto(result.bytes))).toBe(11);
  });

  it('PP-OCRv4 det (opset 11) gets opset 13 for per-channel static weights, its BN Mul/Add folded into the Convs, and says so', async () => {
    const model = byName('PP-OCRv4 det');
    const result = await quantizeOnnx(modelBytes(model), { mode: 'static', perChannel: true }, { inputs: [model.feed(1), model.feed(2)] });
    expect(result.opset).toEqual({ from: 11, to: 13 });
    const notes = result.notes.join(' ');
    expect(notes).toMatch(/opset 11; int8 static with per-channel weights \(DequantizeLinear's axis\) needs opset 13, so the variant imports opset 13; none of its ops changed meaning/);
    expect(notes).toMatch(/Folded into the Conv before each \(BatchNormalization ×2, Mul ×28, Add ×28\)/);
    const dequantizers = decodeModelProto(result.bytes).graph?.node.filter((n) => n.opType === 'DequantizeLinear' && n.attribute.some((a) => a.name === 'axis')) ?? [];
    expect(dequantizers).toHaveLength(62);
  });

  it('PP-OCRv4 rec (opset 9) gets opset 13 for per-channel static weights, its Softmax, Squeeze, Clip and Slice rewritten', async () => {
    const model = byName('PP-OCRv4 rec');
    const result = await quantizeOnnx(modelBytes(model), { mode: 'static', perChannel: true }, { inputs: [model.feed(1)] });
    expect(result.opset).toEqual({ from: 9, to: 13 });
    expect(result.notes.join(' ')).toMatch(/rewritten to their opset-13 form: (?=.*Softmax ×3)(?=.*Squeeze ×7)(?=.*Clip ×28)/);
  });

  it('per-tensor static weights keep a model at the opset static needs (11), saying nothing of per-channel', async () => {
    const model = byName('PP-OCRv4 det');
    const result = await quantizeOnnx(modelBytes(model), { mode: 'static', perChannel: false }, { inputs: [model.feed(1)] });
    expect(result.opset).toBeUndefined();
    expect(defaultOpsetVersion(decodeModelProto(result.bytes))).toBe(11);
  });

  it('silero legacy fp16 stores the LSTM weights, which stay float32 ops, as float16 behind a Cast that onnxruntime folds away at load', async () => {
    const float = modelBytes(byName('silero_vad_legacy'));
    const result = await quantizeOnnx(float, { mode: 'fp16' });
    expect(result.bytes.byteLength / float.byteLength).toBeLessThan(0.53);
    expect(result.notes.join(' ')).toMatch(/\d+ weight\(s\) that only float32 ops read are stored as float16/);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-fp16-'));
    try {
      const optimized = path.join(dir, 'optimized.onnx');
      const session = await ort.InferenceSession.create(result.bytes, { optimizedModelFilePath: optimized, logSeverityLevel: 3 });
      await session.release();
      // The studio's Casts of a stored weight: a Cast it named, reading a constant of its graph.
      const castsOfStored = (bytes: Uint8Array): number => {
        let count = 0;
        forEachGraph(decodeModelProto(bytes).graph as GraphProto, (graph) => {
          const index = new GraphIndex(graph);
          for (const node of graph.node) if (node.opType === 'Cast' && node.name.includes('_cast_fp32') && index.constant(node.input[0] ?? '')) count += 1;
        });
        return count;
      };
      expect(castsOfStored(result.bytes)).toBeGreaterThan(0);
      expect(castsOfStored(new Uint8Array(await fs.readFile(optimized)))).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("silero v5 static keeps its STFT magnitude's Add in float: no int8 Conv reads or writes it", async () => {
    const model = byName('silero_vad_v5');
    const result = await quantizeOnnx(modelBytes(model), { mode: 'static' }, { inputs: [model.feed(1)] });
    const add = result.skipped.find((s) => s.node.endsWith('/stft/Add') && s.node.includes('then_branch'));
    expect(add?.reason).toMatch(/no int8 Conv, Gemm or MatMul reads or writes its tensors/);
  });

  it('PP-OCR fp16 really converts the Constant-node weights (the file halves)', async () => {
    const bytes = modelBytes(byName('PP-OCRv4 rec'));
    const result = await quantizeOnnx(bytes, { mode: 'fp16' });
    expect(result.bytes.byteLength / bytes.byteLength).toBeLessThan(0.52);
  });
});

describe('a variant that would change nothing is an error, with the reason per op', () => {
  const softmaxOnly = encodeOnnxModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '0',
    graphName: 'softmax',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 8] }],
    outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 8] }],
    initializers: [],
    nodes: [
      { opType: 'Softmax', name: 'softmax', inputs: ['x'], outputs: ['s'] },
      { opType: 'TopK', name: 'topk', inputs: ['s', 'k'], outputs: ['y', 'i'] },
    ],
  });

  it('int8 dynamic that quantizes no node', async () => {
    await expect(quantizeOnnx(softmaxOnly, { mode: 'dynamic' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/dynamic variant would quantize no node.*Softmax ×1: dynamic quantization covers MatMul, Gemm and Conv/),
    });
  });

  const testIf = new Uint8Array(readFileSync('/usr/share/libonnx-testdata/data/node/test_if/model.onnx'));

  it('names each op of a model whose only float32 tensors are an If and its Constant branches, and why it stays', async () => {
    await expect(quantizeOnnx(testIf, { mode: 'dynamic' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/quantize no node.*If ×1: it runs its else_branch and then_branch subgraph\(s\).*; Constant ×2: a constant becomes int8 only as the weight of a quantized Conv, Gemm or MatMul/),
    });
  });

  it('static: nothing to quantize is said before any calibration data is asked for', async () => {
    await expect(quantizeOnnx(testIf, { mode: 'static' })).rejects.toMatchObject({ message: expect.stringMatching(/^The static variant would quantize no node.*If ×1/) });
    await expect(quantizeOnnx(testIf, { mode: 'static' }, () => Promise.reject(new Error('calibration data should not be loaded')))).rejects.toMatchObject({
      message: expect.stringMatching(/^The static variant would quantize no node/),
    });
    const demo = modelBytes(byName('openwakeword hello_deepa'));
    await expect(quantizeOnnx(demo, { mode: 'static' })).rejects.toMatchObject({ message: expect.stringMatching(/needs a calibration dataset: pass --calibration DATASET/) });
  });

  it('fp16 that would leave every weight float32', async () => {
    const normOnly = encodeOnnxModel({
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'test',
      producerVersion: '0',
      graphName: 'lrn',
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 4, 2, 2] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 4, 2, 2] }],
      initializers: [{ name: 'scale', dims: [4], dataType: 'FLOAT', data: new Float32Array([1, 2, 3, 4]) }, { name: 'bias', dims: [4], dataType: 'FLOAT', data: new Float32Array(4) }],
      nodes: [
        { opType: 'Relu', name: 'relu', inputs: ['x'], outputs: ['r'] },
        { opType: 'InstanceNormalization', name: 'norm', inputs: ['r', 'scale', 'bias'], outputs: ['y'] },
      ],
    });
    await expect(quantizeOnnx(normOnly, { mode: 'fp16' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/fp16 variant would leave every weight float32.*InstanceNormalization ×1: InstanceNormalization is not in the list of ops checked to run in float16/),
    });
  });
});

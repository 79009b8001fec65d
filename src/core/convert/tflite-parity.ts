/**
 * Parity of an ONNX → TFLite conversion: onnxruntime on the ONNX and LiteRT on the TFLite, on
 * the same seeded inputs (transposed NCHW → NHWC where the converter made an input NHWC, and each
 * NHWC output transposed back), compared by parity.ts.
 */
import * as ort from 'onnxruntime-node';
import { openLiteRtModel, runLiteRtOnce } from '../runner/runtimes/litert';
import { litertVersion } from '../runner/runtimes/litert-node';
import { elementCount, seededRandom } from '../runner/input-data';
import { compareOutputs, type ParityReport } from './parity';

/** Seeded uniform values in [-1, 1), from the runner's own seeded generator (one PRNG in the project). */
export function seededUniform(count: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = next() * 2 - 1;
  return out;
}

/** Moves axis 1 of a 4-D array last (toNhwc) or back (from NHWC to NCHW). */
export function transposeChannels(data: Float32Array, nchw: readonly number[], toNhwc: boolean): Float32Array {
  const [n, c, h, w] = nchw as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let ci = 0; ci < c; ci++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const nchwIndex = ((b * c + ci) * h + y) * w + x;
    const nhwcIndex = ((b * h + y) * w + x) * c + ci;
    if (toNhwc) out[nhwcIndex] = data[nchwIndex] as number;
    else out[nchwIndex] = data[nhwcIndex] as number;
  }
  return out;
}

export interface TfliteParityInput { name: string; shape: number[]; nhwc: boolean }

/**
 * `data`, when given, replaces the seeded inputs: one NCHW (ONNX-order) array per input, e.g. a
 * real image for a model whose output is ~0 everywhere on noise (a text detector's probability map).
 */
export async function checkTfliteParity(onnxBytes: Uint8Array, tflitePath: string, inputs: TfliteParityInput[], outputs: Array<{ name: string; shape: number[]; nhwc: boolean }>, seed = 0, data?: ReadonlyArray<Float32Array>): Promise<ParityReport> {
  const session = await ort.InferenceSession.create(onnxBytes);
  const model = await openLiteRtModel(tflitePath, 1);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    const litertInputs = inputs.map((input, i) => {
      const values = data?.[i] ?? seededUniform(elementCount(input.shape), seed + i);
      feeds[input.name] = new ort.Tensor('float32', values, input.shape);
      const shape = input.nhwc ? [input.shape[0], input.shape[2], input.shape[3], input.shape[1]] as number[] : input.shape;
      return new model.library.Tensor(input.nhwc ? transposeChannels(values, input.shape, true) : values, shape);
    });
    const ref = await session.run(feeds);
    const got = await runLiteRtOnce(model.compiled, litertInputs);
    for (const t of litertInputs) t.delete();
    return compareOutputs(
      outputs.map((o) => ({ data: Float32Array.from(ref[o.name]!.data as Float32Array), dims: o.shape })),
      outputs.map((o, i) => {
        const values = Float32Array.from(got[i] as Float32Array);
        return { name: o.name, data: o.nhwc ? transposeChannels(values, o.shape, false) : values, dims: o.shape };
      }),
      { reference: `onnxruntime ${ort.env.versions.common}`, test: `LiteRT ${litertVersion()}` },
    );
  } finally {
    model.compiled.delete();
    await session.release();
  }
}

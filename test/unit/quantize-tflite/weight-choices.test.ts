/**
 * The full-integer quantizer's choices beyond the spec's defaults: per-channel FULLY_CONNECTED
 * weights, bias correction (each bias absorbs the mean error its int8 weights make on the
 * calibration inputs; on by default) and percentile calibration (entropy is refused). The error
 * arithmetic is checked against a direct sum on small layouts (dense, grouped and depthwise
 * convolution); on the demo, the file's tensors say what was chosen, the corrected model's mean
 * error per logit on held-out digits is smaller, and percentile ranges are never wider than min/max.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTfliteModel } from '../../../src/core/formats/tflite/tflite-model';
import { BuiltinOperator } from '../../../src/core/formats/tflite/tflite-schema';
import { quantizeTfliteFullInt8 } from '../../../src/core/quantize-tflite/full-int8';
import { weightErrorPerOutput } from '../../../src/core/quantize-tflite/full-int8-rewrite';
import { quantizeWeight } from '../../../src/core/quantize/weights';
import type { CalibrationData } from '../../../src/core/quantize/recipe';
import { seededRandom } from '../../../src/core/runner/input-data';
import { openLiteRtModel, runLiteRtOnce } from '../../../src/core/runner/runtimes/litert';

const root = join(import.meta.dirname, '..', '..', '..');
const floatPath = join(root, 'resources/models/demo-mnist.tflite');
const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
const PIXELS = 28 * 28;
const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
const calibration: CalibrationData = { inputs: Array.from({ length: 32 }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: digit(i) } })) };
const dir = mkdtempSync(join(tmpdir(), 'edgebench-weight-choices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomArray(length: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => random() * 2 - 1);
}

/** Σ over the weights of output o of (dequantized − float) × the mean of the input channel each multiplies, written out per layout. */
function directError(weights: Float32Array, dims: number[], axis: number | undefined, inputChannelOf: (flat: number) => number, outputOf: (flat: number) => number, means: Float64Array, outputs: number): number[] {
  const q = quantizeWeight(weights, dims, axis);
  const error = new Array<number>(outputs).fill(0);
  weights.forEach((w, i) => {
    const o = outputOf(i);
    const scale = q.scales[q.scales.length === 1 ? 0 : o] as number;
    error[o] = (error[o] as number) + ((q.values[i] as number) * scale - w) * (means[inputChannelOf(i)] as number);
  });
  return error;
}

describe('bias correction arithmetic', () => {
  it('FULLY_CONNECTED [out, in], per tensor and per channel', () => {
    const dims = [5, 7];
    const w = randomArray(35, 1);
    const means = Float64Array.from(randomArray(7, 2));
    for (const axis of [undefined, 0]) {
      const got = weightErrorPerOutput(BuiltinOperator.FULLY_CONNECTED, w, dims, quantizeWeight(w, dims, axis), means);
      const want = directError(w, dims, axis, (i) => i % 7, (i) => Math.floor(i / 7), means, 5);
      got?.forEach((v, o) => expect(v).toBeCloseTo(want[o] as number, 12));
      expect(got).toHaveLength(5);
    }
  });

  it('grouped CONV_2D [out, kh, kw, in/groups]: output o reads its group’s input channels', () => {
    const dims = [4, 3, 3, 2]; // 2 groups of 2 outputs, 2 input channels each (4 in all)
    const w = randomArray(72, 3);
    const means = Float64Array.from(randomArray(4, 4));
    const got = weightErrorPerOutput(BuiltinOperator.CONV_2D, w, dims, quantizeWeight(w, dims, 0), means);
    const want = directError(w, dims, 0, (i) => Math.floor(Math.floor(i / 18) / 2) * 2 + (i % 2), (i) => Math.floor(i / 18), means, 4);
    got?.forEach((v, o) => expect(v).toBeCloseTo(want[o] as number, 12));
    expect(got).toHaveLength(4);
  });

  it('DEPTHWISE_CONV_2D [1, kh, kw, out] with channel multiplier 2', () => {
    const dims = [1, 3, 3, 6];
    const w = randomArray(54, 5);
    const means = Float64Array.from(randomArray(3, 6));
    const got = weightErrorPerOutput(BuiltinOperator.DEPTHWISE_CONV_2D, w, dims, quantizeWeight(w, dims, 3), means);
    const want = directError(w, dims, 3, (i) => Math.floor((i % 6) / 2), (i) => i % 6, means, 6);
    got?.forEach((v, o) => expect(v).toBeCloseTo(want[o] as number, 12));
    expect(got).toHaveLength(6);
  });

  it('means that do not match the weights’ layout give no correction', () => {
    const w = randomArray(35, 1);
    expect(weightErrorPerOutput(BuiltinOperator.FULLY_CONNECTED, w, [5, 7], quantizeWeight(w, [5, 7], 0), new Float64Array(6))).toBeUndefined();
  });
});

describe('weight choices on the demo', () => {
  async function logits(bytes: Uint8Array, name: string, digits: number[]): Promise<Float32Array[]> {
    const file = join(dir, `${name}.tflite`);
    writeFileSync(file, bytes);
    const model = await openLiteRtModel(file, 1);
    const out: Float32Array[] = [];
    for (const i of digits) {
      const tensor = new model.library.Tensor(digit(i), [1, 28, 28, 1]);
      const [values] = await runLiteRtOnce(model, [tensor]);
      tensor.delete();
      out.push(Float32Array.from(values as Float32Array));
    }
    model.compiled.delete();
    return out;
  }

  it('per-channel dense weights: one scale per output row; bias correction (the default): a smaller mean error per logit on held-out digits', async () => {
    const float = new Uint8Array(readFileSync(floatPath));
    const plain = await quantizeTfliteFullInt8(float, { mode: 'int8', calibration });
    expect(plain.notes.join(' ')).toMatch(/Biases are corrected/);
    const uncorrected = await quantizeTfliteFullInt8(float, { mode: 'int8', calibration, biasCorrection: false });
    expect(uncorrected.notes.join(' ')).not.toMatch(/Biases are corrected/);
    const chosen = await quantizeTfliteFullInt8(float, { mode: 'int8', calibration, denseWeights: 'per-channel', biasCorrection: true });
    const weightsOf = (bytes: Uint8Array): number => {
      const sg = decodeTfliteModel(bytes, 'm').subgraphs[0];
      return sg?.tensors.find((t) => t.name === 'dense/weights')?.quantization?.scale?.length ?? 0;
    };
    expect(weightsOf(plain.bytes)).toBe(1);
    expect(weightsOf(chosen.bytes)).toBe(10);
    expect(chosen.notes.join(' ')).toMatch(/per channel for CONV_2D \(axis 0\), DEPTHWISE_CONV_2D \(axis 3\) and FULLY_CONNECTED \(axis 0;/);
    expect(chosen.notes.join(' ')).toMatch(/Biases are corrected for the mean error of the int8 weights on the 32 calibration samples/);

    const heldOut = Array.from({ length: 300 }, (_, i) => 100 + i);
    const reference = await logits(float, 'float', heldOut);
    // The mean over the held-out digits of (int8 − float) per logit: what bias correction removes.
    const meanError = async (bytes: Uint8Array, name: string): Promise<number> => {
      const got = await logits(bytes, name, heldOut);
      const sums = new Float64Array(10);
      got.forEach((row, s) => row.forEach((v, k) => (sums[k] = (sums[k] as number) + (v - (reference[s]?.[k] ?? 0)) / heldOut.length)));
      return Math.sqrt(sums.reduce((a, v) => a + v * v, 0) / 10);
    };
    const perChannelOnly = await quantizeTfliteFullInt8(float, { mode: 'int8', calibration, denseWeights: 'per-channel', biasCorrection: false });
    const [without, withCorrection] = [await meanError(perChannelOnly.bytes, 'per-channel'), await meanError(chosen.bytes, 'corrected')];
    console.info(`demo: RMS over logits of the mean int8 error on 300 held-out digits: ${without.toFixed(4)} without bias correction, ${withCorrection.toFixed(4)} with`);
    expect(withCorrection).toBeLessThan(without);
  }, 60_000);

  it('percentile calibration: a second pass over histograms narrows ranges (none widens), the notes say which, and top-1 stays within a point', async () => {
    const float = new Uint8Array(readFileSync(floatPath));
    const progress: Array<[number, number]> = [];
    const minmax = await quantizeTfliteFullInt8(float, { mode: 'int8', calibration });
    const percentile = await quantizeTfliteFullInt8(float, { mode: 'int8', calibration, calibrationMethod: 'percentile', percentile: 99.9, onProgress: (p) => p.stage === 'calibrate' && progress.push([p.done, p.total]) });
    expect(progress.at(-1)).toEqual([64, 64]); // two passes over 32 samples
    expect(percentile.notes.join(' ')).toMatch(/over the 99\.9th percentile range/);
    const scales = (bytes: Uint8Array): Map<string, number> => {
      const sg = decodeTfliteModel(bytes, 'm').subgraphs[0];
      return new Map((sg?.tensors ?? []).filter((t) => ['conv1/relu', 'conv2/relu', 'logits'].includes(t.name ?? '')).map((t) => [t.name ?? '', t.quantization?.scale?.[0] ?? 0]));
    };
    const [wide, narrow] = [scales(minmax.bytes), scales(percentile.bytes)];
    expect(wide.size).toBe(3);
    for (const [name, scale] of narrow) expect(scale, name).toBeLessThanOrEqual((wide.get(name) ?? 0) * (1 + 1e-6));
    expect([...narrow].some(([name, scale]) => scale < (wide.get(name) ?? 0) * 0.99)).toBe(true);

    const labels = readFileSync(join(root, 'resources/datasets/demo-digits/labels.u8'));
    const heldOut = Array.from({ length: 300 }, (_, i) => 100 + i);
    const top1 = (rows: Float32Array[]): number => rows.filter((row, i) => row.indexOf(Math.max(...row)) === labels[heldOut[i] as number]).length / rows.length;
    const [a, b] = [top1(await logits(float, 'float-2', heldOut)), top1(await logits(percentile.bytes, 'percentile', heldOut))];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.01);
    await expect(quantizeTfliteFullInt8(float, { mode: 'int8', calibration, calibrationMethod: 'entropy' })).rejects.toThrow(/^Entropy calibration is not offered for TFLite full-integer mode .*; use --method minmax \(the default\) or --method percentile\.$/);
  }, 60_000);
});

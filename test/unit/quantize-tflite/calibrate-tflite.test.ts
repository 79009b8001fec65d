/**
 * Calibration for full-integer TFLite quantization: the float model's activations exposed as
 * outputs of a copy, run in LiteRT in worker processes (samples split between them), min/max kept.
 * Checked against the float model's own outputs run here in LiteRT on the same digits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTfliteModel } from '../../../src/core/formats/tflite/tflite-model';
import { activationTensors, calibrateTflite, exposeTensors } from '../../../src/core/quantize-tflite/calibrate-tflite';
import type { CalibrationData } from '../../../src/core/quantize/recipe';
import { openLiteRtModel } from '../../../src/core/runner/runtimes/litert';

const root = join(import.meta.dirname, '..', '..', '..');
const floatBytes = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.tflite')));
const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
const PIXELS = 28 * 28;
const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
const dir = mkdtempSync(join(tmpdir(), 'edgebench-calibrate-tflite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TFLite calibration with intermediates exposed', () => {
  const model = decodeTfliteModel(floatBytes, 'demo-mnist.tflite');
  const names = (indices: number[]): string[] => indices.map((t) => model.subgraphs[0]?.tensors[t]?.name ?? '');

  it('observes every float activation an op computes, and the exposed copy lists them as outputs in LiteRT', async () => {
    const observed = activationTensors(model);
    expect(names(observed)).toEqual(['conv1/relu', 'conv2/relu', 'flatten', 'logits']);
    const file = join(dir, 'exposed.tflite');
    writeFileSync(file, exposeTensors(model, observed));
    const exposed = await openLiteRtModel(file, 1);
    expect(exposed.compiled.getOutputDetails().map((d) => d.name)).toEqual(['conv1/relu', 'conv2/relu', 'flatten', 'logits']);
    exposed.compiled.delete();
  });

  it("gives each activation the min and max over all samples, split over workers, and the inputs' from the samples", async () => {
    const count = 40; // two workers of 20
    const calibration: CalibrationData = { inputs: Array.from({ length: count }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: digit(i) } })) };
    const progress: number[] = [];
    const stats = await calibrateTflite(model, calibration, { onProgress: (done, total) => progress.push(done / total) });
    expect(progress.at(-1)).toBe(1);
    expect(progress).toHaveLength(count);

    const float = await openLiteRtModel(join(root, 'resources/models/demo-mnist.tflite'), 1);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i += 1) {
      const tensor = new float.library.Tensor(digit(i), [1, 28, 28, 1]);
      const [logits] = await float.compiled.run([tensor]);
      tensor.delete();
      for (const v of logits?.toTypedArray() ?? []) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      logits?.delete();
    }
    float.compiled.delete();
    const subgraph = model.subgraphs[0];
    const logitsIndex = subgraph?.tensors.findIndex((t) => t.name === 'logits') ?? -1;
    expect(stats.get(logitsIndex)).toMatchObject({ min, max });
    expect(stats.get(subgraph?.inputs[0] ?? -1)).toMatchObject({ min: 0, max: 1 });
    // ReLU outputs start at 0.
    const relu = subgraph?.tensors.findIndex((t) => t.name === 'conv1/relu') ?? -1;
    expect(stats.get(relu)?.min).toBe(0);
    expect(stats.get(relu)?.max).toBeGreaterThan(0);
  }, 60_000);

  it('gives the channel means asked for (bias correction): of an input from the samples, of an activation over workers', async () => {
    const count = 40; // two workers of 20
    const calibration: CalibrationData = { inputs: Array.from({ length: count }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: digit(i) } })) };
    const subgraph = model.subgraphs[0];
    const input = subgraph?.inputs[0] ?? -1;
    const logitsIndex = subgraph?.tensors.findIndex((t) => t.name === 'logits') ?? -1;
    const stats = await calibrateTflite(model, calibration, { channelMeansOf: [input, logitsIndex] });
    let pixels = 0;
    for (let i = 0; i < count; i += 1) for (const v of digit(i)) pixels += v;
    expect(stats.get(input)?.channelMeans?.[0]).toBeCloseTo(pixels / (count * PIXELS), 9);

    const float = await openLiteRtModel(join(root, 'resources/models/demo-mnist.tflite'), 1);
    const sums = new Float64Array(10);
    for (let i = 0; i < count; i += 1) {
      const tensor = new float.library.Tensor(digit(i), [1, 28, 28, 1]);
      const [logits] = await float.compiled.run([tensor]);
      tensor.delete();
      (logits?.toTypedArray() ?? []).forEach((v, k) => (sums[k] = (sums[k] as number) + v / count));
      logits?.delete();
    }
    float.compiled.delete();
    const means = stats.get(logitsIndex)?.channelMeans;
    expect(means).toHaveLength(10);
    sums.forEach((v, k) => expect(means?.[k]).toBeCloseTo(v, 4));
    // Not asked for: none.
    const relu = subgraph?.tensors.findIndex((t) => t.name === 'conv1/relu') ?? -1;
    expect(stats.get(relu)?.channelMeans).toBeUndefined();
  }, 60_000);
});

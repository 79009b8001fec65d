/**
 * `edgebench eval` and `edgebench bench` of a full-integer TFLite file with int8 inputs and
 * outputs, through the real CLI and its runner processes: LiteRT.js has no int8 tensors, so the
 * runtime loads it through the uint8 adapter (src/core/runner/runtimes/litert-int8-io.ts), and
 * both commands say so. The demo is quantized with int8 I/O on digits 0–199 and evaluated on the
 * other 1,800, fed as int8 by the dataset's own preprocessing (pixel − 128, which is the file's
 * input quantization: scale 1/255, zero point −128), against the float model on the same digits.
 */
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTfliteModel } from '../../src/core/formats/tflite/tflite-model';
import { quantizeTfliteFullInt8 } from '../../src/core/quantize-tflite/full-int8';
import { repoRoot, runCli } from '../helpers/run-cli';

const demoDataset = path.join(repoRoot, 'resources/datasets/demo-digits');
const floatTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const CALIBRATION = 200;
const PIXELS = 28 * 28;
const NOTE = /Int8 input \(input\) fed through a uint8→int8 QUANTIZE adapter; int8 output \(logits\) read through an int8→uint8 QUANTIZE adapter: LiteRT\.js has no int8 tensors/;
let tmp: string;
let int8Model: string;

interface EvalJson { results: Array<{ model: string; runtime: string; top1: number | null; notes: string[] }> }

/** The held-out digits as a dataset of their own, with the given preprocessing. */
async function heldOutDataset(name: string, preprocessing: Record<string, unknown>): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.mkdir(dir);
  const manifest = JSON.parse(readFileSync(path.join(demoDataset, 'dataset.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(dir, 'samples.u8'), readFileSync(path.join(demoDataset, 'samples.u8')).subarray(CALIBRATION * PIXELS));
  await fs.writeFile(path.join(dir, 'labels.u8'), readFileSync(path.join(demoDataset, 'labels.u8')).subarray(CALIBRATION));
  await fs.writeFile(path.join(dir, 'dataset.json'), JSON.stringify({ ...manifest, samples: 2000 - CALIBRATION, preprocessing }));
  return dir;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-int8-io-cli-'));
  const samples = readFileSync(path.join(demoDataset, 'samples.u8'));
  const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
  const result = await quantizeTfliteFullInt8(new Uint8Array(readFileSync(floatTflite)), {
    mode: 'int8',
    io: 'int8',
    calibration: { inputs: Array.from({ length: CALIBRATION }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: digit(i) } })) },
  });
  int8Model = path.join(tmp, 'demo.int8io.tflite');
  await fs.writeFile(int8Model, result.bytes);
}, 60_000);
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('a TFLite file with int8 inputs and outputs on this computer (the runner path)', () => {
  it('edgebench eval: top-1 within 1 point of the float model on 1,800 held-out digits, and the adapter named in the output', async () => {
    // The file's input quantization is what the int8 dataset's preprocessing applies.
    const sg = decodeTfliteModel(new Uint8Array(readFileSync(int8Model)), 'm').subgraphs[0];
    const q = sg?.tensors[sg.inputs[0] as number]?.quantization;
    expect(q?.scale?.[0]).toBeCloseTo(1 / 255, 8);
    expect(q?.zeroPoint).toEqual([-128]);
    const int8Data = await heldOutDataset('held-int8', { scale: 1, mean: [128], std: [1], dtype: 'int8', layout: 'NCHW' });
    const floatData = await heldOutDataset('held-float', { scale: 1 / 255, layout: 'NCHW' });

    const text = await runCli(['eval', int8Model, '--dataset', int8Data], { timeoutMs: 120_000 });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^demo\.int8io +litert +9\d\.\d %/m);
    expect(text.stdout).toMatch(new RegExp(`^note: ${NOTE.source}`, 'm'));

    const int8 = JSON.parse((await runCli(['eval', int8Model, '--dataset', int8Data, '--json'], { timeoutMs: 120_000 })).stdout) as EvalJson;
    const float = JSON.parse((await runCli(['eval', floatTflite, '--dataset', floatData, '--json'], { timeoutMs: 120_000 })).stdout) as EvalJson;
    const top1 = (result: EvalJson): number => result.results[0]?.top1 ?? Number.NaN;
    expect(top1(float)).toBeGreaterThan(0.95);
    expect(Math.abs(top1(int8) - top1(float))).toBeLessThanOrEqual(0.01);
    expect(int8.results[0]?.notes.join(' ')).toMatch(NOTE);
    expect(float.results[0]?.notes.join(' ')).not.toMatch(/QUANTIZE adapter/);
  }, 240_000);

  it('edgebench eval on the float dataset as the studio stores it: samples quantized with the input scale and zero point, logits dequantized, top-1 and fidelity as the float model', async () => {
    // What a user does first: the same float dataset for the float model and its int8-I/O variant.
    const floatData = await heldOutDataset('held-float-for-both', { scale: 1 / 255, layout: 'NCHW' });
    const result = await runCli(['eval', floatTflite, int8Model, '--dataset', floatData, '--reference', floatTflite, '--json'], { timeoutMs: 180_000 });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { results: Array<{ path: string; top1: number; agreement: number | null; cosine: number | null }> };
    const float = json.results.find((r) => r.path === floatTflite)!;
    const int8 = json.results.find((r) => r.path === int8Model)!;
    expect(Math.abs(int8.top1 - float.top1)).toBeLessThanOrEqual(0.01);
    expect(int8.agreement).toBeGreaterThan(0.97);
    expect(int8.cosine).toBeGreaterThan(0.99); // dequantized logits, comparable with the float model's
  }, 240_000);

  it('edgebench bench: runs on int8 inputs, and the run says how LiteRT.js loaded the model', async () => {
    const out = path.join(tmp, 'run.json');
    const result = await runCli(['bench', int8Model, '--runs', '20', '--out', out], { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}inputs +input int8 1x28x28x1 random$/m);
    expect(result.stdout).toMatch(NOTE);
    const run = JSON.parse(readFileSync(out, 'utf8')) as { inputs: Array<{ name: string; dtype: string }>; warnings: Array<{ code: string; message: string }> };
    expect(run.inputs.map((input) => [input.name, input.dtype])).toEqual([['input', 'int8']]);
    expect(run.warnings).toContainEqual(expect.objectContaining({ code: 'runtime-load-note', message: expect.stringMatching(NOTE) }));
  }, 120_000);
});

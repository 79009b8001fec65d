/**
 * A full-integer TFLite file with int8 inputs and outputs, made by the project's quantizer from
 * the demo (calibrated on digits 0–199), benchmarked with `edgebench bench` on a simulated
 * EdgeBench board over a real pseudo-terminal. The simulator computes with LiteRT.js, which has
 * no int8 tensors, so it loads the file through the same labelled uint8 adapter as LiteRT.js on
 * this computer (src/core/runner/runtimes/litert-int8-io.ts). Its run file says so, and says what
 * really ran: LiteRT.js (with its version) on the host, no TensorFlow Lite Micro, latencies scaled
 * from the host's. The float demo on the same board carries no adapter note.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/core/bench/warnings';
import { quantizeTfliteFullInt8 } from '../../../src/core/quantize-tflite/full-int8';
import { litertVersion } from '../../../src/core/runner/runtimes/litert-node';
import { startSimulatorOnPty, type SimulatorOnPty } from '../../../src/core/targets/serial/simulator/simulator-pty';
import { RunFile } from '../../../src/shared/run-schema';
import { repoRoot, runCli } from '../../helpers/run-cli';

const FLOAT_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const DIGITS = path.join(repoRoot, 'resources/datasets/demo-digits/samples.u8');
const PIXELS = 28 * 28;
/** The adapter's note, as local LiteRT.js runs write it (litert-int8-io-cli.test.ts checks the same words). */
const ADAPTER_NOTE = /^Int8 input \(input\) fed through a uint8→int8 QUANTIZE adapter; int8 output \(logits\) read through an int8→uint8 QUANTIZE adapter: LiteRT\.js has no int8 tensors/;

let dir: string;
let int8Model: string;
let board: SimulatorOnPty | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-board-int8-io-'));
  const samples = readFileSync(DIGITS);
  const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
  const quantized = await quantizeTfliteFullInt8(new Uint8Array(readFileSync(FLOAT_TFLITE)), {
    mode: 'int8',
    io: 'int8',
    calibration: { inputs: Array.from({ length: 200 }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: digit(i) } })) },
  });
  int8Model = path.join(dir, 'demo.int8io.tflite');
  writeFileSync(int8Model, quantized.bytes);
  board = await startSimulatorOnPty({ protocol: 'edgebench', slowdown: 20 });
}, 60_000);
afterAll(async () => {
  await board?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function benchOnBoard(model: string, name: string): Promise<{ run: RunFile; stdout: string }> {
  if (board === undefined) throw new Error('the simulated board did not start');
  const out = path.join(dir, `${name}.json`);
  const result = await runCli(['bench', model, '--target', `serial://${board.path}?protocol=edgebench`, '--runs', '20', '--warmup', '2', '--profile-runs', '0', '--out', out], { timeoutMs: 90_000 });
  expect(result.code, result.stderr).toBe(0);
  return { run: RunFile.parse(JSON.parse(readFileSync(out, 'utf8'))), stdout: result.stdout };
}

describe('a full-int8 model with int8 I/O on the simulated board', () => {
  it('runs on int8 inputs, and the run file carries the adapter note and says LiteRT.js computed, not TFLite Micro', async () => {
    const { run, stdout } = await benchOnBoard(int8Model, 'int8io');
    expect(run.inputs.map((input) => [input.name, input.dtype])).toEqual([['input', 'int8']]);
    expect(run.latencyMs.count).toBe(20);

    const adapter = run.warnings.filter((w) => w.code === 'runtime-load-note');
    expect(adapter).toHaveLength(1);
    expect(adapter[0]?.message).toMatch(ADAPTER_NOTE);
    expect(stdout).toMatch(new RegExp(`warning: ${ADAPTER_NOTE.source.slice(1)}`));

    // What really ran, in the runtime and a note: LiteRT.js of the installed version, on the host.
    const engine = `LiteRT.js ${litertVersion()} on the host`;
    expect(run.runtime).toMatchObject({ name: 'tflite-micro', version: engine, threads: 1 });
    expect(run.runtime.backend).toBe('simulated: wasm (XNNPACK), latency scaled to the chip');
    expect(run.target.hardware.os).toContain(`inference by ${engine}`);
    const simulated = run.warnings.find((w) => w.code === 'simulated-board');
    expect(simulated?.message).toBe(`No TensorFlow Lite Micro ran on this simulated board: ${engine} computed the outputs, and the latencies are the host's invoke times scaled to the simulated chip, not measured on one.`);
    // Notes, not reasons to doubt the numbers: the verdict is what the other warnings make it.
    expect(verdictOf(run.warnings.filter((w) => w !== simulated && w !== adapter[0]))).toBe(run.verdict);
  }, 120_000);

  it('the float demo on the same board has the simulated-board note and no adapter note', async () => {
    const { run } = await benchOnBoard(FLOAT_TFLITE, 'float');
    expect(run.inputs.map((input) => input.dtype)).toEqual(['float32']);
    expect(run.warnings.map((w) => w.code)).toContain('simulated-board');
    expect(run.warnings.some((w) => w.code === 'runtime-load-note')).toBe(false);
  }, 120_000);
});

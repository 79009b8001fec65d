/**
 * `edgebench quantize MODEL.tflite` through the real CLI (its build): dynamic range and fp16 on
 * the demo and MediaPipe models (the file runs in LiteRT and matches the float model), the ops
 * kept float named in the output, bad input refused in one sentence with exit 2, and Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliNodeArgs, demoModelPath, repoRoot, runCli } from '../helpers/run-cli';
import { descendantsOf } from './ssh/sshd-fixture';
import { flatcJson, floatModel, opInputs, parity } from '../unit/quantize-tflite/tflite-check';

const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const demoDataset = path.join(repoRoot, 'resources/datasets/demo-digits');
const mediapipe = (file: string): string => path.join(repoRoot, 'node_modules/@mediapipe', file);
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-quantize-tflite-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

interface Summary {
  format: string;
  mode: string;
  io: string;
  sizeRatio: number;
  quantizedOps: Array<{ op: number; opName: string }>;
  keptFloat: Array<{ op: number; opName: string; reason: string }>;
  notes: string[];
}

describe('edgebench quantize MODEL.tflite', () => {
  it('--mode dynamic --json on the demo: int8 weights LiteRT runs, about 30 % of the float file, the small first conv kept float', async () => {
    const out = path.join(tmp, 'demo.dynamic.tflite');
    const result = await runCli(['quantize', demoTflite, '--mode', 'dynamic', '--out', out, '--json'], { timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary).toMatchObject({ format: 'tflite', mode: 'dynamic', io: 'float' });
    expect(summary.sizeRatio).toBeGreaterThan(0.25);
    expect(summary.sizeRatio).toBeLessThan(0.33);
    expect(summary.keptFloat).toEqual([expect.objectContaining({ op: 0, opName: 'CONV_2D' })]);
    const bytes = new Uint8Array(readFileSync(out));
    expect(opInputs(flatcJson(bytes), 1).filter((w) => w.op !== 'RESHAPE').map((w) => `${w.op} ${w.tensor.type}`)).toEqual(['CONV_2D FLOAT32', 'CONV_2D INT8', 'FULLY_CONNECTED INT8']);
    const report = await parity(new Uint8Array(readFileSync(demoTflite)), bytes);
    expect(Math.min(...report.outputs.map((o) => o.cosine))).toBeGreaterThanOrEqual(0.99);
  }, 90_000);

  it('--mode dynamic on selfie_segmentation (float16 weights, a custom op): prints what stayed float and why, and the file runs', async () => {
    const out = path.join(tmp, 'selfie.dynamic.tflite');
    const result = await runCli(['quantize', mediapipe('selfie_segmentation/selfie_segmentation.tflite'), '--mode', 'dynamic', '--out', out], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^.*selfie\.dynamic\.tflite: int8 dynamic range, .* \(\d+% of .*\)$/m);
    expect(result.stdout).toMatch(/^ {2}kept float: op:\d+ Convolution2DTransposeBias: TFLite's dynamic range quantizes only the weights of CONV_2D/m);
    expect(result.stdout).toMatch(/note: \d+ weights stored as float16 behind DEQUANTIZE ops were read as float32 first/);
    const report = await parity(floatModel('node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite'), new Uint8Array(readFileSync(out)));
    expect(Math.min(...report.outputs.map((o) => o.cosine))).toBeGreaterThanOrEqual(0.99);
  }, 90_000);

  it('--mode fp16 on the demo: float16 weights, about half the size; on a MediaPipe file already in float16 it is refused', async () => {
    const out = path.join(tmp, 'demo.fp16.tflite');
    const result = await runCli(['quantize', demoTflite, '--mode', 'fp16', '--out', out, '--json'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Summary).sizeRatio).toBeLessThan(0.6);
    expect(flatcJson(new Uint8Array(readFileSync(out))).subgraphs[0]?.tensors.filter((t) => t.type === 'FLOAT16')).toHaveLength(6);
    const refused = await runCli(['quantize', mediapipe('hands/hand_landmark_lite.tflite'), '--mode', 'fp16', '--out', path.join(tmp, 'hand.fp16.tflite')]);
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
    expect(refused.stderr.trim()).toBe('edgebench quantize: This model already stores its weights as float16 behind DEQUANTIZE ops, so it is its own float16 variant; make a dynamic or int8 variant instead.');
  }, 90_000);

  it('--mode int8 with --method percentile --dense-weights per-channel: the notes say so, the dense weights have one scale per output, and it runs close to float', async () => {
    const out = path.join(tmp, 'demo.int8-choices.tflite');
    const args = ['quantize', demoTflite, '--mode', 'int8', '--calibration', demoDataset, '--samples', '32', '--method', 'percentile', '--percentile', '99.9', '--dense-weights', 'per-channel', '--out', out, '--json'];
    const result = await runCli(args, { timeoutMs: 90_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const notes = (JSON.parse(result.stdout) as Summary).notes.join(' ');
    expect(notes).toMatch(/over the 99\.9th percentile range \(tails beyond it clipped\) of 32 calibration samples/);
    expect(notes).toMatch(/FULLY_CONNECTED \(axis 0;/);
    expect(notes).toMatch(/Biases are corrected for the mean error of the int8 weights on the 32 calibration samples/);
    const dense = flatcJson(new Uint8Array(readFileSync(out))).subgraphs[0]?.tensors.find((t) => t.name === 'dense/weights');
    expect(dense?.quantization?.scale).toHaveLength(10);
    const report = await parity(new Uint8Array(readFileSync(demoTflite)), new Uint8Array(readFileSync(out)));
    expect(Math.min(...report.outputs.map((o) => o.cosine))).toBeGreaterThanOrEqual(0.98);

    const plain = await runCli(['quantize', demoTflite, '--mode', 'int8', '--calibration', demoDataset, '--samples', '32', '--no-bias-correction', '--out', path.join(tmp, 'demo.int8-plain.tflite'), '--json'], { timeoutMs: 90_000 });
    expect(plain.code).toBe(0);
    expect((JSON.parse(plain.stdout) as Summary).notes.join(' ')).not.toMatch(/Biases are corrected/);
  }, 180_000);

  const out = (): string => path.join(tmp, 'bad.tflite');
  const bad: Array<{ name: string; args: () => string[]; says: RegExp }> = [
    { name: '--io on an ONNX model', args: () => ['quantize', demoModelPath, '--mode', 'static', '--io', 'int8', '--out', out()], says: /--io only applies to TFLite full-integer variants/ },
    { name: '--mode int8 on an ONNX model', args: () => ['quantize', demoModelPath, '--mode', 'int8', '--out', out()], says: /--mode int8 \(full integer\) is for TFLite models; for an ONNX model use --mode static/ },
    { name: '--io with a weight-only mode', args: () => ['quantize', demoTflite, '--mode', 'dynamic', '--io', 'int8', '--out', out()], says: /--io only applies to --mode int8 \(full integer\); a dynamic variant keeps float inputs and outputs/ },
    { name: '--method with a weight-only mode', args: () => ['quantize', demoTflite, '--mode', 'fp16', '--method', 'percentile', '--out', out()], says: /^edgebench quantize: --method only applies to --mode int8 \(full integer\); a fp16 variant quantizes weights only/ },
    { name: '--percentile without --method percentile', args: () => ['quantize', demoTflite, '--mode', 'int8', '--calibration', demoDataset, '--percentile', '99', '--out', out()], says: /--percentile only applies to --method percentile/ },
    { name: '--dense-weights on an ONNX model', args: () => ['quantize', demoModelPath, '--mode', 'static', '--dense-weights', 'per-channel', '--out', out()], says: /--dense-weights only applies to TFLite full-integer variants/ },
    { name: '--calibration with fp16', args: () => ['quantize', demoTflite, '--mode', 'fp16', '--calibration', demoDataset, '--out', out()], says: /--calibration only applies to --mode int8/ },
    { name: 'int8 without calibration', args: () => ['quantize', demoTflite, '--mode', 'int8', '--out', out()], says: /--mode int8 needs --calibration DATASET/ },
    { name: 'an ONNX-only flag', args: () => ['quantize', demoTflite, '--mode', 'dynamic', '--per-tensor', '--out', out()], says: /--per-tensor applies to ONNX models only/ },
    { name: 'an exclusion that names nothing', args: () => ['quantize', demoTflite, '--mode', 'dynamic', '--exclude', 'NO_SUCH_OP', '--out', out()], says: /--exclude 'NO_SUCH_OP' names no operator of this model; give op:N \(0 to 3\)/ },
    { name: 'a calibration folder that is not a dataset', args: () => ['quantize', demoTflite, '--mode', 'int8', '--calibration', tmp, '--out', out()], says: /is not a dataset folder/ },
    { name: 'a missing model', args: () => ['quantize', path.join(tmp, 'none.tflite'), '--mode', 'dynamic', '--out', out()], says: /none\.tflite/ },
  ];
  for (const { name, args, says } of bad) {
    it(`refuses ${name}: exit 2, one sentence, nothing written`, async () => {
      const result = await runCli(args(), { timeoutMs: 30_000 });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(says);
      expect(existsSync(out())).toBe(false);
    });
  }

  it('Ctrl+C (SIGINT to the process group) while the worker quantizes pose_landmark_heavy: exit 130 within 2 s, worker gone, nothing written', async () => {
    const target = path.join(tmp, 'heavy.dynamic.tflite');
    const child = spawn(process.execPath, cliNodeArgs(['quantize', mediapipe('pose/pose_landmark_heavy.tflite'), '--mode', 'dynamic', '--out', target]), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
    let workers: number[] = [];
    const deadline = Date.now() + 30_000;
    while (workers.length === 0 && Date.now() < deadline && child.exitCode === null) {
      workers = descendantsOf(child.pid as number).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('out/cli/worker.js');
        } catch {
          return false;
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(workers.length, `no worker started: ${stderr}`).toBeGreaterThan(0);
    const sent = Date.now();
    process.kill(-(child.pid as number), 'SIGINT');
    const exit = await exited;
    expect(exit.code).toBe(130);
    expect(exit.at - sent).toBeLessThan(2000);
    expect(stderr).not.toMatch(/^\s+at /m);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(workers.filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'))).toEqual([]);
    expect(existsSync(target)).toBe(false);
  }, 60_000);
});

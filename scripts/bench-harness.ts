/**
 * `npm run bench:harness [MODEL.onnx] [--runs N] [--warmup N] [--threads N] [--rounds N]`
 *
 * How much does our benchmark machinery (runner process, protocol, timing loop) add to what it
 * measures? Compares runLocalBenchmark's median latency with a minimal hand-written
 * onnxruntime-node loop in its own process: same model, threads, input shapes and run counts.
 * The goal is a ratio of 1.05 or less. Rounds alternate the two so drift hits both alike.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceSession } from 'onnxruntime-node';
import { runLocalBenchmark } from '../src/core/bench/run-local-benchmark';
import { encodeOnnxModel } from '../src/core/formats/onnx/onnx-writer';
import { nodeForkSpawner } from '../src/core/runner/runner-client';
import { measureStartup } from './bench-startup';
import type { ModelInfo } from '../src/shared/model-info';
import { BenchSettings } from '../src/shared/run-schema';

const DEMO_MODEL = resolve('resources/models/demo-mnist.onnx');

/** The baseline: what anyone would write to time a model with onnxruntime-node, nothing more. */
const HAND_LOOP = `
import { InferenceSession, Tensor } from 'onnxruntime-node';
const cfg = JSON.parse(process.env.EDGEBENCH_HARNESS_CONFIG);
const options = { executionProviders: ['cpu'], interOpNumThreads: 1, graphOptimizationLevel: 'all' };
if (cfg.threads > 0) options.intraOpNumThreads = cfg.threads;
const session = await InferenceSession.create(cfg.modelPath, options);
const feeds = {};
for (const input of cfg.inputs) {
  const count = input.shape.reduce((n, d) => n * d, 1);
  const data = input.dtype === 'int64' ? BigInt64Array.from({ length: count }, () => BigInt(Math.floor(Math.random() * 10)))
    : input.dtype === 'float32' ? Float32Array.from({ length: count }, () => Math.random())
    : null;
  if (data === null) throw new Error('hand loop: add dtype ' + input.dtype);
  feeds[input.name] = new Tensor(input.dtype, data, input.shape);
}
await session.run(feeds);
for (let i = 0; i < cfg.warmup; i++) await session.run(feeds);
const latencyMs = [];
for (let i = 0; i < cfg.runs; i++) {
  const start = process.hrtime.bigint();
  await session.run(feeds);
  latencyMs.push(Number(process.hrtime.bigint() - start) / 1e6);
}
latencyMs.sort((a, b) => a - b);
const mid = (latencyMs.length - 1) / 2;
process.stdout.write(JSON.stringify({ medianMs: (latencyMs[Math.floor(mid)] + latencyMs[Math.ceil(mid)]) / 2 }));
`;

interface HandLoopConfig {
  modelPath: string;
  threads: number;
  warmup: number;
  runs: number;
  inputs: { name: string; dtype: string; shape: number[] }[];
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '30' },
      threads: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const modelPath = positionals[0] !== undefined ? resolve(positionals[0]) : demoOrStandIn();
  const settings = BenchSettings.parse({
    runs: Number(values.runs),
    warmupRuns: Number(values.warmup),
    threads: Number(values.threads),
    minTimeMs: 0,
  });
  const rounds = Number(values.rounds);
  const inputsInfo = await readInputs(modelPath);
  const bytes = readFileSync(modelPath);
  const job = {
    modelPath,
    model: { name: basename(modelPath), format: 'onnx' as const, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: statSync(modelPath).size, variant: 'float' },
    inputsInfo,
    settings,
    targetName: 'This computer',
  };

  console.log(`model ${modelPath}: ${settings.runs} runs, ${settings.warmupRuns} warmup, threads ${settings.threads}, ${rounds} rounds`);
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const run = await runLocalBenchmark(job, { spawner: nodeForkSpawner() });
    ours.push(run.latencyMs.median);
    const inputs = run.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape }));
    baseline.push(await handLoopMedian({ modelPath, threads: settings.threads, warmup: settings.warmupRuns, runs: settings.runs, inputs }));
    console.log(`  round ${round}: runLocalBenchmark median ${fmt(ours.at(-1))} ms, hand loop median ${fmt(baseline.at(-1))} ms`);
  }
  const oursMs = medianOf(ours);
  const baselineMs = medianOf(baseline);
  const ratio = oursMs / baselineMs;
  console.log(`runLocalBenchmark median: ${fmt(oursMs)} ms`);
  console.log(`hand-written loop median: ${fmt(baselineMs)} ms`);
  console.log(`ratio: ${ratio.toFixed(3)} (goal ≤ 1.05) ${ratio <= 1.05 ? 'OK' : 'ABOVE GOAL'}`);


  const startups = await measureStartup(3);
  for (const [i, t] of startups.entries()) {
    console.log(`  start ${i + 1}: edgebench serve → URL ${t.serveMs.toFixed(0)} ms, → page loaded ${t.loadedMs.toFixed(0)} ms`);
  }
  console.log(`studio start → loaded (browser mode, fresh workspace, median of ${startups.length}): ${medianOf(startups.map((t) => t.loadedMs)).toFixed(0)} ms`);
}

/** The model's inputs as the runner will see them (the same metadata onnxruntime itself reports). */
async function readInputs(modelPath: string): Promise<ModelInfo['inputs']> {
  const session = await InferenceSession.create(modelPath);
  const inputs = session.inputMetadata.map((meta) => ({
    name: meta.name,
    dtype: meta.isTensor ? meta.type : 'unknown',
    shape: meta.isTensor ? meta.shape.map((d) => (d === '' ? null : d)) : null,
  }));
  await session.release();
  return inputs;
}

function handLoopMedian(config: HandLoopConfig): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', HAND_LOOP], {
      env: { ...process.env, EDGEBENCH_HARNESS_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`The hand-written loop exited with code ${code}.`));
      resolvePromise((JSON.parse(out) as { medianMs: number }).medianMs);
    });
  });
}

/** The demo model once it exists; until then a stand-in MLP of MNIST's size (784 → 128 → 10). */
function demoOrStandIn(): string {
  if (existsSync(DEMO_MODEL)) return DEMO_MODEL;
  let seed = 1;
  const random = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.1;
  const weights = (n: number): Float32Array => Float32Array.from({ length: n }, random);
  const bytes = encodeOnnxModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'edgebench-bench-harness',
    producerVersion: '1',
    graphName: 'mlp_stand_in',
    inputs: [{ name: 'input', elemType: 'FLOAT', shape: ['batch', 784] }],
    outputs: [{ name: 'logits', elemType: 'FLOAT', shape: ['batch', 10] }],
    initializers: [
      { name: 'w1', dims: [784, 128], dataType: 'FLOAT', data: weights(784 * 128) },
      { name: 'b1', dims: [128], dataType: 'FLOAT', data: weights(128) },
      { name: 'w2', dims: [128, 10], dataType: 'FLOAT', data: weights(1280) },
      { name: 'b2', dims: [10], dataType: 'FLOAT', data: weights(10) },
    ],
    nodes: [
      { opType: 'MatMul', name: 'fc1', inputs: ['input', 'w1'], outputs: ['h1'] },
      { opType: 'Add', name: 'bias1', inputs: ['h1', 'b1'], outputs: ['h2'] },
      { opType: 'Relu', name: 'relu', inputs: ['h2'], outputs: ['h3'] },
      { opType: 'MatMul', name: 'fc2', inputs: ['h3', 'w2'], outputs: ['h4'] },
      { opType: 'Add', name: 'bias2', inputs: ['h4', 'b2'], outputs: ['logits'] },
    ],
  });
  const path = join(mkdtempSync(join(tmpdir(), 'edgebench-harness-')), 'mlp-stand-in.onnx');
  writeFileSync(path, bytes);
  console.log(`${DEMO_MODEL} does not exist yet; using a stand-in MLP of the same size.`);
  return path;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(mid)] ?? NaN) + (sorted[Math.ceil(mid)] ?? NaN)) / 2;
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '?' : ms.toFixed(4);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

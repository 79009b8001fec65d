/**
 * The baselines of bench:harness: for each runtime, what anyone would write to time a model with
 * that library and nothing more (load, make inputs, warm up, then time each run with hrtime).
 * Each runs in its own plain Node process, like our runner does, and prints its median latency.
 * They use the libraries' public APIs directly and none of our code, so whatever our runner,
 * protocol and runtime modules add shows up as the difference.
 */
import { spawn } from 'node:child_process';
import type { HarnessRuntime } from './bench-harness-models';

export interface BareLoopConfig {
  modelPath: string;
  threads: number;
  warmup: number;
  runs: number;
  /** The inputs our runner built (from the run file), so both sides feed the same shapes. */
  inputs: Array<{ name: string; dtype: string; shape: number[] }>;
  /** tfjs only: the backend our run reported, so both sides compute on the same one. */
  backend: string;
}

/** Shared tail: make random inputs, warm up, time `runs` calls of once(), print the median. */
const MEASURE = `
function data(input) {
  const count = input.shape.reduce((n, d) => n * d, 1);
  if (input.dtype === 'float32') return Float32Array.from({ length: count }, () => Math.random());
  if (input.dtype === 'int32') return Int32Array.from({ length: count }, () => Math.floor(Math.random() * 10));
  if (input.dtype === 'int64') return BigInt64Array.from({ length: count }, () => BigInt(Math.floor(Math.random() * 10)));
  if (input.dtype === 'uint8') return Uint8Array.from({ length: count }, () => Math.floor(Math.random() * 10));
  throw new Error('bare loop: add dtype ' + input.dtype);
}
async function measure(once) {
  await once();
  for (let i = 0; i < cfg.warmup; i++) await once();
  const latencyMs = [];
  for (let i = 0; i < cfg.runs; i++) {
    const start = process.hrtime.bigint();
    await once();
    latencyMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencyMs.sort((a, b) => a - b);
  const mid = (latencyMs.length - 1) / 2;
  process.stdout.write('\\n' + JSON.stringify({ medianMs: (latencyMs[Math.floor(mid)] + latencyMs[Math.ceil(mid)]) / 2 }) + '\\n');
}
const cfg = JSON.parse(process.env.EDGEBENCH_HARNESS_CONFIG);
`;

const ONNXRUNTIME = `
import { InferenceSession, Tensor } from 'onnxruntime-node';
${MEASURE}
const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', executionMode: 'sequential' };
if (cfg.threads > 0) options.intraOpNumThreads = cfg.threads;
const session = await InferenceSession.create(cfg.modelPath, options);
const feeds = {};
for (const input of cfg.inputs) feeds[input.name] = new Tensor(input.dtype, data(input), input.shape);
await measure(() => session.run(feeds));
`;

const TFJS = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as layers from '@tensorflow/tfjs-layers';
import * as converter from '@tensorflow/tfjs-converter';
${MEASURE}
tf.enableProdMode();
if (cfg.backend === 'tensorflow') await import('@tensorflow/tfjs-node');
const require = createRequire(join(process.cwd(), 'package.json'));
wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
// As our runner asks (tfjs-backend.ts), so both sides run the same configuration.
if (cfg.backend === 'wasm' && cfg.threads > 0) wasm.setThreadsCount(cfg.threads);
await tf.setBackend(cfg.backend);
const json = JSON.parse(readFileSync(cfg.modelPath, 'utf8'));
const groups = json.weightsManifest ?? [];
const shards = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(cfg.modelPath), p)))));
const handler = tf.io.fromMemory({
  modelTopology: json.modelTopology, format: json.format, signature: json.signature,
  weightSpecs: groups.flatMap((g) => g.weights),
  weightData: shards.buffer.slice(shards.byteOffset, shards.byteOffset + shards.byteLength),
});
const graph = json.format === 'graph-model';
const model = graph ? await converter.loadGraphModel(handler) : await layers.loadLayersModel(handler);
const tensors = cfg.inputs.map((input) => tf.tensor(data(input), input.shape, input.dtype));
const feed = graph ? Object.fromEntries(model.inputs.map((info, i) => [info.name, tensors[i]])) : tensors.length === 1 ? tensors[0] : tensors;
await measure(() => {
  const out = graph ? model.execute(feed) : model.predict(feed);
  for (const t of Array.isArray(out) ? out : [out]) { t.dataSync(); t.dispose(); }
});
`;

const LITERT = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import * as litert from '@litertjs/core';
${MEASURE}
// LiteRT.js loads its Emscripten glue with importScripts and reads self.ModuleFactory (browser/worker only).
globalThis.self = globalThis;
globalThis.importScripts = (path) => {
  const run = compileFunction(readFileSync(path, 'utf8') + '\\nreturn ModuleFactory;', ['require', '__filename', '__dirname'], { filename: path });
  globalThis.ModuleFactory = run(createRequire(path), path, dirname(path));
};
const log = (text) => process.stderr.write(text + '\\n');
globalThis.Module = { print: log, printErr: log };
const require = createRequire(join(process.cwd(), 'package.json'));
await litert.loadLiteRt(join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm') + '/');
const model = await litert.loadAndCompile(new Uint8Array(readFileSync(cfg.modelPath)), { accelerator: 'wasm', ...(cfg.threads > 0 ? { cpuOptions: { numThreads: cfg.threads } } : {}) });
const tensors = cfg.inputs.map((input) => new litert.Tensor(data(input), input.shape));
await measure(async () => {
  for (const t of await model.run(tensors)) { t.toTypedArray(); t.delete(); }
});
`;

const SOURCES: Record<HarnessRuntime, string> = { onnxruntime: ONNXRUNTIME, tfjs: TFJS, litert: LITERT };

/** Runs the bare loop of `runtime` in a fresh Node process (cwd: the project, for its node_modules) and returns its median in ms. */
export function bareLoopMedian(runtime: HarnessRuntime, config: BareLoopConfig, projectRoot: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SOURCES[runtime]], {
      cwd: projectRoot,
      env: { ...process.env, EDGEBENCH_HARNESS_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        return reject(new Error(`The bare ${runtime} loop exited with code ${code}; its last words: ${err.trim().split('\n').slice(-5).join(' | ')}`));
      }
      resolvePromise((JSON.parse(last) as { medianMs: number }).medianMs);
    });
  });
}

/**
 * `npm run bench:harness [MODEL] [--runtime onnxruntime,tfjs,litert] [--runs N] [--warmup N]
 *   [--threads N] [--rounds N] [--tfjs-backend auto|tensorflow|wasm|cpu] [--skip-startup]`
 *
 * How much does our benchmark machinery (runner process, protocol, timing loop, runtime module)
 * add to what it measures? For every runtime, on the demo model in that runtime's format and on
 * a tiny one-add model, runLocalBenchmark's median latency is compared with a bare loop of the
 * same library in its own process (scripts/bench-harness-loops.ts): same model, threads, input
 * shapes, backend and run counts. Rounds alternate the two so drift hits both alike.
 *
 *   ratio      = median over rounds of our median / median over rounds of the bare loop's median
 *                (demo model; goal ≤ 1.05 for every runtime)
 *   overhead   = our median − the bare loop's median, in µs per iteration (tiny model, where the
 *                inference itself is near zero; goal ≤ 20 µs for onnxruntime)
 *
 * Warmup defaults to 2000 runs: the JavaScript-heavy runtimes (TF.js, LiteRT.js's bindings) keep
 * getting faster for the first thousand or so runs while V8 optimizes them, and with 200 warmup
 * runs the two sides compared were still warming at different speeds (ratios of 1.2-1.5 that
 * vanished with longer warmup; the runner's later measure requests ran as fast as the bare loop).
 *
 * A MODEL argument measures only that file, on the runtime of its format. Browser mode's
 * start-up time (scripts/bench-startup.ts, needs `electron-vite build`) is measured last.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { runLocalBenchmark } from '../src/core/bench/run-local-benchmark';
import { inspectModelFiles } from '../src/core/formats/inspect';
import { nodeForkSpawner } from '../src/core/runner/runner-client';
import { BenchSettings, RuntimeName, RuntimeOptions } from '../src/shared/run-schema';
import { bareLoopMedian } from './bench-harness-loops';
import { RUNTIME_OF, demoModel, tinyModel, type HarnessModel } from './bench-harness-models';
import { measureStartup } from './bench-startup';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');
const RATIO_GOAL = 1.05;
const OVERHEAD_GOAL_US: Partial<Record<RuntimeName, number>> = { onnxruntime: 20 };

interface Comparison {
  runtime: RuntimeName;
  model: HarnessModel;
  backend: string;
  oursMs: number;
  bareMs: number;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runtime: { type: 'string', default: RuntimeName.options.join(',') },
      runs: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '2000' },
      threads: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
      'tfjs-backend': { type: 'string', default: 'auto' },
      'skip-startup': { type: 'boolean', default: false },
    },
  });
  const settings = BenchSettings.parse({
    runs: Number(values.runs),
    warmupRuns: Number(values.warmup),
    threads: Number(values.threads),
    minTimeMs: 0,
    // Profiling runs after the measured runs and would only lengthen each round.
    profileRuns: 0,
    runtimeOptions: RuntimeOptions.parse({ tfjsBackend: values['tfjs-backend'] }),
  });
  const rounds = Number(values.rounds);
  const plan = await planCells(positionals[0], values.runtime.split(',').map((name) => RuntimeName.parse(name.trim())));
  console.log(`${settings.runs} runs, ${settings.warmupRuns} warmup, threads ${settings.threads}, ${rounds} rounds per cell`);

  const results: Comparison[] = [];
  for (const { runtime, model } of plan) {
    console.log(`${runtime}, ${model.label}: ${model.path}`);
    results.push(await compare(runtime, model, settings, rounds));
  }
  report(results);

  if (values['skip-startup'] || positionals[0] !== undefined) return;
  const startups = await measureStartup(3);
  for (const [i, t] of startups.entries()) {
    console.log(`  start ${i + 1}: edgebench serve → URL ${t.serveMs.toFixed(0)} ms, → page loaded ${t.loadedMs.toFixed(0)} ms`);
  }
  console.log(`studio start → loaded (browser mode, fresh workspace, median of ${startups.length}): ${medianOf(startups.map((t) => t.loadedMs)).toFixed(0)} ms`);
}

async function planCells(modelArg: string | undefined, runtimes: RuntimeName[]): Promise<Array<{ runtime: RuntimeName; model: HarnessModel }>> {
  if (modelArg !== undefined) {
    const info = await inspectModelFiles([resolve(modelArg)]);
    return [{ runtime: RUNTIME_OF[info.format], model: { label: info.fileName, path: resolve(modelArg), format: info.format } }];
  }
  return runtimes.flatMap((runtime) => [
    { runtime, model: demoModel(runtime, PROJECT_ROOT) },
    { runtime, model: tinyModel(runtime) },
  ]);
}

/** Alternates runLocalBenchmark and the bare loop `rounds` times on one model. */
async function compare(runtime: RuntimeName, model: HarnessModel, settings: BenchSettings, rounds: number): Promise<Comparison> {
  const info = await inspectModelFiles([model.path]);
  const job = {
    modelPath: model.path,
    model: { name: info.fileName, format: info.format, sha256: info.sha256, sizeBytes: info.sizeBytes, variant: 'float' },
    inputsInfo: info.inputs,
    settings,
    targetName: 'This computer',
    runtime,
  };
  const ours: number[] = [];
  const bare: number[] = [];
  let backend = '';
  for (let round = 1; round <= rounds; round++) {
    const run = await runLocalBenchmark(job, { spawner: nodeForkSpawner() });
    ours.push(run.latencyMs.median);
    backend = run.runtime.backend;
    const inputs = run.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape }));
    bare.push(await bareLoopMedian(runtime, { modelPath: model.path, threads: settings.threads, warmup: settings.warmupRuns, runs: settings.runs, inputs, backend }, PROJECT_ROOT));
    console.log(`  round ${round}: runLocalBenchmark median ${fmtMs(ours.at(-1))} ms, bare loop median ${fmtMs(bare.at(-1))} ms`);
  }
  return { runtime, model, backend, oursMs: medianOf(ours), bareMs: medianOf(bare) };
}

function report(results: Comparison[]): void {
  console.log('');
  console.log('runtime      backend          model                  ours ms    bare ms    ratio   overhead µs/iter');
  for (const r of results) {
    const ratio = r.oursMs / r.bareMs;
    const overheadUs = (r.oursMs - r.bareMs) * 1000;
    console.log(
      `${r.runtime.padEnd(12)} ${r.backend.padEnd(16)} ${r.model.label.padEnd(22)} ${fmtMs(r.oursMs).padStart(8)}  ${fmtMs(r.bareMs).padStart(8)}  ${ratio.toFixed(3).padStart(6)}  ${overheadUs.toFixed(1).padStart(8)}`,
    );
  }
  console.log('');
  for (const r of results) {
    const ratio = r.oursMs / r.bareMs;
    const overheadUs = (r.oursMs - r.bareMs) * 1000;
    if (r.model.label === 'demo model' || !r.model.label.startsWith('tiny')) {
      console.log(`${r.runtime} ${r.model.label}: ratio ${ratio.toFixed(3)} (goal ≤ ${RATIO_GOAL}) ${ratio <= RATIO_GOAL ? 'OK' : 'ABOVE GOAL'}`);
    } else {
      const goal = OVERHEAD_GOAL_US[r.runtime];
      const verdict = goal === undefined ? '(no goal set)' : `(goal ≤ ${goal} µs) ${overheadUs <= goal ? 'OK' : 'ABOVE GOAL'}`;
      console.log(`${r.runtime} ${r.model.label}: overhead ${overheadUs.toFixed(1)} µs per iteration ${verdict}`);
    }
  }
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(mid)] ?? NaN) + (sorted[Math.ceil(mid)] ?? NaN)) / 2;
}

function fmtMs(ms: number | undefined): string {
  return ms === undefined ? '?' : ms.toFixed(4);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

/**
 * `npm run bench:harness [MODEL] [--runtime onnxruntime,tfjs,litert] [--runs N] [--warmup N]
 *   [--threads N] [--rounds N] [--tfjs-backend auto|tensorflow|wasm|cpu] [--skip-startup]`
 *
 * How much does our benchmark machinery (runner process, protocol, timing loop, runtime module)
 * add to what it measures? For every runtime, on the demo model in that runtime's format and on
 * a tiny one-add model, runLocalBenchmark's median latency is compared with a bare loop of the
 * same library in its own process (scripts/bench-harness-loops.ts): same model, threads, input
 * shapes, backend and run counts.
 *
 * Rounds interleave the two, ABAB: round i runs ours, then the bare loop, so whatever drifts over
 * minutes (clock, caches, other load on the machine) hits both halves of a round alike, and each
 * round gives one paired figure. At least 10 rounds (MIN_ROUNDS):
 *
 *   ratio      = median over rounds of (our median ÷ the bare loop's median), with its 95% CI
 *                (demo model; goal ≤ 1.05 for every runtime)
 *   overhead   = median over rounds of (our median − the bare loop's median), in µs per
 *                iteration, with its 95% CI (tiny model, where the inference itself is near
 *                zero; goal ≤ 20 µs for onnxruntime)
 *
 * The CI and the verdicts are explained in scripts/bench-harness-stats.ts: an interval that
 * contains 1 (0) is "no measurable overhead", never a win; one wholly below is SUSPICIOUS, since
 * a loop doing strictly more work cannot be faster unless the two sides measure different things.
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
import { medianOf } from '../src/shared/numeric/quantile';
import { MIN_ROUNDS, fixed, judge, pairedDifferenceUs, pairedRatio, type PairedEstimate } from './bench-harness-stats';
import { HARNESS_RUNTIMES, RUNTIME_OF, demoModel, tinyModel, type HarnessModel, type HarnessRuntime } from './bench-harness-models';
import { measureStartup } from './bench-startup';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');
const RATIO_GOAL = 1.05;
const OVERHEAD_GOAL_US: Partial<Record<RuntimeName, number>> = { onnxruntime: 20 };

interface Comparison {
  runtime: HarnessRuntime;
  model: HarnessModel;
  backend: string;
  /** Each round's median latency, in round order. */
  oursMs: number[];
  bareMs: number[];
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runtime: { type: 'string', default: HARNESS_RUNTIMES.join(',') },
      runs: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '2000' },
      threads: { type: 'string', default: '1' },
      rounds: { type: 'string', default: String(MIN_ROUNDS) },
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
  if (!Number.isInteger(rounds) || rounds < MIN_ROUNDS) {
    throw new Error(`--rounds must be a whole number of at least ${MIN_ROUNDS} (got '${values.rounds}'): fewer rounds give a 95% interval too wide to tell overhead from noise.`);
  }
  const plan = await planCells(positionals[0], values.runtime.split(',').map((name) => harnessRuntime(name.trim())));
  console.log(`${settings.runs} runs, ${settings.warmupRuns} warmup, threads ${settings.threads}, ${rounds} rounds per cell (ABAB: ours, then the bare loop)`);

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

/** One of the harness's runtimes by name; the Python runner's runtimes have no bare loop here. */
function harnessRuntime(name: string): HarnessRuntime {
  const runtime = RuntimeName.parse(name);
  if (!(HARNESS_RUNTIMES as readonly string[]).includes(runtime)) throw new Error(`--runtime ${runtime}: the harness compares ${HARNESS_RUNTIMES.join(', ')} with bare loops; the Python runner's runtimes have none.`);
  return runtime as HarnessRuntime;
}

async function planCells(modelArg: string | undefined, runtimes: HarnessRuntime[]): Promise<Array<{ runtime: HarnessRuntime; model: HarnessModel }>> {
  if (modelArg !== undefined) {
    const info = await inspectModelFiles([resolve(modelArg)]);
    return [{ runtime: RUNTIME_OF[info.format], model: { label: info.fileName, path: resolve(modelArg), format: info.format } }];
  }
  return runtimes.flatMap((runtime) => [
    { runtime, model: demoModel(runtime, PROJECT_ROOT) },
    { runtime, model: tinyModel(runtime) },
  ]);
}

/** Interleaves runLocalBenchmark and the bare loop, ABAB, `rounds` times on one model. */
async function compare(runtime: HarnessRuntime, model: HarnessModel, settings: BenchSettings, rounds: number): Promise<Comparison> {
  const info = await inspectModelFiles([model.path]);
  const job = {
    modelPath: model.path,
    model: { name: info.fileName, format: info.format, sha256: info.sha256, sizeBytes: info.sizeBytes, variant: 'float' },
    inputsInfo: info.inputs,
    settings,
    targetName: 'This computer',
    runtime,
  };
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  let backend = '';
  for (let round = 1; round <= rounds; round++) {
    const measured = await runLocalBenchmark(job, { spawner: nodeForkSpawner() });
    if (measured.state !== 'completed') throw new Error(`Round ${round} of ${runtime} on ${model.label} stopped early: ${measured.error.message}`);
    const run = measured.run;
    oursMs.push(run.latencyMs.median);
    backend = run.runtime.backend;
    const inputs = run.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape }));
    bareMs.push(await bareLoopMedian(runtime, { modelPath: model.path, threads: settings.threads, warmup: settings.warmupRuns, runs: settings.runs, inputs, backend }, PROJECT_ROOT));
    const [ours, bare] = [oursMs.at(-1) ?? NaN, bareMs.at(-1) ?? NaN];
    console.log(`  round ${String(round).padStart(2)}: ours ${fmtMs(ours)} ms, bare loop ${fmtMs(bare)} ms, ratio ${(ours / bare).toFixed(3)}`);
  }
  return { runtime, model, backend, oursMs, bareMs };
}

const isTiny = (model: HarnessModel): boolean => model.label.startsWith('tiny');

function report(results: Comparison[]): void {
  console.log('');
  console.log('Per cell: each side\'s round medians (min–max over rounds), then the paired figure with its 95% CI');
  console.log('(median over rounds of ours ÷ bare, or ours − bare; CI = sign-test interval of that median, scripts/bench-harness-stats.ts).');
  console.log('');
  console.log('runtime      backend          model                  ours ms (range)             bare ms (range)             ratio [95% CI]            overhead µs/iter [95% CI]');
  for (const r of results) {
    const ratio = pairedRatio(r.oursMs, r.bareMs);
    const overhead = pairedDifferenceUs(r.oursMs, r.bareMs);
    console.log(
      `${r.runtime.padEnd(12)} ${r.backend.padEnd(16)} ${r.model.label.padEnd(22)} ${spread(r.oursMs).padEnd(27)} ${spread(r.bareMs).padEnd(27)} ${interval(ratio, 3).padEnd(25)} ${interval(overhead, 1)}`,
    );
  }
  console.log('');
  for (const r of results) {
    if (!isTiny(r.model)) {
      const ratio = pairedRatio(r.oursMs, r.bareMs);
      const { verdict, why } = judge(ratio, 1, RATIO_GOAL, '');
      console.log(`${r.runtime} ${r.model.label}: ratio ${ratio.point.toFixed(3)} over ${ratio.rounds} rounds (goal ≤ ${RATIO_GOAL}): ${verdict}: ${why}.`);
    } else {
      const overhead = pairedDifferenceUs(r.oursMs, r.bareMs);
      const { verdict, why } = judge(overhead, 0, OVERHEAD_GOAL_US[r.runtime], ' µs');
      const goal = OVERHEAD_GOAL_US[r.runtime];
      console.log(`${r.runtime} ${r.model.label}: overhead ${fixed(overhead.point, 1)} µs per iteration over ${overhead.rounds} rounds${goal === undefined ? '' : ` (goal ≤ ${goal} µs)`}: ${verdict}: ${why}.`);
    }
  }
}

/** "0.0480 (0.0470–0.0900)": the median of the round medians and their range. */
function spread(valuesMs: number[]): string {
  return `${fmtMs(medianOf(valuesMs))} (${fmtMs(Math.min(...valuesMs))}–${fmtMs(Math.max(...valuesMs))})`;
}

function interval(estimate: PairedEstimate, digits: number): string {
  return `${fixed(estimate.point, digits)} [${fixed(estimate.low, digits)}, ${fixed(estimate.high, digits)}]`;
}

function fmtMs(ms: number | undefined): string {
  return ms === undefined ? '?' : ms.toFixed(4);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

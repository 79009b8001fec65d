/**
 * Run control through real runner processes: warmup by count and time, --max-time, fresh inputs,
 * report mode (with windows shortened for the test), the runtime's profile, matrix job fields,
 * and the settings that are refused before a runner starts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type BenchProgress, runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import { RunnerClient, nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { BenchSettings, RunFile, RuntimeOptions } from '../../../src/shared/run-schema';
import { completedRun, DEMO_ONNX_PATH, jobFor, recordingSpawner, rejection } from './bench-helpers';
import { matmulAddSpec, writeModel } from './tiny-models';

const matmulPath = writeModel(matmulAddSpec);

async function withClient<T>(use: (client: RunnerClient) => Promise<T>): Promise<T> {
  const client = RunnerClient.start(nodeForkSpawner());
  try {
    await client.hello();
    await client.load({ modelPath: matmulPath, runtime: 'onnxruntime', threads: 1, inputs: [] });
    return await use(client);
  } finally {
    await client.close();
  }
}

describe('warmup and measuring in the runner', () => {
  test('warmup goes on past its run count until its minimum time is spent', async () => {
    const byCount = await withClient((client) => client.warmup({ runs: 5 }));
    expect(byCount.runs).toBe(5);
    const byTime = await withClient((client) => client.warmup({ runs: 1, minTimeMs: 100 }));
    // A microsecond model needs far more than one run to fill 100 ms.
    expect(byTime.runs).toBeGreaterThan(1);
  });

  test('--max-time stops measuring before --runs and says so; without it the runs complete', async () => {
    await withClient(async (client) => {
      await client.warmup({ runs: 0 });
      const capped = await client.measure({ runs: 100_000_000, minTimeMs: 0, maxTimeMs: 100, progressEvery: 1000 });
      expect(capped.maxTimeReached).toBe(true);
      expect(capped.latencyMs.length).toBeGreaterThan(0);
      expect(capped.latencyMs.length).toBeLessThan(100_000_000);
      const full = await client.measure({ runs: 50, minTimeMs: 0, maxTimeMs: 60_000, progressEvery: 10 });
      expect(full).toMatchObject({ maxTimeReached: false, latencyMs: expect.any(Array) });
      expect(full.latencyMs).toHaveLength(50);
    });
  });

  test('a run stopped by --max-time keeps its samples and carries the max-time-reached warning', async () => {
    const run = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { runs: 100_000_000, maxTimeMs: 200 }), { spawner: nodeForkSpawner() }));
    expect(run.latencyMs.count).toBeLessThan(100_000_000);
    expect(run.warnings.map((w) => w.code)).toContain('max-time-reached');
    expect(run.settings.maxTimeMs).toBe(200);
  });

  test('fresh inputs: every measured run gets new data and the run records it', async () => {
    const run = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { freshInputs: true, runs: 30 }), { spawner: nodeForkSpawner() }));
    expect(run.latencyMs.count).toBe(30);
    expect(run.settings.freshInputs).toBe(true);
  });
});

describe('report mode', () => {
  test('measures every window for its minimum time and reports the median of the window medians', async () => {
    const progress: BenchProgress[] = [];
    const plan = { windows: 3, minWindowMs: 30 };
    const run = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { mode: 'report', runs: 10 }), {
      spawner: nodeForkSpawner(),
      reportModeOverride: plan,
      onProgress: (p) => progress.push(p),
    }));

    const windows = run.report?.windows ?? [];
    expect(windows).toHaveLength(3);
    for (const window of windows) {
      expect(window.runs).toBeGreaterThanOrEqual(10);
      expect(window.durationMs).toBeGreaterThanOrEqual(30);
    }
    // latencyMs covers every sample of every window, in order
    expect(run.latencyMs.count).toBe(windows.reduce((sum, w) => sum + w.runs, 0));
    const medians = windows.map((w) => w.medianMs).sort((a, b) => a - b);
    expect(run.report?.medianOfWindowsMs).toBe(medians[1]);

    const measuring = progress.filter((p) => p.phase === 'measuring');
    expect(measuring.at(-1)).toMatchObject({ completed: run.latencyMs.count, total: run.latencyMs.count });
    for (let i = 1; i < measuring.length; i++) expect(measuring[i]!.completed).toBeGreaterThanOrEqual(measuring[i - 1]!.completed);
  });
});

describe('the run file', () => {
  test('holds the onnxruntime profile of the demo model: Conv, Relu and Gemm, shares summing to 1, runtime time within wall time', async () => {
    const runtimeOptions = RuntimeOptions.parse({ graphOptimizationLevel: 'basic' });
    const run = await completedRun(runLocalBenchmark(jobFor(DEMO_ONNX_PATH, null, { profileRuns: 10, runtimeOptions }), { spawner: nodeForkSpawner() }));
    const profile = run.profile;
    expect(profile?.runs).toBe(10);
    expect(profile?.ops.map((op) => op.opType)).toEqual(expect.arrayContaining(['Conv', 'Relu', 'Gemm']));
    expect(profile?.ops.find((op) => op.opType === 'Conv')?.nodes).toBe(2);
    expect(profile?.ops.reduce((sum, op) => sum + op.share, 0)).toBeCloseTo(1, 9);
    expect(profile?.nodes.reduce((sum, node) => sum + node.share, 0)).toBeCloseTo(1, 9);
    expect(profile!.runtimeMedianMs).toBeLessThanOrEqual(profile!.wallMedianMs);
    expect(run.settings.runtimeOptions.graphOptimizationLevel).toBe('basic');
  });

  test('carries the runtime, its backend, the matrix job, memory, environment and a verdict', async () => {
    const job = { id: 'job-test', cell: 2, cells: 4 };
    const run = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, {}, { runtime: 'onnxruntime', job }), { spawner: nodeForkSpawner() }));
    expect(RunFile.parse(run)).toEqual(run);
    expect(run.runtime).toMatchObject({ name: 'onnxruntime', backend: 'cpu' });
    expect(run.job).toEqual(job);
    expect(run.profile).toBeUndefined(); // profileRuns: 0
    expect(run.report).toBeUndefined(); // quick mode
    expect(run.memory.osPeakRssBytes).toBeGreaterThan(0);
    expect(run.memory.peakRssBytes).toBeGreaterThanOrEqual(run.memory.osPeakRssBytes ?? 0);
    expect(run.environment?.busyProcesses).toEqual(expect.any(Array));
    expect(['stable', 'unstable']).toContain(run.verdict);
  });

  test('executionMode parallel with inter-op threads runs', async () => {
    const runtimeOptions = RuntimeOptions.parse({ executionMode: 'parallel', interOpThreads: 2 });
    const run = await completedRun(runLocalBenchmark(jobFor(DEMO_ONNX_PATH, null, { runtimeOptions }), { spawner: nodeForkSpawner() }));
    expect(run.latencyMs.count).toBe(20);
    expect(run.settings.runtimeOptions).toMatchObject({ executionMode: 'parallel', interOpThreads: 2 });
  });
});

describe('settings that make no sense together are refused before a runner starts', () => {
  const cases: [string, Partial<BenchSettings>, RegExp][] = [
    ['report mode with --runs 5', { mode: 'report', runs: 5 }, /^--mode report runs 5 windows of at least 10 s each .*must be at least 10 .*\(got --runs 5\)/],
    ['report mode with --max-time', { mode: 'report', maxTimeMs: 5000 }, /--max-time 5 s would cut it short; drop --max-time, or use --mode quick\.$/],
    ['report mode with --min-time', { mode: 'report', minTimeMs: 2000 }, /drop --min-time 2 s, or use --mode quick\.$/],
    ['--max-time below --min-time', { minTimeMs: 5000, maxTimeMs: 1000 }, /^--max-time 1 s is shorter than --min-time 5 s, so the minimum could never be reached/],
    ['--fresh-inputs with every input given a --value', { freshInputs: true, values: { x: 1 } }, /^--fresh-inputs has nothing to refresh/],
  ];
  test.each(cases)('%s', async (_name, settings, message) => {
    const spawner = recordingSpawner();
    const error = await rejection(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, settings), { spawner }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(message);
    expect(spawner.pids).toEqual([]);
  });

  test('a runtime that cannot load the format names the runtimes that can', async () => {
    const spawner = recordingSpawner();
    const job = jobFor(matmulPath, matmulAddSpec);
    const tflite = { ...job, model: { ...job.model, name: 'digits.tflite', format: 'tflite' as const } };
    const error = await rejection(runLocalBenchmark(tflite, { spawner }));
    expect(error).toMatchObject({ code: 'BAD_INPUT', context: { flag: '--runtime', runtime: 'onnxruntime', format: 'tflite' } });
    expect(error.message).toBe("onnxruntime cannot load 'digits.tflite', a tflite model; tflite models can be run by: litert, python:litert, python:openvino, python:pyarmnn. Pass --runtime litert, or convert the model.");
    const litert = await rejection(runLocalBenchmark({ ...job, runtime: 'litert' }, { spawner }));
    expect(litert.message).toMatch(/^LiteRT \(TFLite\) cannot load 'matmul_add\.onnx', an onnx model; onnx models can be run by: onnxruntime, python:onnxruntime, python:openvino\./);
    expect(spawner.pids).toEqual([]);
  });
});

describe('profiling that cannot be done', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-fake-runner-'));
  const script = join(dir, 'fake-runner.mjs');
  writeFileSync(script, FAKE_RUNNER);
  const benchWith = (profileAnswer: 'unsupported' | 'failed' | 'crash') =>
    completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { profileRuns: 5 }), {
      spawner: nodeForkSpawner({ runnerPath: script, env: { ...process.env, FAKE_PROFILE: profileAnswer } }),
    }));

  test('a runtime without a profiler (UNSUPPORTED) is skipped silently', async () => {
    const run = await benchWith('unsupported');
    expect(run.profile).toBeUndefined();
    expect(run.latencyMs.samples).toEqual([1, 2, 3]);
    expect(run.runtime.backend).toBe('fake');
    expect(run.warnings.map((w) => w.code)).not.toContain('profile-failed');
  });

  test.each(['failed', 'crash'] as const)('a profile that %s leaves the measured run intact, with a warning', async (answer) => {
    const run = await benchWith(answer);
    expect(run.profile).toBeUndefined();
    expect(run.latencyMs.samples).toEqual([1, 2, 3]);
    const warning = run.warnings.find((w) => w.code === 'profile-failed');
    expect(warning?.message).toMatch(/^The runtime's per-node profile could not be taken \(.+\); the measured latencies are unaffected/);
    if (answer === 'crash') expect(warning?.message).toContain('The runner process exited with code 9 while profiling');
  });
});

/**
 * A stand-in runner speaking the protocol with canned answers, as a runner on another target
 * might; FAKE_PROFILE says how it answers the profile request.
 */
const FAKE_RUNNER = `
import { createInterface } from 'node:readline';
const hardware = { arch: 'x64', cpuModel: 'fake', cores: 64, memoryBytes: 1, os: 'fake', cpuFeatures: [] };
const answers = {
  hello: () => [{ type: 'hello', protocol: 'edgebench.runner/1', runner: { name: 'fake', version: '1' }, node: 'v0', runtimes: { onnxruntime: '0.0.1' }, unavailable: {}, hardware, timerResolutionNs: 1 }],
  load: () => [{ type: 'loaded', backend: 'fake', initMs: 1, rssBeforeBytes: 1, rssAfterBytes: 2, inputs: [] }],
  warmup: () => [{ type: 'first', firstInferenceMs: 2 }, { type: 'warmedUp', runs: 2 }],
  measure: () => [{ type: 'samples', latencyMs: [1, 2, 3], peakRssBytes: 10, osPeakRssBytes: 20, maxTimeReached: false }],
  profile: () => {
    if (process.env.FAKE_PROFILE === 'crash') process.exit(9);
    return process.env.FAKE_PROFILE === 'failed'
      ? [{ type: 'error', code: 'RUN_FAILED', message: 'Profiling failed: the profiler ran out of events.' }]
      : [{ type: 'error', code: 'UNSUPPORTED', message: 'This runtime has no profiler.' }];
  },
  bye: () => [{ type: 'bye', peakRssBytes: 10, osPeakRssBytes: 20 }],
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  for (const reply of answers[request.type]()) process.stdout.write(JSON.stringify(reply) + '\\n');
  if (request.type === 'bye') process.exit(0);
});
`;

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type BenchProgress, runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import { nodeForkSpawner, runnerLogOf } from '../../../src/core/runner/runner-client';
import { type BenchSettings, RunFile } from '../../../src/shared/run-schema';
import { completedRun, isAlive, jobFor, recordingSpawner, rejection } from './bench-helpers';
import { matmulAddSpec, tokensSpec, writeModel } from './tiny-models';

const matmulPath = writeModel(matmulAddSpec);
const tokensPath = writeModel(tokensSpec);

const PHASE_ORDER = ['starting', 'loading', 'warmup', 'measuring'];

describe('runLocalBenchmark through a real runner process', () => {
  test('benchmarks a small ONNX model and returns a complete run file', async () => {
    const spawner = recordingSpawner();
    const progress: BenchProgress[] = [];
    const run = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec), { spawner, onProgress: (p) => progress.push(p) }));

    expect(RunFile.parse(run)).toEqual(run);
    expect(run.id).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{4}$/);
    expect(run.target).toMatchObject({ kind: 'local', name: 'This computer' });
    expect(run.runtime).toMatchObject({ name: 'onnxruntime', threads: 1, backend: 'cpu' });
    expect(run.runtime.version).toMatch(/^\d+\.\d+\.\d+/);
    // Its batch dim was given no size: the run says it guessed 1, and is unstable for it.
    expect(run.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: [1, 4], fill: 'random', declaredShape: ['batch', 4], guessedDims: [{ index: 0, name: 'batch', value: 1 }], rankGuessed: false },
    ]);
    expect(run.verdict).toBe('unstable');
    expect(run.warnings[0]?.code).toBe('guessed-inputs');
    expect(run.latencyMs.count).toBe(20);
    expect(run.latencyMs.samples).toHaveLength(20);
    expect(run.latencyMs.min).toBeLessThanOrEqual(run.latencyMs.median);
    expect(run.latencyMs.median).toBeLessThanOrEqual(run.latencyMs.p90);
    expect(run.firstInferenceMs).toBeGreaterThan(0);
    expect(run.memory.peakRssBytes).toBeGreaterThan(0);
    expect(run.settings).toMatchObject({ warmupRuns: 2, runs: 20, threads: 1 });

    // progress: phases in order, counts never going back within a phase, fraction never decreasing
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(PHASE_ORDER);
    for (let i = 1; i < progress.length; i++) {
      const [before, after] = [progress[i - 1]!, progress[i]!];
      expect(after.fraction).toBeGreaterThanOrEqual(before.fraction);
      if (after.phase === before.phase) expect(after.completed).toBeGreaterThanOrEqual(before.completed);
    }
    expect(progress.at(-1)).toMatchObject({ phase: 'measuring', completed: 20, total: 20 });
    expect(isAlive(spawner.pids[0]!)).toBe(false);
  });

  test('keeps measuring past --runs until the minimum time has been spent', async () => {
    const run = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { runs: 3, minTimeMs: 50 }), { spawner: nodeForkSpawner() }));
    expect(run.latencyMs.count).toBeGreaterThan(3);
    expect(run.latencyMs.samples.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(50);
  });

  test('cancelling kills the runner and rejects with CANCELLED', async () => {
    const spawner = recordingSpawner();
    const controller = new AbortController();
    const job = jobFor(matmulPath, matmulAddSpec, { runs: 10_000_000, minTimeMs: 600_000 });
    const error = await rejection(
      runLocalBenchmark(job, {
        spawner,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'measuring' && p.completed > 0) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(spawner.pids).toHaveLength(1);
    expect(isAlive(spawner.pids[0]!)).toBe(false);
  });

  test('a runner that crashes is reported as RUNNER with its last stderr lines', async () => {
    const spawner = recordingSpawner({ ...process.env, EDGEBENCH_RUNNER_CRASH_TEST: 'segv' });
    const error = await rejection(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec), { spawner }));
    expect(error.code).toBe('RUNNER');
    expect(error.message).toMatch(/^The runner process exited with signal SIGSEGV while measuring; its last words: .*crashing on purpose/);
    expect(runnerLogOf(error).some((line) => line.includes('EDGEBENCH_RUNNER_CRASH_TEST=segv'))).toBe(true);
    expect(isAlive(spawner.pids[0]!)).toBe(false);
  });

  test('inputs rejected because of a symbolic dim say which flags to pass', async () => {
    const error = await rejection(runLocalBenchmark(jobFor(tokensPath, tokensSpec), { spawner: nodeForkSpawner() }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toMatch(/^onnxruntime rejected the inputs: .*cannot be reshaped/);
    expect(error.message).toContain("Input 'tokens' has symbolic dims [batch, seq], which ran as 1x1");
    expect(error.message).toContain('--shape tokens=1x512');
    expect(error.message).toContain('--value NAME=N');
    expect(error.context.file).toBe(tokensPath);
  });

  test('--shape and --value make that model run, with int64 inputs', async () => {
    const job = jobFor(tokensPath, tokensSpec, { shapes: { tokens: [1, 128] }, values: { tokens: 7 } });
    const run = await completedRun(runLocalBenchmark(job, { spawner: nodeForkSpawner() }));
    expect(run.inputs).toEqual([
      { name: 'tokens', dtype: 'int64', shape: [1, 128], fill: 'constant 7', declaredShape: ['batch', 'seq'], guessedDims: [], rankGuessed: false },
    ]);
    expect(run.warnings.map((w) => w.code)).not.toContain('guessed-inputs');
    expect(run.latencyMs.count).toBe(20);
  });

  test('a file onnxruntime cannot load is a RUNTIME error naming the file', async () => {
    const badPath = join(dirname(matmulPath), 'not-a-model.onnx');
    writeFileSync(badPath, 'these bytes are not protobuf');
    const error = await rejection(runLocalBenchmark(jobFor(badPath, matmulAddSpec), { spawner: nodeForkSpawner() }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toMatch(/^onnxruntime could not load 'not-a-model\.onnx': /);
  });
});

describe('bad --shape and --value are refused before a runner starts', () => {
  const cases: [string, Partial<BenchSettings>, RegExp][] = [
    ['an unknown --shape name', { shapes: { image: [1, 4] } }, /^--shape image=1x4 names no input of this model; its inputs are: x \(float32 \[batch, 4\]\)\.$/],
    ['a --shape of the wrong rank', { shapes: { x: [1, 2, 4] } }, /^--shape x=1x2x4 gives 3 dims, but input 'x' has 2 \(\[batch, 4\]\); give one size per dim, e\.g\. --shape x=1x4\.$/],
    ['a --shape that changes a fixed dim', { shapes: { x: [2, 5] } }, /^--shape x=2x5 sets dim 2 to 5, but the model fixes it at 4/],
    ['an unknown --value name', { values: { rate: 16000 } }, /^--value rate=16000 names no input of this model; its inputs are: x/],
  ];
  test.each(cases)('%s', async (_name, settings, message) => {
    const spawner = recordingSpawner();
    const error = await rejection(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, settings), { spawner }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(message);
    expect(spawner.pids).toEqual([]);
  });

  test('a fractional --value for an integer input', async () => {
    const error = await rejection(runLocalBenchmark(jobFor(tokensPath, tokensSpec, { values: { tokens: 0.5 } }), { spawner: recordingSpawner() }));
    expect(error).toMatchObject({ code: 'BAD_INPUT', context: { flag: '--value' } });
    expect(error.message).toContain("input 'tokens' holds int64");
  });
});

/**
 * The fake runner itself (a test stand-in: test/helpers/fake-runner.ts): it must speak the real
 * protocol and keep to its script in both forms, in this process and as a real child process,
 * or the tests built on it prove nothing. The child-process form also shows a scripted crash as
 * a real signal and a scripted hang as a real process the watchdog has to kill.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix } from '../../../src/core/jobs/matrix';
import { RUNNER_PROTOCOL } from '../../../src/core/runner/protocol';
import { RunnerClient, type RunnerSpawner } from '../../../src/core/runner/runner-client';
import { BenchSettings } from '../../../src/shared/run-schema';
import { errorOf, runIn } from '../../helpers/bench-results';
import { FAKE_RUNNER_NAME, fakeProcessSpawner, fakeRunnerSpawner, type FakeRunnerScript } from '../../helpers/fake-runner';
import { DEMO_ONNX_PATH, isAlive, jobFor, rejection } from './bench-helpers';

afterEach(() => {
  vi.useRealTimers();
});

const SCRIPT: FakeRunnerScript = { latencyMs: [1.5, 2.5, 3.5], firstInferenceMs: 9, warmupLatencyMs: 4, timerResolutionNs: 42 };

/** One whole session through the studio's own RunnerClient; what each reply said. */
async function session(spawner: RunnerSpawner) {
  const client = RunnerClient.start(spawner, { timeouts: { helloMs: 30_000 } });
  try {
    const hello = await client.hello();
    const loaded = await client.load({ modelPath: DEMO_ONNX_PATH, runtime: 'onnxruntime', threads: 2, inputs: [{ name: 'input', shape: [1, 1, 28, 28], fill: { kind: 'random', seed: 1 } }] });
    const warmup = await client.warmup({ runs: 3 });
    const progress: number[][] = [];
    const first = await client.measure({ runs: 4, minTimeMs: 0, progressEvery: 1 }, (p) => progress.push(p.latencyMs ?? []));
    // A second measure request (report mode's next window) goes on with the sequence.
    const second = await client.measure({ runs: 2, minTimeMs: 0, progressEvery: 1 });
    const bye = await client.bye();
    return { hello, loaded, warmup, first, second, progress, bye, exited: client.exited };
  } finally {
    await client.close();
  }
}

/** Records the pid of every runner process it starts. */
function withPids(inner: RunnerSpawner): RunnerSpawner & { pids: number[] } {
  const pids: number[] = [];
  return {
    pids,
    spawn() {
      const child = inner.spawn();
      if (child.pid !== undefined) pids.push(child.pid);
      return child;
    },
  };
}

describe('the fake runner speaks the runner protocol and keeps to its script', () => {
  test.each([
    ['in this process', () => fakeRunnerSpawner(SCRIPT)],
    ['as a child process', () => fakeProcessSpawner(SCRIPT)],
  ])('%s', async (_form, spawner) => {
    const s = await session(spawner());
    expect(s.hello).toMatchObject({ protocol: RUNNER_PROTOCOL, runner: { name: FAKE_RUNNER_NAME }, timerResolutionNs: 42, runtimes: { onnxruntime: '0.0.0-fake' } });
    expect(s.loaded).toMatchObject({ backend: 'fake', initMs: 12.5, inputs: [{ name: 'input', dtype: 'float32', shape: [1, 1, 28, 28], fill: { kind: 'random', seed: 1 }, declaredShape: null }] });
    expect(s.warmup).toEqual({ firstInferenceMs: 9, runs: 3 });
    expect(s.first).toMatchObject({ latencyMs: [1.5, 2.5, 3.5, 1.5], maxTimeReached: false, peakRssBytes: 52 * 2 ** 20 });
    // 9 ms of runs: one progress at the end, carrying every sample.
    expect(s.progress).toEqual([[1.5, 2.5, 3.5, 1.5]]);
    expect(s.second.latencyMs).toEqual([2.5, 3.5]);
    expect(s.bye).toMatchObject({ type: 'bye', peakRssBytes: 52 * 2 ** 20 });
    expect(s.exited).toBe(true);
  });

  test('a runtime the runner does not offer is refused before loading, in the words the user reads', async () => {
    const spawner = fakeRunnerSpawner({ latencyMs: [1], runtimes: {}, unavailable: { onnxruntime: 'libonnxruntime.so.1: cannot open shared object file.' } });
    const error = await rejection(runLocalBenchmark(jobFor(DEMO_ONNX_PATH, null), { spawner }));
    expect(error.code).toBe('RUNTIME');
    expect(error.message).toBe('onnxruntime cannot run on this computer: libonnxruntime.so.1: cannot open shared object file.');
    expect(spawner.runners[0]?.session.state.requests.map((r) => r.type)).toEqual(['hello']);
  });

  test('a runner that never answers hello is stopped after the 60 s start-up limit, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const spawner = fakeRunnerSpawner({ latencyMs: [1], silentOn: 'hello' });
    let settled = false;
    const running = rejection(runLocalBenchmark(jobFor(DEMO_ONNX_PATH, null), { spawner })).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await running;
    expect(error.message).toBe('The runner did not answer within 60 s while starting, so it was stopped.');
    expect(spawner.runners[0]?.killedWith).toBe('SIGKILL');
  });
});

describe('as a real process', () => {
  const settings = BenchSettings.parse({ warmupRuns: 1, runs: 1000, minTimeMs: 0, threads: 1, profileRuns: 0, dims: { batch: 1 } });

  async function oneCell(spawner: RunnerSpawner, stallMs?: number) {
    const info = await inspectModelFiles([DEMO_ONNX_PATH]);
    const cells = planMatrix([{ name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info }], undefined, [1]);
    const { results } = await runMatrix('job-fake-process', cells, settings, { spawner, timeouts: { helloMs: 30_000, ...(stallMs ? { stallMs } : {}) } });
    return { run: runIn(results[0], 'partial'), error: errorOf(results[0]) };
  }

  test('a scripted crash is a real SIGSEGV: the process is gone, its last words and its 250 reported samples kept', async () => {
    const spawner = withPids(fakeProcessSpawner({ latencyMs: [1], fault: { kind: 'crash', afterSamples: 255, lastWords: ['fake runtime: segfault'] } }));
    const result = await oneCell(spawner);
    expect(result.error?.message).toMatch(/^The runner process exited with signal SIGSEGV while measuring; its last words: fake runtime: segfault\./);
    expect(result.run.latencyMs.samples).toHaveLength(250);
    expect(result.run.status).toBe('partial');
    expect(isAlive(spawner.pids[0] ?? -1)).toBe(false);
  });

  test('a scripted hang is a live, silent process that the stall watchdog kills', async () => {
    const spawner = withPids(fakeProcessSpawner({ latencyMs: [1], fault: { kind: 'hang', afterSamples: 120 } }));
    const result = await oneCell(spawner, 500);
    expect(result.error?.message).toMatch(/^The runner stopped responding for 0\.5 s while measuring/);
    expect(result.run.latencyMs.samples).toHaveLength(100);
    expect(isAlive(spawner.pids[0] ?? -1)).toBe(false);
  });
});

/**
 * The Python runner (resources/runners/python/edgebench_runner.py) under Debian's python3,
 * driven by the real RunnerClient: it speaks the same protocol as the Node runner, runs real
 * TFLite models through pyarmnn (Arm NN's CpuRef backend), and every line it writes on stdout
 * validates against the protocol's zod schemas.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { RunnerReply, type ProgressReply } from '../../../src/core/runner/protocol';
import { RunnerClient } from '../../../src/core/runner/runner-client';
import { PYTHON_RUNNER_SCRIPT } from '../../../src/core/targets/native-tools/python-spawner';
import { probeLocalHardware } from '../../../src/core/targets/local-target';
import { StudioError } from '../../../src/shared/errors';
import { PYTHON, demoModel, recordingSpawner, requirePythonWithPyarmnn, root, writeFile, writeFullyConnectedModel } from './python-env';

beforeAll(() => requirePythonWithPyarmnn());

/** Every stdout line parsed as JSON and validated by RunnerReply: the runner never writes anything else there. */
function expectAllValid(lines: string[]): RunnerReply[] {
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => {
    const parsed = RunnerReply.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`invalid reply ${line}: ${parsed.error.message}`);
    return parsed.data;
  });
}

async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

describe('Python runner through RunnerClient', () => {
  test('hello names the runner, its Python, the runtimes it has and what to install for the others', async () => {
    const { spawner, stdoutLines } = recordingSpawner();
    const client = RunnerClient.start(spawner);
    const hello = await client.hello();
    expect(hello.runner).toEqual({ name: 'edgebench-python-runner', version: '0.1.0' });
    expect(hello.node).toMatch(/^Python 3\.\d+\.\d+$/);
    // The board runtime 'litert' picks pyarmnn by itself; 'python:pyarmnn' names it (this computer's native runtimes).
    expect(hello.runtimes).toEqual({ litert: expect.stringMatching(/^pyarmnn \d+\.\d+\.\d+$/) as string, 'python:pyarmnn': expect.stringMatching(/^pyarmnn \d+\.\d+\.\d+$/) as string });
    expect(hello.unavailable.onnxruntime).toBe(`onnxruntime is not installed for ${PYTHON} (No module named 'onnxruntime'); install it on the board with: pip install onnxruntime`);
    expect(hello.unavailable.tfjs).toMatch(/does not run TF\.js models; the studio runs them with its Node runner/);
    // Same machine, same profile as the Node runner reports.
    expect(hello.hardware).toEqual(probeLocalHardware());
    expect(hello.timerResolutionNs).toBeGreaterThan(0);
    await client.bye();
    expect(client.exited).toBe(true);
    expectAllValid(stdoutLines);
  });

  test('runs the demo MNIST model (CONV_2D, RESHAPE, FULLY_CONNECTED) on pyarmnn: load, warmup, measure with progress, bye', async () => {
    const { spawner, stdoutLines } = recordingSpawner();
    const client = RunnerClient.start(spawner);
    try {
      await client.hello();
      const loaded = await client.load({ modelPath: demoModel, runtime: 'litert', threads: 0, inputs: [] });
      expect(loaded.backend).toBe('pyarmnn CpuRef');
      expect(loaded.initMs).toBeGreaterThan(0);
      expect(loaded.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 28, 28, 1], fill: { kind: 'random', seed: 1 }, declaredShape: [1, 28, 28, 1] }]);
      expect(loaded.rssAfterBytes).toBeGreaterThan(0);

      const warm = await client.warmup({ runs: 4 });
      expect(warm.runs).toBe(4);
      expect(warm.firstInferenceMs).toBeGreaterThan(0);

      const progress: ProgressReply[] = [];
      const samples = await client.measure({ runs: 40, minTimeMs: 0, progressEvery: 10 }, (p) => progress.push(p));
      expect(samples.latencyMs).toHaveLength(40);
      expect(samples.latencyMs.every((ms) => ms > 0)).toBe(true);
      expect(samples.maxTimeReached).toBe(false);
      expect(progress.at(-1)).toMatchObject({ type: 'progress', phase: 'measuring', completed: 40, total: 40 });
      // Progress carries the runs since the previous progress: together they are the samples.
      expect(progress.flatMap((p) => p.latencyMs ?? [])).toEqual(samples.latencyMs);
      expect(samples.peakRssBytes).toBeGreaterThanOrEqual(loaded.rssAfterBytes);
      expect(samples.osPeakRssBytes).toBeGreaterThan(0);

      const bye = await client.bye();
      expect(bye.peakRssBytes).toBeGreaterThanOrEqual(samples.peakRssBytes);
    } finally {
      await client.close();
    }
    const replies = expectAllValid(stdoutLines);
    expect(replies.map((r) => r.type).filter((t) => t !== 'progress')).toEqual(['hello', 'loaded', 'first', 'warmedUp', 'samples', 'bye']);
  });

  test('pyarmnn computes the demo model right: held-out digits are classified as the labels say', () => {
    const script = join(import.meta.dirname, 'classify_digits.py');
    const digitsDir = join(root, 'resources', 'datasets', 'demo-digits');
    const run = spawnSync(PYTHON, [script, dirname(PYTHON_RUNNER_SCRIPT), demoModel, digitsDir, '20'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const { predicted, labels } = JSON.parse(run.stdout) as { predicted: number[]; labels: number[] };
    // The demo model scores 97% held-out; LiteRT.js makes the same 18 of 20 right on these digits.
    expect(predicted.filter((digit, i) => digit === labels[i]).length).toBeGreaterThanOrEqual(18);
  });

  test('a FULLY_CONNECTED model built by the TFLite writer: constant inputs, fresh inputs, max time, and a shape Arm NN cannot take', async () => {
    const fc = writeFullyConnectedModel();
    const client = RunnerClient.start(recordingSpawner().spawner);
    try {
      await client.hello();
      const loaded = await client.load({ modelPath: fc, runtime: 'litert', threads: 2, inputs: [{ name: 'x', fill: { kind: 'constant', value: 3 } }] });
      expect(loaded.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [1, 4], fill: { kind: 'constant', value: 3 }, declaredShape: [1, 4] }]);
      await client.warmup({ runs: 2, minTimeMs: 5 });
      const fresh = await client.measure({ runs: 25, minTimeMs: 0, progressEvery: 5, freshInputs: true });
      expect(fresh.latencyMs).toHaveLength(25);

      // A fast model asked for far more runs than fit in 150 ms stops at the time limit and says so.
      const capped = await client.measure({ runs: 10_000_000, minTimeMs: 0, maxTimeMs: 150, progressEvery: 1000 });
      expect(capped.maxTimeReached).toBe(true);
      expect(capped.latencyMs.length).toBeGreaterThan(1);
      expect(capped.latencyMs.length).toBeLessThan(10_000_000);

      const resized = await rejection(client.load({ modelPath: fc, runtime: 'litert', threads: 0, inputs: [{ name: 'x', shape: [2, 4], fill: { kind: 'random', seed: 7 } }] }));
      expect(resized.code).toBe('RUNTIME');
      expect(resized.context.runnerCode).toBe('UNSUPPORTED_INPUT');
      expect(resized.message).toBe("Input 'x' is [1, 4] in the model and pyarmnn cannot resize it, so the shape [2, 4] cannot be used.");
      // The runner survives the refusal and loads again.
      expect((await client.load({ modelPath: fc, runtime: 'litert', threads: 0, inputs: [] })).backend).toBe('pyarmnn CpuRef');
      await client.bye();
    } finally {
      await client.close();
    }
  });

  test('refusals name what to do: missing runtime, TF.js, missing and damaged files, order, profile', async () => {
    const { spawner, stdoutLines } = recordingSpawner();
    const client = RunnerClient.start(spawner);
    try {
      await client.hello();
      const ort = await rejection(client.load({ modelPath: 'model.onnx', runtime: 'onnxruntime', threads: 0, inputs: [] }));
      expect(ort.context.runnerCode).toBe('UNKNOWN_RUNTIME');
      expect(ort.message).toBe(
        `The runtime 'onnxruntime' cannot be loaded on this machine: onnxruntime is not installed for ${PYTHON} (No module named 'onnxruntime'); install it on the board with: pip install onnxruntime`,
      );
      const tfjs = await rejection(client.load({ modelPath: 'model.json', runtime: 'tfjs', threads: 0, inputs: [] }));
      expect(tfjs.context.runnerCode).toBe('UNKNOWN_RUNTIME');

      const missing = `${root}/no-such-model.tflite`;
      const notThere = await rejection(client.load({ modelPath: missing, runtime: 'litert', threads: 0, inputs: [] }));
      expect(notThere.context.runnerCode).toBe('LOAD_FAILED');
      expect(notThere.message).toBe(`pyarmnn could not load '${missing}': the file does not exist; check the path.`);
      const cut = writeFile('cut.tflite', readFileSync(demoModel).subarray(0, 4000));
      const damaged = await rejection(client.load({ modelPath: cut, runtime: 'litert', threads: 0, inputs: [] }));
      expect(damaged.context.runnerCode).toBe('LOAD_FAILED');
      expect(damaged.message.startsWith(`pyarmnn could not load '${cut}': `)).toBe(true);

      const early = await rejection(client.measure({ runs: 1, minTimeMs: 0, progressEvery: 1 }));
      expect(early.context.runnerCode).toBe('OUT_OF_ORDER');
      expect(early.message).toBe('The runner was asked to measure before a model was loaded; send load first.');

      await client.load({ modelPath: demoModel, runtime: 'litert', threads: 0, inputs: [] });
      const profile = await rejection(client.profile(3));
      expect(profile.context.runnerCode).toBe('UNSUPPORTED');
      expect(profile.message).toBe('litert has no per-node profiler in the Python runner, so no profile was taken.');
      await client.bye();
    } finally {
      await client.close();
    }
    expectAllValid(stdoutLines);
  });
});

describe('Python runner on raw protocol lines', () => {
  test('lines that are not requests get BAD_REQUEST, a wrong protocol PROTOCOL_MISMATCH, and the runner keeps answering', async () => {
    const { spawner, stdoutLines } = recordingSpawner();
    const child = spawner.spawn();
    for (const line of [
      'not json',
      '[1, 2]',
      '{"type":"launch"}',
      '{"type":"measure","runs":0,"minTimeMs":0,"progressEvery":1}',
      '{"type":"load","modelPath":"m.tflite","runtime":"litert","threads":-1,"inputs":[]}',
      '{"type":"hello","protocol":"edgebench.runner/9"}',
      '{"type":"bye"}',
    ]) {
      child.send(line);
    }
    expect(await child.exited).toEqual({ code: 0, signal: null });
    const replies = expectAllValid(stdoutLines);
    expect(replies.map((r) => (r.type === 'error' ? r.code : r.type))).toEqual([
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'PROTOCOL_MISMATCH',
      'bye',
    ]);
    expect(replies[2]).toEqual({
      type: 'error',
      code: 'BAD_REQUEST',
      message: `The runner could not read the request "{\\"type\\":\\"launch\\"}": 'launch' is not a request type of edgebench.runner/1.`,
    });
    expect(replies[3]).toMatchObject({ message: expect.stringContaining("field 'runs' must be at least 1, not 0") as string });
    expect(replies[5]).toMatchObject({ message: 'This runner speaks edgebench.runner/1, not edgebench.runner/9; update the runner or the studio so they match.' });
  });

  test('the runner exits 0 when its stdin closes, and --probe lists every Python runtime module', () => {
    const closed = spawnSync(PYTHON, [PYTHON_RUNNER_SCRIPT], { input: '', encoding: 'utf8' });
    expect(closed.status).toBe(0);
    expect(closed.stdout).toBe('');

    const probe = spawnSync(PYTHON, [PYTHON_RUNNER_SCRIPT, '--probe'], { encoding: 'utf8' });
    expect(probe.status).toBe(0);
    const report = JSON.parse(probe.stdout) as { python: string; runtimes: Record<string, string>; unavailable: Record<string, string> };
    expect(Object.keys(report.runtimes)).toEqual(['pyarmnn']);
    expect(Object.keys(report.unavailable).sort()).toEqual(['ai_edge_litert', 'onnxruntime', 'openvino', 'tensorflow', 'tflite_runtime']);
  });
});

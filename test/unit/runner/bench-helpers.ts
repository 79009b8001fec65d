/**
 * Shared by the benchmark tests: jobs for tiny models or the demo model, a spawner that remembers
 * its runners' pids, a way to catch the StudioError a promise rejects with, and the run of a
 * benchmark that must have completed or stopped early.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measured, PartialOutcome } from '../../../src/core/bench/cell-outcome';
import type { LocalBenchJob } from '../../../src/core/bench/run-local-benchmark';
import type { OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { nodeForkSpawner, type RunnerSpawner } from '../../../src/core/runner/runner-client';
import { StudioError } from '../../../src/shared/errors';
import type { ModelInfo } from '../../../src/shared/model-info';
import { BenchSettings, type RunFile } from '../../../src/shared/run-schema';
import { inputsInfoOf } from './tiny-models';

export const DEMO_ONNX_PATH = fileURLToPath(new URL('../../../resources/models/demo-mnist.onnx', import.meta.url));
export const DEMO_INPUTS: ModelInfo['inputs'] = [{ name: 'input', dtype: 'float32', shape: ['batch', 1, 28, 28] }];

/** A job for a model file; `spec` gives the inputs of a tiny test model, otherwise the demo model's. */
export function jobFor(path: string, spec: OnnxModelSpec | null, settings: Partial<BenchSettings> = {}, extra: Partial<LocalBenchJob> = {}): LocalBenchJob {
  return {
    modelPath: path,
    model: {
      name: basename(path),
      format: 'onnx',
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
      sizeBytes: statSync(path).size,
      variant: 'float',
    },
    inputsInfo: spec === null ? DEMO_INPUTS : inputsInfoOf(spec),
    // No profile unless a test asks: it is the one part that creates a second session.
    settings: BenchSettings.parse({ warmupRuns: 2, runs: 20, minTimeMs: 0, threads: 1, profileRuns: 0, ...settings }),
    targetName: 'This computer',
    ...extra,
  };
}

/** The real fork spawner, remembering the pid of every runner it starts. */
export function recordingSpawner(env?: NodeJS.ProcessEnv): RunnerSpawner & { pids: number[] } {
  const inner = nodeForkSpawner(env === undefined ? {} : { env });
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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

/** The run of a benchmark that must have completed (a partial one fails the test with its error). */
export async function completedRun(outcome: Promise<Measured>): Promise<RunFile> {
  const measured = await outcome;
  if (measured.state !== 'completed') throw new Error(`expected a completed run, got a partial one: ${measured.error.message}`);
  return measured.run;
}

/** The outcome of a benchmark that must have stopped early with samples kept. */
export async function partialOf(outcome: Promise<Measured>): Promise<PartialOutcome> {
  const measured = await outcome;
  if (measured.state !== 'partial') throw new Error(`expected a partial run, got a ${measured.state} one`);
  return measured;
}

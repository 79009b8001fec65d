/**
 * Runner isolation with a model that really hangs onnxruntime (a Loop of 2^62 iterations): the
 * stall watchdog stops the runner, the error says what happened, and the next benchmark runs.
 */
import { describe, expect, test } from 'vitest';
import { runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { completedRun, isAlive, jobFor, recordingSpawner, rejection } from './bench-helpers';
import { hangingLoopSpec, matmulAddSpec, writeModel } from './tiny-models';

const hangingPath = writeModel(hangingLoopSpec);
const matmulPath = writeModel(matmulAddSpec);

describe('a model that hangs the runtime', () => {
  test('is stopped by the stall watchdog with a RUNNER error, and the next benchmark still runs', async () => {
    const spawner = recordingSpawner();
    const error = await rejection(runLocalBenchmark(jobFor(hangingPath, hangingLoopSpec), { spawner, timeouts: { stallMs: 2_000 } }));

    expect(error.code).toBe('RUNNER');
    expect(error.message).toBe(
      'The runner stopped responding for 2 s while running the first inference (the runtime may be stuck in an inference); it was stopped. ' +
        'If one inference of this model really takes that long, raise the stall timeout.',
    );
    expect(error.context).toMatchObject({ phase: 'running the first inference', timeoutMs: '2000' });
    expect(error.context).toHaveProperty('runnerLog');
    expect(isAlive(spawner.pids[0]!)).toBe(false);

    const next = await completedRun(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec), { spawner: nodeForkSpawner() }));
    expect(next.latencyMs.count).toBe(20);
  });
});

/**
 * A benchmark that stops mid-measure becomes a run file like any other, marked partial: its kept
 * samples with their statistics, why it stopped, never 'stable'. Real runner processes, killed as
 * the OOM killer would kill them; run files of edgebench.run/1 written before 'partial' existed
 * still load.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix } from '../../../src/core/jobs/matrix';
import { failedOrCancelled, restatePartial } from '../../../src/core/bench/cell-outcome';
import { markPartial, STOPPED_EARLY_WARNING } from '../../../src/core/bench/run-file';
import { RunnerReply } from '../../../src/core/runner/protocol';
import { nodeForkSpawner, type RunnerSpawner } from '../../../src/core/runner/runner-client';
import { StudioError } from '../../../src/shared/errors';
import { BenchSettings, RunFile } from '../../../src/shared/run-schema';
import { FIXTURES } from '../reports/run-fixtures';
import { DEMO_ONNX_PATH, jobFor, partialOf } from './bench-helpers';
import { matmulAddSpec, writeModel } from './tiny-models';

const matmulPath = writeModel(matmulAddSpec);

/** The real fork spawner; SIGKILLs the first runner once it has reported `afterRuns` measured runs. */
function killingSpawner(afterRuns: number): RunnerSpawner {
  const inner = nodeForkSpawner();
  let spawned = 0;
  return {
    spawn() {
      const child = inner.spawn();
      const first = spawned++ === 0;
      let killed = false;
      child.onLine('stdout', (line) => {
        const reply = RunnerReply.parse(JSON.parse(line));
        if (first && !killed && reply.type === 'progress' && reply.phase === 'measuring' && reply.completed >= afterRuns) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      return child;
    },
  };
}

describe('a runner killed while measuring leaves a partial run', () => {
  test('with every kept sample, its statistics, why it stopped, and an unstable verdict', async () => {
    const job = jobFor(matmulPath, matmulAddSpec, { runs: 10_000_000 });
    // Returned, not thrown: a caller cannot lose the samples by forgetting to catch.
    const { run, error } = await partialOf(runLocalBenchmark(job, { spawner: killingSpawner(300) }));
    const kept = run.latencyMs.samples;
    expect(kept.length).toBeGreaterThanOrEqual(300);
    expect(RunFile.parse(run)).toEqual(run);
    expect(run.status).toBe('partial');
    expect(run.stopped).toEqual({ code: 'RUNNER', reason: expect.stringMatching(/^The runner process exited with signal SIGKILL while measuring; .+\.$/), before: 'the runner stopped' });
    // The error's message is the stop reason plus the sentence about the kept samples.
    expect(error.message.startsWith(run.stopped?.reason ?? '?')).toBe(true);
    expect(run.latencyMs).toEqual(summarizeLatency(kept));
    expect(run.model).toEqual(job.model);
    expect(run.target).toMatchObject({ kind: 'local', name: 'This computer' });
    expect(run.runtime.name).toBe('onnxruntime');
    expect(run.settings.runs).toBe(10_000_000);
    expect(run.inputs.map((input) => input.name)).toEqual(['x']);
    expect(run.initMs).toBeGreaterThan(0);

    expect(run.verdict).toBe('unstable');
    expect(run.warnings[0]?.code).toBe(STOPPED_EARLY_WARNING);
    expect(run.warnings[0]?.message).toContain(`These numbers cover the ${kept.length} runs measured before the runner stopped (at least 10000000 were planned)`);
    // The runner never sent its peak: the RSS after loading is shown, and said to be a lower bound.
    expect(run.memory.peakRssBytes).toBeGreaterThan(0);
    expect(run.warnings.map((w) => w.code)).toContain('peak-memory-unknown');
    expect(run.profile).toBeUndefined();
  });

  test('in a matrix, the failed cell carries its partial run and the next cell runs', async () => {
    const model = { name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info: await inspectModelFiles([DEMO_ONNX_PATH]) };
    const settings = BenchSettings.parse({ warmupRuns: 1, runs: 1_000_000, minTimeMs: 0, maxTimeMs: 500, threads: 1, profileRuns: 0 });
    const outcome = await runMatrix('job-partial-run', planMatrix([model], undefined, [1, 2]), settings, { spawner: killingSpawner(50) });
    const [killed, next] = outcome.results;
    if (killed?.state !== 'partial') throw new Error(`the first cell should have stopped early, not be ${killed?.state}`);
    const run = killed.run;
    expect(run.status).toBe('partial');
    expect(killed.error.context.partialSamples).toBe(String(run.latencyMs.samples.length));
    expect(run.job).toEqual({ id: 'job-partial-run', cell: 0, cells: 2 });
    expect(run.runtime.threads).toBe(1);
    expect(next?.state === 'completed' && next.run.status).toBe('completed');
  });
});

describe('a failure restated by an outer layer', () => {
  test('keeps the samples and the partial run, which records the restated reason', async () => {
    const outcome = await partialOf(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { runs: 10_000_000 }), { spawner: killingSpawner(100) }));
    const restated = restatePartial(outcome, new StudioError('RUNNER', 'The SSH connection to pi was lost while measuring.', { kind: 'connection-lost' }), 'the link dropped');
    expect(restated.run.latencyMs).toEqual(outcome.run.latencyMs);
    expect(restated.error.message).toMatch(/^The SSH connection to pi was lost while measuring\. The studio kept \d+ samples measured before the link dropped/);
    expect(restated.run.stopped).toEqual({ code: 'RUNNER', reason: 'The SSH connection to pi was lost while measuring.', before: 'the link dropped' });
    // One stopped-early warning, with the new reason.
    expect(restated.run.warnings.filter((w) => w.code === STOPPED_EARLY_WARNING)).toHaveLength(1);
    expect(restated.run.warnings[0]?.message).toContain('The SSH connection to pi was lost while measuring.');
    // The runner's last words stay when the restated error has none.
    expect(restated.runnerLog).toEqual(outcome.runnerLog);
  });

  test('a failure before any sample is the failed state, a cancel the cancelled one', () => {
    const failure = new StudioError('RUNNER', 'The runner process exited with code 1 while loading the model.', { runnerLog: 'line one\n\nline two' });
    expect(failedOrCancelled(failure)).toEqual({ state: 'failed', error: failure.toData(), runnerLog: ['line one', 'line two'] });
    expect(failedOrCancelled(new StudioError('CANCELLED', 'The benchmark was cancelled.')).state).toBe('cancelled');
    expect(failedOrCancelled(new Error('boom'))).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', message: 'Unexpected error: boom' } });
  });
});

describe('the run file schema', () => {
  const completed = RunFile.parse(JSON.parse(readFileSync(FIXTURES.onnx, 'utf8')));

  test('run files written before partial runs existed still load, as completed', () => {
    expect(completed.schema).toBe('edgebench.run/1');
    expect(completed.status).toBe('completed');
    expect(completed.stopped).toBeUndefined();
  });

  test('a partial run must say why it stopped, and only a partial run may', () => {
    const stop = { code: 'RUNNER', reason: 'The board vanished.', before: 'the board stopped answering' };
    expect(RunFile.safeParse({ ...completed, status: 'partial' }).success).toBe(false);
    expect(RunFile.safeParse({ ...completed, stopped: stop }).success).toBe(false);
    expect(RunFile.safeParse({ ...completed, status: 'aborted' }).success).toBe(false);
    const partial = markPartial(completed, stop);
    expect(RunFile.parse(partial)).toEqual(partial);
    expect(partial).toMatchObject({ status: 'partial', stopped: stop, verdict: 'unstable', latencyMs: completed.latencyMs });
    expect(partial.warnings.map((w) => w.code)).toEqual([STOPPED_EARLY_WARNING, ...completed.warnings.map((w) => w.code)]);
  });
});

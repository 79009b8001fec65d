/**
 * Samples measured before a runner dies are not lost: progress replies carry the runs since the
 * previous progress, the client keeps them, and a runner killed mid-measure (as the OOM killer or
 * a crashing runtime would) ends the benchmark as a partial run of those samples, their count and
 * median in the failure's message.
 */
import { describe, expect, test } from 'vitest';
import { runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix } from '../../../src/core/jobs/matrix';
import { RunnerReply, type ProgressReply } from '../../../src/core/runner/protocol';
import { RunnerClient, nodeForkSpawner, type RunnerSpawner } from '../../../src/core/runner/runner-client';
import { BenchSettings } from '../../../src/shared/run-schema';
import { DEMO_ONNX_PATH, jobFor, partialOf } from './bench-helpers';
import { matmulAddSpec, writeModel } from './tiny-models';

const matmulPath = writeModel(matmulAddSpec);

/**
 * The real fork spawner, watching the protocol: `killWhen` sees every reply of each runner (with
 * how many measure requests it was sent) and SIGKILLs that runner when it returns true.
 */
function killingSpawner(killWhen: (reply: RunnerReply, measuresSent: number, runner: number) => boolean): RunnerSpawner & { replies: RunnerReply[][] } {
  const inner = nodeForkSpawner();
  const replies: RunnerReply[][] = [];
  return {
    replies,
    spawn() {
      const child = inner.spawn();
      const runner = replies.length;
      const seen: RunnerReply[] = [];
      replies.push(seen);
      let measuresSent = 0;
      let killed = false;
      const send = child.send.bind(child);
      child.send = (line) => {
        if ((JSON.parse(line) as { type: string }).type === 'measure') measuresSent++;
        send(line);
      };
      child.onLine('stdout', (line) => {
        const reply = RunnerReply.parse(JSON.parse(line));
        seen.push(reply);
        if (!killed && killWhen(reply, measuresSent, runner)) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      return child;
    },
  };
}

/** The median as anyone computes it by hand: the middle value, or the mean of the middle two. */
const medianOf = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const measuredProgress = (replies: RunnerReply[]): number[] =>
  replies.flatMap((reply) => (reply.type === 'progress' && reply.phase === 'measuring' ? (reply.latencyMs ?? []) : []));

describe('progress replies carry the latencies measured since the previous one', () => {
  test('put together, they are exactly the samples reply', async () => {
    const client = RunnerClient.start(nodeForkSpawner());
    try {
      await client.hello();
      await client.load({ modelPath: matmulPath, runtime: 'onnxruntime', threads: 1, inputs: [] });
      await client.warmup({ runs: 2 });
      const progress: ProgressReply[] = [];
      // 300 ms of runs: progress goes out at most every 50-200 ms, so several of them.
      const samples = await client.measure({ runs: 10, minTimeMs: 300, maxRuns: 10_000_000, progressEvery: 100 }, (p) => progress.push(p));
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.flatMap((p) => p.latencyMs ?? [])).toEqual(samples.latencyMs);
      for (const p of progress) expect(p.latencyMs?.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe('a runner killed while measuring', () => {
  test('ends as a partial run of the samples it reported, their count and median in the message', async () => {
    const spawner = killingSpawner((reply) => reply.type === 'progress' && reply.phase === 'measuring' && reply.completed >= 500);
    const { run, error } = await partialOf(runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { runs: 10_000_000 }), { spawner }));

    const reported = measuredProgress(spawner.replies[0] ?? []);
    expect(reported.length).toBeGreaterThanOrEqual(500);
    expect(run.latencyMs.samples).toEqual(reported);
    expect(error.code).toBe('RUNNER');
    expect(error.context).toMatchObject({ phase: 'measuring', signal: 'SIGKILL', partialSamples: String(reported.length) });
    const medianMs = Number(medianOf(reported).toPrecision(3));
    expect(error.context.partialMedianMs).toBe(String(medianMs));
    expect(error.message).toMatch(/^The runner process exited with signal SIGKILL while measuring; .+\.$/);
    expect(error.message.endsWith(` The studio kept ${reported.length} samples measured before the runner stopped (median ${medianMs} ms).`)).toBe(true);
  });

  test('in report mode, the finished windows are kept ahead of the broken one', async () => {
    // Killed at the first progress of the second window.
    const spawner = killingSpawner((reply, measuresSent) => reply.type === 'progress' && reply.phase === 'measuring' && measuresSent === 2);
    const { run, error } = await partialOf(
      runLocalBenchmark(jobFor(matmulPath, matmulAddSpec, { mode: 'report', runs: 10 }), { spawner, reportModeOverride: { windows: 3, minWindowMs: 30 } }),
    );
    const replies = spawner.replies[0] ?? [];
    const firstWindow = replies.find((reply) => reply.type === 'samples');
    if (firstWindow?.type !== 'samples') throw new Error('the first window should have finished');
    const secondWindowSoFar = measuredProgress(replies.slice(replies.indexOf(firstWindow) + 1));
    expect(secondWindowSoFar.length).toBeGreaterThan(0);
    expect(error.context.partialSamples).toBe(String(firstWindow.latencyMs.length + secondWindowSoFar.length));
    // The partial run holds them all, finished windows first, in report mode's settings.
    expect(run.latencyMs.samples).toEqual([...firstWindow.latencyMs, ...secondWindowSoFar]);
    expect(run.settings.mode).toBe('report');
    expect(run.warnings[0]?.message).toContain('report mode planned more windows');
  });

  test('a killed cell of a matrix keeps its samples in the cell result, and the next cell runs', async () => {
    const spawner = killingSpawner((reply, _measures, runner) => runner === 0 && reply.type === 'progress' && reply.phase === 'measuring' && reply.completed > 0);
    const model = { name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info: await inspectModelFiles([DEMO_ONNX_PATH]) };
    const outcome = await runMatrix('job-partial', planMatrix([model], undefined, [1, 2]), BenchSettings.parse({ warmupRuns: 1, runs: 1_000_000, minTimeMs: 0, maxTimeMs: 500, threads: 1, profileRuns: 0 }), { spawner });

    const [killed, next] = outcome.results;
    if (killed?.state !== 'partial') throw new Error(`the first cell should have stopped early, not be ${killed?.state}`);
    expect(killed.run.latencyMs.samples).toEqual(measuredProgress(spawner.replies[0] ?? []));
    expect(killed.error.message).toContain(`The studio kept ${killed.run.latencyMs.count} sample`);
    expect(next?.state).toBe('completed');
  });
});

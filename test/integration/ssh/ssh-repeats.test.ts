/**
 * Repeats on an SSH board (issue 12): the board is this machine behind a real sshd. Each repeat is
 * a fresh runner process on the board (one runBenchmark, one exec channel), interleaved across
 * cells; the board's native tools and the profile run in the last repeat only.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix } from '../../../src/core/jobs/matrix';
import { KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { sshMatrixTarget, SshTargetSession } from '../../../src/core/targets/ssh/ssh-target';
import { BenchSettings } from '../../../src/shared/run-schema';
import { runIn } from '../../helpers/bench-results';
import { DEMO_ONNX_PATH } from '../../unit/runner/bench-helpers';
import { sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

describe.skipIf(!sshdAvailable())('repeats on an SSH board (real sshd, Node runner)', () => {
  let board: Sshd;
  beforeAll(async () => {
    board = await startSshd();
  });
  afterAll(async () => {
    await board?.stop();
  });

  test('two cells × 3 repeats: six fresh runners on the board in the order A B A B A B, one pooled run per cell', async () => {
    const session = new SshTargetSession(board.spec('repeat-board'), {
      connect: { knownHosts: await KnownHostsStore.open(join(board.dir, 'known_hosts')), identityFile: board.clientKey, acceptNewHostKey: true },
      cacheDir: join(board.dir, 'board-cache'),
    });
    const target = sshMatrixTarget(session);
    const calls: Array<{ threads: number; nativeTools: boolean; repeats: number }> = [];
    const model = { name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info: await inspectModelFiles([DEMO_ONNX_PATH]) };
    const settings = BenchSettings.parse({ warmupRuns: 2, runs: 50, minTimeMs: 0, threads: 1, profileRuns: 0, dims: { batch: 1 }, repeats: 3 });
    const outcome = await runMatrix('job-ssh-repeats', planMatrix([model], undefined, [1, 2]), settings, {
      target: {
        ...target,
        runCell: (job, opts) => {
          calls.push({ threads: job.settings.threads, nativeTools: job.settings.nativeTools, repeats: job.settings.repeats });
          return target.runCell(job, opts);
        },
      },
    });
    await session.close();
    expect(calls.map((c) => c.threads)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(calls.map((c) => c.nativeTools)).toEqual([false, false, false, false, true, true]);
    for (const result of outcome.results) {
      const run = runIn(result, 'completed');
      expect(run.target).toMatchObject({ kind: 'ssh', name: 'repeat-board' });
      expect(run.settings.repeats).toBe(3);
      expect(run.repeats?.map((r) => r.count)).toEqual([50, 50, 50]);
      expect(run.latencyMs.count).toBe(150);
      expect(run.betweenRun?.repeats).toBe(3);
      expect(run.betweenRun?.ci95).not.toBeNull();
    }
  });
});

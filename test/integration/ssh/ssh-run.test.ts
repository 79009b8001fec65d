/**
 * Benchmarks on a "board" that is this machine behind a real sshd: the model and the Node runner
 * uploaded into the board's cache (once), the demo model measured through the runner protocol over
 * an exec channel, cancel killing the remote runner, a cut and a frozen link failing the run
 * without a hang (the next run reconnects), and two boards at once.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix } from '../../../src/core/jobs/matrix';
import { KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { deployNodeRunner } from '../../../src/core/targets/ssh/node-runner-deploy';
import { uploadFileToCache } from '../../../src/core/targets/ssh/sftp-cache';
import { runSshMatrix, sshMatrixTarget, SshTargetSession, type SshTargetOptions } from '../../../src/core/targets/ssh/ssh-target';
import { BenchSettings, RunFile } from '../../../src/shared/run-schema';
import { completedRun, DEMO_ONNX_PATH, jobFor, partialOf, rejection } from '../../unit/runner/bench-helpers';
import { signalQuietly, sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

/** Enough runs of the demo model to still be measuring when the test interferes; cancelled long before the end. */
const LONG_RUN = { runs: 100_000, warmupRuns: 1 };

describe.skipIf(!sshdAvailable())('benchmarks on SSH boards (real sshd, Node runner)', () => {
  let board: Sshd;
  let second: Sshd;
  beforeAll(async () => {
    [board, second] = await Promise.all([startSshd(), startSshd()]);
  });
  afterAll(async () => {
    await Promise.all([board?.stop(), second?.stop()]);
  });

  const cacheDirOf = (sshd: Sshd): string => join(sshd.dir, 'board-cache');
  const sessionFor = async (sshd: Sshd, name: string, extra: Partial<SshTargetOptions['connect']> = {}): Promise<SshTargetSession> =>
    new SshTargetSession(sshd.spec(name), {
      connect: { knownHosts: await KnownHostsStore.open(join(sshd.dir, 'known_hosts')), identityFile: sshd.clientKey, acceptNewHostKey: true, ...extra },
      cacheDir: cacheDirOf(sshd),
    });
  /** The runner processes on the board started from this board's cache. */
  const remoteRunners = (sshd: Sshd): number[] => {
    try {
      return execFileSync('pgrep', ['-f', `${cacheDirOf(sshd)}/node-runner/`], { encoding: 'utf8' }).trim().split('\n').map(Number);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  };
  const waitUntil = async (what: string, condition: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!condition()) throw new Error(`gave up waiting for ${what}`);
  };

  test('the demo model runs on the board with the Node runner; model and runner are uploaded once', async () => {
    const session = await sessionFor(board, 'bench-board');
    const notices: string[] = [];
    const run = await completedRun(
      new SshTargetSession(session.spec, {
        connect: { knownHosts: await KnownHostsStore.open(join(board.dir, 'known_hosts')), identityFile: board.clientKey, acceptNewHostKey: true },
        cacheDir: cacheDirOf(board),
        onNotice: (message) => notices.push(message),
      }).runBenchmark(jobFor(DEMO_ONNX_PATH, null), {}),
    );

    expect(run.target).toMatchObject({ kind: 'ssh', name: 'bench-board' });
    expect(run.latencyMs.count).toBe(20);
    expect(run.memory.peakRssBytes).toBeGreaterThan(0);
    expect(run.runtime).toMatchObject({ name: 'onnxruntime', backend: 'cpu' });
    expect(notices).toEqual([expect.stringMatching(/^bench-board: using the studio's Node runner \(onnxruntime-node [\d.]+ on Node v\d+/)]);

    // The cache: the model sits under its sha256 with the same bytes; sending it again is skipped.
    const conn = await session.connection();
    const sha256 = run.model.sha256;
    const again = await uploadFileToCache(conn, DEMO_ONNX_PATH, { cacheDir: cacheDirOf(board), fileName: 'demo-mnist.onnx', sha256 });
    expect(again).toMatchObject({ uploaded: false, remotePath: join(cacheDirOf(board), sha256, 'demo-mnist.onnx') });
    expect(readFileSync(again.remotePath).equals(readFileSync(DEMO_ONNX_PATH))).toBe(true);
    const redeployed = await deployNodeRunner(conn, await session.probe(), cacheDirOf(board));
    expect(redeployed.uploaded).toBe(false);
    await session.close();
  });

  test('cancel kills the runner on the board', async () => {
    const session = await sessionFor(board, 'cancel-board');
    const controller = new AbortController();
    const running = session.runBenchmark(jobFor(DEMO_ONNX_PATH, null, LONG_RUN), {
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.phase === 'measuring' && progress.completed > 0 && !controller.signal.aborted) {
          expect(remoteRunners(board)).toHaveLength(1);
          controller.abort();
        }
      },
    });
    const error = await rejection(running);
    expect(error.code).toBe('CANCELLED');
    await waitUntil('the remote runner to exit', () => remoteRunners(board).length === 0);
    await session.close();
  });

  test('a link cut while measuring fails the cell with a clear message, keeps the samples measured so far, and the next run reconnects', async () => {
    const session = await sessionFor(board, 'cut-board');
    const model = { name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info: await inspectModelFiles([DEMO_ONNX_PATH]) };
    let seenRuns = 0;
    const outcome = await runMatrix('job-cut', planMatrix([model], undefined, [1]), BenchSettings.parse({ ...LONG_RUN, minTimeMs: 0, threads: 1, profileRuns: 0 }), {
      target: sshMatrixTarget(session),
      onProgress: (_cell, progress) => {
        // Cut once the runner has reported a few hundred runs, so there are samples to keep.
        if (progress.phase === 'measuring' && progress.completed >= 300 && seenRuns === 0) {
          seenRuns = progress.completed;
          board.killAll();
        }
      },
    });
    const result = outcome.results[0];
    if (result?.state !== 'partial') throw new Error(`the cut cell should have stopped early, not be ${result?.state}`);
    expect(result.error.code).toBe('TARGET');
    expect(result.error.detail?.kind).toBe('connection-lost');
    const kept = result.run.latencyMs.samples;
    // Every run the studio was told about before the cut is kept (the runner may have reported more just before).
    expect(kept.length).toBeGreaterThanOrEqual(seenRuns);
    expect(kept.every((ms) => ms > 0)).toBe(true);
    expect(result.error.context.partialSamples).toBe(String(kept.length));
    const sorted = [...kept].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const medianMs = Number((sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2).toPrecision(3));
    expect(result.error.message).toMatch(
      new RegExp(
        `^The SSH connection to cut-board \\(.+\\) was lost while measuring \\(.+\\); check the board's power and network, then run again \\(the next job reconnects\\)\\. ` +
          `The studio kept ${kept.length} samples measured before the link dropped \\(median ${String(medianMs).replace('.', '\\.')} ms\\)\\.$`,
      ),
    );
    // The samples are a run of their own, marked partial with the lost link as its reason.
    const run = result.run;
    expect(RunFile.parse(run)).toEqual(run);
    expect(run).toMatchObject({ status: 'partial', verdict: 'unstable', target: { kind: 'ssh', name: 'cut-board' }, stopped: { code: 'TARGET', before: 'the link dropped' } });
    expect(run.stopped?.reason).toMatch(/^The SSH connection to cut-board \(.+\) was lost while measuring/);
    expect(run.latencyMs.samples).toEqual(kept);
    expect(run.latencyMs.count).toBe(kept.length);

    await board.restart();
    const next = await completedRun(session.runBenchmark(jobFor(DEMO_ONNX_PATH, null), {}));
    expect(next.latencyMs.count).toBe(20);
    await session.close();
  });

  test('a frozen link (nothing answers, TCP still open) is noticed by keepalive and ends the run as a partial one', async () => {
    const session = await sessionFor(board, 'frozen-board', { keepaliveIntervalMs: 300, keepaliveCountMax: 2 });
    let frozen: number[] = [];
    const running = session.runBenchmark(jobFor(DEMO_ONNX_PATH, null, LONG_RUN), {
      onProgress: (progress) => {
        if (progress.phase === 'measuring' && progress.completed > 0 && frozen.length === 0) frozen = board.freezeSessions();
      },
    });
    const { error, run } = await partialOf(running);
    for (const pid of [...frozen, ...remoteRunners(board)]) signalQuietly(pid, 'SIGKILL');
    expect(error.detail?.kind).toBe('connection-lost');
    expect(error.detail).toMatchObject({ kind: 'connection-lost', reason: 'Keepalive timeout' });
    // What was measured before the link froze is kept, as a partial run with every kept sample.
    expect(run.latencyMs.count).toBeGreaterThan(0);
    expect(error.context.partialSamples).toBe(String(run.latencyMs.count));
    expect(run).toMatchObject({ status: 'partial', target: { kind: 'ssh', name: 'frozen-board' }, stopped: { before: 'the link dropped' } });
    await session.close();
  });

  test('two boards run the same matrix in parallel, each cell recorded under its board', async () => {
    const model = { name: 'demo-mnist', path: DEMO_ONNX_PATH, variant: 'float', info: await inspectModelFiles([DEMO_ONNX_PATH]) };
    const cells = planMatrix([model], undefined, [1, 2]);
    const sessions = await Promise.all([sessionFor(board, 'board-a'), sessionFor(second, 'board-b')]);
    // board-a may not finish its first cell until board-b has started one: run one board after
    // the other and this never resolves (the test times out); run them in parallel and it does.
    let boardBStarted!: () => void;
    const boardBRunning = new Promise<void>((resolve) => {
      boardBStarted = resolve;
    });
    const outcomes = await runSshMatrix('job-two-boards', sessions, cells, BenchSettings.parse({ warmupRuns: 2, runs: 300, minTimeMs: 0, threads: 1, profileRuns: 0 }), {
      onProgress: (target) => {
        if (target === 'board-b') boardBStarted();
      },
      onCellDone: (target) => (target === 'board-a' ? boardBRunning : undefined),
    });
    await Promise.all(sessions.map((session) => session.close()));

    expect(outcomes.map((outcome) => outcome.target)).toEqual(['board-a', 'board-b']);
    for (const outcome of outcomes) {
      expect(outcome.cancelled).toBe(false);
      expect(outcome.results.map((result) => (result.state === 'completed' ? [result.run.target.name, result.run.runtime.threads] : result.state))).toEqual([
        [outcome.target, 1],
        [outcome.target, 2],
      ]);
    }
    // Each board's cells have their own indices in the job, as the studio's per-target planning gives them.
    expect(outcomes.flatMap((outcome) => outcome.results.map((result) => (result.state === 'completed' ? result.run.job : null)))).toEqual([
      { id: 'job-two-boards', cell: 0, cells: 4 },
      { id: 'job-two-boards', cell: 1, cells: 4 },
      { id: 'job-two-boards', cell: 2, cells: 4 },
      { id: 'job-two-boards', cell: 3, cells: 4 },
    ]);
  });
});

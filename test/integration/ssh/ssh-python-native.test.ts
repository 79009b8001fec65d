/**
 * Boards where the studio's Node runner is not the one chosen, behind a real sshd (the "board" is
 * this machine): a TFLite model runs through the uploaded Python runner under the Python that
 * has pyarmnn (Debian's python3-pyarmnn, CpuRef backend); the board's own benchmark_model runs on
 * the same cached model file and its parsed output lands in the run; model uploads report
 * progress; and a link cut while the Python runner measures keeps the samples gathered so far.
 *
 * benchmark_model cannot be installed here, so the board's PATH holds a STAND-IN: a shell script
 * that records its arguments and prints a recorded-style output from test/fixtures/native-tools/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalBenchJob } from '../../../src/core/bench/run-local-benchmark';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { planMatrix, runMatrix } from '../../../src/core/jobs/matrix';
import { parseBenchmarkModelOutput } from '../../../src/core/targets/native-tools/benchmark-model';
import { findPythonRunnerScript, pythonRunnerDigest, pythonRunnerFiles } from '../../../src/core/targets/native-tools/python-spawner';
import { KnownHostsStore } from '../../../src/core/targets/ssh/known-hosts';
import { uploadFileToCache, uploadTreeToCache } from '../../../src/core/targets/ssh/sftp-cache';
import { sshTargetKind } from '../../../src/core/targets/ssh/ssh-matrix-target';
import { SshTargetSession } from '../../../src/core/targets/ssh/ssh-target';
import { BenchSettings, RuntimeOptions } from '../../../src/shared/run-schema';
import { completedRun, partialOf } from '../../unit/runner/bench-helpers';
import { PYTHON, demoModel, requirePythonWithPyarmnn } from '../python-runner/python-env';
import { sshdAvailable, startSshd, type Sshd } from './sshd-fixture';

const FIXTURES = fileURLToPath(new URL('../../fixtures/native-tools/', import.meta.url));
const PI4_OUTPUT = join(FIXTURES, 'benchmark_model-2.15-pi4.txt');
const FAILED_OUTPUT = join(FIXTURES, 'benchmark_model-failed.txt');
const OP_PROFILE_OUTPUT = join(FIXTURES, 'benchmark_model-2.15-demo-op-profiling.txt');

/** The stand-in tool's folder: it reads what to print from output-file and how to exit from exit-code. */
const toolDir = mkdtempSync(join(tmpdir(), 'edgebench-fake-tools-'));
const argsFile = join(toolDir, 'args.txt');
function fakeToolPrints(outputFile: string, exitCode = 0): void {
  writeFileSync(join(toolDir, 'output-file'), outputFile);
  writeFileSync(join(toolDir, 'exit-code'), String(exitCode));
}
function writeFakeBenchmarkModel(): void {
  const script = [
    '#!/bin/sh',
    "# STAND-IN for TensorFlow Lite's benchmark_model, which cannot be installed on this machine (an EdgeBench test fixture).",
    '# It records its arguments and prints a recorded-style output on stderr, where the real tool logs.',
    `printf '%s\\n' "$@" > '${argsFile}'`,
    `cat "$(cat '${join(toolDir, 'output-file')}')" >&2`,
    `exit "$(cat '${join(toolDir, 'exit-code')}')"`,
    '',
  ].join('\n');
  writeFileSync(join(toolDir, 'benchmark_model'), script);
  chmodSync(join(toolDir, 'benchmark_model'), 0o755);
  fakeToolPrints(PI4_OUTPUT);
}

async function tfliteJob(settings: Partial<BenchSettings> = {}): Promise<LocalBenchJob> {
  const info = await inspectModelFiles([demoModel]);
  return {
    modelPath: demoModel,
    model: { name: basename(demoModel), format: 'tflite', sha256: info.sha256, sizeBytes: info.sizeBytes, variant: 'float' },
    inputsInfo: info.inputs,
    runtime: 'litert',
    settings: BenchSettings.parse({ warmupRuns: 2, runs: 20, minTimeMs: 0, threads: 1, profileRuns: 0, ...settings }),
    targetName: 'This computer',
  };
}

describe.skipIf(!sshdAvailable())('Python runner and native tools on SSH boards (real sshd)', () => {
  /** The login's own environment: python3 on its PATH is pyenv's, without pyarmnn; Debian's /usr/bin/python3 has it. */
  let board: Sshd;
  /** The stand-in benchmark_model first on the PATH, and a home folder of its own (the default cache lands there). */
  let toolBoard: Sshd;
  beforeAll(async () => {
    requirePythonWithPyarmnn();
    writeFakeBenchmarkModel();
    [board, toolBoard] = await Promise.all([startSshd(), startSshd({ pathPrefix: [toolDir], ownHome: true })]);
  });
  afterAll(async () => {
    await Promise.all([board?.stop(), toolBoard?.stop()]);
  });

  const sessionFor = async (sshd: Sshd, name: string, notices: string[] = []): Promise<SshTargetSession> =>
    new SshTargetSession(sshd.spec(name), {
      connect: { knownHosts: await KnownHostsStore.open(join(sshd.dir, 'known_hosts')), identityFile: sshd.clientKey, acceptNewHostKey: true },
      cacheDir: join(sshd.dir, 'board-cache'),
      onNotice: (message) => notices.push(message),
    });

  test('a TFLite model runs on the board through the uploaded Python runner, under the Python that has pyarmnn', async () => {
    const notices: string[] = [];
    const session = await sessionFor(board, 'py-board', notices);
    const run = await completedRun(session.runBenchmark(await tfliteJob(), {}));

    expect(run.target).toMatchObject({ kind: 'ssh', name: 'py-board' });
    expect(run.runtime).toMatchObject({ name: 'litert', backend: 'pyarmnn CpuRef', version: expect.stringMatching(/^pyarmnn \d+\.\d+\.\d+$/) as string });
    expect(run.latencyMs.count).toBe(20);
    expect(run.latencyMs.samples.every((ms) => ms > 0)).toBe(true);
    expect(run.memory.peakRssBytes).toBeGreaterThan(0);
    expect(run.native).toBeUndefined();
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^py-board: using the Python runner \\(pyarmnn \\S+ on Python 3\\.\\d+\\.\\d+ at ${PYTHON}\\)\\.$`))]);

    // The runner (its entry script and every edgebench_*.py module) sits in one folder of the board's cache named by their content; it is not sent again.
    const files = pythonRunnerFiles(findPythonRunnerScript());
    expect(files.map((file) => basename(file))).toEqual(expect.arrayContaining(['edgebench_runner.py', 'edgebench_session.py', 'edgebench_armnn.py', 'edgebench_onnx.py']));
    expect(files.map((file) => basename(file))).not.toContain('export_pytorch.py');
    const runnerDir = join(board.dir, 'board-cache', 'python-runner', pythonRunnerDigest(files));
    for (const file of files) expect(readFileSync(join(runnerDir, basename(file))).equals(readFileSync(file))).toBe(true);
    const again = await uploadTreeToCache(await session.connection(), files.map((localPath) => ({ localPath, relativePath: basename(localPath) })), runnerDir);
    expect(again.uploaded).toBe(false);
    await session.close();
  });

  test('python:pyarmnn on the board: the Arm NN backend asked for is the one that runs, and the run records it; one the board lacks is one sentence', async () => {
    const session = await sessionFor(board, 'armnn-board');
    const cpuRef = { ...(await tfliteJob({ runtimeOptions: RuntimeOptions.parse({ armnnBackend: 'CpuRef' }) })), runtime: 'python:pyarmnn' as const };
    const run = await completedRun(session.runBenchmark(cpuRef, {}));
    expect(run.runtime).toMatchObject({ name: 'python:pyarmnn', backend: 'pyarmnn CpuRef', version: expect.stringMatching(/^pyarmnn \d+\.\d+\.\d+$/) as string });
    expect(run.accelerator).toEqual({ requested: ['CpuRef'], used: ['CpuRef'], unavailable: [] });
    const cpuAcc = { ...(await tfliteJob({ runtimeOptions: RuntimeOptions.parse({ armnnBackend: 'CpuAcc' }) })), runtime: 'python:pyarmnn' as const };
    await expect(session.runBenchmark(cpuAcc, {})).rejects.toThrow(/Arm NN here has the backends CpuRef, not CpuAcc; install the backend/);
    await session.close();
  });

  test("through the target registry: the job's cell index, upload progress up to the model's size, and benchmark_model's result beside the runner's", async () => {
    const uploads: Array<[number, number]> = [];
    const logs: string[] = [];
    const config = { kind: 'ssh' as const, name: 'pi-with-tools', host: '127.0.0.1', port: toolBoard.port, user: toolBoard.spec().user, auth: 'key' as const, identityFile: toolBoard.clientKey };
    const opened = await sshTargetKind.open(config, {
      knownHostsFile: join(toolBoard.dir, 'studio_known_hosts'),
      acceptHostKey: 'any-new',
      onUpload: (sent, total) => uploads.push([sent, total]),
      onLog: (_direction, text) => logs.push(text),
    });
    const model = { name: 'demo-mnist', path: demoModel, variant: 'float', info: await inspectModelFiles([demoModel]) };
    // As bench-jobs plans it: this target's cells numbered after another target's three.
    const cells = planMatrix([model], undefined, [1], 3);
    const outcome = await runMatrix('job-tools', cells, BenchSettings.parse({ warmupRuns: 2, runs: 20, minTimeMs: 0, threads: 1, profileRuns: 0 }), {
      target: opened.target,
      totalCells: 4,
    });
    await opened.close();

    const result = outcome.results[0];
    if (result?.state !== 'completed') throw new Error(`the cell did not complete: ${result === undefined ? 'no result' : result.state === 'cancelled' ? 'cancelled' : result.error.message}`);
    const run = result.run;
    expect(run.job).toEqual({ id: 'job-tools', cell: 3, cells: 4 });
    expect(run.runtime.backend).toBe('pyarmnn CpuRef');
    expect(logs).toEqual([expect.stringMatching(/^pi-with-tools: using the Python runner/)]);

    const sizeBytes = statSync(demoModel).size;
    expect(uploads.at(-1)).toEqual([sizeBytes, sizeBytes]);
    for (let i = 1; i < uploads.length; i++) expect(uploads[i]![0]).toBeGreaterThan(uploads[i - 1]![0]);

    // The tool ran on the model file the runner loaded: the default cache under the board's home, by content hash.
    const remoteModel = join(toolBoard.dir, 'home', '.cache', 'edgebench', run.model.sha256, 'demo-mnist.tflite');
    expect(readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual([
      `--graph=${remoteModel}`,
      '--num_threads=1',
      '--num_runs=20',
      '--warmup_runs=2',
      '--min_secs=0',
      '--warmup_min_secs=0',
      '--enable_op_profiling=false',
      '--report_peak_memory_footprint=true',
    ]);
    const expected = parseBenchmarkModelOutput(readFileSync(PI4_OUTPUT, 'utf8'));
    expect(run.native).toEqual([{ ...expected, command: expect.stringContaining(`benchmark_model' '--graph=${remoteModel}'`) as string }]);
    expect(run.native?.[0]?.latencyMs).toEqual({ mean: 121.31, count: 50, min: 119.867, max: 125.321, stddev: 1.071 });
    expect(run.native?.[0]?.measures).toMatch(/^TFLite benchmark_model: /);
    // The studio runner's own numbers are untouched by the tool's.
    expect(run.latencyMs.count).toBe(20);
  });

  test("with profile runs, benchmark_model's op profile becomes the run's per-op profile on the model graph's node ids", async () => {
    const session = await sessionFor(toolBoard, 'profiling-board');
    fakeToolPrints(OP_PROFILE_OUTPUT);
    try {
      const run = await completedRun(session.runBenchmark(await tfliteJob({ profileRuns: 5 }), {}));
      expect(readFileSync(argsFile, 'utf8').trim().split('\n').slice(-2)).toEqual(['--enable_op_profiling=true', '--report_peak_memory_footprint=true']);
      expect(run.native?.[0]?.opProfile?.rows).toHaveLength(4);
      expect(run.profile).toMatchObject({ runs: 50, source: 'benchmark_model' });
      expect(run.profile?.nodes.map((n) => n.name)).toEqual(['CONV_2D_1', 'CONV_2D_0', 'FULLY_CONNECTED_3', 'RESHAPE_2']);
    } finally {
      fakeToolPrints(PI4_OUTPUT);
      await session.close();
    }
  });

  test('nativeTools off leaves the tool alone; a tool that fails is a warning quoting it, and the run still completes', async () => {
    const session = await sessionFor(toolBoard, 'tools-board');
    writeFileSync(argsFile, '');
    const off = await completedRun(session.runBenchmark(await tfliteJob({ nativeTools: false }), {}));
    expect(off.native).toBeUndefined();
    expect(readFileSync(argsFile, 'utf8')).toBe('');
    expect(off.settings.nativeTools).toBe(false);

    fakeToolPrints(FAILED_OUTPUT, 1);
    try {
      const failed = await completedRun(session.runBenchmark(await tfliteJob(), {}));
      expect(failed.native).toBeUndefined();
      expect(failed.latencyMs.count).toBe(20);
      const warning = failed.warnings.find((w) => w.code === 'native-tool-failed');
      expect(warning?.message).toMatch(/^benchmark_model on tools-board gave no result \(benchmark_model printed no 'Inference timings in us' line, so it did not finish measuring; it said: ERROR: .+\); the studio runner's numbers are unaffected\. The command was: .+benchmark_model' '--graph=/);
    } finally {
      fakeToolPrints(PI4_OUTPUT);
      await session.close();
    }
  });

  test('a larger model upload reports progress up to its size; a cached one sends nothing', async () => {
    const session = await sessionFor(board, 'upload-board');
    const file = join(board.dir, 'big-model.tflite');
    writeFileSync(file, randomBytes(3 * 1024 * 1024 + 123));
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const progress: Array<[number, number]> = [];
    const conn = await session.connection();
    const sent = await uploadFileToCache(conn, file, { cacheDir: join(board.dir, 'board-cache'), fileName: 'big-model.tflite', sha256, onProgress: (s, t) => progress.push([s, t]) });
    expect(sent.uploaded).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([sent.sizeBytes, sent.sizeBytes]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
    expect(existsSync(sent.remotePath) && statSync(sent.remotePath).size).toBe(sent.sizeBytes);

    const again: Array<[number, number]> = [];
    await uploadFileToCache(conn, file, { cacheDir: join(board.dir, 'board-cache'), fileName: 'big-model.tflite', sha256, onProgress: (s, t) => again.push([s, t]) });
    expect(again).toEqual([]);
    await session.close();
  });

  test('a link cut while the Python runner measures ends the run as a partial one of the samples it reported', async () => {
    const session = await sessionFor(board, 'py-cut-board');
    let seenRuns = 0;
    const running = session.runBenchmark(await tfliteJob({ runs: 1_000_000, warmupRuns: 1 }), {
      onProgress: (progress) => {
        if (progress.phase === 'measuring' && progress.completed >= 50 && seenRuns === 0) {
          seenRuns = progress.completed;
          board.killAll();
        }
      },
    });
    const { error, run } = await partialOf(running);
    expect(error.detail?.kind).toBe('connection-lost');
    const kept = run.latencyMs.samples;
    expect(kept.length).toBeGreaterThanOrEqual(seenRuns);
    expect(error.context.partialSamples).toBe(String(kept.length));
    expect(error.message).toMatch(new RegExp(`The studio kept ${kept.length} samples measured before the link dropped \\(median [\\d.e-]+ ms\\)\\.$`));
    await board.restart();
    await session.close();
  });
});

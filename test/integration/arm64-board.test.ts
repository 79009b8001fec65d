/**
 * The test lab's arm64 board (scripts/lab-arm64): Debian bookworm arm64 run through qemu-user
 * with its own sshd in a network namespace. The studio's CLI probes it with its host key pinned
 * (no accepting), then benchmarks the demo ONNX and TFLite models on it and on this computer in
 * one matrix: ONNX through the Node runner with onnxruntime-node's linux-arm64 files on Debian's
 * arm64 Node 18, TFLite through the Python runner on Arm NN's NEON backend (CpuAcc).
 * Its figures are emulated: they are checked for being there and labelled, never for speed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EMULATED_WARNING_CODE } from '../../src/core/targets/ssh/emulated-board';
import { RunFile } from '../../src/shared/run-schema';
import { ensureImage, startArm64Board, type Arm64Board } from '../../scripts/lab-arm64/board';
import { labArm64Available } from '../helpers/lab-arm64';
import { repoRoot, runCli } from '../helpers/run-cli';

const DEMO_ONNX = join(repoRoot, 'resources/models/demo-mnist.onnx');
const DEMO_TFLITE = join(repoRoot, 'resources/models/demo-mnist.tflite');
/** CI builds the image in the background from .ci/run's start; waiting for it is not the test's time. */
const IMAGE_WAIT_MS = 15 * 60_000;

describe.skipIf(!labArm64Available())('the arm64 lab board (Debian arm64 under qemu-user, emulated)', () => {
  let board: Arm64Board;
  const keys = (): string[] => ['--identity', board.identityFile, '--known-hosts', board.knownHostsFile];

  beforeAll(async () => {
    const image = await ensureImage({ timeoutMs: IMAGE_WAIT_MS });
    board = await startArm64Board({ image, cores: cpus().length });
  }, IMAGE_WAIT_MS + 120_000);
  afterAll(async () => {
    if (board === undefined) return;
    await board.stop();
    // Stopping leaves nothing behind: no process, network namespace or veth of the board.
    expect(board.pids()).toEqual([]);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.toContain(`${board.netns.replace('edgebench-arm64-', 'ebh')}@`);
    expect(existsSync(`/run/netns/${board.netns}`)).toBe(false);
  });

  test('the probe, with the host key pinned, finds an emulated aarch64 with NEON, the host cores and memory, Node and Arm NN', async () => {
    const result = await runCli(['targets', 'probe', board.spec, ...keys(), '--json'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      machine: string;
      hardware: { arch: string; cpuModel: string; cores: number; memoryBytes: number; os: string; cpuFeatures: string[] };
      node: { version: string } | null;
      runtimes: Array<{ name: string; via: string }>;
    };
    expect(report.machine).toBe('aarch64');
    expect(report.hardware.arch).toBe('arm64');
    expect(report.hardware.cpuFeatures).toEqual(expect.arrayContaining(['asimd']));
    expect(report.hardware.cpuFeatures.some((feature) => ['asimddp', 'i8mm', 'sve', 'fphp', 'asimdhp'].includes(feature))).toBe(true);
    // qemu-user runs the board's threads on this computer's cores, with its memory.
    expect(report.hardware.cores).toBe(cpus().length);
    expect(report.hardware.memoryBytes).toBeGreaterThan(256 * 1024 * 1024);
    // Labelled emulated where a run file shows the board, as the simulated board is labelled simulated.
    expect(report.hardware.cpuModel).toMatch(/emulated/);
    expect(report.hardware.os).toMatch(/Debian GNU\/Linux 12 \(bookworm\), arm64 emulated by qemu-user/);
    expect(report.node?.version).toMatch(/^v18\./);
    expect(report.runtimes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'onnxruntime', via: 'node-runner' }), expect.objectContaining({ name: 'pyarmnn', via: 'python' })]));
  }, 180_000);

  test('a host key other than the pinned one is refused in one sentence with its fingerprint', async () => {
    const wrong = join(board.runDir, 'wrong_known_hosts');
    // The client key stands in for a different host key of the same type.
    writeFileSync(wrong, `${board.host} ${readFileSync(`${board.identityFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const result = await runCli(['targets', 'probe', board.spec, '--identity', board.identityFile, '--known-hosts', wrong], { timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(board.hostFingerprint);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }, 90_000);

  test('one matrix runs the demo ONNX and TFLite models on this computer and on the board, the board with Node on arm64 and Arm NN CpuAcc', async () => {
    // Without --json the CLI says which runner each board used (on stderr); --out keeps the run files.
    const out = join(board.runDir, 'matrix.json');
    const result = await runCli(
      ['bench', DEMO_ONNX, DEMO_TFLITE, '--target', 'local', '--target', board.spec, ...keys(), '--runs', '20', '--warmup', '2', '--profile-runs', '0', '--out', out],
      { timeoutMs: 600_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const runs = (JSON.parse(readFileSync(out, 'utf8')) as unknown[]).map((run) => RunFile.parse(run));
    expect(runs).toHaveLength(4);
    const jobs = new Set(runs.map((run) => run.job?.id));
    expect(jobs.size).toBe(1);
    expect(runs.map((run) => run.job?.cells)).toEqual([4, 4, 4, 4]);

    const local = runs.filter((run) => run.target.kind === 'local');
    const onBoard = runs.filter((run) => run.target.kind === 'ssh');
    expect(local.map((run) => run.model.format).sort()).toEqual(['onnx', 'tflite']);
    expect(onBoard.map((run) => run.model.format).sort()).toEqual(['onnx', 'tflite']);
    for (const run of onBoard) {
      expect(run.status ?? 'completed').toBe('completed');
      expect(run.target).toMatchObject({ spec: board.spec, hardware: { arch: 'arm64' } });
      expect(run.target.hardware.cpuModel).toMatch(/emulated/);
      expect(run.target.hardware.os).toMatch(/emulated/);
      expect(run.target.name).toBe(`root@${board.host} (emulated)`);
      expect(run.warnings.map((warning) => warning.code)).toContain(EMULATED_WARNING_CODE);
      expect(run.latencyMs.count).toBeGreaterThanOrEqual(20);
      expect(run.latencyMs.median).toBeGreaterThan(0);
    }
    const boardOnnx = onBoard.find((run) => run.model.format === 'onnx');
    const boardTflite = onBoard.find((run) => run.model.format === 'tflite');
    // The Node runner loaded onnxruntime-node's linux-arm64 binding on the board's own Node.
    expect(boardOnnx?.runtime).toMatchObject({ name: 'onnxruntime', backend: 'cpu' });
    expect(result.stderr).toMatch(/using the studio's Node runner \(onnxruntime-node [\d.]+ on Node v18\.[\d.]+, arm64\)/);
    expect(result.stderr).toMatch(/using the Python runner \(pyarmnn [\d.]+ on Python 3\.[\d.]+ at \/usr\/bin\/python3\)/);
    // The printed runs name the board as emulated, as the simulated serial board is named simulated.
    expect(result.stdout).toContain(`on root@${board.host} (emulated):`);
    // Arm NN ran the TFLite model on its NEON backend.
    expect(boardTflite?.runtime.backend).toMatch(/CpuAcc/);
    for (const run of local) {
      expect(run.target.hardware.arch).toBe(process.arch);
      expect(run.warnings.map((warning) => warning.code)).not.toContain(EMULATED_WARNING_CODE);
    }

    // Nothing is left running on the board but its sshd.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const left = board.pids().map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        return '';
      }
    });
    expect(left.filter((cmd) => /edgebench_runner|node-runner/.test(cmd))).toEqual([]);
  }, 660_000);
});

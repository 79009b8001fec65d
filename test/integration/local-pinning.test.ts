/**
 * `edgebench bench --cpus` on This computer, for real, and the studio's bench job, which takes the
 * same path: each cell's runner is pinned with taskset and the run records the CPUs every thread
 * of that runner was allowed on, read from /proc while it ran; onnxruntime-node, LiteRT.js, TF.js
 * and the Python runner (Arm NN) alike; a mask this computer cannot meet is refused in one
 * sentence before any runner starts (exit 2 in the CLI); and `edgebench repro` of a pinned run
 * pins its re-run the same way. The CPUs asked for are the first and last this test process may
 * use (0 and 1 on a 2-vCPU machine).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../src/shared/contract';
import { allowedCpusFromStatus } from '../../src/shared/cpu-pinning';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';
import { tempDir } from '../unit/reports/run-fixtures';
import { requirePythonWithPyarmnn } from './python-runner/python-env';

const SHORT = ['--runs', '20', '--warmup', '2', '--warmup-time', '0', '--profile-runs', '0', '--threads', '2'];
const TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const TFJS = path.join(repoRoot, 'resources/models/demo-mnist-tfjs/model.json');

interface PinnedRun {
  runtime: { name: string };
  settings: { cpus?: string };
  cpuPinning?: { cpus: number[]; clusters: string; allowedCpus?: number[] };
  latencyMs: { count: number };
}

const allowed = allowedCpusFromStatus(readFileSync('/proc/self/status', 'utf8')) ?? [0];
const first = allowed[0] as number;
const last = allowed.at(-1) as number;
const maskOf = (cpu: number): string => `0x${(1n << BigInt(cpu)).toString(16)}`;

describe.runIf(process.platform === 'linux')('CPU pinning on This computer (Linux)', () => {
  it('--cpus FIRST,LAST is a CPU axis: each run pinned, its runner threads allowed only on the CPU asked for', async () => {
    const selections = [...new Set([maskOf(first), maskOf(last)])];
    const result = await runCli(['bench', demoModelPath, ...SHORT, '--cpus', selections.join(','), '--json'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout) as PinnedRun[] | PinnedRun;
    const list = Array.isArray(runs) ? runs : [runs];
    expect(list.map((run) => run.settings.cpus)).toEqual(selections);
    expect(list.map((run) => run.cpuPinning?.allowedCpus)).toEqual([...new Set([first, last])].map((cpu) => [cpu]));
    expect(list.map((run) => run.cpuPinning?.cpus)).toEqual([...new Set([first, last])].map((cpu) => [cpu]));
    for (const run of list) expect(run.latencyMs.count).toBe(20);
  });

  it('the human output says which CPU the runner was allowed on; all pins nothing and records every CPU', async () => {
    const result = await runCli(['bench', demoModelPath, ...SHORT, '--cpus', `all,${maskOf(last)}`], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`  cpus all: CPUs ${allowed.length === 1 ? first : `${first}-${last}`} of `);
    expect(result.stdout).toContain(`  cpus ${maskOf(last)}: CPUs ${last} of `);
    expect(result.stdout).toContain(`; the runner was allowed on ${last}\n`);
  });

  it('LiteRT.js, TF.js and the Python runner (Arm NN) are pinned alike', async () => {
    requirePythonWithPyarmnn();
    const env = { EDGEBENCH_PYTHON: '/usr/bin/python3' };
    const tflite = await runCli(['bench', TFLITE, '--runtime', 'litert,python:pyarmnn', '--armnn-backend', 'CpuRef', ...SHORT, '--cpus', maskOf(last), '--json'], { env, timeoutMs: 180_000 });
    expect(tflite.code, tflite.stderr).toBe(0);
    const tfjs = await runCli(['bench', TFJS, ...SHORT, '--cpus', maskOf(first), '--json'], { timeoutMs: 120_000 });
    expect(tfjs.code, tfjs.stderr).toBe(0);
    const runs = [...(JSON.parse(tflite.stdout) as PinnedRun[]), JSON.parse(tfjs.stdout) as PinnedRun];
    expect(runs.map((run) => [run.runtime.name, run.cpuPinning?.allowedCpus])).toEqual([
      ['litert', [last]],
      ['python:pyarmnn', [last]],
      ['tfjs', [first]],
    ]);
  });

  it('a mask naming no CPU of this computer is exit 2, one sentence, before any runner starts', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'run.json');
    const impossible = maskOf(Math.max(...allowed) + 1);
    const result = await runCli(['bench', demoModelPath, ...SHORT, '--cpus', `all,${impossible}`, '--out', out], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^edgebench bench: cpus=${impossible} does not fit This computer: mask ${impossible} selects none of its CPUs; its CPUs are .+, so use all or a mask of CPUs 0–${last}\\.$`))]);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('edgebench repro of a pinned run re-runs it pinned to the same CPU', async () => {
    const dir = await tempDir();
    const original = path.join(dir, 'original.json');
    const made = await runCli(['bench', demoModelPath, ...SHORT, '--cpus', maskOf(last), '--out', original], { timeoutMs: 120_000 });
    expect(made.code, made.stderr).toBe(0);
    const fresh = path.join(dir, 'fresh.json');
    const repro = await runCli(['repro', original, '--json', '--out', fresh], { timeoutMs: 120_000 });
    expect([0, 1]).toContain(repro.code); // reproduced or not is this machine's business; the pinning is the test's
    expect(repro.stderr).toContain(` --cpus ${maskOf(last)}`);
    const rerun = JSON.parse(readFileSync(fresh, 'utf8')) as PinnedRun;
    expect(rerun.settings.cpus).toBe(maskOf(last));
    expect(rerun.cpuPinning).toMatchObject({ cpus: [last], allowedCpus: [last] });
  });
});

describe.runIf(process.platform === 'linux')("CPU pinning on This computer from the studio (the New-benchmark form's CPUs field)", () => {
  it('a job with CPUs on This computer pins each cell; a selection this computer cannot meet fails its cell in one sentence before any runner starts', async () => {
    const dir = await tempDir('edgebench-pin-studio-');
    const studio = await openStudio({ workspaceDir: dir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
    try {
      const api = createApiClient(directTransport(studio));
      const model = await api.models.importFiles({ files: [{ name: 'demo-mnist.onnx', dataBase64: readFileSync(demoModelPath).toString('base64') }] });
      // Events are kept from before the job's id is known: a cell refused before any runner ends at once.
      const cellsDone: Array<EventPayload<'bench.cellDone'>> = [];
      const jobsDone: Array<EventPayload<'bench.done'>> = [];
      const waiters: Array<() => void> = [];
      studio.onEvent(<E extends EventName>(event: E, payload: EventPayload<E>) => {
        if (event === 'bench.cellDone') cellsDone.push(payload as EventPayload<'bench.cellDone'>);
        if (event === 'bench.done') jobsDone.push(payload as EventPayload<'bench.done'>);
        for (const wake of waiters.splice(0)) wake();
      });
      const job = async (cpus: string[]): Promise<{ runIds: string[]; failures: string[] }> => {
        const { jobId } = await api.bench.start({ modelIds: [model.id], targetIds: ['local'], threads: [1], cpus, settings: { runs: 10, warmupRuns: 1, warmupMinTimeMs: 0, profileRuns: 0 } });
        while (!jobsDone.some((done) => done.jobId === jobId)) await new Promise<void>((resolve) => waiters.push(resolve));
        const failures = cellsDone.flatMap((cell) => (cell.jobId === jobId && !cell.ok ? [cell.error.message] : []));
        return { runIds: jobsDone.find((done) => done.jobId === jobId)?.runIds ?? [], failures };
      };
      const pinned = await job([maskOf(last)]);
      expect(pinned.failures).toEqual([]);
      const [run] = await Promise.all(pinned.runIds.map((id) => api.runs.get({ id })));
      expect(run?.settings.cpus).toBe(maskOf(last));
      expect(run?.cpuPinning).toMatchObject({ cpus: [last], allowedCpus: [last] });
      const impossible = maskOf(Math.max(...allowed) + 1);
      const refused = await job([impossible]);
      expect(refused.runIds).toEqual([]);
      expect(refused.failures).toEqual([expect.stringMatching(new RegExp(`^cpus=${impossible} does not fit This computer: mask ${impossible} selects none of its CPUs; .+\\.$`))]);
    } finally {
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

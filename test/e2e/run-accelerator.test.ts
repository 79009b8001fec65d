/**
 * A run made with an accelerator says in its detail what ran, what was asked for and not used, and
 * which ops stayed on the CPU. The run file is written as the Python runner and the studio make it
 * for the Edge TPU delegate with edgetpu_compiler's log given (its op table is the recorded-format
 * fixture test/fixtures/accelerators/edgetpu-compiler-partial.txt; no Edge TPU exists here).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilerLogOps, readEdgeTpuCompilerLog } from '../../src/core/targets/python-runtimes-accelerators';
import { RunFile } from '../../src/shared/run-schema';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace } from './helpers/studio-server';
import { syntheticRun } from './helpers/synthetic-run';

const LOG = path.join(import.meta.dirname, '..', 'fixtures', 'accelerators', 'edgetpu-compiler-partial.txt');

const studio = useStudioSession({
  server: async () => {
    const workspaceDir = await makeTempWorkspace();
    const base = syntheticRun({ id: 'edgetpu-run', samples: 200, medianMs: 1.4, seed: 11, createdAt: '2026-12-07T10:00:00.000Z' });
    const run = RunFile.parse({
      ...base,
      target: { ...base.target, kind: 'ssh', name: 'coral' },
      runtime: { name: 'python:litert', version: 'tflite_runtime 2.14.0', threads: 1, backend: 'tflite_runtime Edge TPU delegate' },
      accelerator: {
        requested: ['edgetpu'],
        used: ['edgetpu'],
        unavailable: [],
        ops: compilerLogOps(readEdgeTpuCompilerLog(LOG)),
      },
    });
    const cpuOnly = RunFile.parse({ ...syntheticRun({ id: 'cpu-run', samples: 200, medianMs: 2.1, seed: 12, createdAt: '2026-12-07T09:00:00.000Z' }) });
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    await writeFile(path.join(workspaceDir, 'runs', `${run.id}.json`), JSON.stringify(run));
    await writeFile(path.join(workspaceDir, 'runs', `${cpuOnly.id}.json`), JSON.stringify(cpuOnly));
    return { workspaceDir };
  },
});

describe('run detail: the accelerator', () => {
  it('says what ran, where the ops went and which stayed on the CPU with the compiler\'s reasons; a CPU-only run shows no such section', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await studio.page.locator('[data-testid="run-row"]', { hasText: '(edgetpu-run)' }).first().click();
    const section = studio.page.getByTestId('run-accelerator');
    await section.waitFor();
    await expect(section.getByTestId('accelerator-used').textContent()).resolves.toBe('Ran onedgetpu');
    await expect(section.getByTestId('accelerator-ops').textContent()).resolves.toBe("Ops10 ops on the accelerator, 4 on the CPU (edgetpu_compiler's log)");
    await section.getByTestId('accelerator-cpu-ops').locator('summary').click();
    await expect(section.locator('li[data-op="TRANSPOSE"]').textContent()).resolves.toBe('TRANSPOSE ×2 (Operation not supported)');
    await expect(section.locator('li').count()).resolves.toBe(3);

    await studio.page.getByTestId('nav-runs').click();
    await studio.page.locator('[data-testid="run-row"]', { hasText: '(cpu-run)' }).first().click();
    await studio.page.locator('[data-testid="run-detail"][data-run-id="cpu-run"]').waitFor();
    await expect(studio.page.getByTestId('run-accelerator').count()).resolves.toBe(0);
    expect(studio.errors).toEqual([]);
  });
});

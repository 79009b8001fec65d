/**
 * The bench form's native Python runtimes, in a real Chromium against browser mode: off by default
 * (nothing asks any Python); on, This computer's Pythons are probed and the one with Debian's
 * python3-pyarmnn offers Arm NN (Python) for a TFLite model; ticked, the job runs the demo TFLite
 * model in LiteRT.js and in Arm NN (CpuRef, for real), and the Arm NN run's detail says what ran.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/workspace/model-store';
import { Workspace } from '../../src/core/workspace/workspace';
import { RunFile } from '../../src/shared/run-schema';
import { requirePythonWithPyarmnn } from '../integration/python-runner/python-env';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';

const studio = useStudioSession({
  server: async () => {
    // The server inherits this process's environment: Debian's interpreter is the one with pyarmnn.
    process.env.EDGEBENCH_PYTHON = '/usr/bin/python3';
    const workspaceDir = await makeTempWorkspace();
    const tflite = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
    await importModel(new Workspace(workspaceDir), [{ name: 'demo-mnist.tflite', data: await readFile(tflite) }]);
    return { workspaceDir };
  },
});

describe("the bench form's native Python runtimes", () => {
  it('off by default; on, offers Arm NN (Python) for a TFLite model, and the job runs it beside LiteRT.js with what ran in its detail', async () => {
    requirePythonWithPyarmnn();
    const { page } = studio;
    await page.getByTestId('nav-runs').click();
    const toggle = page.getByTestId('bench-python-toggle');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);

    // Only the demo TFLite model ticked: Python runtimes are offered for one format at a time.
    for (const box of await page.getByTestId('bench-model-checkbox').all()) await box.uncheck();
    await page.locator('[data-testid="bench-model-option"]:has(.format-tflite)').first().getByTestId('bench-model-checkbox').check();
    await toggle.check();
    const armnn = page.locator('[data-testid="bench-python-runtime"][data-runtime="python:pyarmnn"]');
    await armnn.waitFor({ timeout: 60_000 });
    expect(await armnn.textContent()).toMatch(/^Arm NN \(Python\) pyarmnn \d+\.\d+\.\d+ · Python 3\.\d+\.\d+ at \/usr\/bin\/python3 · has CpuRef$/);
    await armnn.locator('input').check();
    if (process.env.EDGEBENCH_E2E_SHOT) await page.getByTestId('bench-python-runtimes').screenshot({ path: process.env.EDGEBENCH_E2E_SHOT });

    await page.getByTestId('bench-runs-input').fill('50');
    await page.getByTestId('bench-warmup-input').fill('2');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    const runsDir = path.join(studio.server.workspaceDir, 'runs');
    const before = await readdir(runsDir).catch(() => [] as string[]);
    await page.getByTestId('bench-start').click();
    const added = async (): Promise<string[]> => (await readdir(runsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !before.includes(n));
    await expect.poll(async () => (await added()).length, { timeout: 120_000 }).toBe(2);
    const runs = await Promise.all((await added()).map(async (name) => RunFile.parse(JSON.parse(await readFile(path.join(runsDir, name), 'utf8')))));
    expect(runs.map((run) => run.runtime.name).sort()).toEqual(['litert', 'python:pyarmnn']);
    const armnnRun = runs.find((run) => run.runtime.name === 'python:pyarmnn');
    expect(armnnRun?.runtime.backend).toBe('pyarmnn CpuRef');
    expect(armnnRun?.accelerator?.used).toEqual(['CpuRef']);

    // The job's results grid badges the Arm NN cell with what ran (and the op placement's source where the engine gave one); LiteRT.js's cell has no badge.
    const badge = page.locator(`[data-testid="grid-cell"][data-run-id="${armnnRun?.id ?? ''}"]`).getByTestId('grid-accelerator');
    await badge.waitFor();
    expect(await badge.textContent()).toMatch(/^CpuRef/);
    expect(await badge.getAttribute('title')).toMatch(/^Asked for CpuAcc, CpuRef; ran on CpuRef\./);
    const litertRun = runs.find((run) => run.runtime.name === 'litert');
    await expect(page.locator(`[data-testid="grid-cell"][data-run-id="${litertRun?.id ?? ''}"]`).getByTestId('grid-accelerator').count()).resolves.toBe(0);

    // The job's cell row opens its run.
    await page.locator(`[data-testid="bench-cell"][data-run-id="${armnnRun?.id ?? ''}"]`).getByTestId('bench-cell-open').click();
    const section = page.getByTestId('run-accelerator');
    await section.waitFor();
    if (process.env.EDGEBENCH_E2E_SHOT) await section.screenshot({ path: process.env.EDGEBENCH_E2E_SHOT.replace(/\.png$/, '-detail.png') });
    expect(await section.getByTestId('accelerator-used').locator('dd').textContent()).toBe('CpuRef');
    expect(await section.getByTestId('accelerator-unavailable').textContent()).toBe('CpuAcc not used: not in this Arm NN build (it has CpuRef)');
    expect(studio.errors).toEqual([]);
  }, 180_000);
});

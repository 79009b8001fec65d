/**
 * The Runs page's Advanced fields in a real Chromium against browser mode: they are the options of
 * the runtimes the ticked models run on, as the runtime registry describes them (onnxruntime's for
 * the demo ONNX model, TF.js's backend for the TF.js demo), a field off by its enabledWhen says
 * why, a wrong value keeps Start waiting with its message, and the chosen option reaches the run file.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNTIMES } from '../../src/shared/plugins/runtimes';
import { RunFile } from '../../src/shared/run-schema';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DEMO_TFJS = ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(REPO_ROOT, 'resources/models/demo-mnist-tfjs', f));

const studio = useStudioSession();

/** The labels a select offers, in order. */
async function optionLabels(testId: string): Promise<string[]> {
  return studio.page.getByTestId(testId).locator('option').allTextContents();
}

async function hintOf(testId: string): Promise<string> {
  return (await studio.page.locator(`label:has([data-testid="${testId}"]) .field-hint`).textContent()) ?? '';
}

describe('the Advanced fields of the New-benchmark form', () => {
  it("shows onnxruntime's options for the demo ONNX model: choices from its descriptor, inter-op threads only in parallel mode", async () => {
    const page = studio.page;
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('bench-advanced').locator('summary').click();
    expect(await page.getByTestId('bench-advanced').locator('summary').textContent()).toBe('Advanced: onnxruntime options and op profile');

    const specs = RUNTIMES.onnxruntime.optionSpecs;
    const graphChoices = specs.graphOptimizationLevel.field.kind === 'select' ? Object.values(specs.graphOptimizationLevel.field.choices) : [];
    expect(await optionLabels('bench-graph-opt')).toEqual(graphChoices);
    expect(await page.getByTestId('bench-tfjs-backend').count()).toBe(0);

    const interOp = page.getByTestId('bench-interop-input');
    expect(await interOp.isDisabled()).toBe(true);
    expect(await hintOf('bench-interop-input')).toBe('Used in parallel mode only');
    await page.getByTestId('bench-exec-mode').selectOption('parallel');
    expect(await interOp.isEnabled()).toBe(true);
    expect(await hintOf('bench-interop-input')).toBe('0 = runtime decides');

    await interOp.fill('2.5');
    expect(await hintOf('bench-interop-input')).toBe('Enter a whole number.');
    expect(await page.getByTestId('bench-start').isDisabled()).toBe(true);
    await interOp.fill('2');
    expect(await page.getByTestId('bench-start').isEnabled()).toBe(true);
  });

  it("shows the TF.js backend for a TF.js model instead, and the run records the backend chosen", async () => {
    const page = studio.page;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFJS);
    await page.locator('[data-testid="model-row"]').nth(1).waitFor();

    await page.getByTestId('nav-runs').click();
    const options = page.getByTestId('bench-model-option');
    await options.filter({ hasText: 'TensorFlow.js' }).getByTestId('bench-model-checkbox').check();
    await options.filter({ hasText: 'onnxruntime' }).getByTestId('bench-model-checkbox').uncheck();
    const advanced = page.getByTestId('bench-advanced');
    if ((await advanced.getAttribute('open')) === null) await advanced.locator('summary').click();
    // TF.js has no per-op profiler the studio reads: no Profile runs field, and the title does not promise one.
    expect(await advanced.locator('summary').textContent()).toBe('Advanced: TensorFlow.js options');
    expect(await page.getByTestId('bench-profile-runs-input').count()).toBe(0);
    expect(await page.getByTestId('bench-graph-opt').count()).toBe(0);
    const backend = RUNTIMES.tfjs.optionSpecs.tfjsBackend.field;
    expect(await optionLabels('bench-tfjs-backend')).toEqual(backend.kind === 'select' ? Object.values(backend.choices) : []);
    await page.getByTestId('bench-tfjs-backend').selectOption('cpu');

    await page.getByTestId('bench-runs-input').fill('10');
    await page.getByTestId('bench-warmup-input').fill('1');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    const before = await page.getByTestId('run-row').count();
    await page.getByTestId('bench-start').click();
    // One cell: the finished run opens by itself.
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 60_000 }).toBe(before + 1);
    await page.getByTestId('run-detail').waitFor();

    const dir = path.join(studio.server.workspaceDir, 'runs');
    const runs = await Promise.all(
      (await readdir(dir)).filter((name) => name.endsWith('.json')).map(async (name) => RunFile.parse(JSON.parse(await readFile(path.join(dir, name), 'utf8')))),
    );
    expect(runs).toHaveLength(before + 1);
    const run = runs.find((r) => r.runtime.name === 'tfjs');
    expect(run?.settings.runtimeOptions.tfjsBackend).toBe('cpu');
    // The backend asked for is the one that ran.
    expect(run?.runtime.backend).toBe('cpu');
    expect(studio.errors).toEqual([]);
  });
});

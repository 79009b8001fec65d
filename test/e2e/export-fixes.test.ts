/**
 * Issue 13's export fixes in a real Chromium over browser mode: the dialog fits the window with
 * seven runs (its close button, Cancel and Save in view; before the fix they sat ~2,000 px to the
 * right). No sleeps: every wait is for a selector or a condition.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/runs');
const RUNS = 7;
let workspaceDir: string | undefined;
const ids: string[] = [];

afterAll(async () => {
  if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
});

const studio = useStudioSession({
  server: async () => {
    workspaceDir = await makeTempWorkspace();
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    await copyFile(path.join(FIXTURES, 'demo-mnist-tflite.json'), path.join(workspaceDir, 'runs', 'demo-mnist-tflite.json'));
    ids.push((JSON.parse(await readFile(path.join(FIXTURES, 'demo-mnist-tflite.json'), 'utf8')) as { id: string }).id);
    // Copies of a real run under new ids and times: seven runs, as a matrix of a few cells gives.
    const run = JSON.parse(await readFile(path.join(FIXTURES, 'demo-mnist-onnx.json'), 'utf8')) as { id: string; createdAt: string };
    for (let i = 1; i < RUNS; i++) {
      const id = `${run.id.slice(0, -2)}${String(i).padStart(2, '0')}`;
      const createdAt = new Date(Date.parse(run.createdAt) + i * 60_000).toISOString();
      await writeFile(path.join(workspaceDir, 'runs', `copy-${i}.json`), JSON.stringify({ ...run, id, createdAt }));
      ids.push(id);
    }
    return { workspaceDir };
  },
});

/** Whether the element's box lies wholly inside the page's viewport. */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  if (box === null || size === null) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
}

async function openExportOfAllRuns(page: Page): Promise<Locator> {
  await page.getByTestId('nav-runs').click();
  for (const id of ids) await page.locator(`[data-testid="run-row"][data-run-id="${id}"]`).getByTestId('run-pick').check();
  await page.locator('[data-testid="export-button"][data-export-scope="runs"]').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.waitFor();
  return dialog;
}

describe('the export dialog with many runs', () => {
  it('fits the window: close, Cancel and Save are in view with seven runs, at 1400×900 and at 1280×720', async () => {
    const page = studio.page;
    const dialog = await openExportOfAllRuns(page);
    expect(await dialog.getByTestId('export-runs').locator('li').count()).toBe(RUNS);
    await page.locator('[data-testid="export-preview"][data-state="ready"][data-format="html"]').waitFor({ timeout: 60_000 });
    for (const viewport of [
      { width: 1400, height: 900 },
      { width: 1280, height: 720 },
    ]) {
      await page.setViewportSize(viewport);
      for (const id of ['export-close', 'export-cancel', 'export-save']) {
        expect(await inViewport(page, page.getByTestId(id)), `${id} at ${viewport.width}×${viewport.height}`).toBe(true);
      }
    }
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.getByTestId('export-cancel').click();
    await dialog.waitFor({ state: 'detached' });
  });
});

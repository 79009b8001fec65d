/**
 * The export dialog in a real Chromium against browser mode, on a workspace holding the run
 * fixtures: live preview of each format (HTML in a sandboxed frame, Markdown as text, CSV as two
 * files, PDF as its pages), the title and baseline reaching the report, Save as a real
 * download, errors shown in the dialog, and the dialog's keyboard manners (Escape closes it and
 * focus returns to the button). Also makes the README's docs/export.png on request.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';

const EXPORT_SCREENSHOT = path.join(REPO_ROOT, 'docs/export.png');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/runs');

let workspaceDir: string | undefined;
/** Run ids by fixture file name. */
const ids: Record<string, string> = {};

// Registered before the session, so it runs after the session's own afterAll (hooks unwind as a stack).
afterAll(async () => {
  if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
});

const studio = useStudioSession({
  server: async () => {
    workspaceDir = await makeTempWorkspace();
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    for (const file of (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'))) {
      await copyFile(path.join(FIXTURES, file), path.join(workspaceDir, 'runs', file));
      ids[file] = (JSON.parse(await readFile(path.join(FIXTURES, file), 'utf8')) as { id: string }).id;
    }
    return { workspaceDir };
  },
});

function row(fixture: string): Locator {
  return studio.page.locator(`[data-testid="run-row"][data-run-id="${ids[fixture] ?? ''}"]`);
}

/** The preview once it shows the given format's files. */
function previewReady(format: string): Locator {
  return studio.page.locator(`[data-testid="export-preview"][data-state="ready"][data-format="${format}"]`);
}

async function chooseFormat(format: string): Promise<Locator> {
  await studio.page.getByTestId(`export-format-${format}`).check();
  const preview = previewReady(format);
  await preview.waitFor({ timeout: 60_000 });
  return preview;
}

describe('the export dialog', () => {
  it('previews the ticked runs in every format, saves the report as a download, and closes on Escape', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await row('demo-mnist-onnx.json').getByTestId('run-pick').check();
    await row('demo-mnist-tflite.json').getByTestId('run-pick').check();
    const openButton = studio.page.locator('[data-testid="export-button"][data-export-scope="runs"]');
    await openButton.click();

    const dialog = studio.page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').locator('li').count()).toBe(2);
    // showModal() keeps focus inside: it starts on the chosen format.
    expect(await studio.page.locator('[data-testid="export-format-html"]:focus').count()).toBe(1);
    expect(await studio.page.getByTestId('export-format-html').isChecked()).toBe(true);

    // HTML: the report itself, charts drawn as SVG, in a frame that may run no script.
    await previewReady('html').waitFor({ timeout: 60_000 });
    const frame = studio.page.frameLocator('[data-testid="export-preview-html"]');
    await frame.locator('svg').first().waitFor();
    expect(await frame.locator('svg').count()).toBeGreaterThan(0);
    expect(await frame.locator('script').count()).toBe(0);
    expect(await studio.page.getByTestId('export-preview-html').getAttribute('sandbox')).toBe('');
    expect(await studio.page.getByTestId('export-file').count()).toBe(1);

    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(EXPORT_SCREENSHOT)) {
      await mkdir(path.dirname(EXPORT_SCREENSHOT), { recursive: true });
      await studio.page.mouse.move(0, 0);
      await studio.page.screenshot({ path: EXPORT_SCREENSHOT });
    }

    // Markdown: the tables as text, one row per run with its model.
    await chooseFormat('md');
    const markdown = (await studio.page.getByTestId('export-preview-text').textContent()) ?? '';
    expect(markdown).toMatch(/^\| #1 demo-mnist · onnxruntime/m);
    expect(markdown).toMatch(/^\| #2 demo-mnist · litert/m);

    // CSV: one row per run, and every sample, as two files; the second one can be previewed too.
    await chooseFormat('csv');
    const files = studio.page.getByTestId('export-file');
    expect(await files.count()).toBe(2);
    expect(await files.nth(0).getAttribute('data-file-name')).toMatch(/\.csv$/);
    expect(await files.nth(1).getAttribute('data-file-name')).toMatch(/-samples\.csv$/);
    expect(await studio.page.getByTestId('export-save').textContent()).toBe('Save 2 files');
    await files.nth(1).click();
    expect(await studio.page.getByTestId('export-preview-text').textContent()).toMatch(/^run_id,index,latency_ms\n/);

    // PDF: its page count and size above the pages it printed (export-pdf-preview.test.ts checks the pages).
    await chooseFormat('pdf');
    const pdf = studio.page.getByTestId('export-preview-pdf');
    expect(Number(await pdf.getAttribute('data-pages'))).toBeGreaterThanOrEqual(1);
    expect(await pdf.textContent()).toMatch(/\d+ pages? · \d/);

    // The baseline and the title reach the report; HTML comes back with them.
    await studio.page.getByTestId('export-format-html').check();
    await studio.page.getByTestId('export-baseline').selectOption(ids['demo-mnist-tflite.json'] ?? '');
    await studio.page.getByTestId('export-title').fill('Nightly on the lab box');
    await previewReady('html').waitFor({ timeout: 60_000 });
    await expect.poll(() => frame.locator('h1').first().textContent()).toContain('Nightly on the lab box');
    expect(await frame.locator('body').textContent()).toContain('#2 demo-mnist · litert');

    const [download] = await Promise.all([studio.page.waitForEvent('download'), studio.page.getByTestId('export-save').click()]);
    expect(download.suggestedFilename()).toMatch(/^edgebench-report-.*\.html$/);
    const saved = await readFile(await download.path(), 'utf8');
    expect(saved.startsWith('<!doctype html>')).toBe(true);
    expect(saved).toContain('Nightly on the lab box');
    // The saved file keeps the script that sorts its tables.
    expect(saved).toContain('<script>');
    expect(await studio.page.getByTestId('export-saved').textContent()).toContain(download.suggestedFilename());

    await studio.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await studio.page.locator('[data-testid="export-button"][data-export-scope="runs"]:focus').count()).toBe(1);
    expect(studio.errors).toEqual([]);
  });

  it('exports the open run from its detail, and shows why a format cannot be made', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await row('demo-mnist-tflite.json').click();
    const detail = studio.page.locator(`[data-testid="run-detail"][data-run-id="${ids['demo-mnist-tflite.json'] ?? ''}"]`);
    await detail.getByTestId('export-button').click();
    const dialog = studio.page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').textContent()).toContain('LiteRT');
    // One run: nothing to compare it with.
    expect(await dialog.getByTestId('export-baseline').count()).toBe(0);

    // LiteRT has no op profile, so there is nothing to attach in Netron: said in the dialog, Save stays off.
    await studio.page.getByTestId('export-format-netron').check();
    const error = studio.page.locator('[data-testid="export-preview"][data-state="error"] [data-testid="export-error"]');
    await error.waitFor({ timeout: 60_000 });
    const errorText = (await error.textContent()) ?? '';
    expect(errorText).toContain('None of the runs has a runtime profile to attach in Netron');
    // In the studio's words: the Runs page's field, not the CLI's flag.
    expect(errorText).toContain('the Profile runs field set to 20');
    expect(errorText).not.toMatch(/--[a-z]/);
    expect(await studio.page.getByTestId('export-save').isDisabled()).toBe(true);

    await studio.page.getByTestId('export-format-json').check();
    await previewReady('json').waitFor({ timeout: 60_000 });
    expect(await studio.page.getByTestId('export-preview-text').textContent()).toContain('"schema": "edgebench.run/1"');

    await studio.page.getByTestId('export-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await studio.page.locator('[data-testid="export-button"][data-export-scope="run"]:focus').count()).toBe(1);
    expect(studio.errors).toEqual([]);
  });

  it('exports the compared runs from the Compare view with the baseline chosen there', async () => {
    await studio.page.getByTestId('nav-runs').click();
    // The runs ticked in the first test are still ticked.
    await studio.page.getByTestId('compare-button').click();
    const rows = studio.page.getByTestId('compare-row');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(1).getByTestId('compare-baseline-radio').check();
    await studio.page.locator('[data-testid="export-button"][data-export-scope="compare"]').click();
    const dialog = studio.page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').locator('li').count()).toBe(2);
    expect(await studio.page.getByTestId('export-baseline').inputValue()).toBe(ids['demo-mnist-tflite.json']);
    await previewReady('html').waitFor({ timeout: 60_000 });
    const frame = studio.page.frameLocator('[data-testid="export-preview-html"]');
    expect(await frame.locator('body').textContent()).toContain('Baseline for comparisons: #2');
    await studio.page.getByTestId('export-close').click();
    await dialog.waitFor({ state: 'detached' });
    expect(studio.errors).toEqual([]);
  });
});

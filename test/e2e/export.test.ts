/**
 * The export dialog in a real Chromium against browser mode, on a workspace holding the run
 * fixtures: live preview of each format (HTML in a sandboxed frame, Markdown as text, CSV as two
 * files, PDF as its page count), the title and baseline reaching the report, Save as a real
 * download, errors shown in the dialog, and the dialog's keyboard manners (Escape closes it and
 * focus returns to the button). Also makes the README's docs/export.png on request.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openStudio, pageErrors } from './helpers/browser';
import { makeTempWorkspace, REPO_ROOT, startStudioServer, type StudioServer } from './helpers/studio-server';

const EXPORT_SCREENSHOT = path.join(REPO_ROOT, 'docs/export.png');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/runs');

let browser: Browser;
let server: StudioServer;
let workspaceDir: string;
let page: Page;
let errors: string[];
/** Run ids by fixture file name. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  workspaceDir = await makeTempWorkspace();
  await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
  for (const file of (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'))) {
    await copyFile(path.join(FIXTURES, file), path.join(workspaceDir, 'runs', file));
    ids[file] = (JSON.parse(await readFile(path.join(FIXTURES, file), 'utf8')) as { id: string }).id;
  }
  browser = await launchBrowser();
  server = await startStudioServer({ workspaceDir });
  page = await openStudio(browser, server.url);
  errors = pageErrors(page);
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await server?.stop();
  if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
});

function row(fixture: string): Locator {
  return page.locator(`[data-testid="run-row"][data-run-id="${ids[fixture] ?? ''}"]`);
}

/** The preview once it shows the given format's files. */
function previewReady(format: string): Locator {
  return page.locator(`[data-testid="export-preview"][data-state="ready"][data-format="${format}"]`);
}

async function chooseFormat(format: string): Promise<Locator> {
  await page.getByTestId(`export-format-${format}`).check();
  const preview = previewReady(format);
  await preview.waitFor({ timeout: 60_000 });
  return preview;
}

describe('the export dialog', () => {
  it('previews the ticked runs in every format, saves the report as a download, and closes on Escape', async () => {
    await page.getByTestId('nav-runs').click();
    await row('demo-mnist-onnx.json').getByTestId('run-pick').check();
    await row('demo-mnist-tflite.json').getByTestId('run-pick').check();
    const openButton = page.locator('[data-testid="export-button"][data-export-scope="runs"]');
    await openButton.click();

    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').locator('li').count()).toBe(2);
    // showModal() keeps focus inside: it starts on the chosen format.
    expect(await page.locator('[data-testid="export-format-html"]:focus').count()).toBe(1);
    expect(await page.getByTestId('export-format-html').isChecked()).toBe(true);

    // HTML: the report itself, charts drawn as SVG, in a frame that may run no script.
    await previewReady('html').waitFor({ timeout: 60_000 });
    const frame = page.frameLocator('[data-testid="export-preview-html"]');
    await frame.locator('svg').first().waitFor();
    expect(await frame.locator('svg').count()).toBeGreaterThan(0);
    expect(await frame.locator('script').count()).toBe(0);
    expect(await page.getByTestId('export-preview-html').getAttribute('sandbox')).toBe('');
    expect(await page.getByTestId('export-file').count()).toBe(1);

    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(EXPORT_SCREENSHOT)) {
      await mkdir(path.dirname(EXPORT_SCREENSHOT), { recursive: true });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: EXPORT_SCREENSHOT });
    }

    // Markdown: the tables as text, one row per run with its model.
    await chooseFormat('md');
    const markdown = (await page.getByTestId('export-preview-text').textContent()) ?? '';
    expect(markdown).toMatch(/^\| #1 demo-mnist · onnxruntime/m);
    expect(markdown).toMatch(/^\| #2 demo-mnist · litert/m);

    // CSV: one row per run, and every sample, as two files; the second one can be previewed too.
    await chooseFormat('csv');
    const files = page.getByTestId('export-file');
    expect(await files.count()).toBe(2);
    expect(await files.nth(0).getAttribute('data-file-name')).toMatch(/\.csv$/);
    expect(await files.nth(1).getAttribute('data-file-name')).toMatch(/-samples\.csv$/);
    expect(await page.getByTestId('export-save').textContent()).toBe('Save 2 files');
    await files.nth(1).click();
    expect(await page.getByTestId('export-preview-text').textContent()).toMatch(/^run_id,index,latency_ms\n/);

    // PDF: the page can neither embed nor frame it (CSP), so it says how many pages it has.
    await chooseFormat('pdf');
    const pdf = page.getByTestId('export-preview-pdf');
    expect(Number(await pdf.getAttribute('data-pages'))).toBeGreaterThanOrEqual(1);
    expect(await pdf.textContent()).toMatch(/\d+ pages? · \d/);

    // The baseline and the title reach the report; HTML comes back with them.
    await page.getByTestId('export-format-html').check();
    await page.getByTestId('export-baseline').selectOption(ids['demo-mnist-tflite.json'] ?? '');
    await page.getByTestId('export-title').fill('Nightly on the lab box');
    await previewReady('html').waitFor({ timeout: 60_000 });
    await expect.poll(() => frame.locator('h1').first().textContent()).toContain('Nightly on the lab box');
    expect(await frame.locator('body').textContent()).toContain('#2 demo-mnist · litert');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-save').click()]);
    expect(download.suggestedFilename()).toMatch(/^edgebench-report-.*\.html$/);
    const saved = await readFile(await download.path(), 'utf8');
    expect(saved.startsWith('<!doctype html>')).toBe(true);
    expect(saved).toContain('Nightly on the lab box');
    // The saved file keeps the script that sorts its tables.
    expect(saved).toContain('<script>');
    expect(await page.getByTestId('export-saved').textContent()).toContain(download.suggestedFilename());

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="export-button"][data-export-scope="runs"]:focus').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('exports the open run from its detail, and shows why a format cannot be made', async () => {
    await page.getByTestId('nav-runs').click();
    await row('demo-mnist-tflite.json').click();
    const detail = page.locator(`[data-testid="run-detail"][data-run-id="${ids['demo-mnist-tflite.json'] ?? ''}"]`);
    await detail.getByTestId('export-button').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').textContent()).toContain('LiteRT');
    // One run: nothing to compare it with.
    expect(await dialog.getByTestId('export-baseline').count()).toBe(0);

    // LiteRT has no op profile, so there is nothing to attach in Netron: said in the dialog, Save stays off.
    await page.getByTestId('export-format-netron').check();
    const error = page.locator('[data-testid="export-preview"][data-state="error"] [data-testid="export-error"]');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toContain('None of the runs has a runtime profile to attach in Netron');
    expect(await page.getByTestId('export-save').isDisabled()).toBe(true);

    await page.getByTestId('export-format-json').check();
    await previewReady('json').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-preview-text').textContent()).toContain('"schema": "edgebench.run/1"');

    await page.getByTestId('export-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="export-button"][data-export-scope="run"]:focus').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('exports the compared runs from the Compare view with the baseline chosen there', async () => {
    await page.getByTestId('nav-runs').click();
    // The runs ticked in the first test are still ticked.
    await page.getByTestId('compare-button').click();
    const rows = page.getByTestId('compare-row');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(1).getByTestId('compare-baseline-radio').check();
    await page.locator('[data-testid="export-button"][data-export-scope="compare"]').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').locator('li').count()).toBe(2);
    expect(await page.getByTestId('export-baseline').inputValue()).toBe(ids['demo-mnist-tflite.json']);
    await previewReady('html').waitFor({ timeout: 60_000 });
    const frame = page.frameLocator('[data-testid="export-preview-html"]');
    expect(await frame.locator('body').textContent()).toContain('Baseline for comparisons: #2');
    await page.getByTestId('export-close').click();
    await dialog.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });
});

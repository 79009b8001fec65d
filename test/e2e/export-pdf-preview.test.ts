/**
 * Issue 13 item 7 in a real Chromium over browser mode, with six runs (a small matrix): the
 * export dialog's PDF preview shows the PDF's pages (one numbered A4 box per printed page, as
 * many as the saved PDF has, page 1 opening with the summary), Save and Cancel stay in view, and
 * the HTML preview's wide latency table scrolls inside its own box instead of widening the page.
 * No sleeps: every wait is for a selector or a condition.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { readPdfPageMap } from '../../src/core/reports/pdf-dests';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/runs');
const RUNS = 6;
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
    // Copies of a real run under new ids and times: six runs, as a matrix of a few cells gives.
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

async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  if (box === null || size === null) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height;
}

describe('the PDF preview with six runs', () => {
  it('shows the pages of the PDF that Save writes, page 1 with the summary, with Save and Cancel in view', async () => {
    const page = studio.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('nav-runs').click();
    for (const id of ids) await page.locator(`[data-testid="run-row"][data-run-id="${id}"]`).getByTestId('run-pick').check();
    await page.locator('[data-testid="export-button"][data-export-scope="runs"]').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('export-runs').locator('li').count()).toBe(RUNS);

    // HTML first: the latency table (15 columns, six long labels) scrolls inside its box; the page itself never scrolls sideways.
    await page.locator('[data-testid="export-preview"][data-state="ready"][data-format="html"]').waitFor({ timeout: 60_000 });
    const html = page.frameLocator('[data-testid="export-preview-html"]');
    const latencyWrap = html.locator('#latency .table-wrap').first();
    await latencyWrap.waitFor();
    const widths = await latencyWrap.evaluate((wrap) => {
      const root = wrap.ownerDocument.documentElement;
      return { wrap: wrap.clientWidth, table: wrap.scrollWidth, page: root.clientWidth, pageScroll: root.scrollWidth, overflowX: wrap.ownerDocument.defaultView?.getComputedStyle(wrap).overflowX };
    });
    expect(widths.pageScroll, 'the report page scrolls sideways').toBeLessThanOrEqual(widths.page);
    expect(widths.wrap).toBeLessThanOrEqual(widths.page);
    // Wider than its box it may be (that is the point of scrolling), but then the box scrolls.
    if (widths.table > widths.wrap) expect(widths.overflowX).toBe('auto');

    // The report's own links (its contents, the summary's warning counts) stay within the preview's frame.
    expect(await html.locator('nav a').first().getAttribute('href')).toBe('about:srcdoc#summary');
    expect(await html.locator('#summary a').first().getAttribute('href')).toBe('about:srcdoc#verdict');

    await page.getByTestId('export-format-pdf').check();
    await page.locator('[data-testid="export-preview"][data-state="ready"][data-format="pdf"]').waitFor({ timeout: 90_000 });
    const preview = page.getByTestId('export-preview-pdf');
    const pageCount = Number(await preview.getAttribute('data-pages'));
    expect(pageCount).toBeGreaterThan(1);
    const pages = page.frameLocator('[data-testid="export-preview-pdf-pages"]');
    const sheets = pages.locator('.sheet');
    await sheets.first().waitFor();
    expect(await sheets.count()).toBe(pageCount);
    expect(await pages.locator('.page-number').first().textContent()).toBe(`Page 1 of ${pageCount}`);
    expect(await pages.locator('.page-number').last().textContent()).toBe(`Page ${pageCount} of ${pageCount}`);
    // Page 1 opens with the title and the summary of all six runs; the warnings are on the last pages.
    const first = sheets.first().locator('.page');
    expect(await first.locator('h1').textContent()).toBe('EdgeBench report');
    expect(await first.locator('h2').first().textContent()).toBe('Summary');
    expect(await first.locator('[data-section="summary"] tbody tr').count()).toBe(RUNS);
    expect(await first.locator('h2', { hasText: 'Verdict and warnings' }).count()).toBe(0);
    expect(await sheets.last().locator('h2', { hasText: 'Verdict and warnings' }).count() + (await sheets.last().locator('[data-section="verdict"]').count())).toBeGreaterThan(0);
    // The pages fit the preview's width, and the first one is drawn (a white page with text in it).
    const frameBox = await page.getByTestId('export-preview-pdf-pages').boundingBox();
    const sheetBox = await first.boundingBox();
    expect(frameBox && sheetBox && sheetBox.width <= frameBox.width && sheetBox.height > sheetBox.width).toBe(true);

    // A warning count on page 1 links to the section that lists the warnings, within the frame's own
    // document (a bare "#verdict" would resolve against the studio's address and load it into the frame).
    expect(await first.locator('[data-section="summary"] a').first().getAttribute('href')).toBe('about:srcdoc#verdict');
    expect(await pages.locator('#verdict h2').textContent()).toBe('Verdict and warnings');

    for (const id of ['export-close', 'export-cancel', 'export-save']) expect(await inViewport(page, page.getByTestId(id)), id).toBe(true);

    // Save writes the PDF whose pages the preview shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-save').click()]);
    expect(download.suggestedFilename()).toMatch(/^edgebench-report-.*\.pdf$/);
    const saved = new Uint8Array(await readFile(await download.path()));
    expect(readPdfPageMap(saved)?.pageCount).toBe(pageCount);

    await page.getByTestId('export-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(studio.errors).toEqual([]);
  }, 180_000);
});

/**
 * The HTML report in a real Chromium with every request blocked: it must draw its charts, sort its
 * tables and attempt no request at all (it opens from an e-mail or a CI artifact, offline). And the
 * PDF made from it by the CLI has pages (poppler-utils' pdfinfo).
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { FIXTURES, readRun, tempDir, writeJson } from '../unit/reports/run-fixtures';
import { pageErrors } from './helpers/browser';
import { useBrowser } from './helpers/studio-session';

const chromium = useBrowser();
let dir: string;
let reportFile: string;

beforeAll(async () => {
  dir = await tempDir('edgebench-report-e2e-');
  // A model name that would load an image and run script if it were not escaped.
  const hostile = readRun(FIXTURES.tflite);
  hostile.model.name = `<img src="http://127.0.0.1:9/pwned.png" onerror="window.pwned=1">`;
  const hostileFile = await writeJson(dir, 'hostile.json', hostile);
  reportFile = path.join(dir, 'report.html');
  const made = await runCli(['report', FIXTURES.onnx, FIXTURES.onnx700, FIXTURES.onnxNoOpt, hostileFile, '--out', reportFile]);
  expect(made.code, made.stderr).toBe(0);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the report from disk with every other request aborted; returns what was attempted. */
async function openOffline(colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; attempted: string[]; errors: string[] }> {
  const fileUrl = pathToFileURL(reportFile).href;
  const page = await chromium.browser.newPage({ colorScheme, viewport: { width: 1280, height: 900 } });
  const errors = pageErrors(page);
  const attempted: string[] = [];
  page.on('request', (request) => {
    if (request.url() !== fileUrl) attempted.push(request.url());
  });
  await page.route('**', (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
  await page.goto(fileUrl);
  await page.waitForSelector('section#charts svg.chart');
  return { page, attempted, errors };
}

describe('HTML report offline in Chromium', () => {
  it('draws its charts and attempts no request', async () => {
    const { page, attempted, errors } = await openOffline();
    expect(await page.locator('svg.chart').count()).toBe(5);
    expect(await page.locator('svg.chart path.line').count()).toBe(4);
    expect(await page.locator('svg.chart rect.bar').count()).toBeGreaterThan(20);
    const curve = await page.locator('svg.chart path.line').first().boundingBox();
    expect(curve?.width ?? 0).toBeGreaterThan(200);
    const bar = await page.locator('svg.chart rect.bar').first().boundingBox();
    expect(bar?.height ?? 0).toBeGreaterThan(0);
    // The hostile model name is shown as text, not run.
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('main').innerText()).toContain('<img src="http://127.0.0.1:9/pwned.png"');
    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sorts a table when a header is clicked, and again the other way', async () => {
    const { page, errors } = await openOffline();
    const table = page.locator('section#latency table.sortable');
    const medianHeader = table.locator('thead th', { hasText: /^median$/ });
    const medianColumn = await medianHeader.evaluate((th) => Array.prototype.indexOf.call(th.parentElement?.children ?? [], th) as number);
    const medians = async (): Promise<number[]> =>
      (await table.locator(`tbody tr td:nth-child(${medianColumn + 1})`).evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-sort')))).map(Number);
    const runsInOrder = (): Promise<string[]> => table.locator('tbody tr td:first-child').allInnerTexts();

    const before = await runsInOrder();
    await medianHeader.locator('button').click();
    const ascending = await medians();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(await medianHeader.getAttribute('aria-sort')).toBe('ascending');
    await medianHeader.locator('button').click();
    const descending = await medians();
    expect(descending).toEqual([...ascending].reverse());
    // Four runs with different medians: at least one of the two orders differs from the file's.
    const after = await runsInOrder();
    expect(new Set(after)).toEqual(new Set(before));
    expect(ascending.join() !== descending.join()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows the dark colour scheme', async () => {
    const light = await openOffline('light');
    const dark = await openOffline('dark');
    const background = (page: Page): Promise<unknown> => page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(await background(light.page)).toBe('rgb(255, 255, 255)');
    expect(await background(dark.page)).not.toBe('rgb(255, 255, 255)');
    await light.page.close();
    await dark.page.close();
  });
});

describe('PDF report', () => {
  it('is made by the CLI through Chromium and has pages', async () => {
    const pdf = path.join(dir, 'report.pdf');
    const made = await runCli(['report', FIXTURES.onnx, FIXTURES.tflite, '--out', pdf], { timeoutMs: 120_000 });
    expect(made.code, made.stderr).toBe(0);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Latency charts');
    expect(text).toContain('edgebench bench demo-mnist.tflite');
  });

  it('says how to get Chromium when there is none', async () => {
    const result = await runCli(['report', FIXTURES.onnx, '--out', path.join(dir, 'x.pdf')], { env: { EDGEBENCH_CHROMIUM: '/nonexistent/chromium' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("EDGEBENCH_CHROMIUM points to '/nonexistent/chromium'");
  });
});

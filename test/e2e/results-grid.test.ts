/**
 * Issue 13, item 1, in a real Chromium against browser mode: a real 4-cell matrix (the demo model
 * and its int8 dynamic variant × this computer with 1 and 2 threads) started on the Runs page
 * lands on the job's own results page at its top; its grid shows each cell's figures, recolours
 * against a baseline the user picks, and opens a cell's run; the run's URL survives a reload and
 * Back returns to the job. Compare's selection survives a reload; Home lists the job; `?` lists
 * the keyboard shortcuts. No sleeps: every wait is for a selector or a page condition.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatSpeedup } from '../../src/shared/units';
import { RunFile } from '../../src/shared/run-schema';
import { pressPageKey } from './helpers/browser';
import { useStudioSession } from './helpers/studio-session';

const JOB_TIMEOUT_MS = 110_000;
const studio = useStudioSession();

async function runFiles(): Promise<RunFile[]> {
  const dir = path.join(studio.server.workspaceDir, 'runs');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(names.map(async (name) => RunFile.parse(JSON.parse(await readFile(path.join(dir, name), 'utf8')))));
}

const hash = (): Promise<string> => studio.page.evaluate('window.location.hash') as Promise<string>;
const contentScrollTop = (): Promise<number> => studio.page.evaluate("document.querySelector('.content').scrollTop") as Promise<number>;

describe('the results of a job, at a glance', () => {
  let jobId = '';
  let runs: RunFile[] = [];

  it('opens Home first, with what to do next', async () => {
    const { page } = studio;
    await page.getByTestId('home-page').waitFor();
    expect(await hash()).toBe('');
    expect(await page.getByTestId('nav-home').getAttribute('aria-current')).toBe('page');
    // The seeded demo model has no variant and no runs yet: start a run, make a variant.
    const steps = page.getByTestId('home-next');
    await expect.poll(() => steps.count()).toBeGreaterThan(0);
    const ids = await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-step')));
    expect(ids).toContain('start-run');
    expect(ids).toContain('make-variant');
    expect(await page.locator('[data-testid="home-next"][data-step="start-run"] a').getAttribute('href')).toBe('#/runs');
  });

  it('runs a 2 models × 2 thread counts matrix from the Runs page and lands on the job page, at its top', async () => {
    const { page } = studio;
    // An int8 dynamic variant of the demo model: the matrix's second row.
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-row').first().click();
    expect(await hash()).toMatch(/^#\/models\/[0-9a-f]+$/);
    await page.getByTestId('variant-mode-dynamic').check();
    await page.getByTestId('variant-create').click();
    await page.getByTestId('variant-create').filter({ hasText: 'Create variant' }).waitFor({ timeout: JOB_TIMEOUT_MS });
    await expect.poll(() => page.getByTestId('variant-row').count()).toBe(1);

    await page.getByTestId('nav-runs').click();
    expect(await hash()).toBe('#/runs');
    const options = page.getByTestId('bench-model-option');
    await expect.poll(() => options.count()).toBe(2);
    for (let i = 0; i < 2; i++) await options.nth(i).getByTestId('bench-model-checkbox').check();
    await page.getByTestId('bench-runs-input').fill('30');
    await page.getByTestId('bench-warmup-input').fill('2');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    await page.getByTestId('bench-threads-input').fill('1, 2');
    expect(await page.getByTestId('bench-cell-count').getAttribute('data-cells')).toBe('4');
    // The Runs page scrolled down to its Start button (a short window): the job page must still open at its top.
    await page.setViewportSize({ width: 1400, height: 480 });
    await page.getByTestId('bench-start').scrollIntoViewIfNeeded();
    expect(await contentScrollTop()).toBeGreaterThan(0);
    await page.getByTestId('bench-start').click();

    // The job's own page, scrolled to its top, with its progress while it runs.
    await page.getByTestId('job-page').waitFor();
    expect(await hash()).toMatch(/^#\/jobs\/.+/);
    jobId = (await page.getByTestId('job-page').getAttribute('data-job-id')) ?? '';
    expect(await hash()).toBe(`#/jobs/${encodeURIComponent(jobId)}`);
    expect(await contentScrollTop()).toBe(0);
    expect(await page.getByTestId('nav-runs').getAttribute('aria-current')).toBe('page');
    await page.locator('[data-testid="bench-job"][data-status="finished"]').waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await page.locator('[data-testid="bench-cell"][data-state="done"]').count()).toBe(4);
    // Still at the top once the job is done: nothing scrolled it away.
    expect(await contentScrollTop()).toBe(0);
    await page.setViewportSize({ width: 1400, height: 900 });
    runs = (await runFiles()).filter((r) => r.job?.id === jobId);
    expect(runs).toHaveLength(4);
  });

  it('shows one row per model and one column per thread count, each cell with its figures', async () => {
    const { page } = studio;
    const grid = page.getByTestId('results-grid');
    await expect.poll(() => grid.locator('[data-testid="grid-cell"][data-run-id]').count()).toBe(4);
    expect(await grid.getByTestId('grid-row').count()).toBe(2);
    if (process.env.GRID_SCREENSHOT) await page.screenshot({ path: process.env.GRID_SCREENSHOT, fullPage: true });
    // Only the thread count varies: the columns name it alone.
    expect(await grid.getByTestId('grid-column').allTextContents()).toEqual(['1 thread', '2 threads']);
    for (const run of runs) {
      const cell = grid.locator(`[data-testid="grid-cell"][data-run-id="${run.id}"]`);
      expect(await cell.getByTestId('grid-median').textContent()).toBe(formatMs(run.latencyMs.median));
      // No repeats: the CI is the within-run CI of the median.
      expect(await cell.getByTestId('grid-ci').textContent()).toMatch(/^within-run CI \d/);
      // 30 samples are too few for a p99 (662, MLPerf's minimum).
      expect(await cell.getByTestId('grid-p99').textContent()).toBe('too few samples');
      expect(await cell.getByTestId('grid-size').textContent()).toBe(formatBytes(run.model.sizeBytes));
      expect(await cell.getByTestId('grid-rss').textContent()).toMatch(/MiB$/);
      // Nothing was evaluated: accuracy says so rather than showing a number.
      expect(await cell.getByTestId('grid-accuracy').textContent()).toBe('not measured');
    }
  });

  it('colours every cell against the baseline (the first cell until the user picks another), with its speedup', async () => {
    const { page } = studio;
    const cells = page.getByTestId('grid-cell');
    const byId = new Map(runs.map((r) => [r.id, r]));
    const check = async (baselineRunId: string): Promise<void> => {
      const base = byId.get(baselineRunId);
      if (!base) throw new Error('baseline run not found');
      for (const run of runs) {
        const cell = page.locator(`[data-testid="grid-cell"][data-run-id="${run.id}"]`);
        const tone = await cell.getAttribute('data-tone');
        if (run.id === baselineRunId) {
          expect(tone).toBe('baseline');
          continue;
        }
        expect(tone).toMatch(/^(faster|slower|similar)$/);
        const ratio = base.latencyMs.median / run.latencyMs.median;
        expect(await cell.getByTestId('grid-speedup').textContent()).toContain(formatSpeedup(ratio));
        if (tone === 'faster') expect(ratio).toBeGreaterThan(1);
        if (tone === 'slower') expect(ratio).toBeLessThan(1);
      }
    };
    const first = (await cells.first().getAttribute('data-run-id')) ?? '';
    await check(first);

    // The second row's first cell as the baseline.
    const other = page.getByTestId('grid-row').nth(1).getByTestId('grid-cell').first();
    const otherId = (await other.getAttribute('data-run-id')) ?? '';
    await other.getByTestId('grid-baseline-pick').click();
    await expect.poll(() => other.getAttribute('data-tone')).toBe('baseline');
    await check(otherId);

    // The pick is kept in the URL (rewriting the entry, not adding one), so a reload keeps it.
    const length = await page.evaluate<number>('window.history.length');
    await expect.poll(hash).toMatch(new RegExp(`^#/jobs/${encodeURIComponent(jobId)}/baseline/[^/]+$`));
    expect(await page.evaluate<number>('window.history.length')).toBe(length);
    // Readable in the address bar: the model's sha prefix, target, runtime and threads; no %00/%01 control characters.
    expect(await hash()).toMatch(/\/baseline\/[0-9a-f]{16}~[^~]+~[a-z-]+~\d+$/);
    expect(await hash()).not.toMatch(/%0[0-9A-F]|%1[0-9A-F]/i);
    await page.reload();
    await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
    const reloaded = page.locator(`[data-testid="grid-cell"][data-run-id="${otherId}"]`);
    await expect.poll(() => reloaded.getAttribute('data-tone')).toBe('baseline');
    await check(otherId);
  });

  it('opens a cell’s run by a click; the run’s URL survives a reload, and Back returns to the job', async () => {
    const { page } = studio;
    const cell = page.getByTestId('grid-row').first().getByTestId('grid-cell').nth(1);
    const runId = (await cell.getAttribute('data-run-id')) ?? '';
    await cell.getByTestId('grid-open').click();
    await expect.poll(hash).toBe(`#/runs/${encodeURIComponent(runId)}`);
    await expect.poll(() => page.getByTestId('run-detail').getAttribute('data-run-id')).toBe(runId);
    // Scrolled into view, not left below the New benchmark form at the top of the Runs page.
    const detailInView = async (): Promise<boolean> => {
      const box = await page.getByTestId('run-detail').boundingBox();
      return box !== null && box.y > -2 && box.y < (page.viewportSize()?.height ?? 0) / 2; // scrollIntoView may land a fraction of a pixel above
    };
    await expect.poll(detailInView).toBe(true);

    await page.reload();
    await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
    expect(await hash()).toBe(`#/runs/${encodeURIComponent(runId)}`);
    await expect.poll(() => page.getByTestId('run-detail').getAttribute('data-run-id')).toBe(runId);
    expect(await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).getAttribute('aria-selected')).toBe('true');

    // Back: the job page again, now drawn from the run files (the page was reloaded).
    await page.goBack();
    // (the job's URL, with the baseline picked above).
    await expect.poll(hash).toMatch(new RegExp(`^#/jobs/${encodeURIComponent(jobId)}/baseline/[^/]+$`));
    await expect.poll(() => page.locator('[data-testid="results-grid"] [data-testid="grid-cell"][data-run-id]').count()).toBe(4);
    expect(await page.getByTestId('bench-job').count()).toBe(0);
    await page.goForward();
    await expect.poll(() => page.getByTestId('run-detail').getAttribute('data-run-id')).toBe(runId);
    expect(studio.errors).toEqual([]);
  });

  it('keeps Compare’s selection in its URL, so a reload shows the same comparison', async () => {
    const { page } = studio;
    await page.getByTestId('nav-runs').click();
    const picked = runs.slice(0, 3).map((r) => r.id);
    for (const id of picked) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
    await page.getByTestId('compare-button').click();
    await expect.poll(() => page.getByTestId('compare-row').count()).toBe(3);
    const compareHash = await hash();
    expect(compareHash.startsWith('#/compare/')).toBe(true);
    expect(new Set(compareHash.slice('#/compare/'.length).split(',').map(decodeURIComponent))).toEqual(new Set(picked));

    await page.reload();
    await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
    expect(await hash()).toBe(compareHash);
    await expect.poll(() => page.getByTestId('compare-row').count()).toBe(3);
    expect(new Set(await page.getByTestId('compare-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))))).toEqual(new Set(picked));
    // The ticks on the Runs page came back with it.
    await page.getByTestId('nav-runs').click();
    for (const id of picked) expect(await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).isChecked()).toBe(true);
    await page.getByTestId('compare-clear').click();
  });

  it('lists the job on Home, whose link opens its grid', async () => {
    const { page } = studio;
    await page.getByTestId('nav-home').click();
    expect(await hash()).toBe('#/home');
    const job = page.locator(`[data-testid="home-job"][data-job-id="${jobId}"]`);
    await job.waitFor();
    expect(await job.textContent()).toContain('4 of 4 cells');
    expect(await page.getByTestId('home-run').count()).toBe(4);
    const steps = await page.getByTestId('home-next').evaluateAll((items) => items.map((item) => item.getAttribute('data-step')));
    expect(steps).not.toContain('start-run');
    expect(steps).toContain('compare');
    await job.locator('a').click();
    await expect.poll(hash).toBe(`#/jobs/${encodeURIComponent(jobId)}`);
    await expect.poll(() => page.locator('[data-testid="grid-cell"][data-run-id]').count()).toBe(4);
  });

  it('a link it cannot read opens Home; `?` lists the shortcuts outside text fields and Escape closes the list', async () => {
    const { page } = studio;
    await page.evaluate("window.location.hash = '#/nowhere/at/all'");
    await page.getByTestId('home-page').waitFor();

    await page.locator('body').press('?');
    const dialog = page.getByTestId('shortcuts-dialog');
    await dialog.waitFor();
    const rows = await dialog.getByTestId('shortcut').allTextContents();
    expect(rows.some((row) => /1.*Open the Models page/.test(row))).toBe(true);
    expect(rows.some((row) => /7.*Open the Devices page/.test(row))).toBe(true);
    expect(rows.some((row) => /H.*Open the Home page/.test(row))).toBe(true);
    expect(rows.some((row) => /0.*Graph tab: fit the whole graph/.test(row))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // In a text field, "?" is a character, not a shortcut.
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('bench-threads-input').fill('');
    await page.getByTestId('bench-threads-input').press('?');
    expect(await page.getByTestId('bench-threads-input').inputValue()).toBe('?');
    expect(await dialog.count()).toBe(0);
    await page.getByTestId('bench-threads-input').fill('');

    // Browser mode's page keys: G then 2, G then H (outside text fields); Ctrl+2 is the browser's (a tab), so the studio leaves it alone.
    await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
    await pressPageKey(page, '2');
    await expect.poll(hash).toBe('#/targets');
    await pressPageKey(page, 'h');
    await expect.poll(hash).toBe('#/home');
    await page.keyboard.press('Control+2');
    // Keys are handled in order: once ? has opened the list, Ctrl+2 was read (and left alone).
    await page.keyboard.press('?');
    await dialog.waitFor();
    expect(await hash()).toBe('#/home');
    // The ? list names browser mode's keys, not Ctrl.
    const names = await page.getByTestId('shortcut').allTextContents();
    expect(names).toContain('G then 1Open the Models page');
    expect(names.some((row) => row.startsWith('Ctrl'))).toBe(false);
    expect(await page.getByTestId('nav-devices').getAttribute('title')).toBe('Devices (G then 7)');
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });
    expect(studio.errors).toEqual([]);
  });
});

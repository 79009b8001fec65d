/**
 * Layout fixes a new user asked for, in a real Chromium against browser mode:
 * - Compare at 1440×900: every column's header lies inside the table's visible box, or the box
 *   scrolls sideways (then its last header is reachable), and a long run label stays on one line;
 * - a job's results grid at 1024×700: the Model column stays at the same x while the grid scrolls
 *   sideways inside its box;
 * - the Models page's graph route at 1440×900 shows the graph's canvas within the first screen,
 *   the search row keeps its zoom buttons on one row while searching, and a clicked node's details
 *   are within the window.
 * The runs are synthetic (helpers/synthetic-run.ts): what is checked is where the page puts them.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { syntheticGraphModel } from './helpers/synthetic-graph-model';
import { useStudioSession } from './helpers/studio-session';
import { syntheticRun } from './helpers/synthetic-run';

const JOB_ID = 'job-layout-fixes';
const LONG_NAMES = ['demo-mnist', 'demo-mnist · int8 dynamic (per-channel)', 'demo-mnist · int8 static (minmax, per-channel)'];
const THREADS = [1, 2, 3, 4];

/** Three models (long names, as variants have) × four thread counts, one job: a 3 × 4 results grid. */
const jobRuns = LONG_NAMES.flatMap((name, m) =>
  THREADS.map((threads, t) => {
    const run = syntheticRun({ id: `layout-${m}-${threads}`, samples: 200, medianMs: 1 + m + t / 10, seed: 20 + m * 4 + t, createdAt: `2026-12-01T10:0${m}:0${t}.000Z`, threads });
    return RunFile.parse({ ...run, model: { ...run.model, name, sha256: String(m + 1).repeat(64) }, job: { id: JOB_ID, cell: m * THREADS.length + t, cells: LONG_NAMES.length * THREADS.length } });
  }),
);
const compared = jobRuns.filter((run) => run.runtime.threads === 1);

const modelDir = await mkdtemp(path.join(tmpdir(), 'edgebench-layout-'));
const MODEL = path.join(modelDir, 'layout-chain.onnx');
await writeFile(MODEL, syntheticGraphModel(120, 'chain'));
afterAll(() => rm(modelDir, { recursive: true, force: true }));

const studio = useStudioSession({
  workspace: async (dir) => {
    await mkdir(path.join(dir, 'runs'), { recursive: true });
    for (const run of jobRuns) await writeFile(path.join(dir, 'runs', `${run.id}.json`), JSON.stringify(run));
  },
  viewport: { width: 1440, height: 900 },
});

const go = (hash: string): Promise<unknown> => studio.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);

describe('layouts that keep what matters in sight', () => {
  it('Compare at 1440×900: every header is inside the table’s box, or the box scrolls; a run label is one line', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1440, height: 900 });
    await go(`#/compare/${compared.map((r) => r.id).join(',')}`);
    const table = page.getByTestId('compare-table');
    await expect.poll(() => table.getByTestId('compare-row').count()).toBe(compared.length);
    const box = page.getByTestId('compare-table-box');
    const fit = await box.evaluate((el) => {
      const b = el.getBoundingClientRect();
      const headers = [...el.querySelectorAll('thead th')].map((th) => {
        const r = th.getBoundingClientRect();
        return { text: th.textContent ?? '', left: r.left, right: r.right };
      });
      return { left: b.left, right: b.right, scrolls: el.scrollWidth > el.clientWidth && el.ownerDocument.defaultView?.getComputedStyle(el).overflowX !== 'hidden', headers };
    });
    expect(fit.headers.map((h) => h.text)).toContain('Peak RSS');
    if (!fit.scrolls) for (const h of fit.headers) expect({ text: h.text, inside: h.left >= fit.left - 0.5 && h.right <= fit.right + 0.5 }).toEqual({ text: h.text, inside: true });
    // The longest label reads on one line: its button is one line high, its whole text in the tooltip.
    const label = table.locator('[data-testid="compare-row"] .run-label button').last();
    const lines = await label.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(el.ownerDocument.defaultView?.getComputedStyle(el).lineHeight ?? '20')));
    expect(lines).toBe(1);
    expect(await label.getAttribute('title')).toContain(LONG_NAMES[2]);
  });

  it('the job grid at 1024×700 scrolls sideways in its box with the Model column in place', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1024, height: 700 });
    await go(`#/jobs/${JOB_ID}`);
    const grid = page.getByTestId('results-grid');
    await expect.poll(() => grid.getByTestId('grid-cell').count()).toBe(jobRuns.length);
    const scroller = page.getByTestId('results-grid-scroll');
    const overflow = await scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
    // Four thread columns do not fit 1024 px beside the sidebar: the grid scrolls, not the page.
    expect(overflow).toBeGreaterThan(0);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    const rowHeader = grid.locator('tbody th[scope="row"]').first();
    const lastColumn = grid.getByTestId('grid-column').last();
    const before = await rowHeader.boundingBox();
    const lastBefore = await lastColumn.boundingBox();
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await expect.poll(async () => (await lastColumn.boundingBox())?.x).not.toBe(lastBefore?.x);
    const after = await rowHeader.boundingBox();
    expect(after?.x).toBe(before?.x);
    // The last column came into the box.
    const box = await scroller.boundingBox();
    const last = await lastColumn.boundingBox();
    if (!box || !last) throw new Error('The grid and its last column should be drawn.');
    expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width + 1);
  });

  it('the graph route at 1440×900 shows the canvas in the first screen; searching keeps the zoom buttons in their row; a clicked node’s details are in the window', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1440, height: 900 });
    await go('#/models');
    await page.getByTestId('import-input').setInputFiles(MODEL);
    const row = page.locator('[data-testid="model-row"]').filter({ hasText: 'layout-chain' });
    await row.waitFor({ timeout: 60_000 });
    const id = await row.getAttribute('data-model-id');
    await go(`#/models/${id}/graph`);
    const view = page.locator('[data-testid="graph-view"][data-layout-state="done"]');
    await view.waitFor({ timeout: 60_000 });
    const canvas = view.getByTestId('graph-canvas');
    const shown = await canvas.boundingBox();
    if (!shown) throw new Error('The graph canvas should be drawn.');
    expect(shown.y).toBeGreaterThanOrEqual(0);
    expect(shown.y).toBeLessThan(900 / 2);

    const zoomIn = view.getByTestId('graph-zoom-in');
    const zoomBefore = await zoomIn.boundingBox();
    await view.getByTestId('graph-search').fill('Relu');
    await expect.poll(() => view.getByTestId('graph-search-status').textContent()).toMatch(/matches/);
    const zoomAfter = await zoomIn.boundingBox();
    expect(zoomAfter?.y).toBe(zoomBefore?.y);
    const search = await view.getByTestId('graph-search').boundingBox();
    if (!search || !zoomAfter) throw new Error('The search box and zoom buttons should be drawn.');
    expect(Math.abs(zoomAfter.y + zoomAfter.height / 2 - (search.y + search.height / 2))).toBeLessThan(search.height / 2);
    // Enter centres the first match at full size (a fitted 120-node chain draws no node boxes);
    // then the page scrolls back to the top and another node is clicked on the canvas.
    await view.getByTestId('graph-search').press('Enter');
    await view.getByTestId('graph-search').fill('');
    await page.evaluate("document.querySelector('.content')?.scrollTo(0, 0)");
    const node = view.locator('[data-testid="graph-node"]:not(.selected)').first();
    const nodeId = await node.getAttribute('data-node-id');
    await node.click();
    const details = view.locator(`[data-testid="graph-details"][data-node-id="${nodeId}"]`);
    await details.getByTestId('graph-details-name').waitFor();
    await expect
      .poll(async () => {
        const r = await details.getByTestId('graph-details-name').boundingBox();
        return r !== null && r.y >= 0 && r.y + r.height <= 900;
      })
      .toBe(true);
  });
});

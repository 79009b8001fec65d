/**
 * Issue 13, item 4 in a real Chromium over browser mode: a 5,000-node graph is laid out whole
 * before it is first drawn, whatever its shape. Synthetic ONNX models (a chain, two-way splits,
 * six-way splits, and six-way splits with a cycle in every band, as a TF.js while loop makes:
 * elk's job in layout workers until the layered layout broke cycles itself) are imported through
 * the Models page and their Graph tab opened; what the page draws is recorded as it draws it (a
 * MutationObserver, so no state is missed between two polls): the first drawing is of the whole
 * graph, its layout done. The looped graph's loop edges are drawn as such (dashed, up the
 * drawing). After a reload the looped graph is again drawn whole at once. No sleeps.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { useStudioSession } from './helpers/studio-session';
import { syntheticGraphModel, type SyntheticShape } from './helpers/synthetic-graph-model';

const NODES = 5_000;
const TIMEOUT_MS = 150_000;

const session = useStudioSession();
let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Seen {
  /** Each time the drawing changed: the layout state, nodes placed so far (the progress bar) and whether zoom was enabled. */
  draws: Array<{ state: string; placed: number | null; zoomEnabled: boolean }>;
}

async function openGraphRecording(shape: SyntheticShape, options: { importIt: boolean } = { importIt: true }): Promise<Seen> {
  const { page } = session;
  await page.getByTestId('nav-models').click();
  // From a summary: a model picked while a graph is shown would open on its graph before the recording starts.
  if ((await page.getByTestId('model-view-summary').count()) > 0) await page.getByTestId('model-view-summary').click();
  if (options.importIt) {
    dir ||= await mkdtemp(path.join(tmpdir(), 'edgebench-graph-stream-'));
    const file = path.join(dir, `synthetic-${shape}.onnx`);
    await writeFile(file, syntheticGraphModel(NODES - 1, shape));
    await page.getByTestId('import-input').setInputFiles(file);
  }
  const row = page.getByTestId('model-row').filter({ hasText: `synthetic-${shape}` });
  await row.waitFor({ timeout: TIMEOUT_MS });
  await row.click();
  await page.getByTestId('model-inspect').getByRole('heading', { name: `synthetic-${shape}` }).waitFor();
  await page.evaluate(`(() => {
    const seen = (window.__graphDraws = []);
    new MutationObserver(() => {
      const heading = document.querySelector('[data-testid="model-inspect"] h2');
      if (!heading || !heading.textContent.includes('synthetic-${shape}')) return;
      const view = document.querySelector('[data-testid="graph-view"]');
      if (!view || !view.querySelector('[data-testid="graph-canvas"] svg path')) return;
      const progress = view.querySelector('[data-testid="graph-layout-progress"]');
      const zoom = view.querySelector('[data-testid="graph-zoom-in"]');
      seen.push({ state: view.dataset.layoutState, placed: progress ? Number(progress.getAttribute('aria-valuenow')) : null, zoomEnabled: !!zoom && !zoom.disabled });
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  await page.getByTestId('model-view-graph').click();
  await page.locator('[data-testid="graph-view"][data-layout-state="done"]').waitFor({ timeout: TIMEOUT_MS });
  expect(Number(await page.getByTestId('graph-node-count').getAttribute('data-count'))).toBe(NODES);
  return { draws: await page.evaluate<Seen['draws']>('window.__graphDraws') };
}

it.each(['chain', 'branched', 'wide', 'looped'] as const)(
  'lays out a 5,000-node %s graph: done by the time it is first drawn',
  async (shape) => {
    const { draws } = await openGraphRecording(shape);
    expect(draws[0]?.state).toBe('done');
    // Only the graph with cycles has edges drawn up the drawing (its loops' closing edges).
    expect(await session.page.getByTestId('graph-back-edges').count()).toBe(shape === 'looped' ? 1 : 0);
    expect(session.errors).toEqual([]);
  },
  TIMEOUT_MS,
);

it(
  'draws the looped graph whole at once when it is opened again after a reload',
  async () => {
    const { page } = session;
    await page.reload();
    await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
    const { draws } = await openGraphRecording('looped', { importIt: false });
    expect(draws[0]?.state).toBe('done');
    expect(Number(await page.getByTestId('graph-canvas').getAttribute('data-drawn-nodes'))).toBeGreaterThan(0);
    expect(session.errors).toEqual([]);
  },
  TIMEOUT_MS,
);

/**
 * Issue 13, item 4 in a real Chromium over browser mode: a big graph is drawn before its layout
 * is done. A synthetic 2,000-node looped ONNX model (six-way splits, each block with a cycle:
 * every band goes through elk in the layout workers) is imported through the Models page and its
 * Graph tab opened; what the page draws is recorded as it draws it (a MutationObserver, so no
 * state is missed between two polls): the top of the graph is drawn, with fewer nodes placed than
 * the graph has and the zoom buttons enabled, while the view still says it is laying out; then
 * the whole graph is laid out. A chain-shaped model, a branched one (two-way splits) and a wide
 * one (six-way splits) of the same size are laid out without elk: their layout is done when first
 * drawn. After a reload the looped graph is drawn whole at once, from the layout the page saved.
 * No sleeps.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { useStudioSession } from './helpers/studio-session';
import { syntheticGraphModel, type SyntheticShape } from './helpers/synthetic-graph-model';

const NODES = 5_000;
/**
 * The looped graph is smaller: elk lays it out (about 8 s for 5,000 nodes on a loaded 2-core
 * machine), and 2,000 nodes are still eleven bands, enough to see the drawing grow.
 */
const LOOPED_NODES = 2_000;
const nodesOf = (shape: SyntheticShape): number => (shape === 'looped' ? LOOPED_NODES : NODES);
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
    await writeFile(file, syntheticGraphModel(nodesOf(shape) - 1, shape));
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
  expect(Number(await page.getByTestId('graph-node-count').getAttribute('data-count'))).toBe(nodesOf(shape));
  return { draws: await page.evaluate<Seen['draws']>('window.__graphDraws') };
}

it(
  'draws the top of a 2,000-node graph with cycles (elk\'s), zoomable, while the rest is still being laid out',
  async () => {
    const { draws } = await openGraphRecording('looped');
    const first = draws[0];
    expect(first, 'the graph was drawn').toBeDefined();
    expect(first!.state).toBe('laying-out');
    expect(first!.placed).toBeGreaterThan(0);
    expect(first!.placed).toBeLessThan(LOOPED_NODES);
    expect(first!.zoomEnabled).toBe(true);
    // More of it came in while it was drawn, and the last drawing is of the whole graph.
    const placedWhileStreaming = new Set(draws.filter((d) => d.state === 'laying-out').map((d) => d.placed));
    expect(placedWhileStreaming.size).toBeGreaterThan(1);
    expect(draws.at(-1)!.state).toBe('done');
    expect(session.errors).toEqual([]);
  },
  TIMEOUT_MS,
);

it.each(['chain', 'branched', 'wide'] as const)(
  'lays out a 5,000-node %s graph without elk: done by the time it is first drawn',
  async (shape) => {
    const { draws } = await openGraphRecording(shape);
    expect(draws[0]?.state).toBe('done');
    expect(session.errors).toEqual([]);
  },
  TIMEOUT_MS,
);

it(
  'draws the looped graph whole at once when it is opened again after a reload (its layout saved in the page)',
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

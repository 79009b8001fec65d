/**
 * Issue 13, item 5 in a real Chromium over browser mode: a quantization triage painted on the
 * model graph. The workspace holds the demo model, its static int8 variant and one triage step
 * that keeps the variant's worst layer in float (made through the engine, as the Accuracy page's
 * "Keep in float and compare" makes it, so that this file tests only the graph). On the refined
 * variant's graph the Triage overlay outlines exactly that layer as kept in float, colours the
 * others by SQNR, and a click on a node shows the SQNR the engine measures for it; the first step
 * shows no kept layer, and the float model's graph shows the newest step. No sleeps.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract';
import type { LayerSqnr } from '../../src/shared/eval-schema';
import type { ModelGraph } from '../../src/shared/model-graph';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const TIMEOUT_MS = 120_000;
const SQNR_SAMPLES = 50;
const SCREENSHOT = path.join(REPO_ROOT, 'docs/graph-triage.png');

const prepared = {
  floatId: '',
  refinedId: '',
  /** The layer the triage step keeps in float. */
  kept: '',
  /** Per-layer SQNR of the refined variant on the first 50 samples, as the engine measures it. */
  refinedSqnr: [] as LayerSqnr[],
  refinedGraph: null as ModelGraph | null,
};

function once<K extends 'bench.done' | 'triage.done'>(api: ReturnType<typeof createApiClient>, name: K): Promise<EventPayload<K>> {
  return new Promise((resolve) => {
    const off = api.on(name, (event) => {
      off();
      resolve(event);
    });
  });
}

async function prepareWorkspace(): Promise<{ workspaceDir: string }> {
  const workspaceDir = await makeTempWorkspace();
  const studio = await openStudio({ workspaceDir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  try {
    const api = createApiClient(directTransport(studio));
    prepared.floatId = (await api.models.list({}))[0]?.id ?? '';
    const recipe = { mode: 'static', method: 'minmax', perChannel: true } as const;
    const int8 = await api.models.quantize({ modelId: prepared.floatId, recipe, datasetId: 'demo-digits', calibrationSamples: 50 });
    // A short run of the variant: the triage step benchmarks with the settings of the variant it refines.
    const benched = once(api, 'bench.done');
    await api.bench.start({ modelIds: [int8.id], targetIds: ['local'], threads: [1], settings: { runs: 20, warmupRuns: 2, warmupMinTimeMs: 0 } });
    await benched;
    const layers = await api.evals.layerSqnr({ modelId: int8.id, datasetId: 'demo-digits', samples: SQNR_SAMPLES });
    const worst = [...layers].sort((a, b) => a.sqnrDb - b.sqnrDb)[0];
    if (!worst) throw new Error('The demo variant has no per-layer SQNR: the test needs a static int8 variant.');
    prepared.kept = worst.node;
    const triaged = once(api, 'triage.done');
    await api.triage.start({ variantId: int8.id, recipe: { ...recipe, exclude: [worst.node] }, datasetId: 'demo-digits', targetId: 'local', evalLimit: 100 });
    const done = await triaged;
    if (done.state !== 'completed') throw new Error(`The preparing triage step ended ${done.state}: ${done.error?.message ?? ''}`);
    prepared.refinedId = done.session.steps[1]?.variantId ?? '';
    prepared.refinedSqnr = await api.evals.layerSqnr({ modelId: prepared.refinedId, datasetId: 'demo-digits', samples: SQNR_SAMPLES });
    prepared.refinedGraph = await api.models.graph({ id: prepared.refinedId });
  } finally {
    await studio.close();
  }
  return { workspaceDir };
}

const session = useStudioSession({ server: prepareWorkspace });

it(
  'paints a triage step on the graph: the layer it keeps in float outlined, the others coloured by SQNR, a node’s SQNR in its details',
  async () => {
    const { page, errors } = session;
    const graph = prepared.refinedGraph as ModelGraph;
    const keptNode = graph.nodes.find((n) => n.name === prepared.kept);
    expect(keptNode, `the refined variant has a node named ${prepared.kept}`).toBeDefined();

    const view = page.locator('[data-testid="graph-view"][data-layout-state="done"]');
    const openGraph = async (modelId: string): Promise<void> => {
      await page.getByTestId('nav-models').click();
      await page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`).click();
      await page.getByTestId('model-view-graph').click();
      await view.waitFor({ timeout: TIMEOUT_MS });
    };
    await openGraph(prepared.refinedId);
    await view.getByTestId('graph-overlay-select').selectOption('triage');
    // The refined variant's own step is the one shown.
    expect(await view.getByTestId('graph-overlay-triage-step').locator('option:checked').textContent()).toBe(`step 2 of 2 (+ ${prepared.kept})`);
    const title = view.getByTestId('graph-overlay-title');
    await expect.poll(() => title.textContent()).toMatch(/^Triage: step 2 of 2 \(\+ .+\), SQNR of .+ on /);

    // Once measured, every layer the engine measured is labelled with its SQNR; the kept one says float too.
    const dbLabels = () => view.getByTestId('graph-node-overlay').allTextContents();
    await expect.poll(async () => (await dbLabels()).filter((t) => / dB$|exact$/.test(t)).length, { timeout: TIMEOUT_MS }).toBeGreaterThan(0);
    const marked = view.locator('[data-testid="graph-node"][data-kept-float="yes"]');
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute('data-node-id')).toBe(keptNode!.id);
    expect(await marked.getByTestId('graph-node-overlay').textContent()).toMatch(/^float/);
    expect(await view.getByTestId('graph-legend-kept-float').textContent()).toContain('kept in float');
    expect(await view.getByTestId('graph-overlay-legend').textContent()).toContain('kept in float (1 layer)');

    // A click on a measured layer (not the kept one) shows the SQNR the engine measures for it.
    const measured = prepared.refinedSqnr.filter((l) => Number.isFinite(l.sqnrDb) && l.node !== prepared.kept);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    const target = measured.map((l) => ({ layer: l, node: byName.get(l.node) })).find((p) => p.node !== undefined);
    if (!target?.node) throw new Error('No measured layer of the refined variant is a node of its graph.');
    await view.locator(`[data-testid="graph-node"][data-node-id="${target.node.id}"]`).click();
    const details = view.getByTestId('graph-details');
    expect(await details.getByTestId('graph-details-name').textContent()).toBe(target.node.name);
    expect(await details.getByTestId('graph-details-overlay').textContent()).toBe(`SQNR of ${target.layer.tensor} (${target.layer.opType}): ${target.layer.sqnrDb.toFixed(2)} dB`);
    // The kept layer's details say it is kept, and since which step.
    await marked.click();
    expect(await details.getByTestId('graph-details-overlay').textContent()).toMatch(/^Kept in float since step 2\./);
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) {
      await page.mouse.move(0, 0);
      // Tall enough for the whole view: the canvas draws only what is in the window, so a view
      // taller than the window would be photographed with blank bands.
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: viewport?.width ?? 1400, height: 1800 });
      await page.getByTestId('graph-view').screenshot({ path: SCREENSHOT });
      if (viewport) await page.setViewportSize(viewport);
    }

    // The first step (the variant the triage started from) keeps nothing in float.
    await view.getByTestId('graph-overlay-triage-step').selectOption({ label: 'step 1 of 2 (start)' });
    await expect.poll(() => title.textContent()).toMatch(/^Triage: step 1 of 2 \(start\)/);
    await expect.poll(async () => (await dbLabels()).filter((t) => / dB$|exact$/.test(t)).length, { timeout: TIMEOUT_MS }).toBeGreaterThan(0);
    expect(await marked.count()).toBe(0);

    // On the float model's graph the newest step is shown, its kept layer outlined by name.
    await openGraph(prepared.floatId);
    await view.getByTestId('graph-overlay-select').selectOption('triage');
    await expect.poll(() => title.textContent()).toMatch(/^Triage: step 2 of 2/);
    await expect.poll(() => marked.count()).toBe(1);
    expect(await marked.locator('text.graph-node-name').textContent()).toBe(prepared.kept.length > 30 ? `${prepared.kept.slice(0, 29)}…` : prepared.kept);
    expect(errors).toEqual([]);
  },
  TIMEOUT_MS * 3,
);

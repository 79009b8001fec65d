/**
 * Issue 13, the model graph view in a real Chromium over browser mode: a real third-party model
 * (Silero VAD v5, ONNX with 50 If bodies) imported through the Models page, its Graph tab laid out
 * with as many nodes as `edgebench inspect --graph --json` reads (main graph and subgraphs alike,
 * as the view counts them), a node found by name with its tensors' dtype and shape, the tab kept
 * over a reload (the `#/models/<id>/graph` route), and two overlays on the studio's demo model:
 * precision on its static int8 variant (counted against src/shared/graph/precision.ts on the same graph) and on the float model, and per-op latency from a
 * profiled benchmark. The int8 variant and the profiled run are made through the engine first,
 * as the Variants panel and the Runs page make them, so that this file tests only the graph.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract';
import { nodePrecisions, precisionCounts } from '../../src/shared/graph/precision';
import type { ModelGraph } from '../../src/shared/model-graph';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { makeTempWorkspace, REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const SILERO = path.join(REPO_ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const TIMEOUT_MS = 120_000;

const prepared: { floatId: string; int8Id: string; int8Graph: ModelGraph | null } = { floatId: '', int8Id: '', int8Graph: null };

async function prepareWorkspace(): Promise<{ workspaceDir: string }> {
  const workspaceDir = await makeTempWorkspace();
  const studio = await openStudio({ workspaceDir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  try {
    const api = createApiClient(directTransport(studio));
    prepared.floatId = (await api.models.list({}))[0]?.id ?? '';
    const int8 = await api.models.quantize({ modelId: prepared.floatId, recipe: { mode: 'static', method: 'minmax', perChannel: true }, datasetId: 'demo-digits', calibrationSamples: 50 });
    prepared.int8Id = int8.id;
    prepared.int8Graph = await api.models.graph({ id: int8.id });
    const done = new Promise<EventPayload<'bench.done'>>((resolve) => {
      const off = api.on('bench.done', (event) => {
        off();
        resolve(event);
      });
    });
    await api.bench.start({ modelIds: [prepared.floatId], targetIds: ['local'], threads: [1], settings: { runs: 20, warmupRuns: 3, warmupMinTimeMs: 0, profileRuns: 10 } });
    if ((await done).runIds.length !== 1) throw new Error('The preparing benchmark did not make its run.');
  } finally {
    await studio.close();
  }
  return { workspaceDir };
}

const session = useStudioSession({ server: prepareWorkspace });

/** The graph as the CLI reads it: what the view should show, counted the same way (every node, subgraphs included). */
async function cliGraph(file: string): Promise<ModelGraph> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/edgebench.mjs'), 'inspect', '--graph', '--json', file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as ModelGraph;
}

it(
  'shows a real model’s whole graph, finds a node by name with its tensors, keeps the Graph tab over a reload, and paints precision and latency overlays',
  async () => {
    const { page, errors } = session;
    const expected = await cliGraph(SILERO);
    expect(expected.subgraphs.length).toBeGreaterThan(0);
    expect(expected.nodes.some((n) => n.subgraph !== null)).toBe(true);

    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(SILERO);
    const inspect = page.getByTestId('model-inspect');
    await inspect.getByRole('heading', { name: /silero_vad_v5/ }).waitFor({ timeout: TIMEOUT_MS });
    await inspect.getByTestId('model-view-graph').click();
    const view = page.locator('[data-testid="graph-view"][data-layout-state="done"]');
    await view.waitFor({ timeout: TIMEOUT_MS });
    expect(Number(await view.getByTestId('graph-node-count').getAttribute('data-count'))).toBe(expected.nodes.length);
    expect(page.url()).toMatch(/#\/models\/[^/]+\/graph$/);

    // A node with a unique name inside an If body, and one of its inputs whose dtype and shape the file states in full.
    const nameCount = new Map<string, number>();
    for (const n of expected.nodes) nameCount.set(n.name, (nameCount.get(n.name) ?? 0) + 1);
    const pick = expected.nodes
      .filter((n) => n.subgraph !== null && n.name !== '' && nameCount.get(n.name) === 1)
      .map((n) => ({ node: n, tensor: n.inputs.map((name) => expected.tensors[name]).find((t) => t?.dtype && t.shape && t.shape.length > 1 && t.shape.every((d) => typeof d === 'number')) }))
      .find((p) => p.tensor !== undefined);
    if (!pick?.tensor?.shape) throw new Error('Silero v5 has no named body node with a fully shaped input: the test needs another model.');
    await view.getByTestId('graph-search').fill(pick.node.name);
    await view.getByTestId('graph-search').press('Enter');
    const details = view.getByTestId('graph-details');
    expect(await details.getByTestId('graph-details-name').textContent()).toBe(pick.node.name);
    expect(await details.getByTestId('graph-details-op').textContent()).toBe(pick.node.op);
    const row = details.locator(`[data-testid="graph-tensor-row"][data-tensor="${pick.tensor.name}"]`).first();
    expect(await row.getByTestId('graph-tensor-dtype').textContent()).toBe(pick.tensor.dtype);
    expect(await row.getByTestId('graph-tensor-shape').textContent()).toBe(pick.tensor.shape.join('×'));
    // The body holding the node is the tab shown.
    expect(await view.locator('[data-testid="graph-tab"][aria-selected="true"]').textContent()).toContain(expected.subgraphs.find((s) => s.id === pick.node.subgraph)?.label ?? '');

    // The route keeps the Graph tab: a reload opens it again, laid out.
    await page.reload();
    await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
    expect(await page.getByTestId('model-view-graph').getAttribute('aria-selected')).toBe('true');
    await view.waitFor({ timeout: TIMEOUT_MS });
    expect(Number(await view.getByTestId('graph-node-count').getAttribute('data-count'))).toBe(expected.nodes.length);

    const overlayTexts = () => view.getByTestId('graph-node-overlay').allTextContents();
    const openGraph = async (modelId: string): Promise<void> => {
      await page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`).click();
      await page.getByTestId('model-view-graph').click();
      await view.waitFor({ timeout: TIMEOUT_MS });
    };
    // Another model picked while the Graph tab is open opens in its graph too.
    await page.locator(`[data-testid="model-row"][data-model-id="${prepared.floatId}"]`).click();
    await view.waitFor({ timeout: TIMEOUT_MS });
    expect(page.url()).toContain(`#/models/${prepared.floatId}/graph`);

    // Back to Summary: the route drops /graph, and another model then opens on its summary.
    await page.getByTestId('model-view-summary').click();
    expect(page.url()).toContain(`#/models/${prepared.floatId}`);
    expect(page.url()).not.toMatch(/\/graph$/);
    await page.locator(`[data-testid="model-row"][data-model-id="${prepared.int8Id}"]`).click();
    expect(await page.getByTestId('model-view-summary').getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toMatch(/#\/models\/[^/]+$/);

    // Precision of the static int8 variant: its integer nodes say int8 or uint8, its converters Q/DQ.
    await openGraph(prepared.int8Id);
    await view.getByTestId('graph-overlay-select').selectOption('precision');
    // (onnxruntime's static QDQ quantizer keeps activations in uint8.) The view draws one label per node, as the graph's precisions say.
    const counts = precisionCounts(nodePrecisions(prepared.int8Graph as ModelGraph));
    expect(counts.uint8 + counts.int8).toBeGreaterThan(0);
    await expect.poll(async () => (await overlayTexts()).filter((t) => t === 'uint8' || t === 'int8').length).toBe(counts.uint8 + counts.int8);
    const labels = await overlayTexts();
    expect(labels.filter((t) => t === 'Q/DQ').length).toBe(counts['quantize/dequantize']);
    expect(labels.filter((t) => t === 'float').length).toBe(counts.float);
    expect(await view.getByTestId('graph-overlay-title').textContent()).toBe('Precision: quantized or float');

    // The float model: every node that carries float data is float.
    await openGraph(prepared.floatId);
    await view.getByTestId('graph-overlay-select').selectOption('precision');
    await expect.poll(async () => (await overlayTexts()).length).toBeGreaterThan(0);
    expect(new Set(await overlayTexts())).toEqual(new Set(['float']));

    // Per-op latency from the profiled run of the float model.
    await view.getByTestId('graph-overlay-select').selectOption('latency');
    await view.getByTestId('graph-overlay-run').waitFor({ timeout: TIMEOUT_MS });
    await expect.poll(async () => (await overlayTexts()).filter((t) => /ms \(\d+(\.\d)?%\)$/.test(t)).length).toBeGreaterThan(0);
    expect(await view.getByTestId('graph-overlay-title').textContent()).toMatch(/^Latency per op: /);
    expect(errors).toEqual([]);
  },
  TIMEOUT_MS * 3,
);

/**
 * Issue 13, item 5 in a real Chromium against browser mode: the demo model against its int8
 * static variant (made by the studio's quantizer), opened from the variant's "Diff with parent"
 * link: the summary, the node table sorted and filtered, and the graph with the changed and added
 * nodes coloured; then the two models' profiled runs diffed per op, opened from Compare's "Diff per op".
 * The workspace is prepared through the contract (direct transport) before the server starts.
 * Takes docs/diff.png on request (UPDATE_SCREENSHOT=1) or when it is missing.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { EventPayload, ModelEntry } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DIFF_SCREENSHOT = path.join(REPO_ROOT, 'docs/diff.png');

let float: ModelEntry;
let int8: ModelEntry;
let runIds: { float: string; int8: string };

async function prepareWorkspace(dir: string): Promise<void> {
  const studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  try {
    const api = createApiClient(directTransport(studio));
    float = (await api.models.list({}))[0] as ModelEntry;
    int8 = await api.models.quantize({ modelId: float.id, recipe: { mode: 'static', method: 'minmax', perChannel: true }, datasetId: 'demo-digits', calibrationSamples: 50 });
    const ended = new Promise<EventPayload<'bench.done'>>((resolve) => {
      const off = api.on('bench.done', (event) => {
        off();
        resolve(event);
      });
    });
    await api.bench.start({ modelIds: [float.id, int8.id], targetIds: ['local'], threads: [1], settings: { runs: 30, warmupRuns: 2, warmupMinTimeMs: 0, profileRuns: 5 } });
    await ended;
    const runs = await api.runs.list({});
    const of = (model: ModelEntry): string => runs.find((r) => r.modelSha256 === model.info.sha256)?.id ?? '';
    runIds = { float: of(float), int8: of(int8) };
  } finally {
    await studio.close();
  }
}

// Quantizing and two profiled runs take longer than the e2e project's hook limit on a loaded machine.
const session = useStudioSession({ workspace: prepareWorkspace, viewport: { width: 1400, height: 1000 }, setupTimeoutMs: 150_000 });

const rowTexts = (column: number): Promise<string[]> => session.page.locator(`[data-testid="diff-row"] td:nth-child(${column})`).allTextContents();

describe('float against int8 on the Diff page', () => {
  it("opens from the variant's 'Diff with parent' link with the summary and the changes first", async () => {
    expect(runIds.float).not.toBe('');
    expect(runIds.int8).not.toBe('');
    await session.page.getByTestId('nav-models').click();
    await session.page.locator(`[data-testid="model-row"][data-model-id="${float.id}"]`).click();
    await session.page.locator(`[data-testid="variant-row"][data-model-id="${int8.id}"]`).getByTestId('variant-diff').click();
    await session.page.locator('[data-testid="diff-page"][data-diff-kind="models"]').waitFor();
    expect(session.page.url()).toContain(`#/diff/${float.id}/${int8.id}`);

    const summary = session.page.getByTestId('diff-summary');
    await summary.waitFor();
    const changed = Number((await session.page.getByTestId('diff-summary-changed').locator('dd').textContent()) ?? '0');
    expect(changed).toBeGreaterThan(0);
    expect(await session.page.getByTestId('diff-summary-added').locator('dd').textContent()).toMatch(/^\d+ \(\d+ for quantization\)$/);
    expect(await session.page.getByTestId('diff-summary-size').locator('dd').textContent()).toMatch(/^−/);

    // "Changed only" is on: no row is 'same', and the changes come first.
    const statuses = await session.page.getByTestId('diff-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses).not.toContain('same');
    expect(statuses[0]).toBe('changed');
    expect(statuses.filter((s) => s === 'changed')).toHaveLength(changed);
    const firstChange = await rowTexts(4);
    expect(firstChange.some((text) => text.includes('precision float → int8'))).toBe(true);
    expect(firstChange).toContain('added for quantization');
  });

  it('sorts by name and by op, and shows the same nodes when "Changed only" is cleared', async () => {
    const before = await session.page.getByTestId('diff-row').count();
    await session.page.getByTestId('diff-sort-name').click();
    const names = await rowTexts(2);
    expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y)));
    await session.page.getByTestId('diff-sort-name').click();
    expect(await rowTexts(2)).toEqual([...names].reverse());
    await session.page.getByTestId('diff-sort-op').click();
    const ops = await rowTexts(3);
    expect(ops).toEqual([...ops].sort((x, y) => x.localeCompare(y)));

    // With "Changed only" the table has every node but the same ones; without it, every node of A plus those B added.
    const figure = async (key: string): Promise<number> => Number(/^\d+/.exec((await session.page.getByTestId(`diff-summary-${key}`).locator('dd').textContent()) ?? '')?.[0]);
    const [changed, added, removed] = [await figure('changed'), await figure('added'), await figure('removed')];
    const nodesA = Number(/^\d+/.exec((await session.page.getByTestId('diff-summary-nodes').locator('dd').textContent()) ?? '')?.[0]);
    expect(before).toBe(changed + added + removed);
    await session.page.getByTestId('diff-changed-only').uncheck();
    await expect.poll(() => session.page.getByTestId('diff-row').count()).toBe(nodesA + added);
  });

  it("colours the variant's graph: its changed nodes and the QDQ nodes it added", async () => {
    await session.page.locator('[data-testid="graph-view"][data-layout-state="done"]').waitFor();
    expect(await session.page.getByTestId('graph-overlay-title').textContent()).toMatch(/^Diff: .+ → .+ \(graph of .+\)$/);
    const changedB = await session.page.locator('[data-testid="diff-row"][data-status="changed"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node-b')));
    for (const id of changedB) {
      const node = session.page.locator(`[data-testid="graph-node"][data-node-id="${id}"]`);
      // Drawn with a fill over its box, and the precision change as its label.
      expect(await node.locator('rect[fill]').count(), `${id}`).toBe(1);
      expect(await node.getByTestId('graph-node-overlay').textContent()).toBe('float → int8');
    }
    const qdq = session.page.locator('[data-testid="graph-node"][data-op="QuantizeLinear"]');
    expect(await qdq.count()).toBeGreaterThan(0);
    expect(await qdq.first().getByTestId('graph-node-overlay').textContent()).toBe('added (int8)');
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(DIFF_SCREENSHOT)) {
      // The page scrolls inside its content pane: a viewport as tall as the page shows summary, table and graph at once.
      const contentHeight = await session.page.locator('main.content').evaluate((el) => el.scrollHeight);
      await session.page.setViewportSize({ width: 1400, height: Math.min(2400, contentHeight) });
      await session.page.getByTestId('graph-fit').click();
      await mkdir(path.dirname(DIFF_SCREENSHOT), { recursive: true });
      await session.page.mouse.move(0, 0);
      await session.page.screenshot({ path: DIFF_SCREENSHOT });
      await session.page.setViewportSize({ width: 1400, height: 1000 });
    }
    // The float graph has no Q/DQ and shows the same changes from the other side.
    await session.page.getByTestId('diff-graph-a').click();
    await session.page.locator('[data-testid="graph-view"][data-layout-state="done"]').waitFor();
    await expect.poll(() => session.page.locator('[data-testid="graph-node"][data-op="QuantizeLinear"]').count()).toBe(0);
    expect(await session.page.getByTestId('graph-node-overlay').count()).toBeGreaterThanOrEqual(changedB.length);
  });

  it('Swap diffs the other way: the Q/DQ nodes are then removed, as having only quantized', async () => {
    await session.page.getByTestId('diff-swap').click();
    await expect.poll(() => session.page.url()).toContain(`#/diff/${int8.id}/${float.id}`);
    await expect.poll(() => session.page.getByTestId('diff-summary-removed').locator('dd').textContent()).toMatch(/^\d+ \(\d+ folded, \d+ for quantization\)$/);
    expect(await session.page.getByTestId('diff-summary-added').locator('dd').textContent()).toMatch(/^\d+ \(0 for quantization\)$/);
    expect(await session.page.locator('[data-testid="diff-row"][data-status="removed"]').first().locator('td').nth(3).textContent()).toMatch(/only quantized|folded|removed/);
  });
});

describe('two profiled runs, per op', () => {
  it('shows both medians, a table sorted by delta, and the deltas on the graph', async () => {
    // From Compare with the two runs: "Diff per op".
    await session.page.goto(`${session.server.url}#/compare/${runIds.float},${runIds.int8}`);
    await session.page.getByTestId('compare-diff-per-op').click();
    await session.page.locator('[data-testid="diff-page"][data-diff-kind="runs"]').waitFor();
    expect(session.page.url()).toContain(`#/diff/${runIds.float}/${runIds.int8}`);
    await session.page.getByTestId('run-diff').waitFor();
    expect(await session.page.getByTestId('diff-summary-median-a').locator('dd').textContent()).toMatch(/ms$/);
    expect(await session.page.getByTestId('diff-summary-ratio').locator('dd').textContent()).toMatch(/^\d+\.\d\d×$/);

    const deltas = async (): Promise<number[]> =>
      (await session.page.getByTestId('diff-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-delta-us')))).filter((d): d is string => d !== null).map(Number);
    const descending = await deltas();
    expect(descending.length).toBeGreaterThan(0);
    expect(descending).toEqual([...descending].sort((x, y) => y - x));
    await session.page.getByTestId('diff-sort-delta').click();
    const ascending = await deltas();
    expect(ascending).toEqual([...descending].reverse());

    await session.page.getByTestId('diff-by-op').click();
    expect(await rowTexts(1)).toContain('Conv');

    await session.page.locator('[data-testid="graph-view"][data-layout-state="done"]').waitFor();
    expect(await session.page.getByTestId('graph-overlay-title').textContent()).toMatch(/^Per-op latency: /);
    const labels = await session.page.getByTestId('graph-node-overlay').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((label) => /^[+−][\d.]+ (ms|µs)/.test(label))).toBe(true);
    expect(session.errors).toEqual([]);
  });
});

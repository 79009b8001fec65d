/**
 * The Compare view in a real Chromium against browser mode: runs made by real matrix jobs are
 * picked on the Runs page and compared side by side (percentiles with speedups against a chosen
 * baseline, overlaid histograms, CDF, memory). Then the demo model in its three formats, each on
 * its own runtime, which also makes the README's docs/compare.png on request.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pressPageKey } from './helpers/browser';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const COMPARE_SCREENSHOT = path.join(REPO_ROOT, 'docs/compare.png');
const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const DEMO_TFJS = ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(REPO_ROOT, 'resources/models/demo-mnist-tfjs', f));

/** The run id of every runs.get the page sent over browser mode's WebSocket, and whether its answer came back. */
const runFileReads: Array<{ runId: string; answered: boolean }> = [];

/** Reads of each run's file the page sent, and how many of them were answered. */
function readsOf(runIds: string[]): Array<{ sent: number; answered: number }> {
  return runIds.map((id) => {
    const reads = runFileReads.filter((r) => r.runId === id);
    return { sent: reads.length, answered: reads.filter((r) => r.answered).length };
  });
}

const session = useStudioSession({
  // Listening before the page opens its socket; a call and its answer share the frame's id.
  beforeOpen: (page) => {
    page.on('websocket', (socket) => {
      const byCallId = new Map<number, { runId: string; answered: boolean }>();
      socket.on('framesent', (frame) => {
        if (typeof frame.payload !== 'string') return;
        const sent = JSON.parse(frame.payload) as { type?: string; id?: number; channel?: string; request?: { id?: string } };
        if (sent.type !== 'call' || sent.channel !== 'runs.get' || typeof sent.id !== 'number') return;
        const read = { runId: String(sent.request?.id), answered: false };
        byCallId.set(sent.id, read);
        runFileReads.push(read);
      });
      socket.on('framereceived', (frame) => {
        // Run files are large: only the head of the frame is parsed for its type and id.
        if (typeof frame.payload !== 'string') return;
        const head = /^\{"type":"result","id":(\d+)/.exec(frame.payload);
        const read = head ? byCallId.get(Number(head[1])) : undefined;
        if (read) read.answered = true;
      });
    });
  },
});

/** Starts the job the form describes and waits until every cell finished; returns the cells' run ids. */
async function runJob(cells: number): Promise<string[]> {
  expect(await session.page.getByTestId('bench-cell-count').getAttribute('data-cells')).toBe(String(cells));
  await session.page.getByTestId('bench-start').click();
  const job = session.page.locator('[data-testid="bench-job"][data-status="finished"]');
  await job.waitFor({ timeout: 90_000 });
  const failed = job.locator('[data-testid="bench-cell"][data-state="failed"]');
  if ((await failed.count()) > 0) throw new Error(`A cell failed: ${await failed.first().textContent()}`);
  const done = job.locator('[data-testid="bench-cell"][data-state="done"]');
  expect(await done.count()).toBe(cells);
  const runIds = await Promise.all(Array.from({ length: cells }, async (_, i) => (await done.nth(i).getAttribute('data-run-id')) ?? ''));
  await job.getByTestId('bench-dismiss').click();
  // The runs list refreshes on the workspace's change event.
  for (const id of runIds) await session.page.locator(`[data-testid="run-row"][data-run-id="${id}"]`).waitFor();
  return runIds;
}

async function pick(runIds: string[]): Promise<void> {
  for (const id of runIds) await session.page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
}

describe('the Compare view', () => {
  it('compares two runs: percentile table with speedups against a chosen baseline, histograms, CDF and memory', async () => {
    await session.page.getByTestId('nav-runs').click();
    await session.page.getByTestId('bench-runs-input').fill('40');
    await session.page.getByTestId('bench-warmup-input').fill('2');
    await session.page.getByTestId('bench-warmup-time-input').fill('0');
    await session.page.getByTestId('bench-threads-input').fill('1, 2');
    const runIds = await runJob(2);

    expect(await session.page.getByTestId('compare-button').isEnabled()).toBe(false);
    await pick(runIds);
    expect(await session.page.getByTestId('compare-button').textContent()).toBe('Compare (2)');
    // Ticking a run reads its file ahead (the newest one was read already, for its detail)...
    await expect.poll(() => readsOf(runIds)).toEqual(runIds.map(() => ({ sent: 1, answered: 1 })));
    await session.page.getByTestId('compare-button').click();

    // ...so Compare opens on the table itself, with no "Reading 1 of 2 runs…" first, and reads nothing again.
    const table = session.page.getByTestId('compare-table');
    expect(await table.count()).toBe(1);
    expect(await session.page.getByText(/^Reading \d+ of \d+ runs/).count()).toBe(0);
    const rows = table.getByTestId('compare-row');
    expect(await rows.count()).toBe(2);
    // The first run is the baseline until another is chosen; the other gets a ratio of medians.
    const speedups = table.getByTestId('speedup');
    expect(await speedups.nth(0).textContent()).toBe('baseline');
    expect(await speedups.nth(1).textContent()).toMatch(/^(\d+\.\d\d× (faster|slower)|same)$/);
    // 40 samples: p90 and p99 are below their minimums (64 and 662).
    expect(await rows.nth(0).locator('[data-stat="p90"]').textContent()).toBe('too few samples');
    expect(await rows.nth(0).locator('[data-stat="p99"]').getAttribute('title')).toContain('662');

    await rows.nth(1).getByTestId('compare-baseline-radio').check();
    expect(await speedups.nth(1).textContent()).toBe('baseline');
    expect(await speedups.nth(0).textContent()).toMatch(/^(\d+\.\d\d× (faster|slower)|same)$/);

    await expect.poll(() => session.page.getByTestId('compare-cdf').locator('.recharts-line-curve').count()).toBe(2);
    expect(await session.page.getByTestId('compare-histogram').locator('.recharts-area-area').count()).toBe(2);
    expect(await session.page.getByTestId('compare-memory').locator('.recharts-bar-rectangle').count()).toBe(2);
    expect(readsOf(runIds)).toEqual(runIds.map(() => ({ sent: 1, answered: 1 })));

    // Picks survive page switches, and G then 4 comes back to the comparison.
    await pressPageKey(session.page, '1');
    await session.page.getByTestId('import-button').waitFor();
    await pressPageKey(session.page, '4');
    await expect.poll(() => session.page.getByTestId('compare-row').count()).toBe(2);
    expect(session.errors).toEqual([]);

    await session.page.getByTestId('nav-runs').click();
    await session.page.getByTestId('compare-clear').click();
  });

  it('compares the demo model as ONNX, TFLite and TF.js, each on its own runtime', async () => {
    await session.page.getByTestId('nav-models').click();
    await session.page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    await session.page.locator('[data-testid="model-row"]').nth(1).waitFor();
    await session.page.getByTestId('import-input').setInputFiles(DEMO_TFJS);
    await session.page.locator('[data-testid="model-row"]').nth(2).waitFor();

    await session.page.getByTestId('nav-runs').click();
    const options = session.page.getByTestId('bench-model-option');
    expect(await options.count()).toBe(3);
    for (let i = 0; i < 3; i++) await options.nth(i).getByTestId('bench-model-checkbox').check();
    const runtimes = (await options.allTextContents()).join(' ');
    for (const runtime of ['onnxruntime', 'LiteRT', 'TensorFlow.js']) expect(runtimes).toContain(runtime);
    await session.page.getByTestId('bench-runs-input').fill(process.env.UPDATE_SCREENSHOT === '1' ? '2000' : '50');
    await session.page.getByTestId('bench-threads-input').fill('1');
    const runIds = await runJob(3);

    await pick(runIds);
    await session.page.getByTestId('compare-button').click();
    const rows = session.page.getByTestId('compare-row');
    await expect.poll(() => rows.count()).toBe(3);
    const labels = (await rows.allTextContents()).join(' ');
    for (const runtime of ['onnxruntime', 'LiteRT', 'TensorFlow.js']) expect(labels).toContain(runtime);
    await expect.poll(() => session.page.getByTestId('compare-cdf').locator('.recharts-line-curve').count()).toBe(3);

    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(COMPARE_SCREENSHOT)) {
      await session.page.setViewportSize({ width: 1400, height: 960 });
      await mkdir(path.dirname(COMPARE_SCREENSHOT), { recursive: true });
      await session.page.mouse.move(0, 0);
      await session.page.screenshot({ path: COMPARE_SCREENSHOT });
      await session.page.setViewportSize({ width: 1400, height: 900 });
    }
    expect(session.errors).toEqual([]);
  });
});

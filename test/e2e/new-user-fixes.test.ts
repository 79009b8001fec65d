/**
 * Issue 13's findings from a new user's pass through the studio, in a real Chromium over browser
 * mode: "Start a simulated board" shows its progress, then brings the new board's card into view
 * and gives it the focus, and a failure says what to do; same-named models can be told apart in
 * the pickers; a TF.js model.json picked as files is not named "model"; the run detail's energy
 * hint names the form's setting; long model and tensor names wrap whole, nothing cut off or
 * squeezed, at 1280×800 and 1024×700. No sleeps: every wait
 * is for a selector or a page condition.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const MODELS = path.join(REPO_ROOT, 'resources/models');
const DEMO_TFJS = ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(MODELS, 'demo-mnist-tfjs', f));
const HAND_LANDMARK = path.join(REPO_ROOT, 'node_modules/@mediapipe/hands/hand_landmark_full.tflite');
const LONG_NAME = 'selfie_segmentation_landscape_mobilenet_v3_small_minimalistic_224_quantized';
const START_TIMEOUT_MS = 60_000;

const studio = useStudioSession();
let scratch: string;

beforeAll(async () => {
  const socat = spawnSync('socat', ['-V']);
  if (socat.error || socat.status !== 0) {
    throw new Error('socat is not installed, and the simulated board runs on a socat pseudo-terminal: install it (sudo apt-get install socat).');
  }
  scratch = await mkdtemp(path.join(tmpdir(), 'edgebench-e2e-new-user-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Where an element sits in the window, in CSS pixels (null when it is not there). */
function box(page: Page, selector: string): Promise<{ top: number; bottom: number; right: number; width: number } | null> {
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, right: r.right, width: r.width };
  })()`);
}

describe('Devices: Start a simulated board', () => {
  it('shows its progress while it starts, then scrolls its new card into view, focuses and highlights it', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('nav-devices').click();
    await page.getByTestId('devices-empty').waitFor();
    // The progress line may come and go between two polls: record what the page drew.
    await page.evaluate(`(() => {
      window.__simulateProgress = [];
      new MutationObserver(() => {
        const line = document.querySelector('[data-testid="simulate-progress"]');
        if (line) window.__simulateProgress.push(line.textContent);
      }).observe(document.body, { subtree: true, childList: true });
    })()`);

    for (const [button, name] of [
      ['simulate-edgebench', 'Simulated board (ESP32-S3 model)'],
      ['simulate-mlperf', 'Simulated MLPerf Tiny board'],
    ] as const) {
      await page.evaluate('window.__simulateProgress = []');
      await page.getByTestId(button).click();
      const card = page.locator('[data-testid="device-card"][data-just-added="true"]');
      await card.waitFor({ timeout: START_TIMEOUT_MS });
      expect(await card.locator('h2').textContent()).toBe(name);
      expect(await page.locator('[data-testid="device-card"][data-just-added="true"]').count()).toBe(1);
      const seen = await page.evaluate<string[]>('window.__simulateProgress');
      expect(seen.some((text) => text.startsWith(`Starting the ${name}`))).toBe(true);
      expect(await page.getByTestId('simulate-ready').textContent()).toContain(`${name} is ready`);

      // The card is added at the end of the list, below the fold: the page brings it into view and focuses it.
      const id = (await card.getAttribute('data-target-id')) ?? '';
      const heading = `[data-testid="device-card"][data-target-id="${id}"] h2`;
      await expect.poll(async () => (await box(page, heading))?.top ?? -1).toBeGreaterThanOrEqual(0);
      await expect.poll(async () => (await box(page, heading))?.bottom ?? 800).toBeLessThan(800);
      expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-target-id') ?? null")).toBe(id);
    }
    expect(await page.getByTestId('device-card').count()).toBe(2);
    expect(studio.errors).toEqual([]);
  });
});

describe('Devices: a simulated board that cannot start', () => {
  let empty: string;
  // Registered before the session's hooks: the folder is removed after the session has stopped its server.
  afterAll(async () => {
    if (empty) await rm(empty, { recursive: true, force: true });
  });
  const noSocat = useStudioSession({
    browser: studio,
    viewport: { width: 1280, height: 800 },
    server: async () => {
      // A PATH without socat, as on a machine where it is not installed.
      empty = await mkdtemp(path.join(tmpdir(), 'edgebench-e2e-no-socat-'));
      return { env: { PATH: empty } };
    },
  });

  it('says what failed and what to do, beside the button, and adds nothing', async () => {
    const { page } = noSocat;
    await page.getByTestId('nav-devices').click();
    await page.getByTestId('simulate-edgebench').click();
    const error = page.getByTestId('simulate-error');
    await error.waitFor({ timeout: START_TIMEOUT_MS });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('The Simulated board (ESP32-S3 model) did not start, and nothing was added');
    expect(text).toContain('socat is not installed');
    expect(text).toContain('sudo apt-get install socat');
    expect(text).toContain('press the button again');
    expect(await page.getByTestId('simulate-edgebench').isEnabled()).toBe(true);
    expect(await page.getByTestId('device-card').count()).toBe(0);
    expect(await page.getByTestId('devices-empty').count()).toBe(1);
  });
});

describe('same-named models in pickers', () => {
  it('a TF.js model.json picked as files is named by the model, not "model"', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFJS);
    const row = page.getByTestId('model-row').filter({ hasText: 'tfjs' });
    await row.waitFor();
    expect(await row.locator('.model-name').textContent()).toBe('demo_mnist');
  });

  it('tells apart two ONNX files of one name and the same name in TFLite, in the bench form and in Diff', async () => {
    const { page } = studio;
    // The demo ONNX again, its description changed by one letter: other bytes (another model), the same file name.
    const dir = path.join(scratch, 'other');
    await mkdir(dir, { recursive: true });
    const bytes = await readFile(path.join(MODELS, 'demo-mnist.onnx'));
    const at = bytes.indexOf('Demo digit');
    bytes[at + 5] = 'D'.charCodeAt(0);
    await writeFile(path.join(dir, 'demo-mnist.onnx'), bytes);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(path.join(dir, 'demo-mnist.onnx'));
    await expect.poll(() => page.getByTestId('model-row').filter({ hasText: 'demo-mnist' }).count()).toBe(2);
    await page.getByTestId('import-input').setInputFiles(path.join(MODELS, 'demo-mnist.tflite'));
    await expect.poll(() => page.getByTestId('model-row').filter({ hasText: 'demo-mnist' }).count()).toBe(3);

    // The bench form: its format badge tells the TFLite file apart; the two ONNX files say what else differs.
    await page.getByTestId('nav-runs').click();
    const options = page.getByTestId('bench-model-option');
    const named = await options.evaluateAll((els) =>
      els.map((el) => ({ name: el.querySelector('.model-option-name')?.textContent ?? '', format: el.querySelector('.format')?.textContent ?? '' })),
    );
    const onnx = named.filter((o) => o.format === 'onnx' && o.name.startsWith('demo-mnist'));
    expect(onnx).toHaveLength(2);
    expect(onnx[0]?.name).not.toBe(onnx[1]?.name);
    for (const o of onnx) expect(o.name).toMatch(/^demo-mnist · (imported .+|SHA-256 [0-9a-f]{8})$/);
    expect(named.find((o) => o.format === 'tflite')?.name).toBe('demo-mnist');

    // Diff's model pickers (no format badge): the format first, then what else differs.
    await page.evaluate("window.location.hash = '#/diff/x/y'");
    await page.getByTestId('diff-pick-a').waitFor();
    const texts = await page.getByTestId('diff-pick-a').locator('option').allTextContents();
    const demo = texts.filter((t) => t.startsWith('demo-mnist'));
    expect(demo).toHaveLength(3);
    expect(new Set(demo).size).toBe(3);
    expect(demo).toContain('demo-mnist · TFLite');
    expect(demo.filter((t) => t.startsWith('demo-mnist · ONNX · '))).toHaveLength(2);
    expect(studio.errors).toEqual([]);
  });
});

describe("run detail's energy hint", () => {
  it("names the benchmark form's own Energy setting, not the command line's --energy flag", async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('nav-runs').click();
    // One cell: the first model only (the demo ONNX), a short run.
    const boxes = page.getByTestId('bench-model-checkbox');
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).setChecked(i === 0);
    await page.getByTestId('bench-runs-input').fill('20');
    await page.getByTestId('bench-warmup-input').fill('1');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    // The setting as the form labels it.
    const setting = ((await page.getByTestId('bench-energy-toggle').locator('xpath=..').textContent()) ?? '').split('(')[0]?.trim() ?? '';
    expect(setting).not.toBe('');
    await page.getByTestId('bench-start').click();
    const hint = page.locator('[data-testid="run-energy"][data-energy="not-measured"]');
    await hint.waitFor({ timeout: START_TIMEOUT_MS });
    const text = (await hint.locator('p').first().textContent()) ?? '';
    expect(text).toContain(`Tick ${setting} in the benchmark form on the Runs page`);
    expect(text).not.toContain('--energy');
    expect(studio.errors).toEqual([]);
  });
});

describe('long names at 1280×800 and 1024×700', () => {
  beforeAll(async () => {
    const { page } = studio;
    // The demo ONNX with one more letter of its description changed: other bytes (a model's id is its content hash), a long name.
    const bytes = await readFile(path.join(MODELS, 'demo-mnist.onnx'));
    bytes[bytes.indexOf('Demo digit')] = 'd'.charCodeAt(0);
    await writeFile(path.join(scratch, `${LONG_NAME}.onnx`), bytes);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(path.join(scratch, `${LONG_NAME}.onnx`));
    await page.getByTestId('model-row').filter({ hasText: LONG_NAME }).waitFor();
    await page.getByTestId('import-input').setInputFiles(HAND_LANDMARK);
    await page.getByTestId('model-row').filter({ hasText: 'hand_landmark_full' }).waitFor();
  });

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1024, height: 700 },
  ]) {
    it(`the Models list shows whole names and figures beside a usable detail (${viewport.width}×${viewport.height})`, async () => {
      const { page } = studio;
      await page.setViewportSize(viewport);
      await page.getByTestId('nav-models').click();
      const row = page.getByTestId('model-row').filter({ hasText: LONG_NAME });
      await row.click();
      await page.getByTestId('variants-panel').waitFor();
      // Nothing wider than the page, so nothing is scrolled away sideways.
      expect(await page.evaluate<boolean>("(() => { const c = document.querySelector('.content'); return c.scrollWidth <= c.clientWidth + 1; })()")).toBe(true);
      // The whole name shows, wrapped, and its tooltip carries it too.
      const name = row.locator('.name-cell');
      expect(await name.getAttribute('title')).toBe(LONG_NAME);
      expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      // Its figures are whole, inside the list, on one line each.
      const list = await box(page, '[data-testid="model-list"]');
      for (const cell of await row.locator('td.num').all()) {
        expect(await cell.evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual((list?.right ?? 0) + 1);
        expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      }
      // The detail beside (or under) the list is not squeezed into a sliver.
      expect((await box(page, '[data-testid="variants-panel"]'))?.width ?? 0).toBeGreaterThan(400);
    });

    it(`graph details show every tensor name whole, in a pane that is not squeezed (${viewport.width}×${viewport.height})`, async () => {
      const { page } = studio;
      await page.setViewportSize(viewport);
      await page.getByTestId('model-row').filter({ hasText: 'hand_landmark_full' }).click();
      await page.getByTestId('model-view-graph').click();
      const search = page.getByTestId('graph-search');
      await search.fill('CONV_2D');
      await search.press('Enter');
      const details = page.locator('[data-testid="graph-details"][data-node-id]');
      await details.waitFor();
      const pane = await box(page, '[data-testid="graph-details"]');
      expect(pane?.width ?? 0).toBeGreaterThan(400);
      const names = details.locator('.graph-tensor-name');
      expect(await names.count()).toBeGreaterThan(2);
      // MediaPipe's fused tensor names run to 200 characters: each wraps inside the pane, never clipped or past its edge.
      for (const cell of await names.all()) {
        expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
        expect((await cell.evaluate((el) => el.getBoundingClientRect().right)) - 1).toBeLessThanOrEqual(pane?.right ?? 0);
        expect(await cell.getAttribute('title')).toBe(await cell.textContent());
      }
      // A shape reads whole on its line.
      const shape = details.getByTestId('graph-tensor-shape').first();
      expect(await shape.evaluate((el) => el.getClientRects().length)).toBe(1);
      expect(studio.errors).toEqual([]);
    });
  }
});

/**
 * Issue 13, item 3, in a real Chromium against browser mode: the demo network's ONNX, TFLite and
 * TF.js files are suggested as one network with the reasons, checked on seeded inputs, linked by
 * the user, benchmarked as one job (each format with its own runtime), and read side by side in
 * the job's grid: one network row, one column per format/runtime. Unlinking and "Same network as…"
 * follow. No sleeps: every wait is for a selector or a page condition.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStudioSession } from './helpers/studio-session';

const REPO_ROOT = path.resolve(__dirname, '../..');
const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const DEMO_TFJS = ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(REPO_ROOT, 'resources/models/demo-mnist-tfjs', f));
const JOB_TIMEOUT_MS = 110_000;
const studio = useStudioSession();

/** README screenshots (UPDATE_SCREENSHOT=1 only): docs/<name>, of the page or of one element. */
async function screenshot(name: string, element?: import('playwright-core').Locator): Promise<void> {
  const file = path.join(REPO_ROOT, 'docs', name);
  await studio.page.setViewportSize({ width: 1400, height: 900 });
  await studio.page.mouse.move(0, 0);
  if (element) await element.screenshot({ path: file });
  else await studio.page.screenshot({ path: file });
}

const storedNetworks = async (): Promise<Array<{ id: string; modelIds: string[] }>> =>
  (JSON.parse(await readFile(path.join(studio.server.workspaceDir, 'networks.json'), 'utf8')) as { networks: Array<{ id: string; modelIds: string[] }> }).networks;

describe('one network in several formats', () => {
  it('suggests the three demo files as one network, with the reasons, and checks their outputs on seeded inputs', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    await page.locator('[data-testid="model-row"]').nth(1).waitFor();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFJS);
    await page.locator('[data-testid="model-row"]').nth(2).waitFor();
    // Home says what to do next: check and link them; its link opens the first model's Formats panel.
    await page.getByTestId('nav-home').click();
    const step = page.locator('[data-testid="home-next"][data-step="link-formats"]');
    await step.waitFor();
    expect(await step.textContent()).toContain('look like one network in several formats');
    await step.locator('a').click();
    await page.getByTestId('model-list').waitFor();
    expect(await page.locator('[data-testid="model-row"][aria-selected="true"]').getAttribute('data-model-id')).toBe(await page.getByTestId('model-row').first().getAttribute('data-model-id'));

    const panel = page.getByTestId('formats-panel');
    const suggestion = panel.getByTestId('network-suggestion');
    await suggestion.waitFor();
    const reasons = await suggestion.getByTestId('suggestion-reasons').textContent();
    expect(reasons).toContain('NCHW against NHWC');
    expect(reasons).toContain('compute ops agree');
    // A suggestion is not a link.
    await expect(readFile(path.join(studio.server.workspaceDir, 'networks.json'))).rejects.toThrow(/ENOENT/);

    await suggestion.getByTestId('suggestion-check').click();
    const agreement = panel.getByTestId('format-agreement');
    await agreement.waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await agreement.getAttribute('data-agree')).toBe('true');
    expect(await agreement.getByTestId('format-agreement-headline').textContent()).toBe('16 seeded inputs: every format agrees with ONNX in onnxruntime.');
    const verdicts = await agreement.getByTestId('format-agreement-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verdict')));
    expect(verdicts).toEqual(['reference', 'agrees', 'agrees']);
    for (const cosine of (await agreement.getByTestId('agreement-cosine').allTextContents()).slice(1)) expect(Number(cosine)).toBeGreaterThan(0.9999);
  });

  it('links them when the user says so, benchmarks every format, and shows them side by side in the grid', async () => {
    const { page } = studio;
    const panel = page.getByTestId('formats-panel');
    await panel.getByTestId('suggestion-link').click();
    const members = panel.getByTestId('network-member');
    await expect.poll(() => members.count()).toBe(3);
    expect(await members.evaluateAll((items) => items.map((i) => i.getAttribute('data-format')))).toEqual(['onnx', 'tflite', 'tfjs']);
    expect((await storedNetworks())[0]?.modelIds).toHaveLength(3);

    await panel.getByTestId('network-bench').click();
    await page.getByTestId('job-page').waitFor();
    await page.locator('[data-testid="bench-job"][data-status="finished"]').waitFor({ timeout: JOB_TIMEOUT_MS });
    const grid = page.getByTestId('results-grid');
    await expect.poll(() => grid.locator('[data-testid="grid-cell"][data-status="completed"]').count(), { timeout: JOB_TIMEOUT_MS }).toBe(3);
    const rows = grid.getByTestId('grid-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-network-id')).toBe((await storedNetworks())[0]?.id);
    expect(await rows.first().getByTestId('grid-network-tag').count()).toBe(1);
    expect(await grid.getByTestId('grid-column').allTextContents()).toEqual(['ONNX in onnxruntime', 'TFLite in LiteRT', 'TF.js in TensorFlow.js']);
    for (const median of await grid.getByTestId('grid-median').allTextContents()) expect(median).toMatch(/^\d+(\.\d+)? (ms|µs)$/);
    // The first format is the baseline; the others carry a speedup against it.
    expect(await grid.getByTestId('grid-speedup').first().textContent()).toBe('baseline');
    if (process.env.UPDATE_SCREENSHOT === '1') await screenshot('formats-grid.png');
    expect(studio.errors).toEqual([]);
  });

  it('unlinks a format, and links it again through "Same network as…"', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-row').first().click();
    const panel = page.getByTestId('formats-panel');
    await expect.poll(() => panel.getByTestId('network-member').count()).toBe(3);
    await panel.locator('[data-testid="network-member"][data-format="tfjs"]').getByTestId('network-unlink').click();
    await expect.poll(() => panel.getByTestId('network-member').count()).toBe(2);
    expect((await storedNetworks())[0]?.modelIds).toHaveLength(2);

    // The TF.js model, no longer linked: its panel suggests the network again, and offers "Same network as…".
    await page.getByTestId('model-row').nth(2).click();
    const tfjsPanel = page.getByTestId('formats-panel');
    await tfjsPanel.getByTestId('network-suggestion').waitFor();
    expect(await tfjsPanel.getByTestId('network-suggestion').textContent()).toContain('Looks like more formats of the network demo-mnist');
    const select = tfjsPanel.getByTestId('network-link-select');
    const onnxId = (await page.getByTestId('model-row').first().getAttribute('data-model-id')) ?? '';
    await select.selectOption(onnxId);
    await tfjsPanel.getByTestId('network-link-button').click();
    await expect.poll(() => tfjsPanel.getByTestId('network-member').count()).toBe(3);
    expect((await storedNetworks())[0]?.modelIds).toHaveLength(3);
    expect(studio.errors).toEqual([]);
  });

  it('evaluates every format on the demo digits: the top-1 of each, and its agreement with the ONNX one', async () => {
    const { page } = studio;
    const panel = page.getByTestId('formats-panel');
    expect(await panel.getByTestId('network-dataset').inputValue()).not.toBe('');
    await panel.getByTestId('network-evaluate').click();
    const agreement = panel.locator('[data-testid="format-agreement"][data-inputs="dataset"]');
    await agreement.waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await agreement.getAttribute('data-agree')).toBe('true');
    expect(await agreement.getByTestId('format-agreement-headline').textContent()).toMatch(/^\d+ samples of the dataset: every format agrees with ONNX in onnxruntime\.$/);
    const rows = agreement.getByTestId('format-agreement-row');
    expect(await rows.evaluateAll((items) => items.map((r) => r.getAttribute('data-verdict')))).toEqual(['reference', 'agrees', 'agrees']);
    for (const text of (await agreement.getByTestId('agreement-top1').allTextContents()).slice(1)) expect(Number.parseFloat(text)).toBeGreaterThanOrEqual(99);
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await panel.scrollIntoViewIfNeeded();
      await screenshot('formats-panel.png', panel);
    }
    // Stored like any evaluation (the Accuracy page and the grid read them): one record per format.
    expect((await readdir(path.join(studio.server.workspaceDir, 'evals'))).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    expect(studio.errors).toEqual([]);
  });
});

/**
 * The Variants panel on a TFLite model, in a real Chromium against browser mode (issue 14 item 1):
 * it offers TFLite's modes (dynamic range, fp16, full integer with its I/O type and calibration
 * dataset, and the quantizer's range method, dense-layer weights and bias correction), makes each
 * variant through the same contract call and worker as ONNX variants, shows them under the model in
 * the models list with their recipe, and lists the ops that stayed float.
 * No sleeps: every wait is for a selector or a page condition.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';
import { failOnStudioError } from './helpers/browser';

const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const JOB_TIMEOUT_MS = 110_000;

const studio = useStudioSession();

const noErrorBanner = (): Promise<void> => failOnStudioError(studio.page);

async function create(expectedRows: number): Promise<void> {
  await studio.page.getByTestId('variant-create').click();
  await studio.page.getByTestId('variant-create').filter({ hasText: 'Create variant' }).waitFor({ timeout: JOB_TIMEOUT_MS });
  await noErrorBanner();
  await expect.poll(() => studio.page.getByTestId('variant-row').count()).toBe(expectedRows);
}

describe('Variants panel on a TFLite model', () => {
  it("offers TFLite's modes and makes a dynamic range and an fp16 variant, listed under the model with the op kept float", async () => {
    await studio.page.getByTestId('nav-models').click();
    await studio.page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    const tflite = studio.page.getByTestId('model-row').filter({ hasText: 'tflite' });
    await tflite.waitFor();
    await tflite.click();
    const panel = studio.page.getByTestId('variants-panel');
    await panel.getByTestId('variants-empty').waitFor();
    const form = studio.page.getByTestId('variant-form');
    expect(await form.locator('.segment').allTextContents()).toEqual(['int8 dynamic', 'int8 full integer', 'fp16']);
    // TFLite's modes fix per-channel weights and the weight range: the ONNX fields are not offered.
    expect(await studio.page.getByTestId('variant-per-channel').count()).toBe(0);
    expect(await studio.page.getByTestId('variant-weight-range').count()).toBe(0);

    await studio.page.getByTestId('variant-mode-dynamic').check();
    await create(1);
    const dynamic = studio.page.getByTestId('variant-row').filter({ hasText: 'int8 dynamic' });
    expect(Number(await dynamic.getAttribute('data-size-share'))).toBeLessThanOrEqual(0.33);
    expect(await dynamic.textContent()).toContain('2 ops quantized');
    await dynamic.getByTestId('variant-skipped').locator('summary').click();
    expect(await dynamic.getByTestId('variant-skipped').textContent()).toMatch(/1 kept float.*op:0 \(CONV_2D\): .*under TFLite's 1024-element threshold/s);

    await studio.page.getByTestId('variant-mode-fp16').check();
    await create(2);
    const fp16 = studio.page.getByTestId('variant-row').filter({ hasText: 'fp16' });
    expect(Number(await fp16.getAttribute('data-size-share'))).toBeGreaterThan(0.45);
    expect(Number(await fp16.getAttribute('data-size-share'))).toBeLessThan(0.6);

    // Both are in the models list, each under the TFLite model it came from.
    const rows = await studio.page.getByTestId('model-row').allTextContents();
    expect(rows.filter((text) => /int8 dynamic|fp16/.test(text))).toHaveLength(2);
    expect(studio.errors).toEqual([]);
  }, 240_000);

  it('full integer asks for the I/O type and a calibration dataset, and makes an int8 variant with int8 inputs and outputs', async () => {
    await studio.page.getByTestId('variant-mode-static').check();
    expect(await studio.page.getByTestId('variant-io-select').inputValue()).toBe('int8');
    expect(await studio.page.getByTestId('variant-dataset-select').inputValue()).toBe('demo-digits');
    // The quantizer's choices at its defaults (the CLI's without flags); entropy is shown, not offered.
    const method = studio.page.getByTestId('variant-method-select');
    expect(await method.inputValue()).toBe('minmax');
    expect(await method.locator('option[value="entropy"]').isDisabled()).toBe(true);
    expect(await studio.page.getByTestId('variant-dense-weights').inputValue()).toBe('per-tensor');
    expect(await studio.page.getByTestId('variant-bias-correction').isChecked()).toBe(true);
    await studio.page.getByTestId('variant-samples-input').fill('50');
    await create(3);
    const full = studio.page.getByTestId('variant-row').filter({ hasText: 'int8 full integer (int8 I/O)' });
    expect(Number(await full.getAttribute('data-size-share'))).toBeLessThanOrEqual(0.33);
    expect(await full.getByTestId('variant-calibration').textContent()).toMatch(/calibrated on .*50 samples/);
    expect(await full.getByTestId('variant-detail').allTextContents()).toEqual(['int8 activations, int8 inputs and outputs', 'dense-layer weights per tensor', 'bias correction']);
    expect(studio.errors).toEqual([]);
  }, 240_000);

  it('a per-channel, percentile variant records its choices, told apart from the default one in the Variants list and the models list', async () => {
    await studio.page.getByTestId('variant-method-select').selectOption('percentile');
    await studio.page.getByTestId('variant-percentile-input').fill('99.99');
    await studio.page.getByTestId('variant-dense-weights').selectOption('per-channel');
    expect(await studio.page.getByTestId('variant-tflite-choices').textContent()).toContain('needs TFLite 2.15+ or a recent TFLite Micro');
    // Fewer samples than the default variant's: percentile ranges take a second pass over them.
    await studio.page.getByTestId('variant-samples-input').fill('20');
    await create(4);
    const recipes = await studio.page.getByTestId('variant-recipe').allTextContents();
    expect(recipes).toContain('int8 full integer (int8 I/O)');
    expect(recipes).toContain('int8 full integer (int8 I/O, percentile 99.99, per-channel dense)');
    const chosen = studio.page.getByTestId('variant-row').filter({ hasText: 'per-channel dense' });
    expect(await chosen.getByTestId('variant-detail').allTextContents()).toEqual(['percentile 99.99', 'int8 activations, int8 inputs and outputs', 'dense-layer weights per channel', 'bias correction']);
    // The models list names both full-integer variants apart.
    const rows = await studio.page.getByTestId('model-row').allTextContents();
    expect(rows.filter((text) => text.includes('int8 full integer'))).toHaveLength(2);
    expect(rows.some((text) => text.includes('percentile 99.99, per-channel dense'))).toBe(true);
    expect(studio.errors).toEqual([]);
  }, 240_000);
});

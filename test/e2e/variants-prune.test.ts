/**
 * Pruning from the Models page, in a real Chromium against browser mode: the demo model's Prune
 * form makes a channel-pruned variant (in the engine's worker process); its row under the model
 * says how much went, per layer, and whether onnxruntime should run it faster, then a 50 %
 * magnitude variant says it should not, with the reason. No sleeps: every wait is for a selector.
 */
import { describe, expect, it } from 'vitest';
import { useStudioSession } from './helpers/studio-session';

const studio = useStudioSession();

describe('pruned variants in the Variants panel', () => {
  it('makes a channel-pruned and a magnitude-pruned variant of the demo, each with its report and speed-up answer', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-row').first().click();
    await page.getByTestId('prune-form').waitFor();

    await page.getByTestId('prune-method-channels').check();
    expect(await page.getByTestId('prune-amount').inputValue()).toBe('25');
    await page.getByTestId('prune-create').click();
    const channelsRow = page.getByTestId('variant-row').filter({ hasText: 'pruned 25 % of channels' });
    await channelsRow.waitFor({ timeout: 60_000 });
    const facts = channelsRow.getByTestId('pruned-facts');
    expect(await facts.textContent()).toMatch(/parameters 9,098 → 6,610/);
    expect(await facts.textContent()).toMatch(/39% fewer MACs/);
    await channelsRow.getByTestId('pruned-layers').locator('summary').click();
    expect(await channelsRow.getByTestId('pruned-layers').textContent()).toMatch(/conv1.*8 → 6/);
    expect(await channelsRow.getByTestId('pruned-speedup').textContent()).toMatch(/onnxruntime \(CPU\): Yes, expected/);

    await page.getByTestId('prune-method-magnitude').check();
    await page.getByTestId('prune-amount').fill('50');
    await page.getByTestId('prune-create').click();
    const sparseRow = page.getByTestId('variant-row').filter({ hasText: 'pruned 50 % (magnitude)' });
    await sparseRow.waitFor({ timeout: 60_000 });
    expect(await sparseRow.getByTestId('pruned-facts').textContent()).toMatch(/50\.0% of the pruned layers' weights are zero/);
    expect(await sparseRow.getByTestId('pruned-speedup').textContent()).toMatch(/No: onnxruntime's CPU kernels \(MLAS\) are dense/);

    // The measured half: parent and variant in one job on This computer, the grid's speed-up against the parent.
    await channelsRow.getByTestId('pruned-benchmark').click();
    await page.waitForURL(/#\/jobs\//, { timeout: 60_000 });
    const grid = page.getByTestId('results-grid');
    await grid.waitFor({ timeout: 120_000 });
    await expect.poll(() => grid.textContent(), { timeout: 120_000 }).toMatch(/pruned 25 % of channels/);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('model-row').first().click();
    await page.getByTestId('prune-form').waitFor();

    // A bad amount is refused in the field, before anything starts.
    await page.getByTestId('prune-amount').fill('150');
    await page.getByTestId('prune-create').click();
    expect(await page.getByTestId('prune-form').textContent()).toContain('A percentage above 0 and below 100');
    expect(studio.errors).toEqual([]);
  }, 180_000);
});

/**
 * Session 18's third set of a new user's findings, in a real Chromium over browser mode: a CPU mask
 * none of This computer's CPUs is refused in the form before Start, and more threads than a mask's
 * CPUs is a hint that leaves Start enabled; the runs ticked for Compare survive a reload of another
 * page; importing a file the workspace already holds says so. No sleeps: every wait is for a
 * selector or a condition.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const JOB_TIMEOUT_MS = 90_000;
/** CPU 63: more CPUs than any machine these tests run on. */
const IMPOSSIBLE_MASK = '0x8000000000000000';

const studio = useStudioSession();

describe('New benchmark: CPU selections against This computer', () => {
  it('refuses a mask naming none of its CPUs in the form, and hints at threads sharing one CPU', async () => {
    const { page } = studio;
    await page.getByTestId('nav-runs').click();
    const cpus = page.getByTestId('bench-cpus-input');
    await cpus.fill(IMPOSSIBLE_MASK);
    const hint = page.getByTestId('bench-cpus-hint');
    await expect.poll(() => hint.textContent()).toMatch(new RegExp(`^This computer has CPUs? 0(–\\d+)? only, so mask ${IMPOSSIBLE_MASK} names none of them: use a mask within 0x[0-9a-f]+, or all\\.$`));
    expect(await page.getByTestId('bench-start').isEnabled()).toBe(false);

    await page.getByTestId('bench-threads-input').fill('2');
    await cpus.fill('0x1');
    await expect.poll(() => hint.textContent()).toBe('2 threads on 0x1 will share one CPU, taking turns rather than running side by side; give as many CPUs as threads to time them in parallel.');
    expect(await page.getByTestId('bench-start').isEnabled()).toBe(true);
    await cpus.fill('');
  });
});

describe('Compare: the ticked runs over a reload', () => {
  it('keeps the selection when Home is reloaded', async () => {
    const { page } = studio;
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('bench-runs-input').fill('10');
    await page.getByTestId('bench-warmup-input').fill('1');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    await page.getByTestId('bench-threads-input').fill('1, 2');
    await page.getByTestId('bench-start').click();
    const job = page.locator('[data-testid="bench-job"][data-status="finished"]');
    await job.waitFor({ timeout: JOB_TIMEOUT_MS });
    const done = job.locator('[data-testid="bench-cell"][data-state="done"]');
    expect(await done.count()).toBe(2);
    const runIds = await Promise.all([0, 1].map(async (i) => (await done.nth(i).getAttribute('data-run-id')) ?? ''));
    await job.getByTestId('bench-dismiss').click();
    for (const id of runIds) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
    const count = page.getByTestId('nav-compare').locator('.nav-count');
    expect(await count.textContent()).toBe('2');

    await page.getByTestId('nav-home').click();
    await page.reload();
    await page.getByTestId('home-page').waitFor();
    await expect.poll(() => count.textContent()).toBe('2');
    await page.getByTestId('nav-runs').click();
    for (const id of runIds) {
      const box = page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`);
      await box.waitFor();
      expect(await box.isChecked()).toBe(true);
    }
  });
});

describe('Models: the same file imported twice', () => {
  it('says which model it already is', async () => {
    const { page } = studio;
    await page.getByTestId('nav-models').click();
    const rows = page.getByTestId('model-row').filter({ hasText: 'demo-mnist' });
    const before = await rows.count();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    await expect.poll(() => rows.count(), { timeout: JOB_TIMEOUT_MS }).toBe(before + 1);
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    await page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    const banner = page.getByTestId('error-banner').filter({ hasText: 'Already in the workspace as' });
    await banner.waitFor({ timeout: JOB_TIMEOUT_MS });
    expect(await banner.textContent()).toContain("Already in the workspace as demo-mnist: 'demo-mnist.tflite' has the same contents, so it was not imported again.");
    expect(await rows.count()).toBe(before + 1);
  });
});

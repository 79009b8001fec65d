/**
 * Estimate beside measured, in a real Chromium over browser mode: the fit card's arena estimate
 * for the demo .tflite, then a run on a simulated board (protocol v2, its own process on a socat
 * pseudo-terminal) whose run detail shows that same estimate beside the arena the board reported,
 * labelled SIMULATED, and its per-op profile from the board's ticks, labelled SIMULATED too; the
 * fit card then shows the board's figure under its estimate. At 1024×700 the profile's two tables
 * stack instead of overlapping; the Targets page says the board's last run succeeded.
 * No sleeps: every wait is for a selector.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const JOB_TIMEOUT_MS = 90_000;

const studio = useStudioSession();

describe('a board run: the arena estimate beside what the board reported, and per-op time', () => {
  it('shows the fit estimate and the SIMULATED board figure side by side, and a SIMULATED op profile from the board', async () => {
    const page = studio.page;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    await page.getByTestId('model-row').filter({ hasText: 'tflite' }).waitFor();

    await page.getByTestId('nav-devices').click();
    const summary = page.getByTestId('fit-card').getByTestId('fit-summary');
    await summary.waitFor();
    const estimate = /Tensor arena about ([\d.]+ [KM]iB) \(estimate\)/.exec((await summary.textContent()) ?? '')?.[1];
    expect(estimate).toBeDefined();

    await page.getByTestId('simulate-edgebench').click();
    const card = page.getByTestId('device-card');
    await card.waitFor();
    await card.getByTestId('device-run-runs').fill('50');
    await card.getByTestId('device-run-start').click();
    const lastRun = card.getByTestId('device-last-run');
    await lastRun.waitFor({ timeout: JOB_TIMEOUT_MS });
    await lastRun.getByTestId('device-last-run-open').click();

    const detail = page.getByTestId('run-detail');
    const arena = detail.getByTestId('board-arena');
    await arena.waitFor();
    expect(await arena.getByTestId('arena-estimate').locator('dd').textContent()).toBe(estimate);
    const used = arena.getByTestId('arena-used');
    expect(await used.getAttribute('data-tone')).toBe('simulated');
    expect(await used.locator('dt').textContent()).toBe('Used on the board (SIMULATED)');
    expect(await used.locator('dd').textContent()).toBe(`${estimate} of 256.0 KiB`);
    expect(await arena.getByTestId('board-arena-note').textContent()).toMatch(/^The simulated board has no TFLite Micro inside/);

    const profile = detail.getByTestId('op-profile');
    await profile.waitFor();
    expect(await profile.getAttribute('data-source')).toBe('board');
    expect(await profile.getAttribute('data-simulated')).toBe('true');
    expect(await profile.locator('h3').textContent()).toBe('Op profile (SIMULATED)');
    expect(await profile.getByTestId('profile-source').textContent()).toMatch(/^Per-op time from SIMULATED: the simulated board's cost model .* mean over 20 profiled runs/);
    expect(await profile.locator('[data-testid="profile-ops"] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-op-type')))).toEqual([
      'CONV_2D',
      'FULLY_CONNECTED',
      'RESHAPE',
    ]);

    // At 1024×700 the two tables stack rather than overlap, and nothing scrolls sideways.
    await page.setViewportSize({ width: 1024, height: 700 });
    const ops = await profile.getByTestId('profile-ops').boundingBox();
    const nodes = await profile.getByTestId('profile-nodes').boundingBox();
    const apart = (ops?.x ?? 0) + (ops?.width ?? 0) <= (nodes?.x ?? 0) + 1 || (ops?.y ?? 0) + (ops?.height ?? 0) <= (nodes?.y ?? 0) + 1;
    expect(apart).toBe(true);
    // The latency chart follows the narrower window a frame later (its ResizeObserver): polled.
    await expect.poll(() => page.evaluate<boolean>("(() => { const c = document.querySelector('.content'); return c.scrollWidth <= c.clientWidth + 1; })()")).toBe(true);
    for (const table of [ops, nodes]) expect((table?.x ?? 0) + (table?.width ?? 0)).toBeLessThanOrEqual(1024);
    await page.setViewportSize({ width: 1400, height: 900 });

    // The Targets page counts the run as a working connection, not "Not tested yet".
    await page.getByTestId('nav-targets').click();
    const board = page.getByTestId('stored-target').filter({ hasText: 'Simulated board (ESP32-S3 model)' });
    await board.getByTestId('target-last-run').waitFor();
    expect(await board.getByTestId('target-last-run').textContent()).toMatch(/^Last run .+ \(demo-mnist\) succeeded, so the connection works\./);
    expect(await board.getByTestId('target-untested').count()).toBe(0);

    // Back on the fit card, the estimate has the board's figure beside it, labelled SIMULATED.
    await page.getByTestId('nav-devices').click();
    const measured = page.getByTestId('fit-card').getByTestId('fit-measured');
    await measured.waitFor();
    expect(await measured.getAttribute('data-simulated')).toBe('true');
    expect(await measured.textContent()).toBe(`Arena used on Simulated board (ESP32-S3 model): ${estimate} (SIMULATED: the simulated board reports the estimate; a real board measures it).`);
    expect(studio.errors).toEqual([]);
  });
});

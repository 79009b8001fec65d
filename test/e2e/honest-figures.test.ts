/**
 * A simulated board's figures outside its run page, in a real Chromium against browser mode: after
 * a run on the simulated board, Home's recent runs tag its median SIMULATED, the run page's memory
 * says it was not measured on the board, and no warning tells the user to check a board's power
 * supply (the simulated board is timed on this computer). No sleeps.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { failOnStudioError } from './helpers/browser';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const JOB_TIMEOUT_MS = 90_000;

beforeAll(() => {
  const socat = spawnSync('socat', ['-V']);
  if (socat.error || socat.status !== 0) {
    throw new Error('socat is not installed, and the simulated board runs on a socat pseudo-terminal: install it (sudo apt-get install socat).');
  }
});
const studio = useStudioSession({ viewport: { width: 1400, height: 1000 } });

describe('a simulated board’s figures are never shown as measurements', () => {
  it('Home tags its median SIMULATED; its run page says memory not measured on the board and gives no power-supply advice', async () => {
    const page = studio.page;
    await page.getByTestId('nav-models').click();
    await page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    await page.getByTestId('model-row').filter({ hasText: 'tflite' }).waitFor();
    await page.getByTestId('nav-devices').click();
    await page.getByTestId('simulate-edgebench').click();
    const card = page.getByTestId('device-card');
    await card.waitFor();
    await card.getByTestId('device-run-runs').fill('50');
    await card.getByTestId('device-run-start').click();
    const lastRun = card.getByTestId('device-last-run');
    await lastRun.waitFor({ timeout: JOB_TIMEOUT_MS });
    await failOnStudioError(page);
    const runId = await lastRun.getAttribute('data-run-id');

    await page.getByTestId('nav-home').click();
    const homeRun = page.locator(`[data-testid="home-run"][data-run-id="${runId}"]`);
    await homeRun.waitFor();
    expect(await homeRun.getByTestId('home-run-median').textContent()).toMatch(/^\d+\.\d+ ms \(SIMULATED\)$/);
    // Any run not on a simulated board keeps its plain figure.
    const others = page.locator(`[data-testid="home-run"]:not([data-run-id="${runId}"]) [data-testid="home-run-median"]`);
    for (const text of await others.allTextContents()) expect(text).not.toContain('SIMULATED');

    await homeRun.locator('a').click();
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('peak-rss').locator('dd').textContent()).toBe('not measured on the board');
    expect(await detail.getByTestId('model-load-rss').locator('dd').textContent()).toBe('not measured on the board');
    const warnings = detail.getByTestId('run-warnings');
    const warningText = (await warnings.count()) > 0 ? ((await warnings.textContent()) ?? '') : '';
    expect(warningText).not.toMatch(/power supply/i);
    expect(warningText).not.toMatch(/thread/i);
    expect(studio.errors).toEqual([]);
  });
});

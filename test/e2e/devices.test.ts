/**
 * The Devices page in a real Chromium against browser mode: start a simulated board (its own
 * process on a socat pseudo-terminal), test the connection, benchmark the demo .tflite on it and
 * stay on the Devices page with the upload bar, the live serial log and the board's last run,
 * which opens with a latency histogram; an MLPerf Tiny board's run reads its memory as not
 * measured. Takes docs/devices.png on request (UPDATE_SCREENSHOT=1) or when it is missing.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { failOnStudioError, pressPageKey } from './helpers/browser';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DEVICES_SCREENSHOT = path.join(REPO_ROOT, 'docs/devices.png');
const DEMO_TFLITE = path.join(REPO_ROOT, 'resources/models/demo-mnist.tflite');
const JOB_TIMEOUT_MS = 90_000;

const TALL = { width: 1400, height: 1000 };

beforeAll(() => {
  const socat = spawnSync('socat', ['-V']);
  if (socat.error || socat.status !== 0) {
    throw new Error('socat is not installed, and the simulated board runs on a socat pseudo-terminal: install it (sudo apt-get install socat).');
  }
});
const studio = useStudioSession({ viewport: TALL });

const noErrorBanner = (): Promise<void> => failOnStudioError(studio.page);

describe('Devices page', () => {
  it('says what to do before any board exists, and is reached with G then 7 (browser mode’s keys)', async () => {
    await pressPageKey(studio.page, '7');
    await studio.page.getByTestId('devices-page').waitFor();
    expect(await studio.page.getByTestId('devices-empty').textContent()).toContain('Start a simulated board above, or plug one in');
    // The seeded demo is ONNX: the fit card says how to get a .tflite in.
    expect(await studio.page.getByTestId('fit-empty').textContent()).toContain('import one on the Models page');
    await studio.page.getByTestId('device-ports').waitFor();
    // This machine has no USB boards; either way the ports card says what it found.
    await studio.page.getByTestId('ports-empty').or(studio.page.getByTestId('ports-table')).waitFor();
  });

  it('starts a simulated board, tests it, benchmarks the demo .tflite on it, keeps the log and upload after the run, and opens the run with a histogram', async () => {
    await studio.page.getByTestId('nav-models').click();
    await studio.page.getByTestId('import-input').setInputFiles(DEMO_TFLITE);
    await studio.page.getByTestId('model-row').filter({ hasText: 'tflite' }).waitFor();

    await studio.page.getByTestId('nav-devices').click();
    // Before flashing: the demo .tflite against the ESP32-S3 (8 MiB flash, no PSRAM) fits.
    const fit = studio.page.getByTestId('fit-card');
    await fit.getByTestId('fit-chip').locator('option[value="esp32s3"]').waitFor({ state: 'attached' });
    await fit.getByTestId('fit-chip').selectOption('esp32s3');
    const fitRow = fit.locator('[data-testid="fit-row"][data-chip="esp32s3"]');
    await fit.locator('[data-testid="fit-row"]:not([data-chip="esp32s3"])').first().waitFor({ state: 'detached' });
    await fitRow.waitFor();
    expect(await fit.getByTestId('fit-row').count()).toBe(1);
    expect(await fitRow.getAttribute('data-verdict')).toBe('fits');
    expect(await fitRow.textContent()).toMatch(/demo-mnist.*\.tflite fits the ESP32-S3/);
    await studio.page.getByTestId('simulate-edgebench').click();
    const card = studio.page.getByTestId('device-card');
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toBe('Simulated board (ESP32-S3 model)');

    await card.getByTestId('device-test').click();
    const result = card.locator('[data-testid="device-test-result"][data-ok="true"]');
    await result.waitFor();
    expect(await result.locator('p').textContent()).toMatch(/^Simulated board \(ESP32-S3 model\) at 921600 baud/);
    expect(await result.locator('dl').textContent()).toContain('Tensor arena256 KiB');
    await card.getByTestId('serial-log').getByText('HELLO_ACK', { exact: false }).first().waitFor();

    // Only .tflite models are offered to a board with the EdgeBench firmware.
    const options = await card.getByTestId('device-run-model').locator('option').allTextContents();
    expect(options).toHaveLength(1);
    expect(options[0]).toContain('tflite');
    await card.getByTestId('device-run-runs').fill('200');
    await card.getByTestId('device-run-start').click();

    // Issue 13: a run started on the Devices page stays there, beside the serial log and the upload it made.
    const lastRun = card.getByTestId('device-last-run');
    await lastRun.waitFor({ timeout: JOB_TIMEOUT_MS });
    await noErrorBanner();
    expect(await studio.page.getByTestId('devices-page').count()).toBe(1);
    expect(await card.getByTestId('device-upload').textContent()).toContain('Model uploaded');
    await card.getByTestId('serial-log').getByText('RESULT', { exact: false }).first().waitFor();
    expect(await lastRun.textContent()).toMatch(/^Last run on this boarddemo-mnist · .+ · median \d/);
    // A simulated board's latencies are modelled and the memory it reports is the studio's estimate: never plain figures.
    expect(await lastRun.getByTestId('device-last-run-median').textContent()).toMatch(/^\d+\.\d+ ms \(SIMULATED\)$/);
    expect(await lastRun.getByTestId('device-last-run-memory').textContent()).toBe('not measured on the board (SIMULATED)');
    await lastRun.getByTestId('device-last-run-open').click();
    const detail = studio.page.getByTestId('run-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('run-runtime').textContent()).toMatch(/tflite-micro .*Simulated board \(ESP32-S3 model\)/);
    await detail.getByTestId('latency-histogram').locator('.recharts-bar-rectangle').first().waitFor();
    expect(await detail.textContent()).toContain('on Simulated board (ESP32-S3 model)');
    expect(await detail.getByTestId('peak-rss').locator('dd').textContent()).toBe('not measured on the board');
    expect(await detail.getByTestId('peak-rss').locator('dt').textContent()).toBe('Peak RSS (SIMULATED)');
  });

  it('keeps the upload bar and the live log on the Devices page; Pause freezes the log and Clear empties it', async () => {
    await studio.page.getByTestId('nav-devices').click();
    const card = studio.page.getByTestId('device-card');
    const upload = card.getByTestId('device-upload');
    await upload.waitFor();
    expect(await upload.getAttribute('data-sent')).toBe(String(statSync(DEMO_TFLITE).size));
    expect(await upload.textContent()).toContain('Model uploaded');
    const log = card.getByTestId('serial-log');
    await log.getByText('MODEL_CHUNK', { exact: false }).first().waitFor();
    await log.getByText('RESULT', { exact: false }).first().waitFor();

    await studio.page.getByTestId('ports-empty').or(studio.page.getByTestId('ports-table')).waitFor();
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(DEVICES_SCREENSHOT)) {
      // The page scrolls inside its content area: a taller window shows the whole card.
      await studio.page.setViewportSize({ width: 1400, height: 1240 });
      await studio.page.screenshot({ path: DEVICES_SCREENSHOT });
      await studio.page.setViewportSize(TALL);
    }

    await log.getByTestId('serial-log-pause').click();
    expect(await log.getByTestId('serial-log-pause').getAttribute('aria-pressed')).toBe('true');
    await log.getByTestId('serial-log-clear').click();
    await log.getByText('Nothing yet', { exact: false }).waitFor();
    expect(studio.errors).toEqual([]);
  });

  it("runs a simulated MLPerf Tiny board, whose firmware reports no memory use: its memory reads 'not measured', never 0", async () => {
    await studio.page.getByTestId('simulate-mlperf').click();
    const card = studio.page.getByTestId('device-card').filter({ has: studio.page.locator('h2', { hasText: 'MLPerf Tiny' }) });
    await card.waitFor();
    await card.getByTestId('device-run-start').click();
    const lastRun = card.getByTestId('device-last-run');
    await lastRun.waitFor({ timeout: JOB_TIMEOUT_MS });
    await noErrorBanner();
    expect(await lastRun.getByTestId('device-last-run-memory').textContent()).toBe('not measured');
    // The log of the run stays beside it.
    expect(await card.getByTestId('serial-log').locator('li[data-direction="rx"]').count()).toBeGreaterThan(0);
    await lastRun.getByTestId('device-last-run-open').click();
    const detail = studio.page.getByTestId('run-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('peak-rss').locator('dd').textContent()).toBe('not measured');
    expect(await detail.textContent()).not.toMatch(/0\.0 M/);
    expect(studio.errors).toEqual([]);
  });
});

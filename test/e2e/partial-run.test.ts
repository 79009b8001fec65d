/**
 * A benchmark whose runner dies mid-measure, in a real Chromium against browser mode: the cell
 * fails with the sentence about the kept samples, and those samples are a run of their own,
 * saved in the workspace, listed as partial and opened with why it stopped.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { descendantsOf, signalQuietly } from '../integration/ssh/sshd-fixture';
import { launchBrowser, openStudio, pageErrors } from './helpers/browser';
import { startStudioServer, type StudioServer } from './helpers/studio-server';

let browser: Browser;
let server: StudioServer;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startStudioServer();
  page = await openStudio(browser, server.url);
  errors = pageErrors(page);
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await server?.stop();
});

/** The benchmark runner among the server's children (its command line names it). */
function runnerOf(serverPid: number): number | undefined {
  return descendantsOf(serverPid).find((pid) => {
    try {
      return /runner/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

it('a runner killed mid-measure leaves a partial run, listed and opened as partial', async () => {
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('bench-runs-input').fill('1000000');
  await page.getByTestId('bench-warmup-input').fill('1');
  await page.getByTestId('bench-warmup-time-input').fill('0');
  await page.getByTestId('bench-start').click();

  // Measuring, with runs already reported to the studio ("Measuring · 1234 / 1000000").
  const cell = page.getByTestId('bench-cell').first();
  await expect.poll(async () => Number(/Measuring · (\d+)/.exec((await cell.textContent()) ?? '')?.[1] ?? 0), { timeout: 60_000 }).toBeGreaterThan(1000);
  const runner = runnerOf(server.pid);
  if (runner === undefined) throw new Error('no runner process under the studio server');
  signalQuietly(runner, 'SIGKILL');

  await page.locator('[data-testid="bench-cell"][data-state="failed"]').waitFor();
  expect(await page.getByTestId('bench-cell-error').textContent()).toMatch(/The studio kept \d+ samples measured before the runner stopped/);
  const kept = Number(/The studio kept (\d+) samples/.exec((await page.getByTestId('bench-cell-error').textContent()) ?? '')?.[1]);

  // Listed among the runs, marked partial.
  const row = page.locator('[data-testid="run-row"][data-status="partial"]');
  await row.waitFor();
  expect(await row.getByTestId('run-partial').textContent()).toBe('partial');

  // Opened from the failed cell: the detail says it is partial and why it stopped.
  await page.getByTestId('bench-cell-open-partial').click();
  const stopped = page.getByTestId('run-stopped');
  await stopped.waitFor();
  expect(await stopped.textContent()).toMatch(new RegExp(`^Partial run: The runner process exited with signal SIGKILL while measuring; .+ The numbers below cover the ${kept.toLocaleString('en-US')} runs measured before the runner stopped\\.$`));
  expect(await page.locator('.run-header [data-testid="run-partial"]').count()).toBe(1);
  expect(await page.getByTestId('run-verdict').getAttribute('data-verdict')).toBe('unstable');
  await page.getByTestId('latency-histogram').locator('.recharts-bar-rectangle').first().waitFor();

  // The file on disk is a partial run with every kept sample.
  const files = (await readdir(path.join(server.workspaceDir, 'runs'))).filter((name) => name.endsWith('.json'));
  expect(files).toHaveLength(1);
  const run = RunFile.parse(JSON.parse(await readFile(path.join(server.workspaceDir, 'runs', files[0] ?? ''), 'utf8')));
  expect(run).toMatchObject({ status: 'partial', stopped: { code: 'RUNNER', before: 'the runner stopped' } });
  expect(run.latencyMs.samples).toHaveLength(kept);
  expect(errors).toEqual([]);
});

/**
 * A benchmark whose runner dies mid-measure, in a real Chromium against browser mode: the cell
 * fails with the sentence about the kept samples, and those samples are a run of their own,
 * saved in the workspace, listed as partial and opened with why it stopped.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { descendantsOf, signalQuietly } from '../integration/ssh/sshd-fixture';
import { useStudioSession } from './helpers/studio-session';

const studio = useStudioSession();

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
  await studio.page.getByTestId('nav-runs').click();
  await studio.page.getByTestId('bench-runs-input').fill('1000000');
  await studio.page.getByTestId('bench-warmup-input').fill('1');
  await studio.page.getByTestId('bench-warmup-time-input').fill('0');
  await studio.page.getByTestId('bench-start').click();

  // Measuring, with runs already reported to the studio ("Measuring · 1234 / 1000000").
  const cell = studio.page.getByTestId('bench-cell').first();
  await expect.poll(async () => Number(/Measuring · (\d+)/.exec((await cell.textContent()) ?? '')?.[1] ?? 0), { timeout: 60_000 }).toBeGreaterThan(1000);
  const runner = runnerOf(studio.server.pid);
  if (runner === undefined) throw new Error('no runner process under the studio server');
  signalQuietly(runner, 'SIGKILL');

  await studio.page.locator('[data-testid="bench-cell"][data-state="failed"]').waitFor();
  expect(await studio.page.getByTestId('bench-cell-error').textContent()).toMatch(/The studio kept \d+ samples measured before the runner stopped/);
  const kept = Number(/The studio kept (\d+) samples/.exec((await studio.page.getByTestId('bench-cell-error').textContent()) ?? '')?.[1]);

  // Listed among the runs, marked partial.
  const row = studio.page.locator('[data-testid="run-row"][data-status="partial"]');
  await row.waitFor();
  expect(await row.getByTestId('run-partial').textContent()).toBe('partial');

  // Opened from the failed cell: the detail says it is partial and why it stopped.
  await studio.page.getByTestId('bench-cell-open-partial').click();
  const stopped = studio.page.getByTestId('run-stopped');
  await stopped.waitFor();
  expect(await stopped.textContent()).toMatch(new RegExp(`^Partial run: The runner process exited with signal SIGKILL while measuring; .+ The numbers below cover the ${kept.toLocaleString('en-US')} runs measured before the runner stopped\\.$`));
  expect(await studio.page.locator('.run-header [data-testid="run-partial"]').count()).toBe(1);
  expect(await studio.page.getByTestId('run-verdict').getAttribute('data-verdict')).toBe('unstable');
  await studio.page.getByTestId('latency-histogram').locator('.recharts-bar-rectangle').first().waitFor();

  // The file on disk is a partial run with every kept sample.
  const files = (await readdir(path.join(studio.server.workspaceDir, 'runs'))).filter((name) => name.endsWith('.json'));
  expect(files).toHaveLength(1);
  const run = RunFile.parse(JSON.parse(await readFile(path.join(studio.server.workspaceDir, 'runs', files[0] ?? ''), 'utf8')));
  expect(run).toMatchObject({ status: 'partial', stopped: { code: 'RUNNER', before: 'the runner stopped' } });
  expect(run.latencyMs.samples).toHaveLength(kept);
  expect(studio.errors).toEqual([]);
});

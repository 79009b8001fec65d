/**
 * Runs alike but for the CPUs they were pinned to (--cpus 0x1, 0x2) are told apart wherever the
 * studio names runs: Home's recent runs, the Runs table's CPUs column, Compare's labels, a running
 * job's cells; a run that was not pinned is named as before. The run files are synthetic runs of
 * one model, fp16, 2 threads, as a matrix with a CPU axis on This computer records them; the job
 * is a real one on This computer (the seeded demo model, CPUs 0x1 and 0x2 of this machine's two or more).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace } from './helpers/studio-server';
import { syntheticRun } from './helpers/synthetic-run';

function run(id: string, minute: number, cpus?: { selection: string; cpu: number }): RunFile {
  const base = syntheticRun({ id, samples: 200, medianMs: 2 + minute / 10, seed: minute, createdAt: `2026-12-07T10:0${minute}:00.000Z` });
  return RunFile.parse({
    ...base,
    model: { ...base.model, name: 'demo-mnist', variant: 'fp16' },
    runtime: { ...base.runtime, threads: 2 },
    settings: { ...base.settings, threads: 2, ...(cpus ? { cpus: cpus.selection } : {}) },
    ...(cpus ? { cpuPinning: { cpus: [cpus.cpu], clusters: '2 CPUs', allowedCpus: [cpus.cpu] } } : {}),
  });
}

const studio = useStudioSession({
  server: async () => {
    const workspaceDir = await makeTempWorkspace();
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    for (const file of [run('on-cpu0', 1, { selection: '0x1', cpu: 0 }), run('on-cpu1', 2, { selection: '0x2', cpu: 1 }), run('unpinned', 3)]) {
      await writeFile(path.join(workspaceDir, 'runs', `${file.id}.json`), JSON.stringify(file));
    }
    return { workspaceDir };
  },
});

describe('runs pinned to different CPUs, by name', () => {
  it('Home, the Runs table and Compare name each pinned run with its CPUs, and the unpinned run as before', async () => {
    const page = studio.page;
    await page.getByTestId('nav-home').click();
    const home = page.getByTestId('home-run');
    await expect.poll(() => home.count()).toBe(3);
    const homeText = async (id: string): Promise<string> => (await page.locator(`[data-testid="home-run"][data-run-id="${id}"] a`).textContent()) ?? '';
    await expect(homeText('on-cpu0')).resolves.toMatch(/ · 2 threads · CPUs 0x1$/);
    await expect(homeText('on-cpu1')).resolves.toMatch(/ · 2 threads · CPUs 0x2$/);
    await expect(homeText('unpinned')).resolves.toMatch(/ · 2 threads$/);

    await page.getByTestId('nav-runs').click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(3);
    await expect(page.locator('.runs-table thead th').allTextContents()).resolves.toContain('CPUs');
    const cpusOf = (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-stat="cpus"]`).textContent();
    await expect(cpusOf('on-cpu0')).resolves.toBe('0x1');
    await expect(cpusOf('on-cpu1')).resolves.toBe('0x2');
    await expect(cpusOf('unpinned')).resolves.toBe('—');

    for (const id of ['on-cpu0', 'on-cpu1']) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
    await page.getByTestId('compare-button').click();
    const rows = page.getByTestId('compare-row');
    await expect.poll(() => rows.count()).toBe(2);
    // Told apart by their CPUs, so no time is added to either label.
    const labels = await page.locator('[data-testid="compare-row"] .run-label button').allTextContents();
    expect([...labels].sort()).toEqual(['demo-mnist (fp16) · onnxruntime · 2 thr · CPUs 0x1', 'demo-mnist (fp16) · onnxruntime · 2 thr · CPUs 0x2']);
    expect(studio.errors).toEqual([]);
  });

  it("a job with a CPU axis names each cell with its CPUs, and so its runs' rows", async () => {
    const page = studio.page;
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('bench-runs-input').fill('20');
    await page.getByTestId('bench-warmup-input').fill('2');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    await page.getByTestId('bench-threads-input').fill('1');
    await page.getByTestId('bench-cpus-input').fill('0x1, 0x2');
    await expect(page.getByTestId('bench-cell-count').getAttribute('data-cells')).resolves.toBe('2');
    await page.getByTestId('bench-start').click();
    const job = page.locator('[data-testid="bench-job"][data-status="finished"]');
    await job.waitFor({ timeout: 90_000 });
    const cells = job.getByTestId('bench-cell');
    await expect(cells.locator('.cell-name .muted').allTextContents()).resolves.toEqual(['· onnxruntime · 1 thread · CPUs 0x1', '· onnxruntime · 1 thread · CPUs 0x2']);
    const runIds = await Promise.all([0, 1].map(async (i) => (await cells.nth(i).getAttribute('data-run-id')) ?? ''));
    await job.getByTestId('bench-dismiss').click();
    const cpusOf = (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-stat="cpus"]`).textContent();
    await page.locator(`[data-testid="run-row"][data-run-id="${runIds[1]}"]`).waitFor();
    await expect(Promise.all(runIds.map(cpusOf))).resolves.toEqual(['0x1', '0x2']);
    expect(studio.errors).toEqual([]);
  });
});

/**
 * A run pinned to a board's big cluster says in its detail, beside the CPUs it was pinned to,
 * each cluster's governor and clock before and after the measured runs. The run file is as an SSH
 * run on an RK3399 records it (4 × A53 at 1.416 GHz + 2 × A72 at 1.8 GHz; the environment as
 * environment-readers.ts reads the board's cpufreq files); an older run without them shows no such line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace } from './helpers/studio-server';
import { syntheticRun } from './helpers/synthetic-run';

const studio = useStudioSession({
  server: async () => {
    const workspaceDir = await makeTempWorkspace();
    const base = syntheticRun({ id: 'big-run', samples: 200, medianMs: 3.2, seed: 21, createdAt: '2026-12-07T10:00:00.000Z' });
    const pinned = RunFile.parse({
      ...base,
      target: { ...base.target, kind: 'ssh', name: 'rk3399' },
      settings: { ...base.settings, cpus: 'big' },
      cpuPinning: { cpus: [4, 5], clusters: '6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (from cpufreq)', allowedCpus: [4, 5] },
      environment: {
        governor: 'performance, schedutil',
        cpuClusters: [
          { cpus: [0, 1, 2, 3], maxMHz: 1416, governor: { start: 'schedutil', end: 'schedutil' }, curMHz: { start: 408, end: 408 } },
          { cpus: [4, 5], maxMHz: 1800, governor: { start: 'schedutil', end: 'performance' }, curMHz: { start: 600, end: 1800 } },
        ],
      },
    });
    const older = RunFile.parse(syntheticRun({ id: 'older-run', samples: 200, medianMs: 2.1, seed: 22, createdAt: '2026-12-07T09:00:00.000Z' }));
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    await writeFile(path.join(workspaceDir, 'runs', `${pinned.id}.json`), JSON.stringify(pinned));
    await writeFile(path.join(workspaceDir, 'runs', `${older.id}.json`), JSON.stringify(older));
    return { workspaceDir };
  },
});

describe('run detail: CPU pinning and each cluster around the run', () => {
  it('shows the CPUs pinned and each cluster\'s governor and clock before → after; a run without them shows neither', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await studio.page.locator('[data-testid="run-row"]', { hasText: '(big-run)' }).first().click();
    const cpus = studio.page.getByTestId('run-cpus');
    await cpus.waitFor();
    await expect(cpus.locator('dd').textContent()).resolves.toBe('big (4-5)');
    await expect(cpus.getAttribute('title')).resolves.toBe('big: CPUs 4-5 of 6 CPUs: 4 × 1.42 GHz + 2 × 1.80 GHz (from cpufreq); the runner was allowed on 4-5');
    const clusters = studio.page.getByTestId('run-cpu-clusters');
    await expect(clusters.locator('dt').textContent()).resolves.toBe('CPU clusters');
    await expect(clusters.locator('dd > div').allTextContents()).resolves.toEqual([
      'CPUs 0-3 (max 1416 MHz): schedutil, 408 MHz',
      'CPUs 4-5 (max 1800 MHz): schedutil → performance, 600 → 1800 MHz',
    ]);

    await studio.page.getByTestId('nav-runs').click();
    await studio.page.locator('[data-testid="run-row"]', { hasText: '(older-run)' }).first().click();
    await studio.page.locator('[data-testid="run-detail"][data-run-id="older-run"]').waitFor();
    await expect(studio.page.getByTestId('run-cpus').count()).resolves.toBe(0);
    await expect(studio.page.getByTestId('run-cpu-clusters').count()).resolves.toBe(0);
    expect(studio.errors).toEqual([]);
  });
});

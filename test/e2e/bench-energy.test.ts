/**
 * The bench form's Energy option in a real Chromium against browser mode: off by default (a run
 * started so carries no energy request); on, This computer lists RAPL, read from a powercap tree
 * the test builds (EDGEBENCH_POWERCAP_ROOT, the engine's test seam; its counters are advanced by
 * the test, 10 W on the package and 1 W on DRAM, CONSTRUCTED, not a measurement); the run it
 * starts (the demo model) carries RAPL's energy, which its detail shows with method and rails.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFile } from '../../src/shared/run-schema';
import { buildPowercap, PACKAGE_AND_DRAM } from '../helpers/fake-powercap';
import { useStudioSession } from './helpers/studio-session';

const tree = buildPowercap(PACKAGE_AND_DRAM);
let packageUj = 1_000_000;
let dramUj = 200_000;
// 10 W and 1 W: 100 mJ and 10 mJ every 10 ms.
const ticker = setInterval(() => {
  packageUj += 100_000;
  dramUj += 10_000;
  tree.setEnergy('intel-rapl:0', packageUj);
  tree.setEnergy('intel-rapl:0:2', dramUj);
}, 10);
afterAll(() => {
  clearInterval(ticker);
  tree.remove();
});

const studio = useStudioSession({
  server: () => {
    // The server inherits this process's environment: its engine reads the tree built above.
    process.env.EDGEBENCH_POWERCAP_ROOT = tree.root;
    return {};
  },
});

describe("the bench form's Energy option", () => {
  it('is off by default; on, lists RAPL for This computer, and the run it starts carries energy per inference', async () => {
    const { page } = studio;
    await page.getByTestId('nav-runs').click();
    const toggle = page.getByTestId('bench-energy-toggle');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByTestId('bench-energy-source').count()).toBe(0);

    await toggle.check();
    const row = page.getByTestId('bench-energy-local');
    await row.waitFor();
    const select = row.getByTestId('bench-energy-source');
    expect(await select.inputValue()).toBe('rapl');
    expect(await select.locator('option').allTextContents()).toEqual(['RAPL', 'Not measured']);
    expect(await row.locator('.field-hint').first().textContent()).toBe(`Reads package-0, dram (package-0) from ${tree.root}.`);
    if (process.env.EDGEBENCH_E2E_SHOT) await page.getByTestId('bench-form').screenshot({ path: process.env.EDGEBENCH_E2E_SHOT });

    await page.getByTestId('bench-runs-input').fill('2000');
    await page.getByTestId('bench-warmup-input').fill('5');
    await page.getByTestId('bench-warmup-time-input').fill('0');
    const before = await readdir(path.join(studio.server.workspaceDir, 'runs')).catch(() => [] as string[]);
    await page.getByTestId('bench-start').click();

    await expect
      .poll(async () => (await readdir(path.join(studio.server.workspaceDir, 'runs')).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !before.includes(n)).length, { timeout: 90_000 })
      .toBe(1);
    const added = (await readdir(path.join(studio.server.workspaceDir, 'runs'))).filter((n) => n.endsWith('.json') && !before.includes(n));
    const run = RunFile.parse(JSON.parse(await readFile(path.join(studio.server.workspaceDir, 'runs', added[0] ?? ''), 'utf8')));
    expect(run.energy).toMatchObject({ source: 'rapl', method: 'counter', rails: ['package-0', 'dram (package-0)'], window: 'measured', inferences: run.latencyMs.count });
    // The tree's counters moved while idle and while measuring (the test's ticker, as fast as this busy machine lets it).
    expect(run.energy?.idle.averagePowerW).toBeGreaterThan(0);
    expect(run.energy?.load.energyJ).toBeGreaterThan(0);

    await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).click();
    const card = page.getByTestId('run-energy');
    await card.waitFor();
    expect(await card.getByTestId('energy-method').locator('dd').textContent()).toMatch(/^RAPL energy counter \(package-0, dram \(package-0\)\) read every \d+ ms, \d+ readings over the measured runs$/);
    expect(studio.errors).toEqual([]);
  }, 150_000);
});

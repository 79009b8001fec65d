/**
 * Energy per inference in the run detail, in a real Chromium over browser mode: a run whose file
 * carries energy (CONSTRUCTED for this test: a synthetic run, and the energy energy-math makes of
 * a 5 W idle and 15 W load counter trace, not a measurement) shows the figure with its method,
 * rails, readings and the baseline subtracted; a figure in doubt is tagged UNRELIABLE with its note;
 * a phone's run measured by its ODPM rails (energy_value text through the engine's parser) names
 * each rail and the counter's method;
 * Compare draws it as bars beside runs without energy (synthetic runs too).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { odpmTrace, parseOdpmEnergy } from '../../src/core/power/android-power';
import { energyPerInference, type EnergyTrace } from '../../src/core/power/energy-math';
import { RunFile } from '../../src/shared/run-schema';
import { useStudioSession } from './helpers/studio-session';
import { makeTempWorkspace } from './helpers/studio-server';
import { syntheticRun } from './helpers/synthetic-run';

function counter(watts: number, ms: number): EnergyTrace {
  const readings = [];
  for (let t = 0; t <= ms; t += 20) readings.push({ tMs: t, values: [Math.round(watts * t * 1000)] });
  return { method: 'counter', readings, maxRange: [1e12], unitJ: 1e-6 };
}

/** A phone's ODPM counters read every 100 ms, in energy_value's format (CONSTRUCTED: `watts` on the big cluster's rail, the others still). */
const ODPM_RAILS = ['S10M_VDD_TPU', 'S2M_VDD_CPUCL2', 'S4M_VDD_CPUCL0', 'S2S_VDD_G3D'];
function odpm(watts: number, ms: number): EnergyTrace {
  const snapshot = (t: number): string => `t=${t}\n${ODPM_RAILS.map((rail, ch) => `CH${ch}(T=${t})[${rail}], ${ch === 1 ? Math.round(watts * t * 1000) : 1000}`).join('\n')}\n`;
  return odpmTrace(Array.from({ length: ms / 100 + 1 }, (_, i) => parseOdpmEnergy(snapshot(i * 100))), ODPM_RAILS);
}

const studio = useStudioSession({
  server: async () => {
    const workspaceDir = await makeTempWorkspace();
    const base = syntheticRun({ id: 'energy-run', samples: 200, medianMs: 3.2, seed: 11, createdAt: '2026-12-07T10:00:00.000Z' });
    const energy = energyPerInference({ source: 'rapl', method: 'counter', rails: ['package-0', 'dram (package-0)'], window: 'measured', idle: counter(5, 1000), load: counter(15, 40), inferences: 200 });
    const run = RunFile.parse({ ...base, energy });
    // A phone's run measured by its ODPM rails (older than the others, so it is opened by its address).
    const phoneEnergy = energyPerInference({ source: 'android', method: 'counter', rails: ODPM_RAILS, window: 'cell', idle: odpm(0.5, 1000), load: odpm(1.5, 2000), inferences: 100 });
    const phone = RunFile.parse({ ...syntheticRun({ id: 'phone-energy-run', samples: 100, medianMs: 4.1, seed: 21, createdAt: '2026-12-07T07:00:00.000Z' }), energy: phoneEnergy });
    // Two runs without energy (older, so the energy run stays first in the runs table).
    const plain = ['plain-run', 'plain-run-2'].map((id, i) => syntheticRun({ id, samples: 200, medianMs: 2.1 + i, seed: 12 + i, createdAt: `2026-12-07T0${8 + i}:00:00.000Z` }));
    await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
    for (const r of [run, phone, ...plain]) await writeFile(path.join(workspaceDir, 'runs', `${r.id}.json`), JSON.stringify(r));
    return { workspaceDir };
  },
});

describe('energy per inference in the run detail', () => {
  it('shows the figure with its method and rails, tagged UNRELIABLE with its note when the window was too short', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await studio.page.getByTestId('run-row').first().click();
    const card = studio.page.getByTestId('run-energy');
    await card.waitFor();
    expect(await card.getAttribute('data-energy')).toBe('unreliable');
    expect(await card.getByTestId('energy-per-inference').locator('dd').textContent()).toMatch(/^\d[\d.]* (mJ|µJ) \(UNRELIABLE\)$/);
    expect(await card.getByTestId('energy-method').locator('dd').textContent()).toBe(
      'RAPL energy counter (package-0, dram (package-0)) read every 20 ms, 3 readings over the measured runs',
    );
    expect(await card.getByTestId('energy-power').locator('dd').textContent()).toBe('load 15.0 W over 0.04 s, idle baseline 5.00 W over 1.00 s subtracted, 200 inferences');
    expect(await card.getByTestId('energy-note').first().textContent()).toMatch(/too short for an energy counter/);
    if (process.env.EDGEBENCH_E2E_SHOT) await card.screenshot({ path: process.env.EDGEBENCH_E2E_SHOT });
    expect(studio.errors).toEqual([]);
  });

  it("shows a phone's ODPM figure with the rails' names and the counter's method", async () => {
    await studio.page.evaluate("location.hash = '#/runs/phone-energy-run'");
    const card = studio.page.getByTestId('run-energy');
    await card.waitFor();
    expect(await card.getByTestId('energy-per-inference').locator('dd').textContent()).toBe('20.0 mJ (UNRELIABLE)');
    expect(await card.getByTestId('energy-method').locator('dd').textContent()).toBe(
      'Android power rails / battery energy counter (S10M_VDD_TPU, S2M_VDD_CPUCL2, S4M_VDD_CPUCL0, S2S_VDD_G3D) read every 100 ms, 21 readings over the whole cell, warmup included',
    );
    expect(await card.getByTestId('energy-rails').locator('dd').textContent()).toBe('Android power rails / battery: S10M_VDD_TPU, S2M_VDD_CPUCL2, S4M_VDD_CPUCL0, S2S_VDD_G3D');
    expect(studio.errors).toEqual([]);
  });

  it('Compare draws energy per inference as bars when a compared run has it: the figure with its doubt and source, "not measured" for a run without', async () => {
    await studio.page.evaluate("location.hash = '#/compare/energy-run,plain-run'");
    const chart = studio.page.getByTestId('compare-energy');
    await chart.waitFor();
    // The measured run's bar is labelled with its figure, its doubt and its source.
    const barLabels = await chart.locator('.recharts-label-list text').allTextContents();
    expect(barLabels).toEqual([expect.stringMatching(/^\d[\d.]* (mJ|µJ) \(UNRELIABLE\) · RAPL$/)]);
    // Every run's figure in words, the run without energy saying so.
    const figures = await chart.getByTestId('compare-energy-figures').locator('li').allTextContents();
    expect(figures).toHaveLength(2);
    expect(figures[0]).toMatch(/: \d[\d.]* (mJ|µJ) \(UNRELIABLE\) · RAPL$/);
    expect(figures[1]).toMatch(/: not measured$/);
    // Two runs without energy: no energy chart at all, rather than two empty bars.
    await studio.page.evaluate("location.hash = '#/compare/plain-run,plain-run-2'");
    await studio.page.getByTestId('compare-memory').waitFor();
    await expect.poll(() => studio.page.getByTestId('compare-energy').count()).toBe(0);
    expect(studio.errors).toEqual([]);
  });
});

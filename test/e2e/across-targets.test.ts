/**
 * Issue 13 item 2 in a real Chromium against browser mode: runs of two models (the demo model
 * and a real int8 variant of it, quantized here) on three targets, compared (six runs: Compare
 * takes at most eight). What a user sees:
 * grouped bars with one bar per variant per target; an accuracy-vs-latency scatter with a
 * labelled point per run and the Pareto front drawn dashed; "not measured" for the board that
 * measured no memory; the log toggle changing a latency axis' ticks; and the fence note on a run
 * with a long tail, whose "Show all" draws the tail.
 * The run files and the evaluation records are synthetic (written by this test and labelled so),
 * because what is checked is what the UI draws of them; the models are real.
 * Also makes the README's docs/across-targets.png on request.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { summarizeLatency } from '../../src/core/bench/stats';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { ModelEntry } from '../../src/shared/contract';
import { formatMs } from '../../src/shared/units';
import { createApiClient } from '../../src/shared/rpc';
import { RunFile } from '../../src/shared/run-schema';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';
import { syntheticEvalRecord } from './helpers/synthetic-eval';
import { syntheticRun } from './helpers/synthetic-run';

/** The README's picture of the across-targets charts, made when missing or on request (UPDATE_SCREENSHOT=1). */
const ACROSS_SCREENSHOT = path.join(REPO_ROOT, 'docs/across-targets.png');

const TARGETS = [
  { name: 'This computer', kind: 'local', speed: 1, peakRssBytes: 90 * 1024 * 1024 },
  { name: 'pi5 (synthetic)', kind: 'ssh', speed: 6, peakRssBytes: 70 * 1024 * 1024 },
  // A serial board measures no process memory: its run files say 0, which must read "not measured".
  { name: 'stm32 (synthetic)', kind: 'serial', speed: 40, peakRssBytes: 0 },
] as const;

/** A run whose last samples are a long tail: 1 ms typical, LONG_TAIL_SLOW samples at 50 ms. */
const LONG_TAIL_ID = 'long-tail';
const LONG_TAIL_SLOW = 12;

let models: ModelEntry[];
const runIds: string[] = [];

/** Accuracy made up per model (synthetic), so that the Pareto front holds more than one point whatever real evaluation would give. */
const SYNTHETIC_TOP1 = [0.985, 0.97];
/** int8 is faster than float: what quantization usually buys. */
const MODEL_SPEED = [1, 0.55];

async function prepareWorkspace(workspaceDir: string): Promise<void> {
  // Real models: the demo model and two variants the engine makes of it.
  const studio = await openStudio({ workspaceDir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  try {
    const api = createApiClient(directTransport(studio));
    const float = (await api.models.list({}))[0];
    if (!float) throw new Error('The demo model was not seeded.');
    const int8 = await api.models.quantize({ modelId: float.id, recipe: { mode: 'dynamic', perChannel: true } });
    models = [float, int8];
  } finally {
    await studio.close();
  }
  await mkdir(path.join(workspaceDir, 'evals'), { recursive: true });
  await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
  for (const [i, model] of models.entries()) {
    const record = syntheticEvalRecord(model, SYNTHETIC_TOP1[i] ?? 0.9, 'test/e2e/across-targets.test.ts', i === 0 ? null : (models[0] ?? null));
    await writeFile(path.join(workspaceDir, 'evals', `${model.id}__demo-digits.json`), JSON.stringify(record));
  }
  let seed = 1;
  for (const [t, target] of TARGETS.entries()) {
    for (const [m, model] of models.entries()) {
      const id = `across-${t}-${m}`;
      const base = syntheticRun({ id, samples: 400, medianMs: target.speed * (MODEL_SPEED[m] ?? 1), seed: seed++, createdAt: new Date(Date.UTC(2026, 11, 1, 10, t * 3 + m)).toISOString() });
      const run = RunFile.parse({
        ...base,
        model: { ...base.model, name: model.name, variant: model.variant, sha256: model.info.sha256, sizeBytes: model.info.sizeBytes },
        target: { ...base.target, kind: target.kind, name: target.name },
        memory: { ...base.memory, peakRssBytes: target.peakRssBytes },
      });
      await writeFile(path.join(workspaceDir, 'runs', `${id}.json`), JSON.stringify(run));
      runIds.push(id);
    }
  }
  const tail = syntheticRun({ id: LONG_TAIL_ID, samples: 1000, medianMs: 1, seed: 99, createdAt: '2026-11-30T10:00:00.000Z' });
  const samples = [...tail.latencyMs.samples.slice(LONG_TAIL_SLOW), ...Array.from({ length: LONG_TAIL_SLOW }, (_, i) => 50 + i)];
  await writeFile(path.join(workspaceDir, 'runs', `${LONG_TAIL_ID}.json`), JSON.stringify(RunFile.parse({ ...tail, latencyMs: summarizeLatency(samples) })));
}

const session = useStudioSession({ workspace: prepareWorkspace });

/** Picks linear or log on a chart's scale switch (the radio sits inside its label, which takes the click). */
async function pickScale(chart: Locator, scale: 'linear' | 'log'): Promise<void> {
  await chart.locator('label.segment', { has: chart.page().getByTestId(`latency-scale-${scale}`) }).click();
}

/** The tick labels of a chart's x or y axis, as drawn. */
async function tickLabels(chart: Locator, axis: 'x' | 'y'): Promise<string[]> {
  return (await chart.locator(`.recharts-${axis}Axis-tick-labels .recharts-cartesian-axis-tick-value`).allTextContents()).map((t) => t.trim());
}

describe('runs across targets, compared', () => {
  it('draws one bar per variant per target, an accuracy point per run labelled with its target with the dashed Pareto front, and memory as measured', async () => {
    await session.page.getByTestId('nav-runs').click();
    for (const id of runIds) await session.page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
    await session.page.getByTestId('compare-button').click();
    const across = session.page.getByTestId('across-targets');
    await across.waitFor();

    const bars = session.page.getByTestId('across-latency').getByTestId('target-bar');
    await expect.poll(() => bars.count()).toBe(TARGETS.length * models.length);
    for (const target of TARGETS) {
      const series = await session.page.locator(`[data-testid="across-latency"] [data-testid="target-bar"][data-target="${target.name}"]`).evaluateAll((els) =>
        els.map((el) => el.getAttribute('data-series')),
      );
      // One bar per variant on every target: a distinct series each.
      expect(new Set(series).size).toBe(models.length);
    }
    // Every bar has its CI whisker (synthetic runs of one process: the within-run CI).
    expect(await session.page.getByTestId('across-latency').locator('.recharts-errorBar').count()).toBe(TARGETS.length * models.length);

    const scatter = session.page.getByTestId('across-accuracy');
    const labels = scatter.locator('text.point-label');
    await expect.poll(() => labels.count()).toBe(runIds.length);
    // Each point is labelled with its target (its colour and the legend say the model).
    const pointLabels = await labels.allTextContents();
    for (const target of TARGETS) expect(pointLabels.filter((label) => label === target.name)).toHaveLength(models.length);
    const frontPath = scatter.locator('.pareto-front .recharts-scatter-line path');
    expect(await frontPath.count()).toBe(1);
    expect(await frontPath.getAttribute('stroke-dasharray')).toBe('5 4');
    expect((await frontPath.getAttribute('d'))?.length ?? 0).toBeGreaterThan(10);

    // Two targets measured memory, the serial board did not: bars for two, and its runs named as not measured.
    const memory = session.page.getByTestId('across-memory');
    await expect.poll(() => memory.getByTestId('memory-bar').count()).toBe(2 * models.length);
    const notMeasured = (await memory.getByTestId('memory-not-measured').textContent()) ?? '';
    expect(notMeasured).toContain('stm32 (synthetic)');
    expect(notMeasured).not.toContain('This computer');
    const rssCells = session.page.getByTestId('compare-table').locator('[data-stat="peak-rss"]');
    expect(await rssCells.filter({ hasText: 'not measured' }).count()).toBe(models.length);
    expect(await rssCells.filter({ hasText: /^0(\.0)? / }).count()).toBe(0);

    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(ACROSS_SCREENSHOT)) {
      await mkdir(path.dirname(ACROSS_SCREENSHOT), { recursive: true });
      await session.page.mouse.move(0, 0);
      await across.screenshot({ path: ACROSS_SCREENSHOT });
    }
    expect(session.errors).toEqual([]);
  });

  it('the log toggle changes the latency axis ticks to decades', async () => {
    const chart = session.page.getByTestId('across-latency');
    const linear = await tickLabels(chart, 'y');
    expect(linear.length).toBeGreaterThan(1);
    await pickScale(chart, 'log');
    await expect.poll(() => chart.getAttribute('data-scale')).toBe('log');
    await expect.poll(() => tickLabels(chart, 'y')).not.toEqual(linear);
    const log = (await tickLabels(chart, 'y')).map(Number);
    // Medians from about 0.55 ms to 40 ms: a log axis shows 1, 10 (and 2, 5...) between them.
    expect(log).toContain(1);
    expect(log).toContain(10);

    const cdf = session.page.getByTestId('compare-cdf');
    const cdfLinear = await tickLabels(cdf, 'x');
    await pickScale(cdf, 'log');
    await expect.poll(() => tickLabels(cdf, 'x')).not.toEqual(cdfLinear);
    expect(session.errors).toEqual([]);
  });

  it('a run with a long tail gets the fence note, and "Show all" draws the tail', async () => {
    // The CDF of runs 0.55 to 40 ms with the synthetic spikes (0.2 % of samples, 4 to 10 times slower).
    const cdf = session.page.getByTestId('compare-cdf');
    const note = cdf.getByTestId('fence-note');
    await note.waitFor();
    const text = (await note.textContent()) ?? '';
    const match = /(\d+) samples? above ([\d.]+) ms not drawn \(max ([\d.]+) ms\)/.exec(text);
    expect(match, text).not.toBeNull();
    const [, count, fenceMs, maxMs] = match ?? [];
    expect(Number(count)).toBeGreaterThan(0);
    expect(Number(maxMs)).toBeGreaterThan(Number(fenceMs));

    const fenced = (await tickLabels(cdf, 'x')).map(Number);
    expect(Math.max(...fenced)).toBeLessThan(Number(maxMs));
    await note.getByTestId('fence-toggle').click();
    await expect.poll(() => note.getAttribute('data-show-all')).toBe('yes');
    expect(await note.textContent()).toContain('Every sample drawn');
    const all = (await tickLabels(cdf, 'x')).map(Number);
    expect(Math.max(...all)).toBeGreaterThan(Math.max(...fenced));

    // The run page's histogram of a run with a long tail has the same note and toggles.
    await session.page.getByTestId('nav-runs').click();
    await session.page.locator(`[data-testid="run-row"][data-run-id="${LONG_TAIL_ID}"]`).click();
    const histogram = session.page.locator(`[data-testid="latency-histogram"][data-run-id="${LONG_TAIL_ID}"]`);
    await histogram.waitFor();
    const histogramNote = histogram.getByTestId('fence-note');
    await expect.poll(() => histogramNote.textContent()).toMatch(/samples? above [\d.]+ ms not drawn \(max [\d.]+ ms\)/);
    // The tail, and the synthetic spikes (4 to 10 times slower) among the rest; the slowest is the tail's last sample.
    const hidden = /(\d+) samples above/.exec((await histogramNote.textContent()) ?? '');
    expect(Number(hidden?.[1])).toBeGreaterThanOrEqual(LONG_TAIL_SLOW);
    expect(await histogramNote.textContent()).toContain(`(max ${formatMs(50 + LONG_TAIL_SLOW - 1)})`);
    const xFenced = await tickLabels(histogram, 'x');
    // Fenced, the bars end well below the 50 ms tail; shown all, the last tick is past 40 ms.
    expect(Math.max(...xFenced.map(Number))).toBeLessThan(10);
    await histogramNote.getByTestId('fence-toggle').click();
    await expect.poll(async () => Math.max(...(await tickLabels(histogram, 'x')).map(Number))).toBeGreaterThan(40);
    const xAll = await tickLabels(histogram, 'x');
    await pickScale(histogram, 'log');
    await expect.poll(() => tickLabels(histogram, 'x')).not.toEqual(xAll);
    expect(session.errors).toEqual([]);
  });
});

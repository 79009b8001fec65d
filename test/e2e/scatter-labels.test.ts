/**
 * Issue 13, the new user's finding "labels overlap or are cut off in the Accuracy-vs-latency and
 * size scatters", checked on what Chromium draws: the Accuracy page of three real models (the
 * demo model and two int8 variants the engine makes of it) whose runs on eight targets sit a few
 * pixels apart, with the page's long labels (model · target · runtime · threads). For each drawn
 * label its bounding box, as the browser laid the text out, must overlap no other label and no
 * point's dot, and stay inside the plot (right of the y axis, above the x axis, inside the chart).
 * The run files and evaluation records are synthetic (written here and labelled so): what is
 * checked is how the UI draws them. No sleeps.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import type { ModelEntry } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { RunFile } from '../../src/shared/run-schema';
import { pageErrors } from './helpers/browser';
import { useStudioSession } from './helpers/studio-session';
import { syntheticEvalRecord } from './helpers/synthetic-eval';
import { syntheticRun } from './helpers/synthetic-run';

const TARGETS = ['This computer', 'pi5 (synthetic)', 'pi4 (synthetic)', 'jetson (synthetic)', 'rk3588 (synthetic)', 'x86 laptop (synthetic)', 'coral (synthetic)', 'n100 (synthetic)'];
/** Nearly equal accuracies (synthetic): the points of the three models crowd the same band. */
const TOP1 = [0.97, 0.968, 0.9695];

async function prepareWorkspace(workspaceDir: string): Promise<void> {
  const studio = await openStudio({ workspaceDir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  let models: ModelEntry[];
  try {
    const api = createApiClient(directTransport(studio));
    const float = (await api.models.list({}))[0];
    if (!float) throw new Error('The demo model was not seeded.');
    const perChannel = await api.models.quantize({ modelId: float.id, recipe: { mode: 'dynamic', perChannel: true } });
    const perTensor = await api.models.quantize({ modelId: float.id, recipe: { mode: 'dynamic', perChannel: false } });
    models = [float, perChannel, perTensor];
  } finally {
    await studio.close();
  }
  await mkdir(path.join(workspaceDir, 'evals'), { recursive: true });
  await mkdir(path.join(workspaceDir, 'runs'), { recursive: true });
  for (const [i, model] of models.entries()) {
    await writeFile(path.join(workspaceDir, 'evals', `${model.id}__demo-digits.json`), JSON.stringify(syntheticEvalRecord(model, TOP1[i] ?? 0.9, 'test/e2e/scatter-labels.test.ts')));
  }
  let seed = 1;
  for (const [t, target] of TARGETS.entries()) {
    for (const [m, model] of models.entries()) {
      // Medians 1.00 to 1.12 ms: a few pixels apart on a 0..1.2 ms axis.
      const id = `crowd-${t}-${m}`;
      const base = syntheticRun({ id, samples: 200, medianMs: 1 + 0.005 * (t * 3 + m), seed: seed++, createdAt: new Date(Date.UTC(2026, 11, 1, 10, t * 3 + m)).toISOString() });
      const run = RunFile.parse({
        ...base,
        model: { ...base.model, name: model.name, variant: model.variant, sha256: model.info.sha256, sizeBytes: model.info.sizeBytes },
        target: { ...base.target, kind: t === 0 ? 'local' : 'ssh', name: target },
      });
      await writeFile(path.join(workspaceDir, 'runs', `${id}.json`), JSON.stringify(run));
    }
  }
}

const session = useStudioSession({ workspace: prepareWorkspace });

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** What the browser drew in one scatter: each label's box and text, each dot's box, and the plot's edges. */
async function drawn(chart: Locator): Promise<{ labels: Array<Rect & { text: string }>; dots: Rect[]; plot: Rect; hidden: number }> {
  return chart.evaluate((el) => {
    // This file is type-checked without the DOM library: what is read of an element, structurally.
    const rect = (e: { getBoundingClientRect(): { left: number; top: number; right: number; bottom: number } }) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const svg = el.querySelector('svg.recharts-surface')!;
    const yAxis = el.querySelector('.recharts-yAxis .recharts-cartesian-axis-line')!;
    const xAxis = el.querySelector('.recharts-xAxis .recharts-cartesian-axis-line')!;
    const chartBox = rect(svg);
    const plot = { left: rect(yAxis).right, top: chartBox.top, right: chartBox.right, bottom: rect(xAxis).top };
    const labels = [...el.querySelectorAll('text.point-label')].map((t) => ({ ...rect(t), text: [...t.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('') }));
    const dots = [...el.querySelectorAll('.scatter-series .recharts-symbols')].map(rect);
    const hidden = Number(el.querySelector('[data-testid="point-labels"]')?.getAttribute('data-hidden-labels') ?? 'NaN');
    return { labels, dots, plot, hidden };
  });
}

/** Half a pixel of anti-aliasing either way is not an overlap. */
const SLACK = 0.5;
const intersects = (a: Rect, b: Rect): boolean => a.left < b.right - SLACK && b.left < a.right - SLACK && a.top < b.bottom - SLACK && b.top < a.bottom - SLACK;

/** Overlaps and escapes among the drawn labels, in words (empty when there are none). */
function problems({ labels, dots, plot }: Awaited<ReturnType<typeof drawn>>): string[] {
  const found: string[] = [];
  labels.forEach((a, i) => {
    if (a.left < plot.left - SLACK || a.right > plot.right + SLACK || a.top < plot.top - SLACK || a.bottom > plot.bottom + SLACK) found.push(`"${a.text}" leaves the plot`);
    labels.forEach((b, j) => j > i && intersects(a, b) && found.push(`"${a.text}" overlaps "${b.text}"`));
    dots.forEach((dot) => {
      // A dot is a circle in its box: the label's nearest point must lie outside the circle.
      const cx = (dot.left + dot.right) / 2;
      const cy = (dot.top + dot.bottom) / 2;
      const r = (dot.right - dot.left) / 2 - SLACK;
      const nx = Math.min(Math.max(cx, a.left), a.right);
      const ny = Math.min(Math.max(cy, a.top), a.bottom);
      if ((nx - cx) ** 2 + (ny - cy) ** 2 < r * r) found.push(`"${a.text}" covers a point`);
    });
  });
  return found;
}

describe('scatter labels on a crowded Accuracy page', () => {
  it('accuracy vs latency: 24 points a few pixels apart, every label drawn, none over another label or a point, none outside the plot', async () => {
    await session.page.getByTestId('nav-accuracy').click();
    const chart = session.page.getByTestId('accuracy-latency-chart');
    await expect.poll(() => chart.locator('.scatter-series .recharts-symbols').count()).toBe(TARGETS.length * TOP1.length);
    await expect.poll(() => chart.locator('text.point-label').count()).toBeGreaterThan(0);
    const seen = await drawn(chart);
    expect(problems(seen)).toEqual([]);
    // Every point keeps a label here (whole, or cut with an ellipsis where only that fitted).
    expect(seen.hidden).toBe(0);
    expect(seen.labels).toHaveLength(TARGETS.length * TOP1.length);
    for (const label of seen.labels) expect(label.text.endsWith('…') || label.text.includes(' · ')).toBe(true);
    // The log axis moves the points: still no overlap.
    await chart.locator('label.segment', { has: session.page.getByTestId('latency-scale-log') }).click();
    await expect.poll(() => chart.getAttribute('data-scale')).toBe('log');
    expect(problems(await drawn(chart))).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('accuracy vs size: the two int8 variants of nearly the same size, labels apart and inside the plot', async () => {
    const chart = session.page.getByTestId('accuracy-size-chart');
    await expect.poll(() => chart.locator('text.point-label').count()).toBe(TOP1.length);
    const seen = await drawn(chart);
    expect(seen.dots).toHaveLength(TOP1.length);
    expect(problems(seen)).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});


/** WCAG contrast ratio of two computed colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const luminance = (css: string): number => {
    const [r = 0, g = 0, bl = 0] = (css.match(/[\d.]+/g) ?? []).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

describe('scatter labels with no room: a narrow window, dark theme', () => {
  it('the note under the chart counts the labels left out, the keyboard reaches every point, and a point without a label names itself on focus', async () => {
    // 700 px wide: the two scatters side by side are about 200 px each, too small for 24 labels.
    const narrow = await session.browser.newPage({ viewport: { width: 700, height: 900 }, colorScheme: 'dark' });
    const narrowErrors = pageErrors(narrow);
    try {
      await narrow.goto(session.server.url);
      await narrow.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
      await narrow.getByTestId('nav-accuracy').click();
      const chart = narrow.getByTestId('accuracy-latency-chart');
      const points = TARGETS.length * TOP1.length;
      await expect.poll(() => chart.locator('.scatter-series .recharts-symbols').count()).toBe(points);
      await expect.poll(async () => (await drawn(chart)).hidden).toBeGreaterThan(0);
      const seen = await drawn(chart);
      expect(problems(seen)).toEqual([]);
      expect(seen.labels.length + seen.hidden).toBe(points);

      // The count is written where a user reads it, and the points it counts are ringed.
      const note = chart.getByTestId('hidden-labels-note');
      await expect.poll(() => note.isVisible()).toBe(true);
      expect(await note.textContent()).toBe(`${seen.hidden} labels hidden for room (the ringed points): hover a point, or Tab to it, for its name.`);
      expect(await chart.locator('[data-testid="point-target"][data-label-hidden="true"]').count()).toBe(seen.hidden);
      // The chart of size has room for its three labels: no note there.
      await expect.poll(() => narrow.getByTestId('accuracy-size-chart').locator('text.point-label').count()).toBe(TOP1.length);
      expect(await narrow.getByTestId('accuracy-size-chart').getByTestId('hidden-labels-note').count()).toBe(0);

      // From the first point, Tab visits every point once; each one without a label shows a card with its name.
      await chart.getByTestId('point-target').first().focus();
      const visited = new Set<string>();
      let named = 0;
      for (let i = 0; i < points; i++) {
        if (i > 0) await narrow.keyboard.press('Tab');
        const focused = narrow.locator(':focus');
        expect(await focused.getAttribute('data-testid')).toBe('point-target');
        const description = (await focused.getAttribute('aria-label')) ?? '';
        visited.add(description);
        if ((await focused.getAttribute('data-label-hidden')) !== 'true') continue;
        const card = chart.getByTestId('point-card');
        await expect.poll(() => card.isVisible()).toBe(true);
        // Broken at spaces when the chart is narrow: joined with spaces, the lines give the name back.
        const name = (await card.locator('text.point-card-name').allTextContents()).join(' ');
        // Its name: the page's label for a run (model · target · runtime · threads), whole, as the point's accessible name starts.
        expect(TARGETS.some((t) => name.includes(` · ${t} · `))).toBe(true);
        expect(description.startsWith(`${name}: median latency (ms) `)).toBe(true);
        expect(seen.labels.some((l) => l.text === name)).toBe(false);
        // Inside the chart, and readable in the dark theme.
        const cardBox = await card.boundingBox();
        const svgBox = await chart.locator('svg.recharts-surface').boundingBox();
        expect(cardBox && svgBox && cardBox.x >= svgBox.x - SLACK && cardBox.x + cardBox.width <= svgBox.x + svgBox.width + SLACK).toBe(true);
        const fillOf = (l: Locator) => l.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(el).fill);
        expect(contrast(await fillOf(card.locator('rect')), await fillOf(card.locator('text').first()))).toBeGreaterThan(7);
        expect(contrast(await fillOf(card.locator('rect')), await fillOf(card.locator('text').last()))).toBeGreaterThan(4.5);
        named++;
      }
      expect(visited.size).toBe(points);
      expect(named).toBe(seen.hidden);
      // Escape puts the card away; the point keeps its focus.
      await narrow.keyboard.press('Escape');
      await expect.poll(() => chart.getByTestId('point-card').count()).toBe(0);
      expect(await narrow.locator(':focus').getAttribute('data-testid')).toBe('point-target');

      // The pointer still reaches the dots under the keyboard stops: hovering one names it in recharts' tooltip.
      const sizeChart = narrow.getByTestId('accuracy-size-chart');
      const dotBox = await sizeChart.locator('.scatter-series .recharts-symbols').first().boundingBox();
      if (!dotBox) throw new Error('The size chart drew no dot.');
      const [cx, cy] = [dotBox.x + dotBox.width / 2, dotBox.y + dotBox.height / 2];
      const stops = await Promise.all((await sizeChart.getByTestId('point-target').all()).map(async (t) => ({ box: await t.boundingBox(), name: (await t.getAttribute('aria-label')) ?? '' })));
      const distance = (b: typeof dotBox | null): number => (b ? Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy) : Infinity);
      const stop = stops.sort((a, b) => distance(a.box) - distance(b.box))[0];
      await narrow.mouse.move(cx, cy);
      const tip = sizeChart.locator('.chart-tooltip strong');
      await expect.poll(() => tip.count()).toBe(1);
      expect(stop?.name.startsWith(`${await tip.textContent()}: `)).toBe(true);
      expect(narrowErrors).toEqual([]);
    } finally {
      await narrow.close();
    }
  });
});

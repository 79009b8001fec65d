/**
 * Repeats in the studio (issue 12, item 6) in a real Chromium against browser mode: a run measured
 * in five fresh processes, one of them slow and one fast, shows a box per repeat with its median
 * and within-run CI, the between-run CI beside the within-run one (each labelled), and the
 * between-run warning; the results grid and Compare show the between-run CI, and "—, no repeats"
 * for a one-process run, and Compare lists the environment facts that differ. The run files are synthetic (test/e2e/helpers/synthetic-run.ts), so what
 * is checked is what the UI draws of a file, not the engine's estimate. Then the Runs page's Repeats
 * field: its hint in each mode, and the value typed is what bench.start receives; the demo model then
 * really runs in two fresh processes and its detail shows both.
 * No sleeps: every wait is for a selector or a page condition.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMsRange } from '../../src/renderer/src/format';
import { formatMs } from '../../src/shared/units';
import { BENCH_SETTING_SPECS } from '../../src/shared/plugins/bench-settings';
import { messageFor } from '../../src/shared/remedies';
import { RunFile } from '../../src/shared/run-schema';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';
import { syntheticRun } from './helpers/synthetic-run';

const REPEATS_SCREENSHOT = path.join(REPO_ROOT, 'docs/repeats.png');
const CREATED = '2026-12-01T10:00:00.000Z';
// Repeat #2 ran 40 % slow, #3 30 % fast: what a process that got another clock looks like.
const FACTORS = [1, 1.4, 0.7, 1.2, 0.9];
// Governors differ, as between a tuned board and a laptop: Compare lists it.
const repeated = RunFile.parse({
  ...syntheticRun({ id: 'five-fresh-runs', samples: 200, medianMs: 2, seed: 11, createdAt: CREATED, repeatFactors: FACTORS }),
  environment: { governor: 'powersave' },
});
const single = RunFile.parse({ ...syntheticRun({ id: 'one-process', samples: 200, medianMs: 2, seed: 12, createdAt: '2026-12-01T09:00:00.000Z' }), environment: { governor: 'performance' } });

/** Every call the page sent over browser mode's WebSocket, as parsed frames. */
const sentCalls: Array<{ channel: string; request: unknown }> = [];

const studio = useStudioSession({
  workspace: async (dir) => {
    await mkdir(path.join(dir, 'runs'), { recursive: true });
    for (const run of [repeated, single]) await writeFile(path.join(dir, 'runs', `${run.id}.json`), JSON.stringify(run));
  },
  // Listening before the page opens its socket: the Repeats field's value is read off the wire.
  beforeOpen: (page) =>
    page.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        if (typeof frame.payload !== 'string') return;
        const parsed = JSON.parse(frame.payload) as { type?: string; channel?: string; request?: unknown };
        if (parsed.type === 'call' && typeof parsed.channel === 'string') sentCalls.push({ channel: parsed.channel, request: parsed.request });
      }),
    ),
});

beforeAll(async () => {
  await studio.page.getByTestId('nav-runs').click();
});

const row = (id: string) => studio.page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
const between = repeated.betweenRun;
if (!between?.ci95) throw new Error('The synthetic run should carry a between-run CI.');
const betweenText = formatMsRange(between.ci95.low, between.ci95.high);

describe('a run of five fresh processes in the studio', () => {
  it('the results grid shows its between-run CI, and "—, no repeats" for a one-process run', async () => {
    await row(repeated.id).waitFor();
    expect(await row(repeated.id).locator('[data-stat="between-run-ci"]').textContent()).toBe(betweenText);
    expect(await row(single.id).locator('[data-stat="between-run-ci"]').textContent()).toBe('—, no repeats');
  });

  it('the run detail draws a box per repeat, both CIs labelled, and the between-run warning', async () => {
    await row(repeated.id).click();
    const detail = studio.page.locator(`[data-testid="run-detail"][data-run-id="${repeated.id}"]`);
    const section = detail.getByTestId('run-repeats');
    await section.waitFor();

    // Both CIs side by side, each saying what it covers.
    const within = section.locator('[data-ci="within"]');
    const across = section.locator('[data-ci="between"]');
    expect(await within.locator('dt').textContent()).toBe('Median 95% CI within this run');
    expect(await within.locator('dd').first().textContent()).toBe(formatMsRange(repeated.latencyMs.medianCi95.low, repeated.latencyMs.medianCi95.high));
    expect(await across.locator('dt').textContent()).toBe('Median 95% CI across 5 fresh runs');
    expect(await across.locator('dd').first().textContent()).toBe(betweenText);
    // The pooled within-run CI is far narrower than the spread of the processes: the point of repeats.
    expect(repeated.latencyMs.medianCi95.high - repeated.latencyMs.medianCi95.low).toBeLessThan((between.ci95?.high ?? 0) - (between.ci95?.low ?? 0));

    // One table row per repeat with its own median and within-run CI.
    const rows = section.getByTestId('repeat-row');
    expect(await rows.count()).toBe(5);
    for (const [i, repeat] of (repeated.repeats ?? []).entries()) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      const ci = repeat.medianCi95;
      expect(cells).toEqual([`#${i + 1}`, '200', formatMs(repeat.medianMs), ci ? formatMsRange(ci.low, ci.high) : 'too few samples', formatMs(repeat.initMs)]);
    }

    // The chart: five boxes and five whiskers; the slow repeat's box sits above the fast one's.
    const chart = section.getByTestId('repeats-chart');
    const boxes = chart.locator('.recharts-bar-rectangle path, .recharts-bar-rectangle rect');
    await boxes.nth(4).waitFor();
    expect(await boxes.count()).toBe(5);
    expect(await chart.locator('.recharts-errorBar').count()).toBe(5);
    const [slowBox, fastBox] = await Promise.all([boxes.nth(1).boundingBox(), boxes.nth(2).boundingBox()]);
    if (!slowBox || !fastBox) throw new Error('The boxes should be drawn.');
    // Screen y grows downward: the slow box's bottom (its 25th percentile) is above the fast box's top.
    expect(slowBox.y + slowBox.height).toBeLessThan(fastBox.y);

    // The statistics table carries both CIs too.
    const stats = detail.getByTestId('stats-table');
    expect(await stats.locator('[data-stat="pooled median CI"] td').textContent()).toBe(formatMsRange(repeated.latencyMs.medianCi95.low, repeated.latencyMs.medianCi95.high));
    expect(await stats.locator('[data-stat="CI across 5 runs"] td').textContent()).toBe(betweenText);
    expect(await stats.locator('[data-stat="reported median"] td').textContent()).toBe(formatMs(between.medianMs));

    // The fuller environment is listed with the run's facts, in the words Compare uses.
    expect(await detail.locator('[data-testid="environment-governor"]').textContent()).toBe('CPU governorpowersave');

    // The repeats disagree beyond their CIs: the engine's warning, said once like any other, in the UI's words.
    const warning = detail.locator('[data-testid="run-warnings"] [data-warning="between-run-variation"]');
    expect(await warning.count()).toBe(1);
    const engineWarning = repeated.warnings.find((w) => w.code === 'between-run-variation');
    expect(engineWarning).toBeDefined();
    expect(await warning.textContent()).toBe(`⚠${messageFor(engineWarning ?? { message: '' }, 'ui')}`);
    expect(await warning.textContent()).toMatch(/the medians of 5 fresh runs range .* the Repeats field/);
  });

  it("Compare shows each run's between-run CI beside its within-run CI, and the environment facts that differ", async () => {
    for (const id of [repeated.id, single.id]) await row(id).locator('[data-testid="run-pick"]').check();
    await studio.page.getByTestId('compare-button').click();
    const table = studio.page.getByTestId('compare-table');
    await table.waitFor();
    const compareRow = (id: string) => table.locator(`[data-testid="compare-row"][data-run-id="${id}"]`);
    expect(await compareRow(repeated.id).locator('[data-stat="between-run-ci"]').textContent()).toBe(betweenText);
    expect(await compareRow(single.id).locator('[data-stat="between-run-ci"]').textContent()).toBe('—, no repeats');
    // The headline of the run with repeats is the median of its repeats' medians.
    expect(await compareRow(repeated.id).locator('[data-stat="median"]').textContent()).toBe(formatMs(between.medianMs));

    // What differed between them: the governor, each run's value under its side.
    const differed = studio.page.locator(`[data-testid="environment-diff-run"][data-run-id="${single.id}"] tr[data-fact="governor"] td`);
    expect(await differed.allTextContents()).toEqual(['CPU governor', 'powersave', 'performance']);
    await studio.page.getByTestId('nav-runs').click();
    await studio.page.getByTestId('compare-clear').click();
  });
});

describe('the Repeats field', () => {
  const field = () => studio.page.getByTestId('bench-repeats-input');
  const hint = () => studio.page.locator('label:has([data-testid="bench-repeats-input"]) .field-hint').textContent();

  it('says what empty means in each mode, and its value reaches bench.start: the demo model runs in two fresh processes', async () => {
    await field().waitFor();
    expect(await studio.page.locator('label:has([data-testid="bench-repeats-input"]) .field-label').textContent()).toBe(BENCH_SETTING_SPECS.repeats.label);
    expect(await hint()).toBe('Fresh processes per cell; empty = 1');
    const count = studio.page.getByTestId('bench-cell-count');
    expect(await count.textContent()).not.toContain('fresh processes');
    await studio.page.getByTestId('bench-mode-report').check();
    expect(await hint()).toBe('Empty = 5 (report mode implies 5)');
    // Report mode runs each cell in five fresh processes, one 10 s window each.
    expect(await count.textContent()).toContain('each in 5 fresh processes · at least 50 s');
    await studio.page.getByTestId('bench-mode-quick').check();

    await field().fill('0');
    expect(await hint()).toBe('Use 1 to 100.');
    expect(await studio.page.getByTestId('bench-start').isDisabled()).toBe(true);

    await field().fill('2');
    expect(await count.textContent()).toContain('each in 2 fresh processes');
    await studio.page.getByTestId('bench-runs-input').fill('20');
    await studio.page.getByTestId('bench-warmup-input').fill('2');
    await studio.page.getByTestId('bench-warmup-time-input').fill('0');
    const before = await readdir(path.join(studio.server.workspaceDir, 'runs'));
    await studio.page.getByTestId('bench-start').click();

    await expect.poll(() => sentCalls.some((call) => call.channel === 'bench.start'), { timeout: 10_000 }).toBe(true);
    const start = sentCalls.find((call) => call.channel === 'bench.start');
    expect((start?.request as { settings?: { repeats?: number } }).settings?.repeats).toBe(2);

    // The demo model really runs in two fresh processes: one run file with both repeats' samples.
    await studio.page.locator('[data-testid="run-row"]').nth(2).waitFor({ timeout: 90_000 });
    const added = (await readdir(path.join(studio.server.workspaceDir, 'runs'))).filter((name) => name.endsWith('.json') && !before.includes(name));
    expect(added).toHaveLength(1);
    const run = RunFile.parse(JSON.parse(await readFile(path.join(studio.server.workspaceDir, 'runs', added[0] ?? ''), 'utf8')));
    expect(run.settings.repeats).toBe(2);
    expect(run.repeats?.map((r) => r.count)).toEqual([20, 20]);
    expect(run.betweenRun?.repeats).toBe(2);

    // Its detail: two boxes, and two repeats are too few for a between-run CI, which it says.
    await studio.page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).click();
    const section = studio.page.locator(`[data-testid="run-detail"][data-run-id="${run.id}"] [data-testid="run-repeats"]`);
    await section.waitFor();
    expect(await section.getByTestId('repeat-row').count()).toBe(2);
    expect(await section.locator('[data-ci="between"] dt').textContent()).toBe('Median 95% CI across 2 fresh runs');
    expect(await section.locator('[data-ci="between"] dd').first().textContent()).toBe('too few repeats (2)');
    expect(await studio.page.locator(`[data-testid="run-row"][data-run-id="${run.id}"] [data-stat="between-run-ci"]`).textContent()).toBe('too few repeats (2)');
    expect(studio.errors).toEqual([]);
  });

  it('a real run of five fresh processes shows its between-run CI (and makes the README\'s docs/repeats.png on request)', async () => {
    await studio.page.getByTestId('nav-runs').click();
    await field().fill('5');
    await studio.page.getByTestId('bench-runs-input').fill('300');
    await studio.page.getByTestId('bench-warmup-input').fill('10');
    await studio.page.getByTestId('bench-warmup-time-input').fill('0');
    const before = await readdir(path.join(studio.server.workspaceDir, 'runs'));
    await studio.page.getByTestId('bench-start').click();
    await studio.page.locator('[data-testid="run-row"]').nth(3).waitFor({ timeout: 90_000 });
    const added = (await readdir(path.join(studio.server.workspaceDir, 'runs'))).filter((name) => name.endsWith('.json') && !before.includes(name));
    const run = RunFile.parse(JSON.parse(await readFile(path.join(studio.server.workspaceDir, 'runs', added[0] ?? ''), 'utf8')));
    expect(run.repeats?.map((r) => r.count)).toEqual([300, 300, 300, 300, 300]);
    const ci = run.betweenRun?.ci95;
    if (!ci) throw new Error('Five repeats should give a between-run CI.');

    await studio.page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).click();
    const section = studio.page.locator(`[data-testid="run-detail"][data-run-id="${run.id}"] [data-testid="run-repeats"]`);
    await section.waitFor();
    expect(await section.getByTestId('repeat-row').count()).toBe(5);
    expect(await section.locator('[data-ci="between"] dt').textContent()).toBe('Median 95% CI across 5 fresh runs');
    expect(await section.locator('[data-ci="between"] dd').first().textContent()).toBe(formatMsRange(ci.low, ci.high));
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(REPEATS_SCREENSHOT)) {
      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: REPEATS_SCREENSHOT });
    }
    expect(studio.errors).toEqual([]);
  });
});

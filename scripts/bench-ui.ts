/**
 * `npm run bench:ui [--trials N]`
 *
 * How long the studio takes to draw big runs: browser mode on a workspace holding six
 * synthetic runs of 100,000 samples each (plus a small newest run, shown first), in Chromium.
 *  - run detail: from the click on a run's row to its histogram's bars being in the page;
 *  - compare view: from the click on "Compare (3)" to the table, histograms, CDF lines, memory
 *    bars and environment diff; and, reported beside it, to the across-targets charts below them
 *    (issue 13), which render in a second, interruptible pass. The Runs page reads a run's file
 *    as soon as it is ticked; the bench ticks as fast as Playwright can, so "data" is what is
 *    still on its way at the click (a person leaves far more time between tick and click);
 *  - ticks: from the click on a run's tick box to the box painted ticked, six big runs in a row
 *    (no goal of its own: it shows whether reading ticked runs ahead holds the next tick up).
 * Every timed run is one the page has not read yet (it keeps runs it read in memory). "First
 * after load" is the first such click after a page load, while the page's code is still cold.
 * Times come from the page's own clock: the click event's timeStamp and a MutationObserver
 * that notes when the expected elements appear; "next frame" adds the frame that paints them.
 * Goal: under 200 ms for the detail and the compare. Needs the UI built (`npx electron-vite build`).
 * `--profile FILE.cpuprofile` records Chromium's CPU profile of every timed compare (open it in
 * Chrome's DevTools) and prints where the page's time went, by function (self time, summed).
 */
import { rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/helpers/browser';
import { makeTempWorkspace, startStudioServer } from '../test/e2e/helpers/studio-server';
import { writeSyntheticRun } from '../test/e2e/helpers/synthetic-run';
import { medianOf } from '../src/shared/numeric/quantile';
import { FRESH_BUILD_ENV } from '../src/core/process-entries';
import { ensureCliBuild } from './build-cli.mjs';

const GOAL_MS = 200;
const BIG_SAMPLES = 100_000;

interface Timing {
  /**
   * Click to the last run file's arrival in the page: the server's and the transport's share.
   * Negative when every file had arrived before the click (read ahead while the runs were ticked).
   */
  dataMs: number;
  domMs: number;
  frameMs: number;
  /** Click to the `later` expectations holding (the compare view's across-targets charts); null when none. */
  laterMs: number | null;
}

/**
 * Notes when each big WebSocket message (a run file) reaches the page, so the time can be split
 * into "server and transport" and "page". Installed before the studio's own code runs.
 */
const NOTE_BIG_MESSAGES = `(() => {
  window.__bigMessages = [];
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    if (type === 'message') {
      add.call(this, 'message', (event) => {
        if (typeof event.data === 'string' && event.data.length > 100000) window.__bigMessages.push(performance.now());
      });
    }
    return add.call(this, type, listener, options);
  };
})()`;

/** `selector` matches at least `count` elements. */
type Expect = [selector: string, count: number];

/**
 * Arms the page: the next click on `clickSelector` starts the clock, which stops once every
 * expectation holds (and again one animation frame later). Page code is a string because this
 * file is type-checked without the DOM library.
 */
async function arm(page: Page, clickSelector: string, expects: Expect[], later: Expect[] = []): Promise<void> {
  await page.evaluate(`(() => {
    const expects = ${JSON.stringify(expects)};
    const later = ${JSON.stringify(later)};
    const holds = (list) => list.every(([s, n]) => document.querySelectorAll(s).length >= n);
    const done = () => holds(expects);
    const t = (window.__uiTiming = { clickAt: null, domAt: null, frameAt: null, laterAt: null });
    if (later.length > 0) {
      const laterObserver = new MutationObserver(() => {
        if (t.clickAt === null || !holds(later)) return;
        t.laterAt = performance.now();
        laterObserver.disconnect();
        document.documentElement.dataset.uiLater = 'yes';
      });
      delete document.documentElement.dataset.uiLater;
      laterObserver.observe(document.body, { childList: true, subtree: true, attributes: true });
    }
    window.__bigMessages.length = 0;
    delete document.documentElement.dataset.uiTimed;
    document.addEventListener('click', (event) => {
      if (t.clickAt === null && event.target.closest(${JSON.stringify(clickSelector)})) t.clickAt = event.timeStamp;
    }, { capture: true });
    const observer = new MutationObserver(() => {
      if (t.clickAt === null || !done()) return;
      t.domAt = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => {
        t.frameAt = performance.now();
        document.documentElement.dataset.uiTimed = 'yes';
      }, 0));
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
  })()`);
}

async function readTiming(page: Page, withLater = false): Promise<Timing> {
  // A marker attribute, not waitForFunction: the studio's CSP forbids evaluating strings in the page.
  await page.waitForSelector('html[data-ui-timed="yes"]', { state: 'attached', timeout: 30_000 });
  if (withLater) await page.waitForSelector('html[data-ui-later="yes"]', { state: 'attached', timeout: 30_000 });
  const t = (await page.evaluate('({ ...window.__uiTiming, dataAt: Math.max(...window.__bigMessages) })')) as {
    clickAt: number;
    dataAt: number;
    domAt: number;
    frameAt: number;
    laterAt: number | null;
  };
  return { dataMs: t.dataAt - t.clickAt, domMs: t.domAt - t.clickAt, frameMs: t.frameAt - t.clickAt, laterMs: t.laterAt === null ? null : t.laterAt - t.clickAt };
}

/** A fresh page load on the Runs page, so nothing is cached in the page. */
async function openRunsPage(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/runs`);
  await page.reload();
  await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
  await page.getByTestId('run-row').nth(6).waitFor();
  await page.locator('[data-testid="latency-histogram"] .recharts-bar-rectangle').first().waitFor();
}

async function timeRunDetail(page: Page, runId: string): Promise<Timing> {
  const row = `[data-testid="run-row"][data-run-id="${runId}"]`;
  await arm(page, row, [[`[data-testid="latency-histogram"][data-run-id="${runId}"] .recharts-bar-rectangle`, 2]]);
  await page.click(row);
  return readTiming(page);
}

/** A CPU profile as Chromium's Profiler.stop returns it (the parts read here). */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function over the profiles, most first: where the page's time goes. */
function selfTimes(profiles: CpuProfile[]): Array<{ name: string; ms: number }> {
  const byName = new Map<string, number>();
  for (const profile of profiles) {
    const frameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    samples.forEach((id, i) => {
      const frame = frameOf.get(id);
      if (!frame) return;
      const file = frame.url.split('/').pop() ?? '';
      const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
      // A sample's time is the gap to the next one.
      byName.set(name, (byName.get(name) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
    });
  }
  return [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

class Profiler {
  readonly profiles: CpuProfile[] = [];
  constructor(private readonly session: CDPSession) {}
  static async attach(page: Page): Promise<Profiler> {
    const session = await page.context().newCDPSession(page);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 100 });
    return new Profiler(session);
  }
  async start(): Promise<void> {
    await this.session.send('Profiler.start');
  }
  async stop(): Promise<void> {
    const { profile } = (await this.session.send('Profiler.stop')) as { profile: CpuProfile };
    this.profiles.push(profile);
  }
}

async function timeCompare(page: Page, runIds: string[], profiler?: Profiler): Promise<Timing> {
  const n = runIds.length;
  // Armed before the ticks: the page starts reading a ticked run's file at once (read-ahead), and
  // those files' arrival is part of the figure ("data" is then 0: read before the click).
  await arm(page, '[data-testid="compare-button"]', [
    ['[data-testid="compare-table"] [data-testid="speedup"]', n],
    ['[data-testid="compare-histogram"] .recharts-area-area', n],
    ['[data-testid="compare-cdf"] .recharts-line-curve', n],
    ['[data-testid="compare-memory"] .recharts-bar-rectangle', n],
    ['[data-testid="environment-diff"] [data-testid="environment-diff-run"]', n - 1],
  ], [['[data-testid="across-latency"] [data-testid="target-bar"]', n]]);
  // As fast as Playwright ticks: a person takes far longer between the last tick and the click.
  for (const id of runIds) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`).check();
  await profiler?.start();
  await page.click('[data-testid="compare-button"]');
  const timing = await readTiming(page, true);
  await profiler?.stop();
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('compare-clear').click();
  return timing;
}

/**
 * Ticks `runIds` one after another, as fast as Playwright goes, timing each from its click to the
 * box painted ticked: the Runs page reads each ticked run's file ahead, and a tick must not wait
 * for the files before it.
 */
async function timeTicks(page: Page, runIds: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const id of runIds) {
    const box = `[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-pick"]`;
    await arm(page, box, [[`${box}:checked`, 1]]);
    await page.click(box);
    times.push((await readTiming(page)).frameMs);
  }
  await page.getByTestId('compare-clear').click();
  return times;
}

function summarize(name: string, timings: Timing[]): boolean {
  // Data that arrived before the click took none of the click's time.
  const data = timings.map((t) => Math.max(0, t.dataMs));
  const readAhead = timings.filter((t) => t.dataMs <= 0).length;
  const frame = timings.map((t) => t.frameMs);
  const page = timings.map((t, i) => t.frameMs - (data[i] ?? 0));
  const ok = medianOf(frame) < GOAL_MS;
  console.log(
    `${name.padEnd(36)} median ${medianOf(frame).toFixed(0).padStart(4)} ms click → painted ` +
      `(min ${Math.min(...frame).toFixed(0)}, max ${Math.max(...frame).toFixed(0)}): ` +
      `data in ${medianOf(data).toFixed(0)} ms${readAhead > 0 ? ` (all read before the click in ${readAhead} of ${timings.length})` : ''}, ` +
      `then the page ${medianOf(page).toFixed(0)} ms ${ok ? 'ok' : `OVER the ${GOAL_MS} ms goal`}`,
  );
  const later = timings.flatMap((t) => (t.laterMs === null ? [] : [t.laterMs]));
  if (later.length > 0) console.log(`${''.padEnd(36)}   then the across-targets charts at ${medianOf(later).toFixed(0)} ms (median)`);
  return ok;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { trials: { type: 'string', default: '5' }, profile: { type: 'string' } } });
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials '${values.trials}' is not a positive whole number.`);

  const workspaceDir = await makeTempWorkspace();
  const big = await Promise.all(
    [0, 1, 2, 3, 4, 5].map((i) =>
      writeSyntheticRun(workspaceDir, {
        id: `synthetic-100k-${i + 1}`,
        samples: BIG_SAMPLES,
        medianMs: [1.2, 0.8, 1.6][i % 3] ?? 1,
        seed: i + 1,
        createdAt: new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString(),
        threads: [1, 2, 4][i % 3],
      }),
    ),
  );
  await writeSyntheticRun(workspaceDir, { id: 'synthetic-small', samples: 50, medianMs: 1, seed: 9, createdAt: new Date(Date.UTC(2026, 0, 2)).toISOString() });
  const detailIds = big.slice(0, 3).map((r) => r.id);
  const compareIds = big.slice(3).map((r) => r.id);

  // startStudioServer runs the CLI's build only when it is known to be current.
  await ensureCliBuild();
  process.env[FRESH_BUILD_ENV] = '1';
  const server = await startStudioServer({ workspaceDir });
  const browser = await launchBrowser();
  let allOk = true;
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(NOTE_BIG_MESSAGES);
    const page = await context.newPage();
    const profiler = values.profile === undefined ? undefined : await Profiler.attach(page);
    const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
    console.log(`bench:ui: ${trials} trials, runs of ${BIG_SAMPLES.toLocaleString('en-US')} samples, Chromium ${browser.version()}, load average ${load()}`);
    const firstDetail: Timing[] = [];
    const laterDetail: Timing[] = [];
    const firstCompare: Timing[] = [];
    const laterCompare: Timing[] = [];
    const ticks: number[] = [];
    // One untimed round so that the server has read every file once, as it has in daily use.
    await openRunsPage(page, server.url);
    for (const id of detailIds) await timeRunDetail(page, id);
    await timeCompare(page, compareIds);
    for (let i = 0; i < trials; i++) {
      await openRunsPage(page, server.url);
      firstDetail.push(await timeRunDetail(page, detailIds[0] ?? ''));
      for (const id of detailIds.slice(1)) laterDetail.push(await timeRunDetail(page, id));
      laterCompare.push(await timeCompare(page, compareIds, profiler));
      await openRunsPage(page, server.url);
      firstCompare.push(await timeCompare(page, compareIds, profiler));
      await openRunsPage(page, server.url);
      ticks.push(...(await timeTicks(page, big.map((r) => r.id))));
    }
    console.log(`load average at the end ${load()}`);
    allOk = summarize('run detail, first click after load', firstDetail) && allOk;
    allOk = summarize('run detail, later clicks', laterDetail) && allOk;
    allOk = summarize('compare 3 runs, first after load', firstCompare) && allOk;
    allOk = summarize('compare 3 runs, later', laterCompare) && allOk;
    console.log(
      `${'tick a run (6 in a row, read ahead)'.padEnd(36)} median ${medianOf(ticks).toFixed(0).padStart(4)} ms click → painted ` +
        `(min ${Math.min(...ticks).toFixed(0)}, max ${Math.max(...ticks).toFixed(0)})`,
    );
    if (profiler && values.profile !== undefined) {
      await writeFile(values.profile, JSON.stringify(profiler.profiles.at(-1)));
      console.log(`CPU profile of the last compare in ${values.profile}; self time per compare, by function (mean of ${profiler.profiles.length}):`);
      for (const { name, ms } of selfTimes(profiler.profiles).slice(0, 25)) console.log(`  ${(ms / profiler.profiles.length).toFixed(1).padStart(6)} ms  ${name}`);
    }
  } finally {
    await browser.close();
    await server.stop();
    await rm(workspaceDir, { recursive: true, force: true });
  }
  if (!allOk) process.exitCode = 1;
}

await main();

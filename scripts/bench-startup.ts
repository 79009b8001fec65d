/**
 * Browser mode's start-up time, as a user meets it: from launching `edgebench serve` (the CLI's
 * build, as `edgebench` runs it) on a fresh workspace (first start, so seeding is included) to the
 * URL line, and on to the page setting data-app-state="loaded" in Chromium. Needs
 * `electron-vite build` to have run; builds out/cli itself.
 */
import { performance } from 'node:perf_hooks';
import { ensureCliBuild } from './build-cli.mjs';
import { FRESH_BUILD_ENV } from '../src/core/process-entries';
import { launchBrowser } from '../test/e2e/helpers/browser';
import { startStudioServer } from '../test/e2e/helpers/studio-server';

export interface StartupTiming {
  /** Launch of `edgebench serve` until it printed its URL. */
  serveMs: number;
  /** Launch until the page reported data-app-state="loaded". */
  loadedMs: number;
}

export async function measureStartup(rounds: number): Promise<StartupTiming[]> {
  await ensureCliBuild();
  // startStudioServer runs the CLI's build only when it is known to be current.
  process.env[FRESH_BUILD_ENV] = '1';
  const browser = await launchBrowser();
  const timings: StartupTiming[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      const server = await startStudioServer();
      const served = performance.now();
      const page = await browser.newPage();
      try {
        await page.goto(server.url);
        await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
        timings.push({ serveMs: served - started, loadedMs: performance.now() - started });
      } finally {
        await page.close();
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  return timings;
}

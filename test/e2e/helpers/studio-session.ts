/**
 * One Chromium, one `edgebench serve` on a fresh workspace and one open studio page for a test
 * file: started before its tests, stopped after them, so each e2e file says only what it tests.
 * `useBrowser` is the Chromium half alone, for files that open pages without a studio (a report).
 */
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, pageErrors } from './browser';
import { makeTempWorkspace, startStudioServer, type StartOptions, type StudioServer } from './studio-server';

export interface BrowserSession {
  readonly browser: Browser;
}

export interface StudioSession extends BrowserSession {
  readonly server: StudioServer;
  readonly page: Page;
  /** What the page threw or logged as an error so far, from its first load on. */
  readonly errors: string[];
}

export interface SessionOptions {
  /** Server options (e.g. env vars, or a workspace the test prepared and removes), made when the session starts. */
  server?: () => StartOptions | Promise<StartOptions>;
  /** Fills a fresh workspace before the server starts on it; the session removes the folder afterwards. */
  workspace?: (dir: string) => Promise<void>;
  /** The page's window; some pages need a taller one to show a whole card. */
  viewport?: { width: number; height: number };
  /** Runs on the page before it loads the studio, e.g. to listen on the WebSocket the studio is about to open. */
  beforeOpen?: (page: Page) => void;
  /** The file's Chromium from useBrowser, for a file with more than one studio (one per describe); else the session launches its own. */
  browser?: BrowserSession;
  /** The set-up's time limit (ms), for a workspace that takes longer to fill than the e2e project's hookTimeout. */
  setupTimeoutMs?: number;
}

const DEFAULT_VIEWPORT = { width: 1400, height: 900 };

function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The e2e session's ${what} is used before beforeAll started it.`);
  return value;
}

/** Registers the file's beforeAll/afterAll for one Chromium; the returned browser is usable inside tests. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      return started(browser, 'browser');
    },
  };
}

/** Registers the file's beforeAll/afterAll; the returned session's fields are usable inside tests. */
export function useStudioSession(options: SessionOptions = {}): StudioSession {
  const chromium = options.browser ?? useBrowser();
  let server: StudioServer | undefined;
  let page: Page | undefined;
  let workspaceDir: string | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    const start = { ...(await options.server?.()) };
    if (options.workspace) {
      workspaceDir = await makeTempWorkspace();
      await options.workspace(workspaceDir);
      start.workspaceDir = workspaceDir;
    }
    server = await startStudioServer(start);
    page = await chromium.browser.newPage({ viewport: options.viewport ?? DEFAULT_VIEWPORT, colorScheme: 'light' });
    // Listening before the first load: an error the studio throws while it starts is one too.
    errors = pageErrors(page);
    options.beforeOpen?.(page);
    await page.goto(server.url);
    await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
  }, options.setupTimeoutMs);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    // A workspace given to the server is left by it: this one is the session's.
    if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
  });

  return {
    get browser() {
      return chromium.browser;
    },
    get server() {
      return started(server, 'server');
    },
    get page() {
      return started(page, 'page');
    },
    get errors() {
      return errors;
    },
  };
}

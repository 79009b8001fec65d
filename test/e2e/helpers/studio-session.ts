/**
 * One Chromium, one `edgebench serve` on a fresh workspace and one open studio page for a test
 * file: started before its tests, stopped after them, so each e2e file says only what it tests.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, openStudio, pageErrors } from './browser';
import { startStudioServer, type StartOptions, type StudioServer } from './studio-server';

export interface StudioSession {
  readonly browser: Browser;
  readonly server: StudioServer;
  readonly page: Page;
  /** What the page threw or logged as an error so far. */
  readonly errors: string[];
}

export interface SessionOptions {
  /** Server options (e.g. a workspace the test prepared), made when the session starts. */
  server?: () => StartOptions | Promise<StartOptions>;
}

/** Registers the file's beforeAll/afterAll; the returned session's fields are usable inside tests. */
export function useStudioSession(options: SessionOptions = {}): StudioSession {
  let browser: Browser | undefined;
  let server: StudioServer | undefined;
  let page: Page | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startStudioServer((await options.server?.()) ?? {});
    page = await openStudio(browser, server.url);
    errors = pageErrors(page);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await server?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The studio session's ${what} is used before beforeAll started it.`);
    return value;
  };
  return {
    get browser() {
      return started(browser, 'browser');
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

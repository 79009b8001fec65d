/** Chromium from the system (never downloaded), driven by playwright-core. */
import { chromium, type Browser, type JSHandle, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/** Collects what the page threw or logged as an error, so a failing test can show it. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Opens the studio and waits for its readiness marker. */
export async function openStudio(browser: Browser, url: string, viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, colorScheme: 'light' });
  await page.goto(url);
  await page.waitForSelector('html[data-app-state="loaded"]', { state: 'attached' });
  return page;
}

/**
 * Browser mode's page shortcut: G, then the page's key ('1'..'7', 'h'); a browser keeps Ctrl+1..7
 * for its tabs (src/renderer/src/page-keys.ts). Focus must not be in a text field.
 */
export async function pressPageKey(page: Page, key: string): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press(key);
}

/**
 * Drops `dataTransfer` (a DataTransfer made in the page) on the studio's window as Chromium does
 * for a drag from the desktop, which cannot be scripted: dragenter shows the drop overlay, drop
 * hands over the files and the overlay goes.
 */
export async function dropOnStudio(page: Page, dataTransfer: JSHandle): Promise<void> {
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await page.getByTestId('drop-overlay').waitFor();
  await page.dispatchEvent('main', 'drop', { dataTransfer });
  await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
}

/**
 * Fails with the studio's own words when it shows an error: a page banner, or a form's error beside
 * its button (FormError), so a test that waits for a result says why it never came.
 */
export async function failOnStudioError(page: Page): Promise<void> {
  const shown = page.locator('[data-testid="error-banner"], .form-error');
  if ((await shown.count()) > 0) throw new Error(`The studio reported: ${await shown.first().textContent()}`);
}

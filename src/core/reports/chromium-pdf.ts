/**
 * The PDF printer of the CLI and browser mode: the system's Chromium driven by playwright-core
 * (never a downloaded browser). The page is printed with every request aborted, as the report's
 * own CSP demands.
 */
import { existsSync } from 'node:fs';
import { StudioError } from '../../shared/errors';
import { worded } from '../../shared/remedies';
import { HTML_INSTEAD, type PdfPrinter } from './pdf-printer';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The same switches as the e2e tests: no sandbox (root in CI), no GPU, nothing phoning home. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/** EDGEBENCH_CHROMIUM if set, else the first browser found at the usual places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.EDGEBENCH_CHROMIUM;
  if (given) {
    if (existsSync(given)) return given;
    throw new StudioError('FILE_NOT_FOUND', worded`EDGEBENCH_CHROMIUM points to '${given}', which does not exist; fix the path, or ${HTML_INSTEAD}.`, {
      file: given,
    });
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new StudioError(
    'FILE_NOT_FOUND',
    worded`PDF reports are printed by Chromium, which was not found (looked at ${CANDIDATES.join(', ')}). Install it (Debian/Ubuntu: 'apt-get install chromium'), set EDGEBENCH_CHROMIUM to its path, or ${HTML_INSTEAD} and print from a browser.`,
  );
}

export function chromiumPdfPrinter(executablePath: string = findChromium()): PdfPrinter {
  return {
    name: `Chromium (${executablePath})`,
    async printToPdf(html) {
      let playwright: typeof import('playwright-core');
      try {
        playwright = await import('playwright-core');
      } catch (error) {
        throw new StudioError('INTERNAL', worded`PDF reports need the npm package playwright-core, which cannot be loaded (${(error as Error).message}); reinstall edgebench, or ${HTML_INSTEAD}.`);
      }
      const browser = await playwright.chromium.launch({ executablePath, args: ARGS }).catch((error: Error) => {
        throw new StudioError('INTERNAL', worded`Chromium at '${executablePath}' did not start (${error.message.split('\n')[0] ?? ''}); check that it runs, or ${HTML_INSTEAD}.`, {
          file: executablePath,
        });
      });
      try {
        const page = await browser.newPage({ colorScheme: 'light' });
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print' });
        return new Uint8Array(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      } finally {
        await browser.close();
      }
    },
  };
}

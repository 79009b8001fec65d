/**
 * Issue 13: the report's latency table (15 columns) stays on the page when printed: A4 less its
 * 12 mm margins is 186 mm, and in print every table wraps its cells to fit that width (on screen it
 * scrolls inside its container). Real Chromium with print media, on the real run fixtures.
 */
import { describe, expect, it } from 'vitest';
import { buildReportContext } from '../../src/core/reports/report-context';
import { renderReportHtml } from '../../src/core/reports/exporters/html';
import { FIXTURES, readRun } from '../unit/reports/run-fixtures';
import { useBrowser } from './helpers/studio-session';

/** 186 mm at CSS's 96 px per inch. */
const PRINTABLE_WIDTH_PX = Math.floor((186 / 25.4) * 96);

const chromium = useBrowser();

describe('the report printed', () => {
  it('keeps every table, the latency table included, within the printable width of an A4 page', async () => {
    const runs = [FIXTURES.onnx, FIXTURES.onnx700, FIXTURES.tflite, FIXTURES.onnxNoOpt].map((file) => ({ run: readRun(file), path: file }));
    const html = renderReportHtml(buildReportContext({ runs, skipped: [] }));
    const page = await chromium.browser.newPage({ viewport: { width: PRINTABLE_WIDTH_PX, height: 1000 } });
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html);
    const widths = (await page.evaluate(
      "[...document.querySelectorAll('table')].map((table) => ({ section: table.closest('section')?.id ?? '', width: table.getBoundingClientRect().width }))",
    )) as { section: string; width: number }[];
    expect(widths.find((w) => w.section === 'latency')).toBeDefined();
    for (const { section, width } of widths) expect(width, `a table in '${section}'`).toBeLessThanOrEqual(PRINTABLE_WIDTH_PX + 1);
  });
});

/**
 * Printed table cells wrap between words, never inside one (issue 13, a new user's finding: the
 * Summary's verdict cell read "unst able"). The report of six real runs, plus a copy named as
 * model files often are (one long token of underscores and digits, which must still fit the
 * page), is printed by the real Chromium and read back by poppler's pdftotext, an independent PDF
 * reader. Every word pdftotext finds must be a whole word of the report: a broken word leaves
 * fragments ("unst", "able") that the report's text has nowhere.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellText } from '../../../src/core/reports/blocks';
import { buildSections, type BuiltSection } from '../../../src/core/reports/build-report';
import { chromiumPdfPrinter } from '../../../src/core/reports/chromium-pdf';
import { renderHtml } from '../../../src/core/reports/render-html';
import { buildReportContext } from '../../../src/core/reports/report-context';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURE_DIR, FIXTURES, readRun, scaledRun, tempDir } from './run-fixtures';

const FILES = [FIXTURES.onnx, FIXTURES.onnx700, FIXTURES.tflite, FIXTURES.onnxNoOpt, path.join(FIXTURE_DIR, 'serial-edgebench-report.json'), path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json')];

/** A model file name with no space or hyphen to break at. */
const LONG_NAME = 'mobilenet_v2_1.0_224_quant_calibrated_on_imagenet_val_5000';

const WORD = /\p{L}+/gu;

let sections: BuiltSection[];
/** The report's own words: what the page says, markup, style and script left out. */
let reportText: string;
let pdfText: string;
/** Each page's width and the right edge of its rightmost word, in PDF points (pdftotext -bbox). */
let pageEdges: Array<{ width: number; rightmost: number }>;
let tableTexts: string[];

/** A word as pdftotext prints it, without the punctuation around it. */
function bare(token: string): string {
  return token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

beforeAll(async () => {
  const runs: RunFile[] = FILES.map(readRun);
  const base = runs[0] as RunFile;
  const longNamed = scaledRun(base, 1.5, 'long-name');
  runs.push({ ...longNamed, model: { ...longNamed.model, name: LONG_NAME } });
  const report = buildReportContext({ runs: runs.map((run, i) => ({ run, path: `runs/${i}.json` })), skipped: [], generatedAt: new Date('2026-12-01T08:00:00Z') });
  sections = buildSections(report);
  const html = renderHtml(report, sections);
  // A chart's drawn title and legend are left out too (its <title>s keep the full names): one
  // clipped inside a word must show up as a fragment.
  reportText = html
    .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>|<text class="(?:chart-title|legend)"[^>]*>[^<]*<\/text>/g, ' ')
    .replace(/<[^>]*>/g, ' ');
  const pdf = await chromiumPdfPrinter().printToPdf(html);
  const file = path.join(await tempDir(), 'report.pdf');
  await writeFile(file, pdf);
  // -layout: lines as printed (without it pdftotext joins a word hyphenated at a line's end).
  pdfText = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const boxes = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  pageEdges = boxes
    .split('<page ')
    .slice(1)
    .map((page) => ({
      width: Number(/^width="([\d.]+)"/.exec(page)?.[1]),
      rightmost: Math.max(...[...page.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]))),
    }));
  tableTexts = sections.flatMap(({ blocks }) => blocks.flatMap((block) => (block.kind === 'table' ? [...block.columns.map((c) => c.label), ...block.rows.flat().map(cellText)] : [])));
}, 60_000);

describe('words in the printed tables', () => {
  it('prints every word of the report whole', () => {
    // What the report says, as words, and the tokens that are no words (paths, ids, shapes): a
    // piece of one of those may stand on a line of its own.
    const words = new Set(reportText.match(WORD) ?? []);
    const identifiers = reportText.split(/\s+/).filter((token) => /[\d/_.:]/.test(token));
    const fragments = [...new Set(pdfText.split(/\s+/).map(bare))]
      .filter((token) => /^\p{L}+$/u.test(token))
      .filter((token) => !words.has(token) && !identifiers.some((id) => id.includes(token)));
    expect(fragments).toEqual([]);
  });

  it('keeps each verdict whole in the Summary and Runs tables', () => {
    // Six of the seven runs are unstable: their verdict cells in the Summary and in Runs.
    const unstable = tableTexts.filter((text) => text === 'unstable').length;
    expect(unstable).toBeGreaterThanOrEqual(2 * 6);
    const printed = pdfText.split(/\s+/).filter((token) => token === 'unstable').length;
    expect(printed).toBeGreaterThanOrEqual(unstable);
  });

  it('still fits the long model name on the page, broken only inside it', () => {
    // Its pieces, joined, give the name back, and no word passes the right margin (12 mm = 34 pt).
    const flat = pdfText.replace(/\s+/g, '');
    expect(flat).toContain(LONG_NAME);
    expect(pageEdges.length).toBeGreaterThan(2);
    for (const [i, page] of pageEdges.entries()) expect(page.rightmost, `page ${i + 1}`).toBeLessThanOrEqual(page.width - 34 + 1);
  });
});

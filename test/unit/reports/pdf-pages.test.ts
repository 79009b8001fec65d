/**
 * The PDF preview's page map (issue 13 item 7): the report is printed by the real Chromium with
 * its page marks, pdf-dests.ts reads from the PDF on which page each marked element landed, and
 * render-pages.ts lays out one A4 box per page with those elements. Checked against poppler
 * (pdfinfo, pdftotext: poppler-utils, as the exporter snapshots use), an independent PDF reader:
 * the page count is the PDF's, and each section heading's page text holds that heading.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSections, type BuiltSection } from '../../../src/core/reports/build-report';
import { chromiumPdfPrinter } from '../../../src/core/reports/chromium-pdf';
import { readPdfPageMap, type PdfPageMap } from '../../../src/core/reports/pdf-dests';
import { renderHtml, PAGE_MARKS } from '../../../src/core/reports/render-html';
import { renderPdfPages } from '../../../src/core/reports/render-pages';
import { buildReportContext } from '../../../src/core/reports/report-context';
import type { ReportContext } from '../../../src/core/reports/report-types';
import { exportReport } from '../../../src/core/reports/write-report';
import { FIXTURE_DIR, FIXTURES, readRun, tempDir } from './run-fixtures';

/** Six runs, as a small matrix gives: the report runs to several pages. */
const FILES = [FIXTURES.onnx, FIXTURES.onnx700, FIXTURES.tflite, FIXTURES.onnxNoOpt, path.join(FIXTURE_DIR, 'serial-edgebench-report.json'), path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json')];

let report: ReportContext;
let sections: BuiltSection[];
let pdf: Uint8Array;
let pdfFile: string;
let map: PdfPageMap;

function pageText(page: number): string {
  return execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

beforeAll(async () => {
  report = buildReportContext({ runs: FILES.map((file) => ({ run: readRun(file), path: `runs/${path.basename(file)}` })), skipped: [], generatedAt: new Date('2026-12-01T08:00:00Z') });
  sections = buildSections(report);
  pdf = await chromiumPdfPrinter().printToPdf(renderHtml(report, sections, { pageMarks: true }));
  pdfFile = path.join(await tempDir(), 'report.pdf');
  await writeFile(pdfFile, pdf);
  const read = readPdfPageMap(pdf);
  if (read === null) throw new Error('Chromium’s PDF should have a page map');
  map = read;
}, 60_000);

describe('reading the page map of a PDF Chromium printed', () => {
  it('counts the pages poppler counts, and finds a destination for every mark', () => {
    const info = execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThan(2);
    expect(map.pageCount).toBe(pages);
    expect(map.destinations.get(PAGE_MARKS.header)?.page).toBe(1);
    for (const [s] of sections.entries()) expect(map.destinations.has(PAGE_MARKS.heading(s)), `heading of section ${s}`).toBe(true);
    expect(map.destinations.get(PAGE_MARKS.footer)?.page).toBe(pages);
  });

  it('puts each section heading on the page whose text has it', () => {
    sections.forEach(({ section }, s) => {
      const page = map.destinations.get(PAGE_MARKS.heading(s))?.page ?? 0;
      expect(pageText(page), `'${section.title}' on page ${page}`).toContain(section.title);
    });
    // Pages only go forward through the document.
    const order = sections.map((_, s) => map.destinations.get(PAGE_MARKS.heading(s))?.page ?? 0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('places each row of the long verdict list on the page that prints it', () => {
    const s = sections.findIndex(({ section }) => section.id === 'verdict');
    const b = sections[s]?.blocks.findIndex((block) => block.kind === 'list') ?? -1;
    const list = sections[s]?.blocks[b];
    if (list?.kind !== 'list') throw new Error('the verdict section lists warnings');
    list.items.forEach((item, r) => {
      const page = map.destinations.get(PAGE_MARKS.row(s, b, r))?.page ?? 0;
      // The warning's code and first words, as pdftotext lays them out.
      expect(pageText(page)).toContain(item.split(' ').slice(0, 3).join(' '));
    });
  });

  it('reads the same map without the cross-reference table, and refuses what is no PDF', () => {
    const text = new TextDecoder('latin1').decode(pdf).replace(/startxref/, 'startxreF');
    const damaged = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(readPdfPageMap(damaged)).toEqual(map);
    expect(readPdfPageMap(new TextEncoder().encode('<!doctype html><p>not a pdf'))).toBeNull();
    expect(readPdfPageMap(pdf.subarray(0, 200))).toBeNull();
    expect(readPdfPageMap(new Uint8Array(0))).toBeNull();
  });

  it('finds no destinations in a PDF of a page without links', async () => {
    const plain = await chromiumPdfPrinter().printToPdf('<!doctype html><p>One page, no links.</p>');
    expect(readPdfPageMap(plain)).toEqual({ pageCount: 1, destinations: new Map() });
  }, 30_000);
});

describe('the pages of the preview', () => {
  it('has one A4 box per printed page, numbered, page 1 opening with the summary', () => {
    const html = renderPdfPages(report, sections, map);
    const sheets = [...html.matchAll(/<div class="sheet" data-page="(\d+)">([\s\S]*?)<p class="page-number">Page (\d+) of (\d+)<\/p>/g)];
    expect(sheets.map((m) => Number(m[1]))).toEqual(Array.from({ length: map.pageCount }, (_, i) => i + 1));
    for (const sheet of sheets) expect(Number(sheet[4])).toBe(map.pageCount);
    const first = sheets[0]?.[2] ?? '';
    expect(first).toContain('<h1>EdgeBench report</h1>');
    expect(first.indexOf('<h2>Summary</h2>')).toBeGreaterThan(0);
    expect(first).not.toContain('<h2>Verdict and warnings</h2>');
    // Every section heading is drawn in the box of the page the PDF put it on.
    sections.forEach(({ section }, s) => {
      const page = map.destinations.get(PAGE_MARKS.heading(s))?.page ?? 0;
      expect(sheets[page - 1]?.[2], section.title).toContain(`<h2>${section.title.replace(/'/g, '&#39;')}</h2>`);
    });
    // A static page: the CSP of the report, no script, no page marks.
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
    expect(html).not.toContain('id="pg-');
    // Links stay in the frame's document: a srcdoc frame resolves a bare "#id" against the page that holds it.
    expect(html).toContain('<a href="about:srcdoc#verdict">');
    expect(html).not.toContain('href="#');
    expect(html).toContain('<section id="verdict" data-section="verdict">');
  });

  it('comes with the PDF the exporter saves, whose bytes are the ones the map was read from', async () => {
    const [file] = await exportReport('pdf', report);
    if (file === undefined || typeof file.data === 'string') throw new Error('pdf should write bytes');
    expect(file.preview).toBeDefined();
    const own = readPdfPageMap(file.data);
    expect(own?.pageCount).toBe(map.pageCount);
    expect([...(file.preview ?? '').matchAll(/class="sheet"/g)].length).toBe(own?.pageCount);
  }, 60_000);

  it('is left out for a printer whose PDF has no page map; the file is still made', async () => {
    const minimal = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
    const [file] = await exportReport('pdf', report, { printer: { name: 'test printer', printToPdf: async () => minimal } });
    expect(file?.data).toEqual(minimal);
    expect(file?.preview).toBeUndefined();
  });
});

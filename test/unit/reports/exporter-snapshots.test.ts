/**
 * Every report format's whole output, committed as readable files under
 * __snapshots__/exporters/<format>/ (as hyperfine snapshots its exporters): a change to any byte of a
 * report shows up in review as a diff of that file. The inputs are fixed run files from
 * test/fixtures/runs/ (their ids and times are in the files) and a pinned report time, so nothing
 * here depends on the clock, the machine or the order tests run in. After a deliberate change,
 * `npx vitest run test/unit/reports/exporter-snapshots.test.ts -u` rewrites the files; read the diff.
 *
 * The PDF is Chromium's print of the HTML report: the page it is given (less its page marks) is checked against the
 * HTML snapshot, and the PDF's text (pdftotext, poppler-utils) for what a reader must find in it.
 * Its bytes are not snapshotted: they carry Chromium's version and creation time.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPdfPrinter } from '../../../src/core/reports/chromium-pdf';
import { REPORT_FORMATS } from '../../../src/core/reports/exporters';
import type { PdfPrinter } from '../../../src/core/reports/pdf-printer';
import { buildReportContext } from '../../../src/core/reports/report-context';
import type { ReportContext } from '../../../src/core/reports/report-types';
import { exportReport } from '../../../src/core/reports/write-report';
import { FIXTURE_DIR, FIXTURES, readRun, tempDir } from './run-fixtures';

const SNAPSHOTS = path.join(import.meta.dirname, '__snapshots__', 'exporters');
const GENERATED_AT = new Date('2026-12-01T08:00:00.000Z');

/** A report of these fixture files, as `edgebench report` would make it (paths as given, first run the baseline). */
function reportOf(files: string[]): ReportContext {
  return buildReportContext({
    runs: files.map((file) => ({ run: readRun(file), path: `runs/${path.basename(file)}` })),
    skipped: [],
    generatedAt: GENERATED_AT,
  });
}

/** Local runs: onnxruntime with a profile, LiteRT, and a run that stopped early (made by make-fake-partial.ts). */
const LOCAL = [FIXTURES.onnx, FIXTURES.tflite, path.join(FIXTURE_DIR, 'demo-mnist-onnx-partial.json')];
/** Serial runs with windows: the EdgeBench firmware in report mode, MLPerf Tiny firmware in quick mode. */
const SERIAL = [path.join(FIXTURE_DIR, 'serial-edgebench-report.json'), path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json')];
/** Two profiled runs, one per Netron attachment. */
const PROFILED = [FIXTURES.onnx, FIXTURES.onnxNoOpt];

/** The extension a reviewer's viewer knows for a file of this exporter. */
const EXTENSION: Record<string, string> = { html: 'html', md: 'md', csv: 'csv', json: 'json', netron: 'json', mlperf: 'txt' };

/** Exports `format` and checks each file it makes against `<format>/<name><suffix>`, as `--out <name>` would name them. */
async function expectSnapshots(format: string, name: string, files: string[]): Promise<void> {
  const outputs = await exportReport(format, reportOf(files));
  expect(outputs.length).toBeGreaterThan(0);
  for (const output of outputs) {
    if (typeof output.data !== 'string') throw new Error(`${format} should write text`);
    // "-samples.csv" and "-2.json" already end in an extension; the main file gets the format's.
    const suffix = output.suffix === '' ? `.${EXTENSION[format]}` : output.suffix;
    await expect(output.data).toMatchFileSnapshot(path.join(SNAPSHOTS, format, `${name}${suffix}`));
  }
}

describe('every exporter, whole output', () => {
  it('covers every report format there is', () => {
    // A new format needs its snapshot here (pdf is checked below, by its HTML and its text).
    expect([...REPORT_FORMATS].sort()).toEqual(['csv', 'html', 'json', 'md', 'mlperf', 'netron', 'pdf']);
  });

  it.each([
    ['html', 'local', LOCAL],
    ['html', 'serial', SERIAL],
    ['md', 'local', LOCAL],
    ['md', 'serial', SERIAL],
    ['csv', 'local', LOCAL],
    ['json', 'local', LOCAL],
    ['netron', 'profiled', PROFILED],
    ['mlperf', 'serial', SERIAL],
  ])('%s of the %s runs', async (format, name, files) => {
    await expectSnapshots(format, name, files);
  });

  it('the same runs give the same bytes again (no hidden clock or randomness)', async () => {
    for (const format of ['html', 'md', 'csv', 'json']) {
      const first = await exportReport(format, reportOf(LOCAL));
      const second = await exportReport(format, reportOf(LOCAL));
      expect(second).toEqual(first);
    }
  });
});

describe('pdf', () => {
  it('prints exactly the HTML report, and its text has what a reader looks for', async () => {
    let printed = '';
    const chromium = chromiumPdfPrinter();
    const recording: PdfPrinter = {
      name: chromium.name,
      printToPdf(html) {
        printed = html;
        return chromium.printToPdf(html);
      },
    };
    const [pdf] = await exportReport('pdf', reportOf(LOCAL), { printer: recording });
    if (pdf === undefined || typeof pdf.data === 'string') throw new Error('pdf should write bytes');
    // The page Chromium printed is the HTML report's, byte for byte, once its page marks (an id
    // per element and a hidden link to each, from which the PDF preview learns the page breaks) are taken out.
    expect(printed).toMatch(/<div hidden>(<a href="#pg-[\w-]+"><\/a>)+<\/div>/);
    const unmarked = printed.replace(/ id="pg-[\w-]+"/g, '').replace(/<div hidden>(<a href="#pg-[\w-]+"><\/a>)+<\/div>\n/, '');
    await expect(unmarked).toMatchFileSnapshot(path.join(SNAPSHOTS, 'html', 'local.html'));

    const file = path.join(await tempDir(), 'report.pdf');
    await writeFile(file, pdf.data);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const expected of [
      'EdgeBench report',
      'Latency charts',
      'demo-mnist · onnxruntime · auto threads',
      'demo-mnist · litert',
      'edgebench bench demo-mnist.tflite',
      // The partial run says why it stopped.
      'fake runtime: SIGSEGV in Conv (test stand-in)',
    ]) {
      expect(text.replace(/\s+/g, ' ')).toContain(expected);
    }
  }, 60_000);
});

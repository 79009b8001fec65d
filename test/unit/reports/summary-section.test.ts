/**
 * The report's summary (issue 13 item 7): first in every report, one row per run with its
 * headline median and the CI that belongs to it, p99, peak memory ("not measured" on a board that
 * reports none), speedup against the baseline as compareRuns computes it, verdict, and a warning
 * count that links to the verdict section, which is now the last. Inputs are real run files
 * (test/fixtures/runs) and copies of them with repeats or scaled latencies.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellText, type Block, type Cell } from '../../../src/core/reports/blocks';
import { buildSections } from '../../../src/core/reports/build-report';
import { compareRuns } from '../../../src/core/reports/compare-runs';
import { renderReportHtml } from '../../../src/core/reports/exporters/html';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { REPORT_SECTIONS } from '../../../src/core/reports/sections';
import { summarySection } from '../../../src/core/reports/sections/summary';
import type { RunFile } from '../../../src/shared/run-schema';
import { formatMs } from '../../../src/shared/units';
import { FIXTURE_DIR, FIXTURES, readRun, scaledRun, withBetweenRun } from './run-fixtures';

function reportOf(runs: RunFile[], baselineId?: string) {
  return buildReportContext({ runs: runs.map((run) => ({ run, path: `runs/${run.id}.json` })), skipped: [], baselineId, generatedAt: new Date('2026-12-01T08:00:00Z') });
}

function summaryTable(runs: RunFile[], baselineId?: string): { labels: string[]; rows: Cell[][] } {
  const table = summarySection.build(reportOf(runs, baselineId)).find((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');
  if (!table) throw new Error('the summary has a table');
  return { labels: table.columns.map((c) => c.label), rows: table.rows };
}

function cell(labels: string[], row: Cell[] | undefined, label: string): Cell {
  const value = row?.[labels.indexOf(label)];
  if (value === undefined) throw new Error(`no column '${label}'`);
  return value;
}

const onnx = readRun(FIXTURES.onnx);
const tflite = readRun(FIXTURES.tflite);
const board = readRun(path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json'));

describe('the summary section', () => {
  it('comes first and the verdict with its warnings last, in every report', () => {
    expect(REPORT_SECTIONS[0]?.id).toBe('summary');
    expect(REPORT_SECTIONS.at(-1)?.id).toBe('verdict');
    const ids = buildSections(reportOf([onnx, tflite])).map(({ section }) => section.id);
    expect(ids[0]).toBe('summary');
    expect(ids.at(-1)).toBe('verdict');
  });

  it('gives each run its label, target, headline median with CI, p99, memory, speedup, verdict and warning count', () => {
    const { labels, rows } = summaryTable([onnx, tflite]);
    expect(labels).toEqual(['run', 'target', 'median', '95% CI of the median', 'p99', 'peak memory', 'speedup', 'verdict', 'warnings']);
    const [first, second] = rows;
    expect(cellText(cell(labels, second, 'run'))).toBe('#2 demo-mnist · litert · auto threads');
    expect(cellText(cell(labels, second, 'target'))).toBe(tflite.target.name);
    expect(cellText(cell(labels, second, 'median'))).toBe(formatMs(tflite.latencyMs.median));
    expect(cellText(cell(labels, second, '95% CI of the median'))).toBe(`${formatMs(tflite.latencyMs.medianCi95.low)} to ${formatMs(tflite.latencyMs.medianCi95.high)}`);
    // 100 samples: too few for a p99 (MLPerf asks for 662), said rather than shown.
    expect(cellText(cell(labels, second, 'p99'))).toBe('too few samples');
    expect(cellText(cell(labels, second, 'peak memory'))).toBe(`${(tflite.memory.peakRssBytes / 1024 / 1024).toFixed(1)} MiB`);
    // The speedup is compareRuns' (baseline median / run median) in the studio's words: LiteRT is
    // slower here, so "2.64× slower", not "0.38×". The baseline row says it is the baseline.
    const speedup = compareRuns(onnx, tflite).median.speedup;
    expect(speedup).toBeLessThan(1);
    expect(cellText(cell(labels, second, 'speedup'))).toBe(`${(1 / speedup).toFixed(2)}× slower`);
    expect(cellText(cell(labels, first, 'speedup'))).toBe('baseline');
    expect(cellText(cell(labels, second, 'verdict'))).toBe(tflite.verdict);
    const warnings = cell(labels, second, 'warnings');
    expect(cellText(warnings)).toBe(`${tflite.warnings.length} warnings`);
    expect(typeof warnings === 'string' ? undefined : warnings.href).toBe('#verdict');
  });

  it('has p99 when the run has enough samples, and the speedup against the baseline chosen', () => {
    const many = readRun(FIXTURES.onnx700);
    const slower = scaledRun(many, 2, 'twice-as-slow');
    const { labels, rows } = summaryTable([many, slower], 'twice-as-slow');
    expect(cellText(cell(labels, rows[0], 'p99'))).toBe(formatMs(many.latencyMs.p99));
    expect(cellText(cell(labels, rows[0], 'speedup'))).toBe('2.00× faster');
    expect(cellText(cell(labels, rows[1], 'speedup'))).toBe('baseline');
  });

  it('takes the median and CI across fresh runs for a run with repeats', () => {
    const repeated = withBetweenRun(onnx, [0.011, 0.012, 0.013, 0.012, 0.014], { low: 0.0111, high: 0.0135 });
    const { labels, rows } = summaryTable([repeated]);
    expect(labels).not.toContain('speedup');
    expect(cellText(cell(labels, rows[0], 'median'))).toBe(formatMs(0.012));
    expect(cellText(cell(labels, rows[0], '95% CI of the median'))).toBe(`${formatMs(0.0111)} to ${formatMs(0.0135)}`);
    const tooFew = withBetweenRun(onnx, [0.011, 0.012], null);
    expect(cellText(cell(labels, summaryTable([tooFew]).rows[0], '95% CI of the median'))).toBe('too few repeats (2)');
  });

  it('says "not measured" for a board that reports no memory, and never shows 0 B', () => {
    expect(board.memory.peakRssBytes).toBe(0);
    const { labels, rows } = summaryTable([board]);
    expect(cellText(cell(labels, rows[0], 'peak memory'))).toBe('not measured');
  });

  it("says a simulated board's memory was not measured on the board, in the summary and the memory table alike", () => {
    const simulated: RunFile = {
      ...board,
      id: `${board.id}-simulated`,
      memory: { ...board.memory, peakRssBytes: 50_000 },
      boardMemory: { arenaUsedBytes: 12_000, arenaCapacityBytes: 262_144, arenaEstimateBytes: 12_000, simulated: true },
    };
    const { labels, rows } = summaryTable([simulated]);
    expect(cellText(cell(labels, rows[0], 'peak memory'))).toBe('not measured on the board (SIMULATED)');
    const html = renderReportHtml(reportOf([simulated]));
    expect(html).not.toContain('0.048 MiB');
    expect(html.match(/not measured on the board \(SIMULATED\)/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('links the warning count to the verdict section in the HTML, and that section lists them', () => {
    const html = renderReportHtml(reportOf([onnx, tflite]));
    expect(html).toContain(`<a href="#verdict">${onnx.warnings.length} warnings</a>`);
    expect(html).toContain('<section id="verdict">');
    expect(html.indexOf('<section id="summary">')).toBeLessThan(html.indexOf('<section id="verdict">'));
    for (const warning of tflite.warnings) expect(html).toContain(warning.code);
  });
});

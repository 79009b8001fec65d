import { describe, expect, it } from 'vitest';
import { REPORT_EXPORTERS } from '../../../src/core/reports/exporters';
import { buildReportContext } from '../../../src/core/reports/report-context';
import type { LoadedRun, ReportContext } from '../../../src/core/reports/report-types';
import { exportReport, outputPath } from '../../../src/core/reports/write-report';
import { csvField } from '../../../src/core/reports/exporters/csv';
import { escapeMarkdown } from '../../../src/core/reports/render-markdown';
import type { RunFile } from '../../../src/shared/run-schema';
import { csvRecords } from './csv-parse';
import { FIXTURES, readRun, scaledRun } from './run-fixtures';

function context(runs: RunFile[], baselineId?: string): ReportContext {
  const loaded: LoadedRun[] = runs.map((run, i) => ({ run, path: `run-${i}.json` }));
  return buildReportContext({ runs: loaded, skipped: [], baselineId, generatedAt: new Date('2026-01-02T03:04:05Z') });
}

async function text(format: string, report: ReportContext, index = 0): Promise<string> {
  const files = await exportReport(format, report);
  const data = files[index]?.data;
  if (typeof data !== 'string') throw new Error(`${format} file ${index} is not text`);
  return data;
}

const onnx = readRun(FIXTURES.onnx);
const onnx700 = readRun(FIXTURES.onnx700);
const tflite = readRun(FIXTURES.tflite);

describe('exporter table', () => {
  it('has the formats the CLI offers, each once', () => {
    const formats = REPORT_EXPORTERS.map((e) => e.format);
    expect(formats).toEqual(['html', 'pdf', 'md', 'csv', 'json', 'netron', 'mlperf']);
    expect(new Set(formats).size).toBe(formats.length);
  });

  it('puts extra files next to the main one', () => {
    expect(outputPath('/tmp/out/runs.csv', '-samples.csv')).toBe('/tmp/out/runs-samples.csv');
    expect(outputPath('/tmp/out/runs', '-samples.csv')).toBe('/tmp/out/runs-samples.csv');
    expect(outputPath('/tmp/out/runs.csv', '')).toBe('/tmp/out/runs.csv');
  });
});

describe('markdown', () => {
  it('has a latency table with each run, its median and "too few samples" where due', async () => {
    const md = await text('md', context([onnx, onnx700]));
    const rows = md.split('\n').filter((line) => line.startsWith('| #'));
    const latencyRow = rows.find((line) => line.includes('#2 demo-mnist · onnxruntime · 1 thread') && line.includes('700'));
    expect(latencyRow).toBeDefined();
    const firstRow = rows.find((line) => line.startsWith('| #1 demo-mnist · onnxruntime · auto threads | 100 |'));
    // 100 samples: p90 has a value, p95 and p99 do not.
    expect(firstRow).toMatch(/ ms \| too few samples \| too few samples \| /);
    expect(md).toContain('p99: 662');
    // 700 samples are enough for p99, so the 700-run row shows a number in every percentile column.
    expect(latencyRow).not.toContain('too few samples');
    expect(md).toContain('| run | runs | median | median 95% CI | p50 | p90 | p95 | p99 |');
    expect(md).toContain('## Comparison with the baseline');
    expect(md).toMatch(/```sh\nedgebench bench demo-mnist\.onnx --runs 100 /);
  });

  it('escapes what would break a table or become HTML', () => {
    expect(escapeMarkdown('a|b <script> *x* `y`')).toBe('a\\|b &lt;script&gt; \\*x\\* \\`y\\`');
  });
});

describe('csv', () => {
  it('writes one row per run whose numbers parse back exactly', async () => {
    const report = context([onnx, onnx700, tflite]);
    const records = csvRecords(await text('csv', report));
    expect(records.map((r) => r.run_id)).toEqual([onnx.id, onnx700.id, tflite.id]);
    [onnx, onnx700, tflite].forEach((run, i) => {
      const r = records[i] as Record<string, string>;
      expect(Number(r.median_ms)).toBe(run.latencyMs.median);
      expect(Number(r.mean_ms)).toBe(run.latencyMs.mean);
      expect(Number(r.cv)).toBe(run.latencyMs.cv);
      expect(Number(r.throughput_per_s)).toBe(run.latencyMs.throughputPerSec);
      expect(Number(r.peak_rss_bytes)).toBe(run.memory.peakRssBytes);
      expect(r.model_sha256).toBe(run.model.sha256);
    });
    // p99 needs 662 samples: empty for 100 runs, the value for 700.
    expect(records[0]?.p99_ms).toBe('');
    expect(Number(records[1]?.p99_ms)).toBe(onnx700.latencyMs.p99);
    expect(Number(records[1]?.speedup_vs_baseline)).toBe(onnx.latencyMs.median / onnx700.latencyMs.median);
  });

  it('writes every sample to the samples file', async () => {
    const records = csvRecords(await text('csv', context([onnx, tflite]), 1));
    expect(records).toHaveLength(onnx.latencyMs.samples.length + tflite.latencyMs.samples.length);
    const tfliteRows = records.filter((r) => r.run_id === tflite.id);
    expect(tfliteRows.map((r) => Number(r.latency_ms))).toEqual(tflite.latencyMs.samples);
    expect(tfliteRows.map((r) => Number(r.index))).toEqual(tflite.latencyMs.samples.map((_, i) => i));
  });

  it('quotes user text and defuses spreadsheet formulas', async () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    const named = { ...onnx, model: { ...onnx.model, name: 'model, "quoted"\nline' } };
    const records = csvRecords(await text('csv', context([named])));
    expect(records[0]?.model).toBe('model, "quoted"\nline');
  });
});

describe('json', () => {
  it('is the run files as an array, unchanged', async () => {
    const parsed = JSON.parse(await text('json', context([onnx, tflite]))) as unknown;
    expect(parsed).toEqual([onnx, tflite]);
  });
});

describe('comparison section', () => {
  it('gives speedup = baseline median / run median against the chosen baseline', async () => {
    const slower = scaledRun(onnx, 2, 'slower-run');
    const md = await text('md', context([onnx, slower], 'slower-run'));
    expect(md).toContain('Baseline for comparisons: #2');
    // The comparison section's row (the summary above it has the speedup too, without the change).
    const comparison = md.slice(md.indexOf('## Comparison with the baseline'));
    const row = comparison.split('\n').find((line) => line.startsWith('| #1 demo-mnist') && line.includes('×'));
    expect(row).toContain('2.00× faster');
    expect(row).toContain('−50.0%');
  });
});

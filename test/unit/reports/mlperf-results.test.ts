/**
 * The MLPerf Tiny-style results.txt, on serial runs made by the real serial target code on
 * simulated boards (test/fixtures/runs/serial-*.json): an MLPerf Tiny emulator run in quick mode
 * (5 windows of 1 s) and an EdgeBench board run in report mode with short windows.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS } from '../../../src/core/reports/exporters';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { exportReport } from '../../../src/core/reports/write-report';
import { ReportFormat } from '../../../src/shared/contract';
import { StudioError } from '../../../src/shared/errors';
import type { RunFile } from '../../../src/shared/run-schema';
import { runCli } from '../../helpers/run-cli';
import { FIXTURE_DIR, FIXTURES, readRun, tempDir, writeJson } from './run-fixtures';

const MLPERF_FIXTURE = path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json');
const EDGEBENCH_FIXTURE = path.join(FIXTURE_DIR, 'serial-edgebench-report.json');
const mlperfRun = readRun(MLPERF_FIXTURE);
const edgebenchRun = readRun(EDGEBENCH_FIXTURE);

async function resultsFiles(runs: RunFile[]) {
  const report = buildReportContext({ runs: runs.map((run, i) => ({ run, path: `run-${i}.json` })), skipped: [] });
  return exportReport('mlperf', report);
}

async function resultsText(run: RunFile): Promise<string> {
  const [file, ...rest] = await resultsFiles([run]);
  expect(rest).toEqual([]);
  if (typeof file?.data !== 'string') throw new Error('results.txt is not text');
  return file.data;
}

async function refusal(runs: RunFile[]): Promise<StudioError> {
  const error: unknown = await resultsFiles(runs).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
  return error;
}

describe('results.txt (--format mlperf)', () => {
  it('is a format of the CLI and of the UI contract', () => {
    expect(REPORT_FORMATS).toContain('mlperf');
    expect(ReportFormat.options).toContain('mlperf');
  });

  it('writes the exact lines of a known MLPerf Tiny emulator run', async () => {
    expect(await resultsText(mlperfRun)).toBe(
      [
        'EdgeBench results.txt (MLPerf Tiny style, performance mode)',
        'Run          : 2026-11-26T19-39-56-672Z-c6ca (2026-11-26T19:39:56.672Z)',
        'DUT          : Simulated board (MLPerf Tiny emulator)',
        'Target       : Simulated board (MLPerf Tiny emulator) (serial)',
        'Firmware     : ULPMark for tinyML Firmware V0.0.1',
        'Runtime      : mlperf-tiny firmware 0.0.1, Simulated board (MLPerf Tiny emulator)',
        'Model        : demo-mnist (tflite, float), 37952 bytes, sha256 8771b29ddf91522d39aa6f35e47bc55681c3a8044a230d5a5a7dff3161e97cf1',
        "Mode         : quick, 5 shorter windows for a quicker look at the same figure (MLPerf Tiny's rule asks 5 windows of at least 10 s of device time)",
        'Warmup       : 2 inferences before each window',
        "Latency      : each window's mean per inference (MLPerf Tiny firmware reports only a window's total time)",
        'Performance results for window 1:',
        '  # Inferences :           24',
        '  Runtime      :        1.153 sec.',
        '  Latency      :       48.061 ms/inf.',
        '  Throughput   :       20.807 inf./sec.',
        "Runtime is under 10 s: this window does not meet MLPerf Tiny's rule.",
        'Performance results for window 2:',
        '  # Inferences :           24',
        '  Runtime      :        1.150 sec.',
        '  Latency      :       47.932 ms/inf.',
        '  Throughput   :       20.863 inf./sec.',
        "Runtime is under 10 s: this window does not meet MLPerf Tiny's rule.",
        'Performance results for window 3:',
        '  # Inferences :           24',
        '  Runtime      :        1.153 sec.',
        '  Latency      :       48.053 ms/inf.',
        '  Throughput   :       20.810 inf./sec.',
        "Runtime is under 10 s: this window does not meet MLPerf Tiny's rule.",
        'Performance results for window 4:',
        '  # Inferences :           24',
        '  Runtime      :        1.151 sec.',
        '  Latency      :       47.944 ms/inf.',
        '  Throughput   :       20.858 inf./sec.',
        "Runtime is under 10 s: this window does not meet MLPerf Tiny's rule.",
        'Performance results for window 5:',
        '  # Inferences :           24',
        '  Runtime      :        1.157 sec.',
        '  Latency      :       48.228 ms/inf.',
        '  Throughput   :       20.735 inf./sec.',
        "Runtime is under 10 s: this window does not meet MLPerf Tiny's rule.",
        '---------------------------------------------------------',
        'Median latency is     48.053 ms/inf. (median of the 5 windows, the reported figure)',
        'Median throughput is     20.810 inf./sec.',
        '---------------------------------------------------------',
        "Rule check   : not met: 5 of 5 windows ran under 10 s. Benchmark with --mode report for figures that follow MLPerf Tiny's rule.",
        'Accuracy     : not in this run (MLPerf Tiny measures Top-1 in a separate accuracy-mode run).',
        'Verdict      : stable (window-means)',
        '',
      ].join('\n'),
    );
  });

  it("reports an EdgeBench board's windows: inferences, runtime, median latency, throughput, and the median of the windows", async () => {
    const text = await resultsText(edgebenchRun);
    const windows = edgebenchRun.report?.windows ?? [];
    expect(windows).toHaveLength(5);
    const blocks = text.split('Performance results for window ').slice(1);
    windows.forEach((window, i) => {
      const block = blocks[i] ?? '';
      expect(block.startsWith(`${i + 1}:\n`)).toBe(true);
      expect(block).toContain(`  # Inferences : ${String(window.runs).padStart(12)}\n`);
      expect(block).toContain(`  Runtime      : ${(window.durationMs / 1000).toFixed(3).padStart(12)} sec.\n`);
      expect(block).toContain(`  Latency      : ${window.medianMs.toFixed(3).padStart(12)} ms/inf.\n`);
      expect(block).toContain(`  Throughput   : ${((window.runs * 1000) / window.durationMs).toFixed(3).padStart(12)} inf./sec.\n`);
    });
    expect(text).toContain(`Median latency is ${edgebenchRun.report?.medianOfWindowsMs.toFixed(3).padStart(10)} ms/inf. (median of the 5 windows, the reported figure)\n`);
    expect(text).toContain('DUT          : Simulated board (ESP32-S3 model) (xtensa)\n');
    expect(text).toContain("Latency      : each window's median inference, timed one by one on the board\n");
    // Report mode with windows shorter than the rule (a fast board capped on stored runs, or a test's short windows).
    expect(text).toContain('Rule check   : not met: 5 of 5 windows ran under 10 s. The figures are sound, but do not submit them as MLPerf Tiny results.\n');
  });

  it('says the rule is met when 5 windows each ran at least 10 s', async () => {
    const report = mlperfRun.report;
    if (!report) throw new Error('the fixture has windows');
    const long: RunFile = {
      ...mlperfRun,
      settings: { ...mlperfRun.settings, mode: 'report' },
      report: { ...report, windows: report.windows.map((w) => ({ runs: w.runs * 10, durationMs: w.durationMs * 10, medianMs: w.medianMs })) },
    };
    const text = await resultsText(long);
    expect(text.match(/^Runtime requirements have been met\.$/gm)).toHaveLength(5);
    expect(text).toContain('Rule check   : met (5 windows, each at least 10 s).\n');
    expect(text).toContain('  # Inferences :          240\n');
    // Ten times the inferences in ten times the time: the same throughput.
    expect(text).toContain('Median throughput is     20.810 inf./sec.\n');
  });

  it('refuses a local run with one sentence naming it', async () => {
    const error = await refusal([readRun(FIXTURES.onnx)]);
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toBe(
      'results.txt is for serial (MLPerf Tiny-style) runs; pick serial runs or another format (#1 demo-mnist · onnxruntime · auto threads is a local run).',
    );
  });

  it('refuses a selection that mixes serial and local runs, naming the local one', async () => {
    const error = await refusal([mlperfRun, readRun(FIXTURES.tflite)]);
    expect(error.message).toMatch(/^results\.txt is for serial \(MLPerf Tiny-style\) runs; pick serial runs or another format \(#2 demo-mnist · litert · .* is a local run\)\.$/);
  });

  it('refuses a serial run measured without windows, saying to use --mode report', async () => {
    const { report: _windows, ...quick } = edgebenchRun;
    const error = await refusal([{ ...quick, settings: { ...quick.settings, mode: 'quick' } }]);
    expect(error.message).toBe(
      "results.txt reports MLPerf Tiny's windows, and #1 demo-mnist · tflite-micro · auto threads · Simulated board (ESP32-S3 model) was measured without windows; benchmark on the board with --mode report, or pick another format.",
    );
  });

  it('writes one file per run when there are several, numbered as in the report', async () => {
    const files = await resultsFiles([mlperfRun, edgebenchRun]);
    expect(files.map((f) => f.suffix)).toEqual(['-1.txt', '-2.txt']);
    expect(files[0]?.data).toBe(await resultsText(mlperfRun));
    expect(files[1]?.data).toBe(await resultsText(edgebenchRun));
  });
});

describe('edgebench report --format mlperf', () => {
  it('writes results.txt to --out, and lists the format in --help', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'results.txt');
    const result = await runCli(['report', MLPERF_FIXTURE, '--format', 'mlperf', '--out', out]);
    expect(result.stderr).toContain(`Wrote ${out}: results.txt for #1 demo-mnist`);
    expect(result.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await resultsText(mlperfRun));

    const help = await runCli(['report', '--help']);
    expect(help.stdout).toMatch(/^ {2}mlperf {3}MLPerf Tiny-style results\.txt per serial run/m);
  });

  it('refuses a local run with exit code 2 and the sentence on stderr, writing nothing', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'results.txt');
    const local = await writeJson(dir, 'local.json', readRun(FIXTURES.onnx));
    const result = await runCli(['report', local, '--format', 'mlperf', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('results.txt is for serial (MLPerf Tiny-style) runs; pick serial runs or another format');
    await expect(readFile(out, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

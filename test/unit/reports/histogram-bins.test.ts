/**
 * One run draws the same histogram in the studio and in its report: the report's bars have the
 * edges and counts of the bins the studio's run page draws (LatencyHistogram: binLatency(latency, 40)).
 */
import { describe, expect, it } from 'vitest';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { formatMs } from '../../../src/shared/units';
import { histogramChart } from '../../../src/core/reports/latency-charts';
import { binLatency } from '../../../src/renderer/src/histogram';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, FIXTURE_DIR, readRun } from './run-fixtures';
import path from 'node:path';

/** The report chart's bars, read back from its SVG: count, range and whether it is the outlier bar. */
function reportBars(run: RunFile): Array<{ count: number; range: string; overflow: boolean }> {
  const svg = histogramChart({ run, path: 'run.json', label: 'run', number: 1 }, 0).svg;
  return [...svg.matchAll(/<rect class="bar ([^"]+)"[^>]*><title>(\d+) (runs|outliers), ([^<]+)<\/title>/g)].map((m) => ({
    count: Number(m[2]),
    range: m[4] as string,
    overflow: m[1] === 'overflow',
  }));
}

const withSamples = (run: RunFile, samples: number[]): RunFile => ({ ...run, latencyMs: summarizeLatency(samples) });

describe('a run histogram in the studio and in its report', () => {
  const base = readRun(FIXTURES.onnx);
  const runs: Array<[string, RunFile]> = [
    ...Object.entries(FIXTURES).map(([name, file]): [string, RunFile] => [name, readRun(file)]),
    ['serial report mode', readRun(path.join(FIXTURE_DIR, 'serial-edgebench-report.json'))],
    ['MLPerf Tiny window means', readRun(path.join(FIXTURE_DIR, 'serial-mlperf-tiny.json'))],
    ['far outliers', withSamples(base, [...Array.from({ length: 500 }, (_, i) => 1 + (i % 50) / 1000), 9, 12])],
    ['all samples equal', withSamples(base, [2, 2, 2])],
  ];
  for (const [name, run] of runs) {
    it(`has the same bin edges and counts (${name})`, () => {
      const studio = binLatency(run.latencyMs, 40);
      const report = reportBars(run);
      expect(report).toEqual(studio.map((bin) => ({ count: bin.count, range: `${formatMs(bin.fromMs)} to ${formatMs(bin.toMs)}`, overflow: bin.overflow })));
      expect(report.reduce((sum, bar) => sum + bar.count, 0)).toBe(run.latencyMs.count);
    });
  }

  it('gathers far outliers in one bar of their own, in both', () => {
    const run = runs.find(([name]) => name === 'far outliers')?.[1] as RunFile;
    expect(reportBars(run).filter((bar) => bar.overflow)).toEqual([{ count: 2, range: `${formatMs(binLatency(run.latencyMs, 40).at(-1)?.fromMs ?? 0)} to ${formatMs(12)}`, overflow: true }]);
  });
});

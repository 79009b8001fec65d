/**
 * Reports carry energy per inference where a run has it: the Markdown report's energy section
 * lists each run's figure with how it was measured, "not measured" for the others, each note as a
 * warning; a report with no energy has no such section (so reports of older runs read as before).
 */
import { describe, expect, it } from 'vitest';
import { energyPerInference, type EnergyTrace } from '../../../src/core/power/energy-math';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { exportReport } from '../../../src/core/reports/write-report';
import { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from '../reports/run-fixtures';

function counter(watts: number, ms: number): EnergyTrace {
  const readings = [];
  for (let t = 0; t <= ms; t += 20) readings.push({ tMs: t, values: [Math.round(watts * t * 1000)] });
  return { method: 'counter', readings, maxRange: [1e12], unitJ: 1e-6 };
}

async function markdown(runs: RunFile[]): Promise<string> {
  const report = buildReportContext({ runs: runs.map((run, i) => ({ run, path: `run-${i}.json` })), skipped: [] });
  const [file] = await exportReport('md', report);
  return String(file?.data);
}

describe('the energy section of a report', () => {
  it("gives each measured run's figure with its method, 'not measured' for the others, and each note", async () => {
    const measured = energyPerInference({ source: 'rapl', method: 'counter', rails: ['package-0'], window: 'measured', idle: counter(5, 1000), load: counter(15, 2000), inferences: 1000 });
    const short = energyPerInference({ source: 'rapl', method: 'counter', rails: ['package-0'], window: 'measured', idle: counter(5, 1000), load: counter(15, 40), inferences: 10 });
    const text = await markdown([
      RunFile.parse({ ...readRun(FIXTURES.onnx), energy: measured }),
      RunFile.parse({ ...readRun(FIXTURES.tflite), energy: short }),
      readRun(FIXTURES.onnx700),
    ]);
    expect(text).toContain('Energy per inference');
    expect(text).toMatch(/\| 20\.0 mJ \| 15\.0 W \| 5\.00 W \| 1000 \| RAPL energy counter \(package-0\) read every 20 ms, 101 readings over the measured runs \|/);
    expect(text).toMatch(/\| 40\.0 mJ \(unreliable\) \|/);
    expect(text).toMatch(/\| not measured \|/);
    expect(text).toMatch(/too short for an energy counter/);
  });

  it('is left out when no run has energy', async () => {
    expect(await markdown([readRun(FIXTURES.onnx)])).not.toContain('Energy per inference');
  });
});

/**
 * The run detail's energy card in the studio's words: the figure with its method, rails, interval
 * and readings, UNRELIABLE and each note where the figure is in doubt; for a local run without
 * energy, that it was not measured and the RAPL permission fix; nothing for a board's run; the
 * results grid's energy figure, through the run's summary, only for runs measured with --energy.
 */
import { describe, expect, it } from 'vitest';
import { parseOdpmEnergy, odpmTrace } from '../../../src/core/power/android-power';
import { energyPerInference, type EnergyTrace } from '../../../src/core/power/energy-math';
import { RunFile } from '../../../src/shared/run-schema';
import { energyView, UNRELIABLE_TAG } from '../../../src/renderer/src/energy-view';
import { buildResultsGrid } from '../../../src/renderer/src/components/results/results-grid';
import { summarizeRun } from '../../../src/core/workspace/workspace';
import { reproduceCommand } from '../../../src/core/reports/reproduce-command';
import { FIXTURES, readRun } from '../reports/run-fixtures';

function counter(watts: number, ms: number): EnergyTrace {
  const readings = [];
  for (let t = 0; t <= ms; t += 20) readings.push({ tMs: t, values: [Math.round(watts * t * 1000)] });
  return { method: 'counter', readings, maxRange: [1e12], unitJ: 1e-6 };
}

const base = readRun(FIXTURES.onnx);
const measured = energyPerInference({ source: 'rapl', method: 'counter', rails: ['package-0', 'dram (package-0)'], window: 'measured', idle: counter(5, 1000), load: counter(15, 2000), inferences: 1000 });

describe('energyView', () => {
  it('shows the figure with its method, rails and the baseline behind it', () => {
    const run = RunFile.parse({ ...base, energy: measured });
    const view = energyView(run);
    expect(view?.kind).toBe('measured');
    if (view?.kind !== 'measured') return;
    expect(Object.fromEntries(view.rows.map((row) => [row.label, row.value]))).toEqual({
      'Energy per inference': '20.0 mJ',
      Method: 'RAPL energy counter (package-0, dram (package-0)) read every 20 ms, 101 readings over the measured runs',
      Rails: 'RAPL: package-0, dram (package-0)',
      Power: 'load 15.0 W over 2.00 s, idle baseline 5.00 W over 1.00 s subtracted, 1000 inferences',
    });
    expect(view.notes).toEqual([]);
  });

  it("shows a phone's ODPM figure with every rail's name and the counter's method (energy_value in the driver's format, CONSTRUCTED values)", () => {
    // Two Pixel 6 PMICs' rails, 0.5 W idle and 1.5 W load on the big cluster's rail (S2M_VDD_CPUCL2), read every 100 ms.
    const names = ['S10M_VDD_TPU', 'S2M_VDD_CPUCL2', 'S4M_VDD_CPUCL0', 'S2S_VDD_G3D'];
    const snapshot = (t: number, watts: number): string => `t=${t}\n${names.map((rail, ch) => `CH${ch}(T=${t})[${rail}], ${ch === 1 ? Math.round(watts * t * 1000) : 1000}`).join('\n')}\n`;
    const trace = (watts: number, ms: number) => odpmTrace(Array.from({ length: ms / 100 + 1 }, (_, i) => parseOdpmEnergy(snapshot(i * 100, watts))), names);
    const energy = energyPerInference({ source: 'android', method: 'counter', rails: names, window: 'cell', idle: trace(0.5, 1000), load: trace(1.5, 2000), inferences: 100 });
    const view = energyView(RunFile.parse({ ...base, energy }));
    if (view?.kind !== 'measured') throw new Error('expected a measured energy view');
    const rows = Object.fromEntries(view.rows.map((row) => [row.label, row.value]));
    expect(rows).toMatchObject({
      'Energy per inference': '20.0 mJ (UNRELIABLE)',
      Method: 'Android power rails / battery energy counter (S10M_VDD_TPU, S2M_VDD_CPUCL2, S4M_VDD_CPUCL0, S2S_VDD_G3D) read every 100 ms, 21 readings over the whole cell, warmup included',
      Rails: 'Android power rails / battery: S10M_VDD_TPU, S2M_VDD_CPUCL2, S4M_VDD_CPUCL0, S2S_VDD_G3D',
    });
    expect(view.notes).toEqual(['The meter covered the whole cell, warmup included: the engine could not see where the measured runs began and ended.']);
  });

  it('tags a doubtful figure UNRELIABLE and gives each note', () => {
    const short = energyPerInference({ source: 'rapl', method: 'counter', rails: ['package-0'], window: 'measured', idle: counter(5, 1000), load: counter(15, 40), inferences: 10 });
    const view = energyView(RunFile.parse({ ...base, energy: short }));
    if (view?.kind !== 'measured') throw new Error('expected a measured view');
    expect(view.rows[0]?.value).toMatch(new RegExp(`\\(${UNRELIABLE_TAG}\\)$`));
    expect(view.notes[0]).toMatch(/too short for an energy counter/);
  });

  it("says a local run's energy was not measured, how to measure it and the root-only energy_uj's fix", () => {
    const view = energyView(base);
    expect(view?.kind).toBe('not-measured');
    if (view?.kind !== 'not-measured') return;
    // The studio names its own setting, not the CLI's flag (issue 13's new-user finding).
    expect(view.text).toContain('Tick Energy per inference in the benchmark form on the Runs page');
    expect(view.text).not.toContain('--energy');
    expect(view.howTo).toContain('energy_uj is readable by root only since Linux 5.10');
    expect(view.howTo).toContain('/etc/udev/rules.d/99-edgebench-rapl.rules');
  });

  it("tells an SSH board's or a phone's run without energy how the board's own power tool is read, and says nothing of RAPL", () => {
    const ssh = energyView({ ...base, target: { ...base.target, kind: 'ssh' } });
    if (ssh?.kind !== 'not-measured') throw new Error('expected a not-measured view for an SSH board');
    expect(ssh.text).toContain('Tick Energy per inference in the benchmark form');
    expect(ssh.text).toContain('tegrastats');
    expect(ssh.howTo).toBeUndefined();
    const adb = energyView({ ...base, target: { ...base.target, kind: 'adb' } });
    if (adb?.kind !== 'not-measured') throw new Error('expected a not-measured view for a phone');
    expect(adb.text).toContain("phone's power rails");
  });

  it("shows nothing for a microcontroller's run without energy (no power source the studio reads)", () => {
    expect(energyView({ ...base, target: { ...base.target, kind: 'serial' } })).toBeNull();
  });
});

describe('the results grid', () => {
  const cellOf = (run: RunFile) => {
    const summary = summarizeRun(run);
    const grid = buildResultsGrid([{ modelSha256: summary.modelSha256, modelLabel: 'demo', targetName: summary.targetName, runtime: 'onnxruntime', threads: summary.threads, state: 'done', summary }], new Map(), null);
    return grid.rows[0]?.cells[0];
  };

  it("shows a measured run's energy per inference, how it was measured in its title", () => {
    const cell = cellOf(RunFile.parse({ ...base, energy: measured }));
    expect(cell?.energy).toEqual({ text: '20.0 mJ', title: 'per inference, RAPL energy counter, idle baseline subtracted' });
  });

  it('says unreliable beside a figure in doubt, and nothing for a run without energy', () => {
    const short = energyPerInference({ source: 'rapl', method: 'counter', rails: ['package-0'], window: 'measured', idle: counter(5, 1000), load: counter(15, 40), inferences: 10 });
    expect(cellOf(RunFile.parse({ ...base, energy: short }))?.energy?.text).toBe('40.0 mJ (unreliable)');
    expect(cellOf(base)?.energy).toBeUndefined();
  });
});

describe('the reproduce command', () => {
  it('repeats --energy for a run measured with a power source, and only then', () => {
    expect(reproduceCommand(RunFile.parse({ ...base, energy: measured }))).toMatch(/ --energy rapl$/);
    expect(reproduceCommand(base)).not.toContain('--energy');
    // An energy imported from an EnergyRunner session was not measured by bench: nothing to repeat.
    expect(reproduceCommand(RunFile.parse({ ...base, energy: { ...measured, source: 'mlperf-tiny-energy', importedFrom: 'EnergyRunner 3.0.10 session 1 (results)' } }))).not.toContain('--energy');
  });
});

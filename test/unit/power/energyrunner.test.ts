/**
 * MLPerf Tiny energy mode imported from EnergyRunner session files RECORDED on real set-ups and
 * published in mlcommons/tiny_results_v1.0 (test/fixtures/power/README.md says which): a NUCLEO-L4R5ZI
 * behind an LPM01A (kws01: log, results, the monitor's trace and its timestamps) and a
 * NUCLEO-U575ZI-Q (ad01: log and results). The checks are the figures the runner itself printed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { energyRunnerEnergy, parseEnergyRunnerLog, parseEnergyRunnerResults, parseEnergyTraceBin } from '../../../src/core/power/energyrunner';
import { energyLines, energyMethodText, energyPowerText } from '../../../src/shared/energy';
import { energySummary, RunEnergy } from '../../../src/shared/energy';
import { energyCell } from '../../../src/renderer/src/energy-view';

const fixture = (name: string): string => path.join(__dirname, '../../fixtures/power', name);
const text = (name: string): string => readFileSync(fixture(name), 'utf8');
const kws = {
  log: text('energyrunner-l4r5zi-kws01-log.txt'),
  results: text('energyrunner-l4r5zi-kws01-results.txt'),
  trace: new Uint8Array(readFileSync(fixture('energyrunner-l4r5zi-kws01-trace1-energy.bin'))),
  timestamps: text('energyrunner-l4r5zi-kws01-trace1-timestamps.json'),
};

describe('EnergyRunner session files (recorded)', () => {
  it("reads the log's settings, the monitor and its voltage", () => {
    expect(parseEnergyRunnerLog(kws.log)).toEqual({
      sessionId: '20220929192730',
      runnerVersion: '3.0.10',
      benchmark: 'ML Energy 1.0.1',
      model: 'kws01',
      iterInfer: 80,
      monitor: 'lpm01a',
      voltageMv: 1800,
    });
  });

  it('reads the trace: 1000 Hz, µJ per sample', () => {
    const trace = parseEnergyTraceBin(kws.trace);
    expect(trace.rateHz).toBe(1000);
    expect(trace.samplesUj.length).toBe(69_632);
    // About 55 mW at 1.8 V while inferring: 55 µJ per millisecond.
    expect(Math.max(...trace.samplesUj)).toBeLessThan(70);
  });

  it("integrates the trace between the DUT's timestamps to the runner's own window energies and median", () => {
    const energy = RunEnergy.parse(energyRunnerEnergy(kws));
    const printed = parseEnergyRunnerResults(kws.results);
    expect(energy.windows).toHaveLength(5);
    energy.windows?.forEach((w, i) => {
      const runner = printed.windows[i];
      expect(w.inferences).toBe(80);
      // Within 0.05 %: the runner trims a few hundred µs at each edge, we cut at the timestamps.
      expect(Math.abs(w.energyJ * 1e6 - (runner?.energyUj ?? 0)) / (runner?.energyUj ?? 1)).toBeLessThan(5e-4);
      expect(w.durationMs / 1000).toBeCloseTo(runner?.durationS ?? 0, 1);
    });
    expect(Math.abs((energy.perInferenceJ ?? 0) * 1e6 - 7950.51) / 7950.51).toBeLessThan(5e-4);
    expect(energy).toMatchObject({
      source: 'mlperf-tiny-energy',
      method: 'counter',
      intervalMs: 1,
      baseline: 'none',
      inferences: 400,
      reliable: true,
      notes: [],
      rails: ["the DUT's supply, measured by the LPM01A at 1800 mV"],
      importedFrom: 'EnergyRunner 3.0.10 session 20220929192730 model kws01 (log, results, trace, timestamps)',
    });
    expect(energyMethodText(energy)).toBe(
      "MLPerf Tiny EnergyRunner: its trace integrated here per window (the DUT's supply, measured by the LPM01A at 1800 mV), sampled at 1.00 kHz, median of 5 windows, imported from EnergyRunner 3.0.10 session 20220929192730 model kws01 (log, results, trace, timestamps)",
    );
    expect(energyPowerText(energy)).toMatch(/^55\.\d mW over 57\.\d\d s of timed runs, 400 inferences; no idle baseline subtracted \(MLPerf Tiny counts all the energy the device draws\)$/);
  });

  it("takes the monitor's own figures from results.txt alone, and says the sample rate is not in it", () => {
    const energy = energyRunnerEnergy({ results: text('energyrunner-u575-ad01-results.txt'), log: text('energyrunner-u575-ad01-log.txt') });
    expect(energy.perInferenceJ as number).toBeCloseTo(119.113e-6, 9);
    expect(energy).toMatchObject({ method: 'monitor', intervalMs: 0, inferences: 12_500, reliable: true, rails: ["the DUT's supply, measured by the LPM01A at 1800 mV"] });
    expect(energyLines(energy)[0]).toBe(
      "  energy per inference 119 µJ   MLPerf Tiny EnergyRunner: the energy monitor's own figures per window (the DUT's supply, measured by the LPM01A at 1800 mV), sample rate not recorded in the files given, median of 5 windows, imported from EnergyRunner 3.0.10 session 20220928114637 model ad01 (log, results)",
    );
    // The results grid's cell says no baseline was subtracted, not the RAPL wording.
    expect(energyCell(energySummary(energy))).toEqual({ text: '119 µJ', title: "per inference, MLPerf Tiny EnergyRunner energy monitor's own figures, no idle baseline subtracted (MLPerf Tiny)" });
    // Without the log: the counts are results.txt's own '# Inferences'.
    expect(energyRunnerEnergy({ results: text('energyrunner-u575-ad01-results.txt') })).toMatchObject({ inferences: 12_500, rails: ["the DUT's supply"], reliable: true });
  });

  it('refuses files that are not what they are given as, in one sentence', () => {
    expect(() => energyRunnerEnergy({ results: text('tegrastats-orin-nano.txt') })).toThrow(/^This is not an EnergyRunner energy results file: .*; give the results.txt of an ML Energy session\.$/);
    expect(() => energyRunnerEnergy({ results: kws.results, log: text('pi5-pmic-idle.txt') })).toThrow(/^This is not an EnergyRunner session log/);
    expect(() => energyRunnerEnergy({ trace: kws.trace })).toThrow('The energy trace and its timestamps go together: give both trace1-energy.bin and trace1-timestamps.json, or results.txt alone.');
    expect(() => energyRunnerEnergy({ trace: new Uint8Array([1, 2, 3]), timestamps: kws.timestamps })).toThrow(/^This is not an EnergyRunner energy trace/);
    expect(() => energyRunnerEnergy({ trace: kws.trace, timestamps: '{"a":1}' })).toThrow(/^This is not an EnergyRunner timestamps file/);
    expect(() => energyRunnerEnergy({ trace: kws.trace, timestamps: kws.timestamps })).toThrow(/need their inference counts/);
  });
});

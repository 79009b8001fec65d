/**
 * A simulated board's figures outside its run page: the Devices card and Home list its median
 * tagged SIMULATED, and no list or fact shows its reported memory as a measurement.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { summarizeRun } from '../../../src/core/workspace/workspace';
import { RunFile, RunSummary } from '../../../src/shared/run-schema';
import { memoryFacts, summaryMedianText, summaryMemoryText } from '../../../src/renderer/src/simulated-view';
import { FIXTURE_DIR, readRun } from '../reports/run-fixtures';

/** A real serial run (EdgeBench firmware), with the arena record a board run of today carries. */
const boardRun = readRun(path.join(FIXTURE_DIR, 'serial-edgebench-report.json'));
const withBoard = (simulated: boolean): RunFile =>
  RunFile.parse({ ...boardRun, boardMemory: { arenaUsedBytes: 12_544, arenaCapacityBytes: 262_144, arenaEstimateBytes: 12_544, simulated, protocolVersion: 2 } });

describe('a simulated board run outside its run page', () => {
  test('its summary says it was simulated (through the wire schema), a real board’s does not', () => {
    const simulated = RunSummary.parse(JSON.parse(JSON.stringify(summarizeRun(withBoard(true)))));
    expect(simulated.simulated).toBe(true);
    expect(summarizeRun(withBoard(false)).simulated).toBeUndefined();
    expect(summarizeRun(boardRun).simulated).toBeUndefined();
  });

  test('lists tag its median SIMULATED and say its memory was not measured on the board', () => {
    const summary = summarizeRun(withBoard(true));
    expect(summary.peakRssBytes).toBe(50_496);
    expect(summaryMedianText(summary)).toMatch(/^\d+\.\d+ ms \(SIMULATED\)$/);
    expect(summaryMemoryText(summary)).toEqual({ text: 'not measured on the board (SIMULATED)', muted: true });
  });

  test('a real board’s figures read as before: plain median, its memory in MiB', () => {
    const summary = summarizeRun(withBoard(false));
    expect(summaryMedianText(summary)).toMatch(/^\d+\.\d+ ms$/);
    expect(summaryMemoryText(summary)).toEqual({ text: '0.048 MiB', muted: false });
  });

  test("the run page's Peak RSS and Model load say not measured on the board, and what the 0.048 MiB was", () => {
    const { peak, modelLoad } = memoryFacts(withBoard(true));
    expect(peak).toMatchObject({ label: 'Peak RSS (SIMULATED)', value: 'not measured on the board', muted: true });
    expect(peak.hint).toContain("it reports 0.048 MiB: the studio's arena estimate plus the model's bytes");
    expect(modelLoad).toMatchObject({ label: 'Model load (SIMULATED)', value: 'not measured on the board' });
    const real = memoryFacts(withBoard(false));
    expect(real.peak).toMatchObject({ label: 'Peak RSS', value: '0.048 MiB', muted: false });
    expect(real.modelLoad.value).toBe('0.012 MiB');
  });
});

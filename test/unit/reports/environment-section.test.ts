import { describe, expect, test } from 'vitest';
import type { Block } from '../../../src/core/reports/blocks';
import type { ReportContext, ReportRun } from '../../../src/core/reports/report-types';
import { environmentSection } from '../../../src/core/reports/sections/environment';
import type { RunEnvironment, RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from './run-fixtures';

/** The fuller environment a Raspberry Pi run records (issue 12's readers). */
const PI_ENVIRONMENT: RunEnvironment = {
  cpuMHz: { start: 1800, end: 1800 },
  loadAverage: 0.2,
  busyProcesses: [],
  governor: 'performance',
  coresMHz: { start: [1800, 1800], end: [1800, 1500], min: [600, 600], max: [1800, 1800] },
  stealShare: 0,
  iowaitShare: 0.002,
  thermalZones: [{ type: 'cpu-thermal', startC: 50, endC: 55.5 }],
  throttled: { now: false, sinceBoot: false, raw: 'throttled=0x0', source: 'vcgencmd get_throttled' },
  memAvailableBytes: 3 * 1024 ** 3,
  kernel: '6.6.31+rpt-rpi-v8',
};

function report(environments: ReadonlyArray<RunEnvironment | undefined>): ReportContext {
  const base = readRun(FIXTURES.onnx);
  const runs: ReportRun[] = environments.map((environment, index) => {
    const run: RunFile = { ...base, id: `${base.id}-${index}` };
    if (environment === undefined) delete run.environment;
    else run.environment = environment;
    return { run, path: `run-${index}.json`, label: `run ${index + 1}`, number: index + 1 };
  });
  return { title: 't', generatedAt: '2026-12-07T00:00:00Z', runs, baseline: null, baselineSource: 'none', skipped: [] };
}

const tables = (blocks: Block[]) => blocks.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');
const cellText = (cell: unknown) => (typeof cell === 'string' ? cell : (cell as { text: string }).text);

describe('the report\'s environment section', () => {
  test('runs with the fuller environment get a conditions table: one row per fact, one column per run', () => {
    const blocks = environmentSection.build(report([PI_ENVIRONMENT, { ...PI_ENVIRONMENT, governor: 'ondemand', stealShare: 0.03 }]));
    const conditions = tables(blocks)[2];
    expect(conditions?.columns.map((c) => c.label)).toEqual(['fact', '#1', '#2']);
    const row = (label: string) => conditions?.rows.find((r) => cellText(r[0]) === label)?.map(cellText);
    expect(row('CPU governor')).toEqual(['CPU governor', 'performance', 'ondemand']);
    expect(row('steal time')).toEqual(['steal time', '0.0 %', '3.0 %']);
    expect(row('throttling')).toEqual(['throttling', 'not throttled (throttled=0x0)', 'not throttled (throttled=0x0)']);
    expect(row('kernel')?.[1]).toBe('6.6.31+rpt-rpi-v8');
    expect(row('clock per core')?.[1]).toBe('1800/1800 → 1800/1500 MHz (allowed 600–1800)');
    expect(row('thermal zones')?.[1]).toBe('cpu-thermal 50.0 → 55.5 °C');
    // The Machines and Runtimes tables already say which model, runtime and CPU: not repeated here.
    expect(row('model file')).toBeUndefined();

    const differs = blocks.find((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list');
    expect(differs?.items).toEqual([
      'The steal time differs: 0.0 % in #1, 3.0 % in #2; the hypervisor took CPU time from the benchmark.',
      'The CPU governor differs: performance in #1, ondemand in #2; a governor other than performance lets the clock change between and during runs.',
    ]);
  });

  test('a fact one run did not record reads "not recorded"; identical conditions list no differences', () => {
    const blocks = environmentSection.build(report([PI_ENVIRONMENT, { ...PI_ENVIRONMENT, kernel: undefined } as RunEnvironment, PI_ENVIRONMENT]));
    const kernel = tables(blocks)[2]?.rows.find((r) => cellText(r[0]) === 'kernel')?.map(cellText);
    expect(kernel).toEqual(['kernel', '6.6.31+rpt-rpi-v8', 'not recorded', '6.6.31+rpt-rpi-v8']);
    expect(blocks.some((b) => b.kind === 'list')).toBe(false);
  });

  test('runs from before the fuller environment keep the section as it was (no conditions table)', () => {
    const blocks = environmentSection.build(report([{ cpuMHz: { start: 2596, end: 2596 }, loadAverage: 5.26, busyProcesses: [] }, undefined]));
    expect(tables(blocks)).toHaveLength(2);
    expect(blocks.map((b) => (b.kind === 'subheading' ? b.text : b.kind))).toEqual(['Machines', 'table', 'Runtimes', 'table']);
  });
});

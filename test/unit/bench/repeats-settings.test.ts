/**
 * How many repeats a run gets: the CLI's --repeats, report mode's implied 5, and the one window a
 * repeat measures in report mode; and a run pooled from repeats against hand-made repeat runs.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args';
import { benchFlags, benchSettingsFromArgs } from '../../../src/cli/commands/bench';
import { DEFAULT_REPORT_PLAN, processPlan } from '../../../src/core/bench/report-mode';
import { REPORT_MODE_REPEATS, repeatsFor } from '../../../src/shared/bench-defaults';
import { buildRunFile, poolRepeats } from '../../../src/core/bench/run-file';
import { BenchSettings, type RunFile } from '../../../src/shared/run-schema';
import { BenchRequest } from '../../../src/shared/contract';
import { DEFAULT_BENCH_SETTINGS } from '../../../src/shared/bench-defaults';

const settingsOf = (...args: string[]) => benchSettingsFromArgs(parseArgs('bench', ['model.onnx', ...args], benchFlags));

describe('repeats', () => {
  it('the CLI: 1 by default, 5 in report mode, --repeats whatever the mode', () => {
    expect(settingsOf().repeats).toBe(1);
    expect(settingsOf('--mode', 'report').repeats).toBe(REPORT_MODE_REPEATS);
    expect(REPORT_MODE_REPEATS).toBe(5);
    expect(settingsOf('--mode', 'report', '--repeats', '1').repeats).toBe(1);
    expect(settingsOf('--repeats', '3').repeats).toBe(3);
  });

  it('the engine: a request without repeats keeps them out, so report mode can imply its 5', () => {
    expect(BenchRequest.parse({ modelIds: ['m'], targetIds: ['local'], settings: { mode: 'report' } }).settings.repeats).toBeUndefined();
    expect(BenchRequest.parse({ modelIds: ['m'], targetIds: ['local'], settings: { repeats: 2 } }).settings.repeats).toBe(2);
    expect(repeatsFor('report', undefined)).toBe(5);
    expect(repeatsFor('quick', undefined)).toBe(1);
    expect(repeatsFor('report', 1)).toBe(1);
  });

  it('a repeat in report mode measures one window of the rule; without repeats the one process measures them all', () => {
    expect(processPlan(DEFAULT_REPORT_PLAN, 5)).toEqual({ ...DEFAULT_REPORT_PLAN, windows: 1 });
    expect(processPlan(DEFAULT_REPORT_PLAN, 1)).toBe(DEFAULT_REPORT_PLAN);
  });
});

/** A repeat's run file as a target would build it, from its samples and what it saw. */
function repeatRun(samplesMs: number[], extra: { warnings?: RunFile['warnings']; environment?: RunFile['environment']; peakRssBytes?: number } = {}): RunFile {
  const settings = BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, runs: samplesMs.length, repeats: 3 });
  return buildRunFile(
    {
      model: { name: 'm', format: 'onnx', sha256: 'ab', sizeBytes: 10, variant: 'float' },
      target: { kind: 'local', name: 'This computer', hardware: { arch: 'x64', cpuModel: 'Test CPU', cores: 4, memoryBytes: 2 ** 33, os: 'Test OS', cpuFeatures: [] } },
      runtime: { name: 'onnxruntime', version: '1', threads: 1, backend: 'cpu' },
      settings,
    },
    {
      samplesMs,
      inputs: [],
      initMs: 5,
      firstInferenceMs: samplesMs[0] ?? 1,
      memory: { peakRssBytes: extra.peakRssBytes ?? 100 },
      timerResolutionNs: 1,
      cores: 4,
      ...(extra.environment !== undefined ? { environment: extra.environment } : {}),
      notes: extra.warnings ?? [],
    },
  );
}

describe('poolRepeats', () => {
  const steady = (ms: number) => Array.from({ length: 100 }, (_, i) => ms * (0.99 + (i % 3) * 0.01));

  it('pools samples in order, judges the samples again, keeps other warnings once, and takes the highest peak memory', () => {
    const note = { code: 'int8-saturation', message: 'a note' };
    const runs = [
      repeatRun(steady(1), { warnings: [note], environment: { cpuMHz: { start: 3000, end: 3000 }, busyProcesses: ['a'] }, peakRssBytes: 100 }),
      repeatRun(steady(1.02), { warnings: [note], peakRssBytes: 300 }),
      repeatRun(steady(0.98), { environment: { cpuMHz: { start: 2990, end: 2400 }, busyProcesses: ['b'] }, peakRssBytes: 200 }),
    ];
    const pooled = poolRepeats(BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, runs: 100, repeats: 3 }), runs.map((run, i) => ({ run, startedAt: `t${i}` })));
    expect(pooled.latencyMs.samples).toEqual(runs.flatMap((r) => r.latencyMs.samples));
    expect(pooled.repeats?.map((r) => [r.sampleOffset, r.count, r.startedAt])).toEqual([[0, 100, 't0'], [100, 100, 't1'], [200, 100, 't2']]);
    expect(pooled.warnings.filter((w) => w.code === 'int8-saturation')).toHaveLength(1);
    expect(pooled.memory.peakRssBytes).toBe(300);
    // The cell's environment spans the first repeat's start to the last one's end, busy processes of all.
    expect(pooled.environment?.cpuMHz).toEqual({ start: 3000, end: 2400 });
    expect(pooled.environment?.busyProcesses).toEqual(['a', 'b']);
    expect(pooled.betweenRun?.medianMs).toBe(1);
  });

  it('a repeat its target judged unstable beyond its warnings (an SSH board that throttled) leaves the pooled run unstable', () => {
    const throttled = { ...repeatRun(steady(1)), verdict: 'unstable' as const, warnings: [{ code: 'throttled', message: 'The board reported throttling.' }] };
    const settings = BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, runs: 100, repeats: 3 });
    const calm = [repeatRun(steady(1)), repeatRun(steady(1)), repeatRun(steady(1))];
    expect(poolRepeats(settings, calm.map((run) => ({ run, startedAt: 't' }))).verdict).toBe('stable');
    const pooled = poolRepeats(settings, [calm[0], throttled, calm[2]].map((run) => ({ run: run as RunFile, startedAt: 't' })));
    expect(pooled.verdict).toBe('unstable');
    expect(pooled.warnings.map((w) => w.code)).toContain('throttled');
  });
});

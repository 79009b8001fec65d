/**
 * The one run-file builder every target goes through: statistics from the samples, the verdict
 * from every warning the run carries, a target's own notes after the assessment's, assessment
 * warnings a target says do not apply left out, and a partial run when a stop is given.
 */
import { describe, expect, it } from 'vitest';
import { buildRunFile, STOPPED_EARLY_WARNING, type MeasuredFacts, type RunSubject } from '../../../src/core/bench/run-file';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { BenchSettings, RUN_SCHEMA, RunFile } from '../../../src/shared/run-schema';

const subject: RunSubject = {
  model: { name: 'kws', format: 'tflite', sha256: '0'.repeat(64), sizeBytes: 1, variant: 'int8' },
  target: { kind: 'serial', name: 'board', hardware: { arch: 'arm', cpuModel: 'STM32', cores: 1, memoryBytes: 0, os: 'fw', cpuFeatures: [] } },
  runtime: { name: 'tflite-micro', version: '1', threads: 1, backend: 'reference kernels' },
  job: { id: 'job-1', cell: 0, cells: 1 },
  settings: BenchSettings.parse({ runs: 5, warmupRuns: 1, minTimeMs: 0, threads: 1 }),
};
const steady = Array.from({ length: 200 }, (_, i) => 2 + (i % 5) * 0.001);
const facts = (samplesMs: number[], extra: Partial<MeasuredFacts> = {}): MeasuredFacts => ({
  samplesMs,
  inputs: [{ name: 'input', dtype: 'int8', shape: [1, 10], fill: 'random' }],
  initMs: 3,
  firstInferenceMs: 2,
  memory: { peakRssBytes: 10, osPeakRssBytes: null },
  timerResolutionNs: 1000,
  cores: 1,
  ...extra,
});

describe('buildRunFile', () => {
  it('makes a complete, valid run file of the samples, as the schema says', () => {
    const run = buildRunFile(subject, facts(steady));
    expect(RunFile.parse(run)).toEqual(run);
    expect(run).toMatchObject({ schema: RUN_SCHEMA, status: 'completed', verdict: 'stable', job: subject.job, target: subject.target, initMs: 3 });
    expect(run.latencyMs).toEqual(summarizeLatency(steady));
    expect(run.stopped).toBeUndefined();
  });

  it('judges by every warning: few samples make a run unstable unless the target says they do not apply', () => {
    const five = [5, 5.01, 5.02, 5.01, 5];
    expect(buildRunFile(subject, facts(five)).verdict).toBe('unstable');
    const windowMeans = buildRunFile(subject, facts(five, { notApplicable: new Set(['few-samples', 'wide-ci']), notes: [{ code: 'window-means', message: 'means' }] }));
    expect(windowMeans.verdict).toBe('stable');
    expect(windowMeans.warnings.map((w) => w.code)).toEqual(['window-means']);
  });

  it('warns about report windows shorter than the plan, after the assessment and before the notes', () => {
    const block = { windows: [{ runs: 100, durationMs: 200, medianMs: 2 }], medianOfWindowsMs: 2 };
    const run = buildRunFile(subject, facts(steady, { report: { block, plan: { windows: 1, minWindowMs: 10_000 } }, notes: [{ code: 'note', message: 'n' }] }));
    expect(run.report).toEqual(block);
    expect(run.warnings.map((w) => w.code).slice(-2)).toEqual(['report-window-short', 'note']);
  });

  it('makes a partial run, never stable, when measuring stopped', () => {
    const stop = { code: 'RUNNER', reason: 'The board vanished.', before: 'the board stopped answering' };
    const run = buildRunFile(subject, facts(steady), stop);
    expect(run).toMatchObject({ status: 'partial', stopped: stop, verdict: 'unstable' });
    expect(run.warnings[0]?.code).toBe(STOPPED_EARLY_WARNING);
    expect(run.warnings[0]?.message).toContain('These numbers cover the 200 runs measured before the board stopped answering (at least 5 were planned)');
  });
});

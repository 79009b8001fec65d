import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelArg, modelFileName, reproduceCommand, shellQuote } from '../../../src/core/reports/reproduce-command';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { reproduceSection } from '../../../src/core/reports/sections/reproduce';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from './run-fixtures';

describe('reproduceCommand', () => {
  it('writes the flags that decide how much is measured, always', () => {
    expect(reproduceCommand(readRun(FIXTURES.onnx))).toBe(
      'edgebench bench demo-mnist.onnx --runs 100 --warmup 10 --warmup-time 0 --min-time 0 --max-time 0 --threads 0 --runtime onnxruntime --mode quick',
    );
  });

  it("repeats an adb run's pushed benchmark_model with --benchmark-model and its path; not the one already on the device", () => {
    const run = readRun(FIXTURES.onnx);
    const adb = (binary: NonNullable<RunFile['runtime']['binary']>): RunFile => ({
      ...run,
      model: { ...run.model, format: 'tflite', name: 'demo-mnist' },
      target: { ...run.target, kind: 'adb', name: 'p7', spec: 'adb://p7?cpus=big' },
      runtime: { name: 'TFLite benchmark_model', version: 'not printed by benchmark_model', threads: 1, backend: 'XNNPACK delegate (CPU), CPUs 7', binary },
    });
    expect(reproduceCommand(adb({ source: 'pushed', path: '/home/me/android tools/benchmark_model' }))).toMatch(/ --target 'adb:\/\/p7\?cpus=big' --benchmark-model '\/home\/me\/android tools\/benchmark_model'$/);
    expect(reproduceCommand(adb({ source: 'on-device', path: '/data/local/tmp/benchmark_model' }))).not.toContain('--benchmark-model');
  });

  it('adds the flags whose values differ from the defaults', () => {
    expect(reproduceCommand(readRun(FIXTURES.onnx700))).toBe(
      'edgebench bench demo-mnist.onnx --runs 700 --warmup 10 --warmup-time 0 --min-time 0 --max-time 0 --threads 1 --runtime onnxruntime --mode quick',
    );
    expect(reproduceCommand(readRun(FIXTURES.onnxNoOpt))).toContain('--graph-opt disabled');
    const run = readRun(FIXTURES.onnx);
    const custom = {
      ...run,
      settings: {
        ...run.settings,
        mode: 'report' as const,
        runs: 64,
        freshInputs: true,
        maxTimeMs: 5000,
        profileRuns: 0,
        shapes: { 'input ids': [1, 128] },
        values: { sample_rate: 16000 },
        runtimeOptions: { ...run.settings.runtimeOptions, executionMode: 'parallel' as const, interOpThreads: 2 },
      },
    };
    expect(reproduceCommand(custom)).toBe(
      "edgebench bench demo-mnist.onnx --runs 64 --warmup 10 --warmup-time 0 --min-time 0 --max-time 5000 --threads 0 --runtime onnxruntime --mode report --fresh-inputs --execution-mode parallel --inter-op-threads 2 --profile-runs 0 --shape 'input ids=1x128' --value sample_rate=16000",
    );
  });

  it('names the model file as bench was given it, per format', () => {
    expect(modelFileName(readRun(FIXTURES.tflite))).toBe('demo-mnist.tflite');
    const run = readRun(FIXTURES.onnx);
    expect(modelFileName({ ...run, model: { ...run.model, format: 'tfjs', name: 'demo-mnist-tfjs' } })).toBe('demo-mnist-tfjs/model.json');
    expect(reproduceCommand(readRun(FIXTURES.tflite))).toContain('--runtime litert');
  });

  it("names the model by the absolute path the run recorded, quoted for the shell; older runs by its file name", () => {
    const run = readRun(FIXTURES.onnx);
    expect(run.model.path).toBeUndefined();
    expect(reproduceCommand(run)).toMatch(/^edgebench bench demo-mnist\.onnx /);
    const recorded = { ...run, model: { ...run.model, path: "/home/ana/my models/it's/demo-mnist.onnx" } };
    expect(reproduceCommand(recorded)).toMatch(/^edgebench bench '\/home\/ana\/my models\/it'\\''s\/demo-mnist\.onnx' --runs 100 /);
    expect(modelArg(recorded)).toBe("/home/ana/my models/it's/demo-mnist.onnx");
  });

  it('quotes model names a shell would split or expand', () => {
    const run = readRun(FIXTURES.onnx);
    const odd = { ...run, model: { ...run.model, name: "it's $(rm -rf ~)" } };
    expect(reproduceCommand(odd)).toContain(`'it'\\''s $(rm -rf ~).onnx'`);
    expect(shellQuote('plain-name_1.onnx')).toBe('plain-name_1.onnx');
  });

  it('a board run names its target as the CLI takes it, and leaves the board-chosen runtime out', () => {
    const run = readRun(path.join(path.dirname(FIXTURES.onnx), 'serial-edgebench-report.json'));
    const spec = 'serial:///dev/ttyACM0?protocol=edgebench';
    const command = reproduceCommand({ ...run, target: { ...run.target, spec } });
    expect(command).toContain(`--target '${spec}'`);
    expect(command).not.toContain('--runtime');
  });
});

describe("a report's Reproduce section", () => {
  it('says the lines work from any folder when every run recorded its model path, and the folder to run from otherwise', () => {
    const run = readRun(FIXTURES.onnx);
    const withPath = { ...run, model: { ...run.model, path: '/models/demo-mnist.onnx' } };
    const intro = (runs: RunFile[]): string => {
      const report = buildReportContext({ runs: runs.map((r, i) => ({ run: { ...r, id: `${r.id}-${i}` }, path: `/runs/${i}.json` })), skipped: [] });
      const first = reproduceSection.build(report)[0];
      return first?.kind === 'text' ? first.text : '';
    };
    expect(intro([withPath])).toContain('by the path the run loaded it from, so it works from any folder');
    expect(intro([run])).toBe('Each run again, from the folder that holds its model file:');
    expect(intro([withPath, run])).toContain('a line that names its model file without a folder runs from the folder that holds that file');
  });
});

/**
 * The studio's sentences for the engine's warnings and refusals, built through the engine's own
 * functions: each must read as English naming where in the studio to act (never a flag), while the
 * CLI's sentence (`message`, which run files and reports keep) stays word for word as before.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkSettings, inputsRejectedMessage } from '../../../src/core/bench/bench-inputs';
import { DEFAULT_REPORT_PLAN } from '../../../src/core/bench/report-mode';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { assessRun, betweenRunWarning, type RunAssessmentInput } from '../../../src/core/bench/warnings';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { encodeNpy } from '../../../src/core/datasets/npy-format';
import type { InputUsed } from '../../../src/core/runner/protocol';
import { makeInputData } from '../../../src/core/runner/input-data';
import { DEFAULT_BENCH_SETTINGS } from '../../../src/shared/bench-defaults';
import { StudioError } from '../../../src/shared/errors';
import { messageFor } from '../../../src/shared/remedies';
import { BenchSettings, type BetweenRunEstimate } from '../../../src/shared/run-schema';
import { npz, pngBytes, studioError, tempDir, writeFiles } from '../datasets/helpers';

/** Both sentences of a warning or an error, and that the studio's names no flag. */
function both(item: { message: string; wording?: unknown } | StudioError): { cli: string; ui: string } {
  const data = item instanceof StudioError ? item.toData() : item;
  const ui = messageFor(data as Parameters<typeof messageFor>[0], 'ui');
  expect(ui).not.toMatch(/--[a-z]/);
  return { cli: data.message, ui };
}

// Three samples near 1 µs: every warning assessRun can give fires (see remedies.test.ts).
function warningsOf(overrides: Partial<RunAssessmentInput> = {}) {
  const run = assessRun({
    latency: summarizeLatency([0.001, 0.0012, 0.003]),
    firstInferenceMs: 100,
    timerResolutionNs: 1000,
    cores: 1,
    environment: { cpuMHz: { start: 1000, end: 2000 }, temperatureC: { start: 40, end: 60 }, loadAverage: 3, busyProcesses: ['stress (pid 1)'] },
    maxTimeReached: { plannedRuns: 100 },
    guessedInputs: {
      inputs: [
        { input: 'x', dims: [{ index: 0, name: 'batch', value: 1 }], rankGuessed: false },
        { input: 'y', dims: [{ index: 0, name: 'n', value: 1 }], rankGuessed: false },
      ],
      suggestedFlags: ['--shape x=1x3x224x224', '--shape y=1x8'],
    },
    ...overrides,
  });
  return (code: string) => both(run.warnings.find((w) => w.code === code) ?? { message: `no ${code} warning` });
}

describe("the run's warnings in the studio's words", () => {
  const warning = warningsOf();

  test('guessed inputs: set them under Input sizes, examples listed with commas', () => {
    expect(warning('guessed-inputs')).toEqual({
      cli:
        "Input sizes were guessed, not given: dim 'batch' = 1 (in 'x'), dim 'n' = 1 (in 'y'). These latencies are for inputs nobody chose and may say nothing about real use. " +
        'Give the sizes your application uses with --shape or --dim (e.g. --shape x=1x3x224x224 --shape y=1x8), or save them with the model (edgebench inputs set, or Input sizes on the Models page).',
      ui:
        "Input sizes were guessed, not given: dim 'batch' = 1 (in 'x'), dim 'n' = 1 (in 'y'). These latencies are for inputs nobody chose and may say nothing about real use. " +
        'Set the sizes your application uses under Input sizes on the Models page (e.g. x = 1x3x224x224, y = 1x8), which saves them with the model.',
    });
  });

  test('high variance: raise the number in the Runs field or set the Mode field to report; on a board, no thread count', () => {
    const local = 'Latency varied a lot between runs: the standard deviation is 64% of the mean (more than 10%). Close other programs, ';
    expect(warning('high-variance')).toEqual({
      cli: `${local}set a fixed thread count with --threads, and raise --runs or use --mode report.`,
      ui: `${local}set a fixed thread count in the Threads field, and raise the number in the Runs field or set the Mode field to report.`,
    });
    const board = "Latency varied a lot between runs: the standard deviation is 64% of the mean (more than 10%). Check the board's power supply, and ";
    expect(warningsOf({ targetKind: 'serial' })('high-variance')).toEqual({
      cli: `${board}raise --runs or use --mode report.`,
      ui: `${board}raise the number in the Runs field or set the Mode field to report.`,
    });
  });

  test('wide CI', () => {
    const facts = 'The median is uncertain: its 95% confidence interval is 0.0010 ms to 0.0030 ms, ±83.3% of the median (more than ±2%). ';
    expect(warning('wide-ci')).toEqual({
      cli: `${facts}Raise --runs or use --mode report to narrow it.`,
      ui: `${facts}Raise the number in the Runs field or set the Mode field to report to narrow it.`,
    });
  });

  test('timer resolution: a larger input is set under Input sizes', () => {
    const facts = "The median latency (0.0012 ms) is shorter than 1000× the timer's resolution (1000 ns), so each sample's timing error is up to 83.3% of a sample. ";
    expect(warning('timer-resolution')).toEqual({
      cli: `${facts}Give each inference more work (a larger batch or input with --shape) or compare these numbers only roughly.`,
      ui: `${facts}Give each inference more work (a larger batch or input, set under Input sizes on the Models page) or compare these numbers only roughly.`,
    });
  });

  test('few samples', () => {
    const facts = 'Only 3 runs were measured; fewer than 10 samples cannot be trusted, and p90 (needs 64), p95 (needs 128), p99 (needs 662) are shown as "too few samples". ';
    expect(warning('few-samples')).toEqual({
      cli: `${facts}Raise --runs or --min-time.`,
      ui: `${facts}Raise the number in the Runs field or the time in the Min time (ms) field.`,
    });
  });

  test('temperature: more warmup runs, not "a longer field"', () => {
    const facts = 'The CPU warmed from 40.0 °C to 60.0 °C during the run (+20.0 °C), so it may have slowed itself down. Let the board cool down (a heatsink or fan helps), ';
    expect(warning('temperature-changed')).toEqual({
      cli: `${facts}or warm it up first with a longer --warmup, and run again.`,
      ui: `${facts}or warm it up first with more runs in the Warmup runs field, and run again.`,
    });
  });

  test('max time reached: stopped at the time limit in the field', () => {
    expect(warning('max-time-reached')).toEqual({
      cli: 'Measuring stopped at --max-time after 3 of the planned 100 runs; the statistics use the 3 runs measured. Raise --max-time or lower --runs to measure every planned run.',
      ui:
        'Measuring stopped at the time limit in the Max time (ms) field after 3 of the planned 100 runs; the statistics use the 3 runs measured. ' +
        'Raise the time in the Max time (ms) field or lower the number in the Runs field to measure every planned run.',
    });
  });

  test('between-run variation: raise the number in the Repeats field', () => {
    const estimate: BetweenRunEstimate = { repeats: 5, medianMs: 10, ci95: { low: 9, high: 11 }, method: 'bootstrap', rangeMs: { min: 9, max: 12 }, disagree: true } as BetweenRunEstimate;
    const found = betweenRunWarning(estimate, []);
    expect(found).toBeDefined();
    const start =
      'between-run variation: the medians of 5 fresh runs range 9–12 ms; this machine does not hold a steady speed. The repeats recorded nothing that explains it. ' +
      'Compare runs by their between-run CI, not the within-run one; ';
    const end = ' for a firmer between-run CI, and fix the causes (a fixed CPU governor, an idle machine, a cool board) before trusting a small difference.';
    expect(both(found!)).toEqual({ cli: `${start}raise --repeats${end}`, ui: `${start}raise the number in the Repeats field${end}` });
  });
});

describe("settings the engine refuses, in the studio's words", () => {
  const model = { format: 'onnx' as const, name: 'm', inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3] }] };
  function refusal(settings: Partial<BenchSettings>): { cli: string; ui: string } {
    try {
      checkSettings(BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, ...settings }), model, 'onnxruntime', DEFAULT_REPORT_PLAN);
    } catch (error) {
      if (error instanceof StudioError) return both(error);
      throw error;
    }
    throw new Error('checkSettings accepted the settings');
  }
  const rule = 'runs 5 windows of at least 10 s each and reports the median of their medians';
  const ruleUi = 'With the Mode field set to report, a run measures 5 windows of at least 10 s each and reports the median of their medians';

  test('report mode with too few runs: the Runs field holds 3; set it to 10 or more', () => {
    expect(refusal({ mode: 'report', runs: 3 })).toEqual({
      cli: `--mode report ${rule}; --runs sets each window's minimum runs and must be at least 10 for a window's median to mean something (got --runs 3). Pass --runs 10 or more, or use --mode quick.`,
      ui: `${ruleUi}; the Runs field sets each window's minimum runs and must be at least 10 for a window's median to mean something (the Runs field holds 3). Set the Runs field to 10 or more, or set the Mode field to quick.`,
    });
  });

  test('report mode with a max or min time: clear the field, or set the Mode field to quick', () => {
    expect(refusal({ mode: 'report', maxTimeMs: 5000 })).toEqual({
      cli: `--mode report ${rule}, so --max-time 5 s would cut it short; drop --max-time, or use --mode quick.`,
      ui: `${ruleUi}, so the Max time (ms) field (5000 ms) would cut it short; clear the Max time (ms) field, or set the Mode field to quick.`,
    });
    expect(refusal({ mode: 'report', minTimeMs: 2000 })).toEqual({
      cli: `--mode report ${rule}; the report rule sets the time, so drop --min-time 2 s, or use --mode quick.`,
      ui: `${ruleUi}; the report rule sets the time, so clear the Min time (ms) field (2000 ms), or set the Mode field to quick.`,
    });
  });

  test('a max time below the min time', () => {
    expect(refusal({ minTimeMs: 5000, maxTimeMs: 1000 })).toEqual({
      cli: '--max-time 1 s is shorter than --min-time 5 s, so the minimum could never be reached; raise --max-time or lower --min-time.',
      ui:
        'The time in the Max time (ms) field (1000 ms) is shorter than the time in the Min time (ms) field (5000 ms), so the minimum could never be reached; ' +
        'raise the time in the Max time (ms) field or lower the time in the Min time (ms) field.',
    });
  });

  test('fresh inputs with every input given a value: the CLI sentence is the one it always had', () => {
    expect(refusal({ freshInputs: true, values: { x: 1 } })).toEqual({
      cli: '--fresh-inputs has nothing to refresh: every input has a --value, and inputs given a value keep it. Drop --fresh-inputs or one of the --value flags.',
      ui:
        'With the Fresh random input checkbox ticked there is nothing to refresh: every input has a value under Input sizes on the Models page, and inputs given a value keep it. ' +
        'Untick the Fresh random input checkbox, or clear one of those values.',
    });
  });
});

describe("the runtime's rejection of the inputs, in the studio's words", () => {
  const settings = BenchSettings.parse(DEFAULT_BENCH_SETTINGS);
  const input = (name: string, shape: number[], declaredShape: (number | string | null)[]): InputUsed => ({ name, dtype: 'float32', shape, fill: { kind: 'random', seed: 1 }, declaredShape });

  test('guessed sizes: set the sizes the model expects, examples listed with commas', () => {
    const used = [input('x', [1, 1], ['n', 3]), input('y', [1], ['n'])];
    const start = "onnxruntime rejected the inputs: boom. Input 'x' has symbolic dims [n], which ran as 1x1; Input 'y' has symbolic dims [n], which ran as 1; ";
    expect(both(inputsRejectedMessage('boom.', used, settings))).toEqual({
      cli: `${start}pass the sizes the model expects, e.g. --shape x=1x3 --shape y=1, and --value NAME=N for inputs that must hold a specific value.`,
      ui: `${start}set the sizes the model expects, e.g. x = 1x3, y = 1, and a value under Input sizes on the Models page for inputs that must hold a specific value.`,
    });
  });

  test('no guess: set a value, and the sizes, under Input sizes', () => {
    const start = 'onnxruntime rejected the inputs: boom. The inputs were filled with random values; ';
    expect(both(inputsRejectedMessage('boom.', [input('x', [1, 3], [1, 3])], settings))).toEqual({
      cli: `${start}pass --value NAME=N for inputs that must hold a specific value, and --shape NAME=DIMS for inputs whose sizes matter.`,
      ui: `${start}set a value under Input sizes on the Models page for inputs that must hold a specific value, and the sizes under Input sizes on the Models page for inputs whose sizes matter.`,
    });
  });

  test('an input too large to build: set smaller sizes under Input sizes', () => {
    let error: unknown;
    try {
      makeInputData('x', 'float32', 2 ** 31, { kind: 'random', seed: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StudioError);
    const start = "Input 'x' would hold 2,147,483,648 float32 elements (8 GiB), more than the 4 GiB a runner builds for one input; ";
    expect(both(error as StudioError)).toEqual({ cli: `${start}give smaller sizes with --shape x=DIMS.`, ui: `${start}set smaller sizes under Input sizes on the Models page.` });
  });
});

describe("dataset imports the studio cannot finish, in the studio's words", () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir('ui-wording');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  test('images of two sizes: resize them first, or import on the command line', async () => {
    const src = path.join(root, 'src');
    await writeFiles(src, { 'a/1.png': pngBytes(4, 3, () => [1, 1, 1]), 'a/2.png': pngBytes(5, 3, () => [1, 1, 1]) });
    const start = `The image '${path.join(src, 'a', '2.png')}' is 5×3 but '${path.join(src, 'a', '1.png')}' is 4×3; images must share one size, so `;
    expect(both(await studioError(importDataset(src, path.join(root, 'out'))))).toEqual({
      cli: `${start}pass a resize in the preprocessing recipe (e.g. --resize 4x3).`,
      ui: `${start}resize them to one size (e.g. 4×3) before importing, or import the folder with edgebench dataset import on the command line, which can resize them.`,
    });
  });

  test('an .npz without the usual array names', async () => {
    const x = encodeNpy('<f4', [1, 2], Float32Array.of(1, 2));
    await writeFiles(root, { 'c.npz': npz({ feats: x, cls: encodeNpy('|u1', [1], Uint8Array.of(0)) }) });
    const noSamples = both(await studioError(importDataset(path.join(root, 'c.npz'), path.join(root, 'd'))));
    expect(noSamples.ui).toMatch(/^'c\.npz' has no samples array \(its arrays: .*\); save the samples as x and the labels as y, or import the file with edgebench dataset import on the command line, which can pick the samples array by name or import one array per model input\.$/);
    expect(noSamples.cli).toMatch(/; name the samples array with --samples-key, or pass --no-labels to import one array per model input\.$/);
    const noLabels = both(await studioError(importDataset(path.join(root, 'c.npz'), path.join(root, 'e'), { samplesKey: 'feats' })));
    expect(noLabels.ui).toMatch(/; save the labels as y, or import the file with edgebench dataset import on the command line, which can pick the labels array by name or import it unlabeled\.$/);
    expect(noLabels.cli).toMatch(/; name the labels array with --labels-key, or pass --no-labels for an unlabeled dataset \(one array per model input\)\.$/);
  });
});

describe('a report-mode run is not told to use report mode', () => {
  test('high variance and a wide CI advise more runs and more repeats instead, in each front-end’s words', () => {
    const run = assessRun({ latency: summarizeLatency(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 5 : 15))), firstInferenceMs: 10, timerResolutionNs: 50, cores: 4, mode: 'report' });
    const high = run.warnings.find((w) => w.code === 'high-variance');
    const wide = run.warnings.find((w) => w.code === 'wide-ci');
    if (!high || !wide) throw new Error('a noisy run should warn of its variance and its CI');
    expect(high.message).toMatch(/Close other programs, set a fixed thread count with --threads, and raise --runs or raise --repeats\.$/);
    expect(messageFor(high, 'ui')).toMatch(/and raise the number in the Runs field or the number in the Repeats field\.$/);
    expect(wide.message).toMatch(/Raise --runs or raise --repeats to narrow it\.$/);
    for (const w of [high, wide]) expect(`${w.message} ${messageFor(w, 'ui')}`).not.toMatch(/report/);
  });
});

import { describe, expect, test } from 'vitest';
import { buildRunFile } from '../../../src/core/bench/run-file';
import { summarizeLatency } from '../../../src/core/bench/stats';
import { WARNING_CODES, assessRun, type RunAssessmentInput } from '../../../src/core/bench/warnings';
import { StudioError, ErrorData } from '../../../src/shared/errors';
import { BENCH_SETTING_SPECS } from '../../../src/shared/plugins/bench-settings';
import { RUNTIMES } from '../../../src/shared/plugins/runtimes';
import { TARGET_KINDS } from '../../../src/shared/plugins/target-kinds';
import { messageFor, remedy, renderRemedy, settingNames, worded } from '../../../src/shared/remedies';
import { BenchSettings, RunFile, RunWarning } from '../../../src/shared/run-schema';

// CV about 0.5: a noisy run that fires high-variance (and wide-ci) on every kind.
const noisy = summarizeLatency(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 5 : 15)));

function assess(overrides: Partial<RunAssessmentInput>) {
  return assessRun({ latency: noisy, firstInferenceMs: 10, timerResolutionNs: 50, cores: 4, ...overrides });
}

/** Every flag a sentence names: `--threads`, `--mode`. */
const flagsIn = (text: string): string[] => text.match(/--[a-z][a-z-]*/g) ?? [];

describe('remedies in each front-end’s words', () => {
  test('a remedy renders as the flag for the CLI and a report, and as the Runs page field for the UI', () => {
    expect(renderRemedy({ setting: 'threads' }, 'cli')).toBe('--threads');
    expect(renderRemedy({ setting: 'threads' }, 'report')).toBe('--threads');
    expect(renderRemedy({ setting: 'threads' }, 'ui')).toBe('the Threads field');
    expect(renderRemedy({ setting: 'mode', value: 'report' }, 'cli')).toBe('--mode report');
    expect(renderRemedy({ setting: 'mode', value: 'report' }, 'ui')).toBe('the Mode field set to report');
    expect(renderRemedy({ setting: 'shape', value: 'x=1x3x224x224' }, 'cli')).toBe('--shape x=1x3x224x224');
    expect(renderRemedy({ setting: 'shape' }, 'ui')).toBe('Input sizes on the Models page');
    expect(renderRemedy({ setting: 'identity' }, 'ui')).toBe("the target's Key file field on the Targets page");
    expect(renderRemedy({ setting: 'graphOptimizationLevel' }, 'ui')).toBe('the Graph optimization field');
    expect(renderRemedy({ setting: 'graphOptimizationLevel' }, 'cli')).toBe('--graph-opt');
  });

  test('settingNames comes from the plug-in tables: every bench setting, runtime option and target-kind flag', () => {
    // A yes/no setting is a checkbox on the Runs page.
    for (const [key, spec] of Object.entries(BENCH_SETTING_SPECS)) {
      expect(settingNames[key]).toEqual({ cli: { flag: spec.flag }, ui: `the ${spec.label} ${spec.kind === 'boolean' ? 'checkbox' : 'field'}` });
    }
    for (const runtime of Object.values(RUNTIMES)) {
      for (const [key, spec] of Object.entries(runtime.optionSpecs as Record<string, { flag: string; label: string; field: { kind: string } }>)) {
        expect(settingNames[key]).toEqual({ cli: { flag: spec.flag }, ui: `the ${spec.label} ${spec.field.kind === 'toggle' ? 'checkbox' : 'field'}` });
      }
    }
    for (const kind of Object.values(TARGET_KINDS)) for (const flag of Object.keys(kind.cliFlags)) expect(settingNames[flag]?.cli).toEqual({ flag });
  });

  test('worded: the stored message is the CLI sentence; alternatives the UI names once; literal braces survive', () => {
    const text = worded`Set {fixed} threads with ${remedy('threads')}; give sizes with ${remedy('shape')} or ${remedy('dim')}.`;
    expect(text.message).toBe('Set {fixed} threads with --threads; give sizes with --shape or --dim.');
    expect(messageFor(text, 'ui')).toBe('Set {fixed} threads with the Threads field; give sizes with Input sizes on the Models page or Input sizes on the Models page.');
    expect(messageFor(text, 'report')).toBe(text.message);
  });

  test('data naming a setting this version does not know, or with no wording, shows its stored message', () => {
    expect(messageFor({ message: 'Use --frobnicate.', wording: { template: 'Use {0}.', remedies: [{ setting: 'frobnicate' }] } }, 'ui')).toBe('Use --frobnicate.');
    expect(messageFor({ message: 'Old words: pass --threads.' }, 'ui')).toBe('Old words: pass --threads.');
    expect(messageFor({ message: 'Broken slot.', wording: { template: 'Use {3}.', remedies: [] } }, 'ui')).toBe('Broken slot.');
  });

  test('an error carries its wording across the wire and back', () => {
    const error = new StudioError('FILE_NOT_FOUND', worded`The key file 'x' cannot be read; check the path given to ${remedy('identity')}.`, { file: 'x' });
    const data = ErrorData.parse(JSON.parse(JSON.stringify(error.toData())));
    expect(data.message).toBe("The key file 'x' cannot be read; check the path given to --identity.");
    expect(messageFor(data, 'ui')).toBe("The key file 'x' cannot be read; check the path given to the target's Key file field on the Targets page.");
    expect(messageFor(StudioError.fromData(data), 'ui')).toBe(messageFor(data, 'ui'));
  });
});

describe('warnings name only the settings a target kind honours', () => {
  test('a serial (microcontroller) run that varied a lot is not told to set threads, in any front-end', () => {
    const high = assess({ targetKind: 'serial' }).warnings.find((w) => w.code === 'high-variance');
    expect(high).toBeDefined();
    for (const frontEnd of ['cli', 'ui', 'report'] as const) expect(messageFor(high!, frontEnd)).not.toMatch(/thread/i);
    expect(flagsIn(high!.message)).toEqual(['--runs', '--mode']);
    expect(messageFor(high!, 'ui')).toContain('raise the number in the Runs field or set the Mode field to report');
  });

  test('a microcontroller run file built from noisy samples advises no threads; a local one does', () => {
    const hardware = { arch: 'xtensa', cpuModel: 'ESP32-S3', cores: 1, memoryBytes: 0, os: 'firmware', cpuFeatures: [] };
    const build = (kind: 'serial' | 'local', threads = 0) =>
      buildRunFile(
        {
          model: { name: 'kws', format: 'tflite', sha256: '0'.repeat(64), sizeBytes: 1, variant: 'int8' },
          target: { kind, name: 'board', hardware },
          runtime: { name: 'tflite-micro', version: '1', threads: 1, backend: 'reference kernels' },
          settings: BenchSettings.parse({ runs: 200, warmupRuns: 1, minTimeMs: 0, threads }),
        },
        {
          samplesMs: noisy.samples,
          inputs: [{ name: 'input', dtype: 'int8', shape: [1, 10], fill: 'random' }],
          initMs: 1,
          firstInferenceMs: 10,
          memory: { peakRssBytes: 0, osPeakRssBytes: null },
          timerResolutionNs: 1000,
          cores: 1,
        },
      );
    const serial = RunFile.parse(JSON.parse(JSON.stringify(build('serial'))));
    const high = serial.warnings.find((w) => w.code === 'high-variance')!;
    expect(high.message).not.toMatch(/thread/i);
    expect(messageFor(high, 'ui')).not.toMatch(/thread|--/i);
    expect(build('local').warnings.find((w) => w.code === 'high-variance')?.message).toContain('--threads');
    // A run that already asked for 2 threads is not told to fix its thread count.
    const fixed = build('local', 2).warnings.find((w) => w.code === 'high-variance')!;
    expect(fixed.message).toMatch(/Close other programs, and raise --runs or use --mode report\.$/);
    expect(messageFor(fixed, 'ui')).not.toMatch(/thread/i);
  });

  test('a fixed thread count is not told to fix it; the runtime’s choice (0) is, in each front-end’s words', () => {
    const fixed = assess({ threads: 4 }).warnings.find((w) => w.code === 'high-variance')!;
    expect(fixed.message).toMatch(/Close other programs, and raise --runs or use --mode report\.$/);
    expect(messageFor(fixed, 'ui')).toMatch(/Close other programs, and raise the number in the Runs field or set the Mode field to report\.$/);
    for (const frontEnd of ['cli', 'ui', 'report'] as const) expect(messageFor(fixed, frontEnd)).not.toMatch(/thread/i);
    expect(assess({ threads: 0 }).warnings.find((w) => w.code === 'high-variance')?.message).toContain('set a fixed thread count with --threads');
  });

  test('a simulated board is told about this computer, never about a power supply', () => {
    const high = assess({ targetKind: 'serial', simulated: true }).warnings.find((w) => w.code === 'high-variance')!;
    expect(high.message).toMatch(/The simulated board times its invokes on this computer: close other programs, and raise --runs or use --mode report\.$/);
    expect(messageFor(high, 'ui')).toMatch(/close other programs, and raise the number in the Runs field or set the Mode field to report\.$/);
    for (const frontEnd of ['cli', 'ui', 'report'] as const) expect(messageFor(high, frontEnd)).not.toMatch(/power supply|thread/i);
    // A real board keeps its power-supply advice.
    expect(assess({ targetKind: 'serial' }).warnings.find((w) => w.code === 'high-variance')?.message).toContain("Check the board's power supply");
  });

  test('on this computer and an SSH board the advice keeps the thread count, in the CLI’s words as before', () => {
    for (const targetKind of ['local', 'ssh'] as const) {
      const high = assess({ targetKind }).warnings.find((w) => w.code === 'high-variance');
      expect(high?.message).toMatch(/Close other programs, set a fixed thread count with --threads, and raise --runs or use --mode report\.$/);
      expect(messageFor(high!, 'ui')).toMatch(/set a fixed thread count in the Threads field, and raise the number in the Runs field or set the Mode field to report\.$/);
    }
  });

  test('no warning a run can carry tells the UI to pass a flag, and every stored one still parses as edgebench.run/1 (with and without wording)', () => {
    const all = assessRun({
      latency: summarizeLatency([0.001, 0.0012, 0.003]),
      firstInferenceMs: 100,
      timerResolutionNs: 1000,
      cores: 1,
      environment: { cpuMHz: { start: 1000, end: 2000 }, temperatureC: { start: 40, end: 60 }, loadAverage: 3, busyProcesses: ['stress (pid 1)'] },
      maxTimeReached: { plannedRuns: 100 },
      guessedInputs: { inputs: [{ input: 'x', dims: [{ index: 0, name: 'batch', value: 1 }], rankGuessed: false }], suggestedFlags: ['--shape x=1x3x224x224'] },
    });
    expect(all.warnings.map((w) => w.code)).toEqual([...WARNING_CODES]);
    for (const warning of all.warnings) {
      expect(flagsIn(messageFor(warning, 'ui')), warning.code).toEqual([]);
      expect(RunWarning.parse(JSON.parse(JSON.stringify(warning)))).toEqual(warning);
      const { wording: _dropped, ...old } = warning;
      expect(messageFor(RunWarning.parse(old), 'ui')).toBe(warning.message);
    }
    const guessed = all.warnings.find((w) => w.code === 'guessed-inputs')!;
    expect(guessed.message).toContain('Give the sizes your application uses with --shape or --dim (e.g. --shape x=1x3x224x224), or save them with the model (edgebench inputs set, or Input sizes on the Models page).');
    expect(messageFor(guessed, 'ui')).toContain('Set the sizes your application uses under Input sizes on the Models page (e.g. x = 1x3x224x224), which saves them with the model.');
  });
});

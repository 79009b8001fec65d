/**
 * The CLI, reports and reproduce commands are generated from the plug-in descriptors: every
 * runtime option is a bench flag (with its schema's choices), is written back into a reproduce
 * command that bench parses to the same options, and reads in the report's settings as its spec
 * says; every report format is offered by `edgebench report` and chosen by its extensions; every
 * stored target kind's spec syntax is in bench --help, and bench reads back what the kind writes.
 * Each check enumerates the registries, so a descriptor the CLI or a report ignored fails here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseArgs } from '../../../src/cli/args';
import { benchCommand, benchFlags, benchSettingsFromArgs } from '../../../src/cli/commands/bench';
import { chooseFormat, reportCommand } from '../../../src/cli/commands/report';
import { targetsCommand } from '../../../src/cli/commands/targets';
import type { CommandIo } from '../../../src/cli/io';
import { parseTargets } from '../../../src/cli/target-flags';
import { reproduceArgs } from '../../../src/core/reports/reproduce-command';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { settingsSection } from '../../../src/core/reports/sections/settings';
import { BENCH_SETTING_SPECS, type BenchSettingKey } from '../../../src/shared/plugins/bench-settings';
import { MODEL_FORMATS } from '../../../src/shared/plugins/model-formats';
import { optionArgs, optionFlags } from '../../../src/shared/plugins/option-flags';
import type { OptionSpec } from '../../../src/shared/plugins/plugin';
import { REPORT_FORMATS, ReportFormat } from '../../../src/shared/plugins/report-formats';
import { RUNTIME_OPTION_FLAGS, RUNTIMES, RuntimeName, RuntimeOptions, runtimeOptionsOf } from '../../../src/shared/plugins/runtimes';
import { STORED_KINDS, TARGET_KINDS, TargetKind, type StoredKindName } from '../../../src/shared/plugins/target-kinds';
import type { TargetConfig } from '../../../src/shared/targets';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURE_DIR, FIXTURES, readRun } from '../reports/run-fixtures';

/** What a command prints, as a user sees it. */
async function printed(command: (argv: string[], io: CommandIo) => Promise<number>, argv: string[]): Promise<string> {
  let out = '';
  const io: CommandIo = { out: (text) => (out += text), err: () => undefined, stderrIsTty: false, signal: new AbortController().signal };
  expect(await command(argv, io)).toBe(0);
  return out;
}

const d = (field: z.ZodType): unknown => field.parse(undefined);

/** A value of the option other than its default: another enum value, a larger number, true. */
function otherValue(field: z.ZodType): string | number | boolean {
  const type = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
  const fallback = d(field);
  if (type instanceof z.ZodEnum) {
    const other = type.options.find((value) => value !== fallback);
    if (other === undefined) throw new Error('an enum option needs two values');
    return String(other);
  }
  if (type instanceof z.ZodNumber) return Math.max(Number(fallback), type.minValue ?? 0) + 3;
  if (type instanceof z.ZodBoolean) return true;
  return 'custom';
}

/** A local run of this runtime (the demo model in its first format), settings at their defaults. */
function runOf(runtime: RuntimeName, overrides: Partial<RunFile['settings']> = {}): RunFile {
  const run = readRun(FIXTURES.onnx);
  const format = RUNTIMES[runtime].formats[0] ?? 'onnx';
  return {
    ...run,
    model: { ...run.model, format },
    runtime: { ...run.runtime, name: runtime },
    settings: { ...run.settings, runtimeOptions: RuntimeOptions.parse({}), ...overrides },
  };
}

/** Bench's parse of a reproduce line's flags. */
function benchParse(args: readonly string[]): RunFile['settings'] {
  expect(args[0]).toBe('bench');
  return benchSettingsFromArgs(parseArgs('bench', args.slice(2), benchFlags));
}

function runtimeOptionsCell(run: RunFile): string {
  const [table] = settingsSection.build(buildReportContext({ runs: [{ run, path: 'run.json' }], skipped: [] })) as Array<Extract<ReturnType<typeof settingsSection.build>[number], { kind: 'table' }>>;
  if (!table) throw new Error('the settings section has a table');
  const column = table.columns.findIndex((c) => c.label === 'runtime options');
  const cell = table.rows[0]?.[column];
  return typeof cell === 'string' ? cell : (cell?.text ?? '');
}

const optionCases = RuntimeName.options.flatMap((runtime) =>
  Object.keys(RUNTIMES[runtime].optionSpecs).map((key) => ({ runtime, key, spec: (RUNTIMES[runtime].optionSpecs as Record<string, OptionSpec<never, never>>)[key] as OptionSpec<never, never> })),
);

describe('runtime options: flags, reproduce commands and report rows come from each runtime descriptor', () => {
  it('there are options to check (the enumeration is not empty)', () => {
    expect(optionCases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(optionCases)('$runtime.$key is a bench flag with its help and its schema\'s choices', async ({ runtime, key, spec }) => {
    const help = await printed(benchCommand, ['--help']);
    const line = help.split('\n').find((row) => row.trimStart().startsWith(`--${spec.flag} `) || row.trim() === `--${spec.flag}`);
    expect(line, `--${spec.flag} in bench --help`).toBeDefined();
    expect(line).toContain(spec.help);
    const field = RUNTIMES[runtime].options.shape[key as never] as z.ZodType;
    const type = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
    if (type instanceof z.ZodEnum) expect(line).toContain(type.options.join('|'));
  });

  it.each(optionCases)('$runtime.$key set away from its default is written as its flag and bench reads it back', ({ runtime, key, spec }) => {
    const field = RUNTIMES[runtime].options.shape[key as never] as z.ZodType;
    const value = otherValue(field);
    const run = runOf(runtime);
    const changed = { ...run, settings: { ...run.settings, runtimeOptions: { ...run.settings.runtimeOptions, [key]: value } } };
    const args = reproduceArgs(changed);
    const at = args.indexOf(`--${spec.flag}`);
    expect(at, `--${spec.flag} in ${args.join(' ')}`).toBeGreaterThan(0);
    if (typeof value !== 'boolean') expect(args[at + 1]).toBe(String(value));
    // Round trip: bench parses the line back to the same options.
    expect(runtimeOptionsOf(runtime, benchParse(args).runtimeOptions)).toEqual(runtimeOptionsOf(runtime, changed.settings.runtimeOptions));
    // At its default the flag is left out (the line stays short), and still reads back the same.
    expect(reproduceArgs(run)).not.toContain(`--${spec.flag}`);
    expect(runtimeOptionsOf(runtime, benchParse(reproduceArgs(run)).runtimeOptions)).toEqual(runtimeOptionsOf(runtime, run.settings.runtimeOptions));
  });

  it('a runtime\'s options are not written for another runtime\'s run', () => {
    for (const runtime of RuntimeName.options) {
      const others = RuntimeName.options.filter((name) => name !== runtime).flatMap((name) => RUNTIME_OPTION_FLAGS[name]);
      const run = runOf(runtime);
      const everyOtherChanged = Object.fromEntries(others.map(({ key }) => [key, otherValue(RuntimeOptionsField(key))]));
      const args = reproduceArgs({ ...run, settings: { ...run.settings, runtimeOptions: { ...run.settings.runtimeOptions, ...everyOtherChanged } } });
      for (const { flag } of others) expect(args, `${runtime} run`).not.toContain(`--${flag}`);
    }
  });

  it.each(optionCases)('$runtime.$key reads in the report\'s settings as its report spec words it', ({ runtime, key, spec }) => {
    const field = RUNTIMES[runtime].options.shape[key as never] as z.ZodType;
    const value = otherValue(field);
    const run = runOf(runtime);
    const cell = runtimeOptionsCell({ ...run, settings: { ...run.settings, runtimeOptions: { ...run.settings.runtimeOptions, [key]: value } } });
    const text = spec.report.text ? spec.report.text(value as never) : String(value);
    expect(cell).toContain(spec.report.label === '' ? text : `${spec.report.label} ${text}`);
  });

  it('the report row follows the descriptor: a relabelled option reads with its new label', () => {
    const spec = RUNTIMES.onnxruntime.optionSpecs.graphOptimizationLevel as { report: { label: string } };
    const before = spec.report;
    try {
      spec.report = { label: 'graph level' };
      expect(runtimeOptionsCell(runOf('onnxruntime'))).toContain('graph level all');
    } finally {
      spec.report = before;
    }
    expect(runtimeOptionsCell(runOf('onnxruntime'))).toContain('graph opt all');
  });

  it('a runtime without options reads "defaults"', () => {
    for (const runtime of RuntimeName.options.filter((name) => Object.keys(RUNTIMES[name].optionSpecs).length === 0)) {
      expect(runtimeOptionsCell(runOf(runtime))).toBe('defaults');
    }
  });

  it('each runtime\'s run names its model file as the format descriptor does', () => {
    for (const runtime of RuntimeName.options) {
      const run = runOf(runtime);
      expect(reproduceArgs(run)[1]).toBe(MODEL_FORMATS[run.model.format].fileName(run.model.name));
    }
  });

  it('--runtime offers every runtime of the registry', async () => {
    const help = await printed(benchCommand, ['--help']);
    expect(help).toContain(`--runtime ${RuntimeName.options.join('|')}`);
  });
});

/** The field of the flat RuntimeOptions record that holds a key (whichever runtime owns it). */
function RuntimeOptionsField(key: string): z.ZodType {
  const owner = RuntimeName.options.find((name) => key in RUNTIMES[name].options.shape);
  if (owner === undefined) throw new Error(`no runtime has the option ${key}`);
  return RUNTIMES[owner].options.shape[key as never] as z.ZodType;
}

describe('option flags are read off the zod schema', () => {
  const spec = (flag: string): OptionSpec<never, never> => ({ label: flag, flag, help: `${flag} help`, field: { kind: 'toggle' }, report: { label: flag } });

  it('an enum is a choice, an int a whole number with its minimum, a float a number, a boolean a bare flag', () => {
    const schema = z.object({
      level: z.enum(['low', 'high']).default('low'),
      count: z.number().int().min(2).default(2),
      ratio: z.number().default(0.5),
      fast: z.boolean().default(false),
    });
    const flags = optionFlags('Test runtime', schema, { level: spec('level'), count: spec('count'), ratio: spec('ratio'), fast: spec('fast') });
    expect(flags.map(({ flag, spec: cli, defaultValue }) => [flag, cli.kind, cli.choices ?? cli.min ?? null, defaultValue])).toEqual([
      ['level', 'choice', ['low', 'high'], 'low'],
      ['count', 'int', 2, 2],
      ['ratio', 'number', null, 0.5],
      ['fast', 'boolean', null, false],
    ]);
    expect(optionArgs(flags, { level: 'high', count: 2, ratio: 0.25, fast: true })).toEqual(['--level', 'high', '--ratio', '0.25', '--fast']);
    expect(optionArgs(flags, schema.parse({}))).toEqual([]);
  });

  it('refuses, as a descriptor bug, an option without a spec or a boolean that defaults to true', () => {
    expect(() => optionFlags('Test runtime', z.object({ on: z.boolean().default(true) }), { on: spec('on') })).toThrow(/defaults to true/);
    expect(() => optionFlags('Test runtime', z.object({ n: z.number().default(1) }), {})).toThrow(/has no option spec/);
  });
});

describe('bench settings: flags from BENCH_SETTING_SPECS, written only where the target and runtime honour them', () => {
  const keys = Object.keys(BENCH_SETTING_SPECS) as BenchSettingKey[];

  it.each(keys)('%s is a bench flag with its help line', async (key) => {
    const help = await printed(benchCommand, ['--help']);
    const { flag, help: line } = BENCH_SETTING_SPECS[key];
    expect(help).toMatch(new RegExp(`^ {2}--${flag}\\b.* ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  /** A setting away from its default, with what the flag must read back. */
  const changed: { readonly [K in BenchSettingKey]: RunFile['settings'][K] } = {
    runs: 37,
    repeats: 3,
    warmupRuns: 4,
    warmupMinTimeMs: 250,
    minTimeMs: 1500,
    maxTimeMs: 9000,
    mode: 'report',
    freshInputs: true,
    threads: 3,
    profileRuns: 0,
    nativeTools: false,
    cpus: 'big',
  };

  const kindCases = TargetKind.options.flatMap((kind) => RuntimeName.options.map((runtime) => ({ kind, runtime })));

  it.each(kindCases)('on a $kind target with $runtime, each setting the kind honours round-trips; the others are left out', ({ kind, runtime }) => {
    const honoured = TARGET_KINDS[kind].benchSettings;
    for (const key of keys) {
      const spec = BENCH_SETTING_SPECS[key];
      const base = runOf(runtime);
      const run: RunFile = {
        ...base,
        target: { ...base.target, kind, ...(kind === 'local' ? {} : { spec: 'board-spec' }) },
        settings: { ...base.settings, [key]: changed[key] },
      };
      const args = reproduceArgs(run);
      const applies = honoured.includes(key) && (spec.requires === undefined || RUNTIMES[runtime][spec.requires]);
      if (spec.reproduce === 'always') {
        // Written on every line of a kind that honours it, so it means the same run after a default changes.
        expect(args.includes(`--${spec.flag}`), `--${spec.flag} on ${kind}`).toBe(honoured.includes(key));
      } else {
        expect(args.includes(`--${spec.flag}`), `--${spec.flag} for ${kind}/${runtime}`).toBe(applies);
      }
      if (args.includes(`--${spec.flag}`) && key !== 'threads') {
        const parsed = benchParse(args);
        expect(parsed[key], `${key} read back`).toEqual(changed[key]);
      }
    }
  });
});

describe('target kinds: --target syntax and flags come from each kind descriptor', () => {
  /** A config of each stored kind (typed by the registry: a new kind needs its sample here). */
  const samples: { readonly [K in StoredKindName]: ReadonlyArray<Extract<TargetConfig, { kind: K }>> } = {
    ssh: [
      { kind: 'ssh', name: 'pi@board.local:2222', host: 'board.local', port: 2222, user: 'pi', auth: 'key' },
      { kind: 'ssh', name: 'jetson@10.0.0.7', host: '10.0.0.7', port: 22, user: 'jetson', auth: 'key' },
    ],
    serial: [
      { kind: 'serial', name: '/dev/ttyUSB0', path: '/dev/ttyUSB0', baudRate: 115200, protocol: 'mlperf-tiny' },
      { kind: 'serial', name: '/dev/ttyACM1', path: '/dev/ttyACM1', baudRate: 'auto', protocol: 'edgebench' },
    ],
    adb: [
      { kind: 'adb', name: 'R58M1234ABC', serial: 'R58M1234ABC', delegate: 'xnnpack', cpus: 'all' },
      { kind: 'adb', name: '127.0.0.1:5555', serial: '127.0.0.1:5555', delegate: 'gpu', cpus: 'big' },
    ],
  };
  const storedCases = STORED_KINDS.flatMap((kind) => samples[kind].map((config) => ({ kind, config: config as TargetConfig })));

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(STORED_KINDS)('%s: its spec syntax is in bench --help, and its flags in bench and targets probe --help', async (kind) => {
    const stored = TARGET_KINDS[kind].stored;
    const bench = await printed(benchCommand, ['--help']);
    const probe = await printed(targetsCommand, ['--help']);
    expect(bench).toContain(stored.spec.syntax);
    expect(probe).toContain(stored.spec.syntax);
    for (const [flag, spec] of Object.entries(TARGET_KINDS[kind].cliFlags)) {
      for (const help of [bench, probe]) expect(help).toMatch(new RegExp(`^ {2}--${flag}\\b.*${spec.help.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    }
  });

  it.each(storedCases)('$kind: bench --target reads back the spec the kind formats ($config.name)', ({ kind, config }) => {
    vi.stubEnv('SSH_AUTH_SOCK', '');
    const spec = TARGET_KINDS[kind].stored.spec as { format(c: TargetConfig): string };
    const text = spec.format(config);
    const [target] = parseTargets(parseArgs('bench', ['--target', text], benchFlags));
    expect(target).toEqual({ kind: 'remote', spec: text, config });
  });

  it.each(storedCases)('$kind: a run on the target reproduces with its --target, which bench reads back', ({ config }) => {
    vi.stubEnv('SSH_AUTH_SOCK', '');
    const base = readRun(`${FIXTURE_DIR}/serial-edgebench-report.json`);
    const spec = (TARGET_KINDS[config.kind].stored.spec as { format(c: TargetConfig): string }).format(config);
    const args = reproduceArgs({ ...base, target: { ...base.target, kind: config.kind, name: config.name, spec } });
    expect(args.slice(-2)).toEqual(['--target', spec]);
    const [target] = parseTargets(parseArgs('bench', args.slice(2), benchFlags));
    expect(target).toEqual({ kind: 'remote', spec, config });
  });

  it('the kind that is never stored is the default target, and its runs name no --target', () => {
    const implicit = TargetKind.options.filter((kind) => TARGET_KINDS[kind].stored === null);
    expect(implicit).toHaveLength(1);
    expect(parseTargets(parseArgs('bench', [], benchFlags))).toEqual([{ kind: 'local' }]);
    expect(parseTargets(parseArgs('bench', ['--target', implicit[0] as string], benchFlags))).toEqual([{ kind: 'local' }]);
    expect(reproduceArgs(readRun(FIXTURES.onnx))).not.toContain('--target');
  });

  it('a spec of no kind is refused in one sentence listing every kind\'s syntax', () => {
    const error = (() => {
      try {
        parseTargets(parseArgs('bench', ['--target', 'bluetooth://board'], benchFlags));
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('the spec was accepted');
    })();
    for (const kind of STORED_KINDS) expect(error.message).toContain(TARGET_KINDS[kind].stored.spec.syntax);
    expect(error.message.split('. ').length).toBe(1);
  });
});

describe('report formats: edgebench report offers each one and chooses it by its extensions', () => {
  it.each(ReportFormat.options)('%s is a --format choice with its description in report --help', async (format) => {
    const help = await printed(reportCommand, ['--help']);
    expect(help).toMatch(new RegExp(`--format [a-z|]*\\b${format}\\b`));
    expect(help).toContain(`  ${format.padEnd(8)} ${REPORT_FORMATS[format].description}`);
    expect(chooseFormat(format, undefined)).toBe(format);
  });

  it.each(ReportFormat.options.flatMap((format) => REPORT_FORMATS[format].outExtensions.map((ext) => ({ format, ext }))))('--out report$ext chooses $format', ({ format, ext }) => {
    expect(chooseFormat(undefined, `out/report${ext}`)).toBe(format);
    expect(chooseFormat(undefined, `REPORT${ext.toUpperCase()}`)).toBe(format);
  });

  it('every extension chooses one format only, and an unknown one is refused naming every format', () => {
    const extensions = ReportFormat.options.flatMap((format) => REPORT_FORMATS[format].outExtensions);
    expect(new Set(extensions).size).toBe(extensions.length);
    expect(() => chooseFormat(undefined, 'report.docx')).toThrow(new RegExp(ReportFormat.options.join(', ')));
  });
});

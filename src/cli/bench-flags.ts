/**
 * `edgebench bench`'s flags for the benchmark's settings and the runtimes' options, generated from
 * their descriptors: each bench setting's flag, help and kind from BENCH_SETTING_SPECS (a choice's
 * values from the BenchSettings schema), each runtime option's flag from the runtime's option spec
 * and zod schema (src/shared/plugins/option-flags.ts). The same descriptors write reproduce
 * commands (src/core/reports/reproduce-command.ts), so what one writes the other reads.
 */
import { z } from 'zod';
import { BENCH_SETTING_SPECS, type BenchSettingKey } from '../shared/plugins/bench-settings';
import { StudioError } from '../shared/errors';
import { RUNTIME_OPTION_FLAGS, RUNTIMES, RuntimeName, type RuntimeOptions } from '../shared/plugins/runtimes';
import type { OptionFlag } from '../shared/plugins/option-flags';
import { BenchSettings, CPU_SELECTION_PATTERN } from '../shared/run-schema';
import type { FlagSpec, FlagSpecs, ParsedArgs } from './args';

const SETTING_KEYS = Object.keys(BENCH_SETTING_SPECS) as BenchSettingKey[];

/** A bench setting's flag; a choice offers the values its BenchSettings field accepts. */
export function benchSettingFlag(key: BenchSettingKey): FlagSpec {
  const spec = BENCH_SETTING_SPECS[key];
  const field = BenchSettings.shape[key] as z.ZodType;
  const type = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
  return {
    kind: spec.kind,
    help: spec.help,
    ...(spec.valueName !== undefined ? { valueName: spec.valueName } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    // The schema's largest value (repeats 100, profile runs 1000), so the flag refuses what the run file could not hold.
    ...(type instanceof z.ZodNumber && type.maxValue !== null && Number.isFinite(type.maxValue) ? { max: type.maxValue } : {}),
    ...(spec.kind === 'choice' && type instanceof z.ZodEnum ? { choices: type.options.map(String) } : {}),
  };
}

/** The settings' flags, in the table's order, for the given keys. */
export function benchSettingFlags(keys: readonly BenchSettingKey[]): FlagSpecs {
  return Object.fromEntries(keys.map((key) => [BENCH_SETTING_SPECS[key].flag, benchSettingFlag(key)]));
}

/** Every runtime's options as flags, in registry order (one flag per option: keys and flags are unique across runtimes). */
export const RUNTIME_FLAGS: readonly OptionFlag[] = RuntimeName.options.flatMap((name) => RUNTIME_OPTION_FLAGS[name]);

/**
 * The flags `edgebench bench` takes for settings and runtimes, in --help's order: the settings
 * This computer honours, --runtime and each runtime's options, then the settings that depend on
 * a runtime's capability (--profile-runs) or only some targets honour (--no-native-tools).
 */
export function benchRunFlags(defaultKindSettings: readonly BenchSettingKey[]): FlagSpecs {
  const general = SETTING_KEYS.filter((key) => defaultKindSettings.includes(key) && BENCH_SETTING_SPECS[key].requires === undefined);
  const rest = SETTING_KEYS.filter((key) => !general.includes(key));
  return {
    ...benchSettingFlags(general),
    runtime: { kind: 'choiceList', choices: RuntimeName.options, help: "Runtimes to use (default: the model format's own)." },
    ...Object.fromEntries(RUNTIME_FLAGS.map(({ flag, spec }) => [flag, { ...spec } satisfies FlagSpec])),
    ...benchSettingFlags(rest),
  };
}

/**
 * Refuses a runtime's option flag when that runtime runs none of the cells (--tfjs-backend for an
 * ONNX model): it would be recorded in the run and dropped by its reproduce line, so a rerun's
 * settings would differ, and the user meant something that does not happen.
 */
export function checkRuntimeOptionFlags(args: ParsedArgs, runtimesInUse: readonly RuntimeName[]): void {
  for (const name of RuntimeName.options) {
    if (runtimesInUse.includes(name)) continue;
    const given = RUNTIME_OPTION_FLAGS[name].find(({ flag }) => args.flags.has(flag));
    if (given === undefined) continue;
    const used = runtimesInUse.map((runtime) => RUNTIMES[runtime].label).join(', ');
    throw new StudioError(
      'BAD_INPUT',
      `--${given.flag} is an option of ${RUNTIMES[name].label}, which runs none of these models (they run on ${used}); drop it, or add a model ${RUNTIMES[name].label} runs.`,
      { flag: given.flag },
    );
  }
}

/** The runtimes' options the flags give, each runtime's defaults for the rest. */
export function runtimeOptionsFromFlags(args: ParsedArgs): Partial<RuntimeOptions> {
  const given = RUNTIME_FLAGS.flatMap(({ key, flag, spec }) => {
    if (!args.flags.has(flag)) return [];
    const value = args.flags.get(flag)?.[0];
    return [[key, spec.kind === 'boolean' ? true : value] as const];
  });
  return Object.fromEntries(given) as Partial<RuntimeOptions>;
}

/**
 * --cpus as a list of CPU selections (all, little, mid, big, 0xMASK), lower case, each once; a
 * value that is none of them is one sentence (exit 2). Undefined without the flag: not pinned.
 */
export function cpuSelectionsFromArgs(args: ParsedArgs): string[] | undefined {
  const raw = args.flags.get(BENCH_SETTING_SPECS.cpus.flag)?.[0];
  if (raw === undefined) return undefined;
  const parts = String(raw).split(',').map((part) => part.trim().toLowerCase());
  const bad = parts.find((part) => !CPU_SELECTION_PATTERN.test(part));
  if (bad !== undefined) {
    throw new StudioError('BAD_INPUT', `--cpus expects all, little, mid, big or a hex mask such as 0x0f, separated by commas (e.g. --cpus all,big,little); got '${bad === '' ? raw : bad}'.`, { flag: 'cpus' });
  }
  return [...new Set(parts)];
}

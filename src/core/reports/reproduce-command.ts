/**
 * The `edgebench bench` command line that repeats a run, built from its recorded settings. The
 * flags that decide how much is measured (--runs, --warmup, --warmup-time, --min-time,
 * --max-time, --threads, --runtime, --mode, as far as the run's target kind honours them) are
 * always written, so the line still means the same run after a default changes; runtime options and inputs only when they differ from the default,
 * so the line stays readable. Flags come from the descriptors: the bench settings' table (only
 * settings the run's target kind honours), the runtime's option specs and the target kind's spec.
 */
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import { MODEL_FORMATS } from '../../shared/plugins/model-formats';
import { BENCH_SETTING_SPECS, type BenchSettingKey } from '../../shared/plugins/bench-settings';
import { optionArgs } from '../../shared/plugins/option-flags';
import { RUNTIME_OPTION_FLAGS, RUNTIMES, RuntimeName } from '../../shared/plugins/runtimes';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';
import type { BenchSettings, RunFile } from '../../shared/run-schema';

/** The adb target kind's flag for the benchmark_model binary it pushes (src/shared/plugins/target-kinds/adb.ts). */
export const BENCHMARK_MODEL_FLAG = 'benchmark-model';

/** The model's file as the user passed it, as its format's descriptor names it (bench names a run after the file without its extension). */
export function modelFileName(run: RunFile): string {
  return MODEL_FORMATS[run.model.format].fileName(run.model.name);
}

/**
 * The model as the reproduce line names it: the absolute path the run loaded it from, so the line
 * works from any folder; older runs recorded no path and keep the file's name (run them from its folder).
 */
export function modelArg(run: RunFile): string {
  return run.model.path ?? modelFileName(run);
}

/** Quotes a word for POSIX shells only when it needs it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Settings written whatever their value (their spec says reproduce: 'always') come in the specs'
 * order, --runtime among them before these, as reproduce lines have always read.
 */
const AFTER_RUNTIME: readonly BenchSettingKey[] = ['mode'];

/** A setting as flags: `--flag value`, or a boolean's `--flag` alone when it changes the setting from what it is without the flag. */
function settingArgs(key: BenchSettingKey, settings: BenchSettings): string[] {
  const spec = BENCH_SETTING_SPECS[key];
  const value = settings[key];
  if (spec.kind === 'boolean') return value === (spec.negates !== true) ? [`--${spec.flag}`] : [];
  if (spec.reproduce === 'when-changed' && value === DEFAULT_BENCH_SETTINGS[key]) return [];
  return [`--${spec.flag}`, String(value)];
}

export function reproduceArgs(run: RunFile): string[] {
  const s = run.settings;
  // Boards' own runtimes (tflite-micro, MLPerf firmware) are chosen by the target, not by --runtime.
  const runtime = RuntimeName.safeParse(run.runtime.name);
  const descriptor = runtime.success ? RUNTIMES[runtime.data] : null;
  // Only settings the target honours (no --no-native-tools for This computer, no --fresh-inputs for a microcontroller).
  const honoured = TARGET_KINDS[run.target.kind].benchSettings;
  const keys = (Object.keys(BENCH_SETTING_SPECS) as BenchSettingKey[]).filter((key) => honoured.includes(key));
  const always = keys.filter((key) => BENCH_SETTING_SPECS[key].reproduce === 'always');
  const optional = keys.filter((key) => BENCH_SETTING_SPECS[key].reproduce === 'when-changed');
  // A setting that needs a runtime's capability (--profile-runs, the profiler) follows that runtime's options.
  const forTarget = optional.filter((key) => BENCH_SETTING_SPECS[key].requires === undefined);
  const forRuntime = optional.filter((key) => {
    const needs = BENCH_SETTING_SPECS[key].requires;
    return needs !== undefined && descriptor?.[needs] === true;
  });
  const args = [
    'bench',
    modelArg(run),
    ...always.filter((key) => !AFTER_RUNTIME.includes(key)).flatMap((key) => settingArgs(key, s)),
    ...(runtime.success ? ['--runtime', runtime.data] : []),
    ...always.filter((key) => AFTER_RUNTIME.includes(key)).flatMap((key) => settingArgs(key, s)),
    ...forTarget.flatMap((key) => settingArgs(key, s)),
    ...(runtime.success ? optionArgs(RUNTIME_OPTION_FLAGS[runtime.data], s.runtimeOptions) : []),
    ...forRuntime.flatMap((key) => settingArgs(key, s)),
  ];
  // The settings hold the sizes the run used, saved ones included: the line repeats the run without the workspace.
  for (const [name, dims] of Object.entries(s.shapes)) args.push('--shape', `${name}=${dims.join('x')}`);
  for (const [name, size] of Object.entries(s.dims)) args.push('--dim', `${name}=${size}`);
  for (const [name, value] of Object.entries(s.values)) args.push('--value', `${name}=${value}`);
  // The target as the CLI takes it (a stored kind's spec); older runs without a spec name the target (its spec is on the Targets page).
  if (TARGET_KINDS[run.target.kind].stored !== null) args.push('--target', run.target.spec ?? run.target.name);
  // A tool binary the run pushed from this computer (an Android device's benchmark_model, adb's --benchmark-model) is pushed again from the same file.
  if (run.runtime.binary?.source === 'pushed') args.push(`--${BENCHMARK_MODEL_FLAG}`, run.runtime.binary.path);
  // A run measured with a power source is repeated with it (its read interval and idle baseline were the defaults or are in its energy record).
  // An energy imported from elsewhere (MLPerf Tiny's EnergyRunner) was not measured by bench: not repeated.
  if (run.energy !== undefined && run.energy.importedFrom === undefined) args.push('--energy', run.energy.source);
  return args;
}

/** e.g. `edgebench bench /home/me/models/demo-mnist.onnx --runs 100 --warmup 10 --threads 0 --runtime onnxruntime --mode quick` */
export function reproduceCommand(run: RunFile): string {
  return ['edgebench', ...reproduceArgs(run).map(shellQuote)].join(' ');
}

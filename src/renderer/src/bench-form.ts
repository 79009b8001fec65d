/** The New-benchmark form: its fields as typed text, their validation, and the request they make. */
import type { BenchRequest, ModelEntry, TargetEntry } from '../../shared/contract';
import { INPUT_SIZES_FIELD, describeGuessedDims, inputProblemMessage } from '../../shared/input-messages';
import { guessedDimsOf, planModelInputs } from '../../shared/input-plan';
import { DEFAULT_BENCH_SETTINGS, REPORT_MODE, REPORT_MODE_REPEATS, repeatsFor } from '../../shared/bench-defaults';
import type { ModelFormat } from '../../shared/plugins/model-formats';
import { CPU_SELECTION_PATTERN, type RunMode } from '../../shared/run-schema';
import { BENCH_SETTING_SPECS } from '../../shared/plugins/bench-settings';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';
import { checkNumberText } from './number-text';
import { DEFAULT_RUNTIME_FIELDS, readRuntimeOptions, type RuntimeFieldValues } from './runtime-fields';

export interface BenchFormValues {
  modelIds: string[];
  /** Targets run in parallel with each other; each runs the whole matrix. */
  targetIds: string[];
  /** The ticked models' formats: which runtimes' options the form shows and sends. */
  formats: readonly ModelFormat[];
  /** Thread counts as typed: "1, 2, 4". */
  threads: string;
  warmupRuns: string;
  warmupMinTimeMs: string;
  runs: string;
  minTimeMs: string;
  maxTimeMs: string;
  mode: RunMode;
  freshInputs: boolean;
  /** The runtimes' options, keyed as in runtimeOptions (src/renderer/src/runtime-fields.ts). */
  runtimeOptions: RuntimeFieldValues;
  profileRuns: string;
  /** Fresh runner processes per cell, as typed; empty = not set (1, or 5 in report mode). */
  repeats: string;
  /** CPU selections as typed ("all, big, little"); empty = not pinned. Sent only while a ticked target can pin. */
  cpus: string;
  /** Ticked targets that cannot pin (cpusFieldFor's `cannot`): with CPUs given, Start waits until they are unticked. */
  unpinnable?: readonly string[];
  /** Ticked targets whose CPU count is known (their probed hardware): a mask none of whose CPUs a target has is refused before Start. */
  cpuCounts?: readonly TargetCpus[];
}

/** A ticked target and how many CPUs its hardware profile says it has (numbered 0 to cpus − 1). */
export interface TargetCpus {
  name: string;
  cpus: number;
}

export type BenchFormFields = Omit<BenchFormValues, 'modelIds' | 'targetIds' | 'formats' | 'unpinnable' | 'cpuCounts'>;

const d = DEFAULT_BENCH_SETTINGS;
export const DEFAULT_FORM: BenchFormFields = {
  threads: String(d.threads),
  warmupRuns: String(d.warmupRuns),
  warmupMinTimeMs: String(d.warmupMinTimeMs),
  runs: String(d.runs),
  minTimeMs: String(d.minTimeMs),
  maxTimeMs: String(d.maxTimeMs),
  mode: d.mode,
  freshInputs: d.freshInputs,
  runtimeOptions: DEFAULT_RUNTIME_FIELDS,
  profileRuns: String(d.profileRuns),
  repeats: '',
  cpus: '',
};

/** The schema's limits (BenchSettings.repeats: 1 to 100). */
export const REPEATS_LIMITS = { min: BENCH_SETTING_SPECS.repeats.min ?? 1, max: 100, integer: true } as const;

/**
 * Whether the ticked targets take the Repeats field: shown while any ticked target's kind honours
 * it (its descriptor's benchSettings), `partial` when some do not (they run once).
 */
export function repeatsFieldFor(targets: readonly Pick<TargetEntry, 'id' | 'kind'>[], targetIds: readonly string[]): { shown: boolean; partial: boolean } {
  const ticked = targets.filter((t) => targetIds.includes(t.id));
  const honouring = ticked.filter((t) => TARGET_KINDS[t.kind].benchSettings.includes('repeats'));
  return { shown: honouring.length > 0, partial: honouring.length > 0 && honouring.length < ticked.length };
}

/**
 * Whether the ticked targets take the CPUs field: shown while any ticked target's kind pins runs
 * to CPUs (its descriptor's benchSettings has 'cpus'); `cannot` names the ticked ones that cannot,
 * by kind or because the server said this one cannot (its entry's `cannotPin`: This computer on
 * macOS, Windows, or without taskset), which the engine would refuse, so the form says so before
 * Start. Where none of the ticked targets can, the field is shown disabled with that reason.
 */
export function cpusFieldFor(
  targets: readonly Pick<TargetEntry, 'id' | 'kind' | 'name' | 'cannotPin'>[],
  targetIds: readonly string[],
): { shown: boolean; cannot: string[]; disabledReason?: string } {
  const ticked = targets.filter((t) => targetIds.includes(t.id));
  const byKind = ticked.filter((t) => TARGET_KINDS[t.kind].benchSettings.includes('cpus'));
  const pinning = byKind.filter((t) => t.cannotPin === undefined);
  const refused = byKind.find((t) => t.cannotPin !== undefined)?.cannotPin;
  return {
    shown: byKind.length > 0,
    cannot: ticked.filter((t) => !pinning.includes(t)).map((t) => t.name),
    ...(pinning.length === 0 && refused !== undefined ? { disabledReason: refused } : {}),
  };
}

/** "all, big 0x0f" → ['all', 'big', '0x0f']; empty → [] (not pinned); or a message saying what to type instead. */
export function parseCpuSelections(text: string): string[] | string {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '').map((part) => part.toLowerCase());
  for (const part of parts) {
    if (!CPU_SELECTION_PATTERN.test(part)) return `'${part}' is not a CPU selection: use all, little, mid, big or a hex mask such as 0x0f, separated by commas.`;
  }
  const unique = [...new Set(parts)];
  if (unique.length < parts.length) return 'List each CPU selection once.';
  if (unique.length > MAX_CPU_SELECTIONS) return `List at most ${MAX_CPU_SELECTIONS} CPU selections per job.`;
  return unique;
}

/** The ticked targets whose hardware was probed, with their CPU counts (a target not yet probed is checked by the engine at Start). */
export function targetCpuCounts(targets: readonly Pick<TargetEntry, 'id' | 'name' | 'hardware'>[], targetIds: readonly string[]): TargetCpus[] {
  return targets.flatMap((t) => (targetIds.includes(t.id) && t.hardware !== null && t.hardware.cores > 0 ? [{ name: t.name, cpus: t.hardware.cores }] : []));
}

/** How many of CPUs 0 to cpus − 1 a hex mask (0x…) names; undefined for all, little, mid and big, whose CPUs depend on clusters the form does not know. */
export function maskCpusWithin(selection: string, cpus: number): number | undefined {
  if (!selection.startsWith('0x')) return undefined;
  const mask = BigInt(selection);
  let count = 0;
  for (let cpu = 0; cpu < cpus; cpu++) if (((mask >> BigInt(cpu)) & 1n) === 1n) count++;
  return count;
}

function cpuRange(cpus: number): string {
  return cpus === 1 ? 'CPU 0' : `CPUs 0–${cpus - 1}`;
}

/**
 * The first CPU selection a ticked target cannot meet, in one sentence: a mask that names none of
 * its CPUs (the engine refuses it at Start, cell by cell). Null when every target can.
 */
export function cpuSelectionProblem(selections: readonly string[], targets: readonly TargetCpus[]): string | null {
  for (const selection of selections) {
    for (const target of targets) {
      if (maskCpusWithin(selection, target.cpus) !== 0) continue;
      const whole = ((1n << BigInt(target.cpus)) - 1n).toString(16);
      return `${target.name} has ${cpuRange(target.cpus)} only, so mask ${selection} names none of them: use a mask within 0x${whole}, or all.`;
    }
  }
  return null;
}

/**
 * A hint, not an error: a thread count larger than the CPUs a mask gives it on some target, whose
 * threads then take turns on those CPUs rather than run side by side. Null when none is.
 */
export function sharedCpuHint(threads: readonly number[], selections: readonly string[], targets: readonly TargetCpus[]): string | null {
  const most = Math.max(0, ...threads);
  for (const selection of selections) {
    for (const target of targets) {
      const given = maskCpusWithin(selection, target.cpus);
      if (given === undefined || given === 0 || most <= given) continue;
      const where = given === 1 ? 'one CPU' : `${given} CPUs`;
      return `${most} threads on ${selection} will share ${where}${targets.length > 1 ? ` on ${target.name}` : ''}, taking turns rather than running side by side; give as many CPUs as threads to time them in parallel.`;
    }
  }
  return null;
}

/**
 * The repeats a cell will run as the form stands (the engine's rule: the field's value, else 5 in
 * report mode, else 1), or null while the field holds no valid value.
 */
export function effectiveRepeats(text: string, mode: RunMode): number | null {
  if (text.trim() === '') return repeatsFor(mode, undefined);
  const value = checkNumberText(text, REPEATS_LIMITS);
  return typeof value === 'string' ? null : value;
}

/**
 * Report mode's least measuring time per cell: one window of the rule's minimum per fresh
 * process when there are repeats (each measures one), else all the rule's windows in the one process.
 */
export function reportCellMs(repeats: number): number {
  return (repeats > 1 ? repeats : REPORT_MODE.windows) * REPORT_MODE.minWindowMs;
}

/** What an empty Repeats field means in this mode, for the field's hint. */
export function repeatsHint(mode: RunMode): string {
  return mode === 'report' ? `Empty = ${REPORT_MODE_REPEATS} (report mode implies ${REPORT_MODE_REPEATS})` : 'Fresh processes per cell; empty = 1';
}

type NumberField = 'warmupRuns' | 'warmupMinTimeMs' | 'runs' | 'minTimeMs' | 'maxTimeMs' | 'profileRuns';

const LIMITS: Record<NumberField, { min: number; max: number; integer: boolean }> = {
  warmupRuns: { min: 0, max: 100_000, integer: true },
  warmupMinTimeMs: { min: 0, max: 3_600_000, integer: false },
  runs: { min: 1, max: 1_000_000, integer: true },
  minTimeMs: { min: 0, max: 3_600_000, integer: false },
  maxTimeMs: { min: 0, max: 3_600_000, integer: false },
  profileRuns: { min: 0, max: 1000, integer: true },
};

/** Measured-time controls that report mode sets by itself (5 windows of at least 10 s). */
const SET_BY_REPORT_MODE: readonly NumberField[] = ['minTimeMs', 'maxTimeMs'];
/**
 * In report mode `runs` is each window's minimum, and a window's median needs this many
 * (the engine's MIN_RUNS_PER_WINDOW in src/core/bench/report-mode.ts, which refuses fewer).
 */
export const REPORT_MIN_RUNS_PER_WINDOW = REPORT_MODE.minRunsPerWindow;

/** The contract's limits on one job. */
export const MAX_THREAD_COUNTS = 8;
export const MAX_THREADS = 256;
export const MAX_MODELS = 32;
export const MAX_TARGETS = 16;
export const MAX_CPU_SELECTIONS = 8;

export type BenchFormErrors = Partial<Record<Exclude<keyof BenchFormValues, 'runtimeOptions' | 'formats' | 'unpinnable' | 'cpuCounts'>, string>> & {
  /** One message per wrong runtime option, keyed as in runtimeOptions. */
  runtimeOptions?: Readonly<Record<string, string>>;
};

/** "1, 2 4" → [1, 2, 4], or a message saying what to type instead. */
export function parseThreadList(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (parts.length === 0) return 'Enter one or more thread counts, e.g. 1, 2, 4 (0 lets the runtime decide).';
  const counts: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!Number.isInteger(value) || value < 0 || value > MAX_THREADS) {
      return `'${part}' is not a thread count: use whole numbers from 0 to ${MAX_THREADS}, separated by commas.`;
    }
    if (counts.includes(value)) return `${value} is listed twice: list each thread count once.`;
    counts.push(value);
  }
  if (counts.length > MAX_THREAD_COUNTS) return `List at most ${MAX_THREAD_COUNTS} thread counts per job.`;
  return counts;
}

/**
 * How many cells (model × thread count × target) the form would start; each model runs on its own
 * format's runtime, and every target runs the same matrix.
 */
export function cellCount(values: BenchFormValues): number {
  const threads = parseThreadList(values.threads);
  const cpus = parseCpuSelections(values.cpus);
  if (typeof threads === 'string' || typeof cpus === 'string') return 0;
  return values.modelIds.length * threads.length * Math.max(1, cpus.length) * values.targetIds.length;
}

/** Either the request to send, or one message per field that is wrong. */
export function validateBenchForm(
  values: BenchFormValues,
): { ok: true; request: BenchRequest } | { ok: false; errors: BenchFormErrors } {
  const errors: BenchFormErrors = {};
  if (values.modelIds.length === 0) errors.modelIds = 'Tick at least one model (import models on the Models page).';
  if (values.modelIds.length > MAX_MODELS) errors.modelIds = `Tick at most ${MAX_MODELS} models per job.`;
  if (values.targetIds.length === 0) errors.targetIds = 'Tick at least one target (add boards on the Targets page).';
  if (values.targetIds.length > MAX_TARGETS) errors.targetIds = `Tick at most ${MAX_TARGETS} targets per job.`;
  const threads = parseThreadList(values.threads);
  if (typeof threads === 'string') errors.threads = threads;
  const cpus = parseCpuSelections(values.cpus);
  if (typeof cpus === 'string') errors.cpus = cpus;
  const unpinnable = values.unpinnable ?? [];
  if (typeof cpus !== 'string' && cpus.length > 0 && unpinnable.length > 0) {
    errors.cpus = `${unpinnable.join(', ')} cannot pin a benchmark to CPUs: untick ${unpinnable.length === 1 ? 'it' : 'them'}, or leave CPUs empty.`;
  }
  const misfit = typeof cpus === 'string' || errors.cpus !== undefined ? null : cpuSelectionProblem(cpus, values.cpuCounts ?? []);
  if (misfit !== null) errors.cpus = misfit;

  const report = values.mode === 'report';
  const numbers: Partial<Record<NumberField, number>> = {};
  for (const field of Object.keys(LIMITS) as NumberField[]) {
    if (report && SET_BY_REPORT_MODE.includes(field)) continue;
    const result = checkNumberText(values[field], LIMITS[field]);
    if (typeof result === 'string') errors[field] = result;
    else numbers[field] = result;
  }
  const { minTimeMs = 0, maxTimeMs = 0 } = numbers;
  if (report && numbers.runs !== undefined && numbers.runs < REPORT_MIN_RUNS_PER_WINDOW) {
    errors.runs = `In report mode this is each window's minimum: use ${REPORT_MIN_RUNS_PER_WINDOW} or more.`;
  }
  if (!report && !errors.maxTimeMs && !errors.minTimeMs && maxTimeMs > 0 && maxTimeMs < minTimeMs) {
    errors.maxTimeMs = `Make it at least the min time (${minTimeMs} ms), or 0 for no limit.`;
  }
  // Empty leaves repeats to the engine: 1, or REPORT_MODE_REPEATS in report mode.
  let repeats: number | undefined;
  if (values.repeats.trim() !== '') {
    const result = checkNumberText(values.repeats, REPEATS_LIMITS);
    if (typeof result === 'string') errors.repeats = result;
    else repeats = result;
  }
  const runtimeOptions = readRuntimeOptions(values.runtimeOptions, values.formats);
  if (!runtimeOptions.ok) errors.runtimeOptions = runtimeOptions.errors;
  if (Object.keys(errors).length > 0 || typeof threads === 'string' || typeof cpus === 'string' || !runtimeOptions.ok) return { ok: false, errors };

  const n = numbers as Record<NumberField, number>;
  const request: BenchRequest = {
    modelIds: values.modelIds,
    targetIds: values.targetIds,
    threads,
    ...(cpus.length > 0 ? { cpus } : {}),
    settings: {
      warmupRuns: n.warmupRuns,
      warmupMinTimeMs: n.warmupMinTimeMs,
      mode: values.mode,
      freshInputs: values.freshInputs,
      threads: threads[0] ?? 0,
      profileRuns: n.profileRuns,
      runs: n.runs,
      runtimeOptions: runtimeOptions.options,
      // Report mode decides how long to measure; a time limit would contradict it.
      minTimeMs: report ? 0 : n.minTimeMs,
      maxTimeMs: report ? 0 : n.maxTimeMs,
      ...(repeats === undefined ? {} : { repeats }),
    },
  };
  return { ok: true, request };
}

/** What the selected models' inputs will be: models the engine would refuse (Start waits), and ones that will run on guessed sizes. */
export interface InputsCheck {
  blocked: Array<{ modelId: string; message: string }>;
  guessed: Array<{ modelId: string; message: string }>;
}

/**
 * The same plan the engine makes at Start (src/shared/input-plan.ts), from each model's saved
 * sizes: an image whose height or width would be guessed, an input too large to build, or saved
 * sizes that cannot be read block Start; guessed dims are said, and the runs marked unstable.
 */
export function checkModelInputs(models: readonly ModelEntry[]): InputsCheck {
  const check: InputsCheck = { blocked: [], guessed: [] };
  for (const model of models) {
    if (model.savedInputsProblem !== null) {
      check.blocked.push({ modelId: model.id, message: `${model.name}: its saved input sizes cannot be read (${model.savedInputsProblem}); repair or remove that file.` });
      continue;
    }
    const saved = model.savedInputs;
    const plan = planModelInputs(model.info.inputs, saved ?? { shapes: {}, dims: {}, values: {} });
    const problem = plan.problems[0];
    if (problem !== undefined) {
      check.blocked.push({ modelId: model.id, message: inputProblemMessage(problem, { frontEnd: 'ui', model: model.name, inputs: model.info.inputs }) });
      continue;
    }
    const guesses = plan.inputs.flatMap((input) =>
      input.rankGuessed || guessedDimsOf(input).length > 0 ? [{ input: input.name, dims: guessedDimsOf(input), rankGuessed: input.rankGuessed }] : [],
    );
    if (guesses.length > 0) {
      check.guessed.push({
        modelId: model.id,
        message: `${model.name} will run at guessed sizes (${describeGuessedDims(guesses)}), so its runs will be marked unstable; set them under ${INPUT_SIZES_FIELD}.`,
      });
    }
  }
  return check;
}

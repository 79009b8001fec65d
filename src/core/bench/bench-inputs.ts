/**
 * Checks a benchmark's settings before any process is started: options that contradict each
 * other, a runtime that cannot load the model's format, and the model's inputs as the run would
 * build them (planned in src/shared/input-plan.ts: --shape / --dim / --value and the sizes saved
 * with the model, an image whose size would be guessed, an input too large to build). Turns the
 * plan into the runner's input requests with every shape resolved, records which dims were
 * guessed, and words the hint shown when the runtime rejects the generated inputs.
 */
import { StudioError, type WordedMessage } from '../../shared/errors';
import { assign, joinWorded, remedy, renderRemedy, say, worded, type PhraseSlot } from '../../shared/remedies';
import {
  INPUT_SIZES_FIELD,
  guessedInputsOfRun,
  inputProblemMessage,
  suggestedShapeFlags,
  type FrontEnd,
  type GuessedInput,
} from '../../shared/input-messages';
import {
  exampleShapes,
  formatSizes,
  guessedDimsOf,
  isSymbolicDim,
  mergeGivenInputs,
  planModelInputs,
  sharedDimName,
  type InputPlan,
  type InputProblem,
} from '../../shared/input-plan';
import type { ModelFormat, ModelInfo } from '../../shared/model-info';
import type { GivenInputs } from '../../shared/model-inputs';
import type { BenchSettings, RunFile, RuntimeName } from '../../shared/run-schema';
import { RUNTIMES_FOR_FORMAT, RUNTIME_LABELS } from '../../shared/runtimes';
import type { InputRequest, InputUsed } from '../runner/protocol';
import { MIN_RUNS_PER_WINDOW, type ReportModePlan } from './report-mode';

type InputsInfo = ModelInfo['inputs'];

const INTEGER_DTYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/**
 * Refuses settings that make no sense together, each with the reason and the way out:
 * - a runtime that cannot load the model's format (names the runtimes that can);
 * - --max-time below --min-time (the minimum could never be reached);
 * - report mode with --max-time or --min-time (the report rule sets the windows' time) or with
 *   --runs below MIN_RUNS_PER_WINDOW (--runs is each window's minimum, and a window's median
 *   needs that many runs);
 * - --fresh-inputs when every input has a --value (nothing random is left to refresh).
 */
export function checkSettings(
  settings: BenchSettings,
  model: { format: ModelFormat; name: string; inputs: InputsInfo },
  runtime: RuntimeName,
  plan: ReportModePlan,
): void {
  const able = RUNTIMES_FOR_FORMAT[model.format];
  if (!able.includes(runtime)) {
    throw new StudioError(
      'BAD_INPUT',
      `${RUNTIME_LABELS[runtime]} cannot load '${model.name}', ${/^[aeiou]/.test(model.format) ? 'an' : 'a'} ${model.format} model; ` +
        `${model.format} models can be run by: ${able.join(', ')}. ` +
        `Pass --runtime ${able[0] ?? runtime}, or convert the model.`,
      { flag: '--runtime', runtime, format: model.format },
    );
  }
  if (settings.maxTimeMs > 0 && settings.maxTimeMs < settings.minTimeMs) {
    throw badInput(
      worded`${say('', 'The time in ')}${remedy('maxTimeMs')}${valueOf(settings.maxTimeMs)} is shorter than ${say('', 'the time in ')}${remedy('minTimeMs')}${valueOf(settings.minTimeMs)}, so the minimum could never be reached; ${say('raise', 'raise the time in')} ${remedy('maxTimeMs')} or ${say('lower', 'lower the time in')} ${remedy('minTimeMs')}.`,
      '--max-time',
    );
  }
  if (settings.mode === 'report') {
    const rule = worded`${say('', 'With ')}${remedy('mode', 'report')}${say(' runs', ', a run measures')} ${plan.windows} windows of at least ${ms(plan.minWindowMs)} each and reports the median of their medians`;
    const quick = worded`${say('use', 'set')} ${assign('mode', 'quick')}`;
    if (settings.maxTimeMs > 0) {
      throw badInput(worded`${rule}, so ${remedy('maxTimeMs')}${valueOf(settings.maxTimeMs)} would cut it short; ${say('drop', 'clear')} ${remedy('maxTimeMs')}, or ${quick}.`, '--max-time');
    }
    if (settings.minTimeMs > 0) {
      throw badInput(worded`${rule}; the report rule sets the time, so ${say('drop', 'clear')} ${remedy('minTimeMs')}${valueOf(settings.minTimeMs)}, or ${quick}.`, '--min-time');
    }
    if (settings.runs < MIN_RUNS_PER_WINDOW) {
      throw badInput(
        worded`${rule}; ${remedy('runs')} sets each window's minimum runs and must be at least ${MIN_RUNS_PER_WINDOW} for a window's median to mean something (${say('got ', '')}${remedy('runs')}${say(' ', ' holds ')}${settings.runs}). ${say('Pass', 'Set')} ${assign('runs', String(MIN_RUNS_PER_WINDOW))} or more, or ${quick}.`,
        '--runs',
      );
    }
  }
  if (settings.freshInputs && model.inputs.length > 0 && model.inputs.every((input) => settings.values[input.name] !== undefined)) {
    throw badInput(
      worded`${say('', 'With ')}${remedy('freshInputs')}${say(' has nothing to refresh', ' ticked there is nothing to refresh')}: every input has ${say('a ', '')}${remedy('value')}, and inputs given a value keep it. ${say('Drop', 'Untick')} ${remedy('freshInputs')}${say(` or one of the ${renderRemedy({ setting: 'value' }, 'cli') ?? ''} flags`, ', or clear one of those values')}.`,
      '--fresh-inputs',
    );
  }
}

/** The given sizes and values a run's settings hold (flags, with saved sizes merged in by applySavedInputs). */
export function givenOf(settings: Pick<BenchSettings, 'shapes' | 'dims' | 'values'>): GivenInputs {
  return { shapes: settings.shapes, dims: settings.dims ?? {}, values: settings.values };
}

/**
 * Plans the inputs of one run from its settings and refuses, with the first problem's sentence,
 * what cannot run: flags the model contradicts, an image whose size would be guessed, an input
 * too large to build. `frontEnd` picks the wording (flags for the CLI, the Models page for the UI).
 */
export function planBenchInputs(inputsInfo: InputsInfo, settings: BenchSettings, modelName = 'this model', frontEnd: FrontEnd = 'cli'): InputPlan {
  const plan = planModelInputs(inputsInfo, givenOf(settings));
  const problem = plan.problems[0];
  if (problem !== undefined) {
    throw new StudioError('BAD_INPUT', inputProblemMessage(problem, { frontEnd, model: modelName, inputs: inputsInfo, given: givenOf(settings) }), problemContext(problem));
  }
  return plan;
}

/** Validates settings.shapes, .dims and .values against the model's inputs and builds the load request's inputs, every shape resolved. */
export function planInputs(inputsInfo: InputsInfo, settings: BenchSettings, modelName = 'this model'): InputRequest[] {
  return requestsOf(planBenchInputs(inputsInfo, settings, modelName));
}

/** The runner's load request for a plan: full shapes wherever the rank is known, so no runner guesses on its own. */
export function requestsOf(plan: InputPlan): InputRequest[] {
  return plan.inputs.map((input, index) => ({
    name: input.name,
    dtype: input.dtype,
    ...(input.shape !== null ? { shape: input.shape } : {}),
    // Seeds follow the model's input order, so the same settings make the same data.
    fill: input.value !== null ? { kind: 'constant', value: input.value } : { kind: 'random', seed: index + 1 },
  }));
}

/**
 * Checks every model of a matrix before any runner starts (exit 2 on the CLI, an error on Start in
 * the UI): a --dim that no model has, and each model's own plan with the sizes it would run at.
 */
export function checkMatrixInputs(
  models: ReadonlyArray<{ name: string; info: ModelInfo; savedInputs?: SavedInputsForRun | null }>,
  settings: BenchSettings,
  frontEnd: FrontEnd = 'cli',
): void {
  for (const [name, size] of Object.entries(settings.dims)) {
    const known = models.some((model) => model.info.inputs.some((input) => input.shape?.some((dim, i) => sharedDimName(dim, i) === name)));
    if (!known) {
      const problem = { kind: 'unknown-dim', level: 'flags', dim: name, size } as const;
      const inputs = models.flatMap((model) => model.info.inputs);
      throw new StudioError('BAD_INPUT', inputProblemMessage(problem, { frontEnd, model: models[0]?.name ?? 'this model', inputs }), { flag: '--dim', dim: name });
    }
  }
  for (const model of models) {
    planBenchInputs(model.info.inputs, settingsForModelInputs(settings, model.info.inputs, model.savedInputs ?? null), model.name, frontEnd);
  }
}

/** Saved inputs as a run takes them: the sizes, and which model's inputs.json they came from. */
export type SavedInputsForRun = GivenInputs & { fromModelId: string };

/**
 * The settings one model of a matrix runs with: the flags that name its inputs and dims, over the
 * sizes and values saved with it (flags win; see mergeGivenInputs). Saved sizes that contradict
 * the model are refused with the saved file named, so a hand edit gone wrong is found.
 */
export function settingsForModelInputs(settings: BenchSettings, inputsInfo: InputsInfo, saved: SavedInputsForRun | null): BenchSettings {
  const names = new Set(inputsInfo.map((input) => input.name));
  const dimNames = new Set(inputsInfo.flatMap((input) => (input.shape ?? []).flatMap((dim, i) => sharedDimName(dim, i) ?? [])));
  const pick = <T>(record: Record<string, T>, keep: Set<string>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).filter(([name]) => keep.has(name)));
  // A matrix of different models shares its flags: each model takes the ones that concern it.
  const flags: GivenInputs =
    inputsInfo.length === 0
      ? givenOf(settings)
      : { shapes: pick(settings.shapes, names), dims: pick(settings.dims, dimNames), values: pick(settings.values, names) };
  if (saved === null) return { ...settings, ...flags };
  const savedGiven: GivenInputs = { shapes: saved.shapes, dims: saved.dims, values: saved.values };
  const savedProblem = planModelInputs(inputsInfo, savedGiven, 'saved').problems.find((problem) => 'level' in problem);
  if (savedProblem !== undefined) {
    throw new StudioError(
      'WORKSPACE',
      `${inputProblemMessage(savedProblem, { frontEnd: 'cli', model: 'this model', inputs: inputsInfo }).replace(/\.$/, '')}; ` +
        `fix the sizes saved with model ${saved.fromModelId} (edgebench inputs set, or ${INPUT_SIZES_FIELD}).`,
      { model: saved.fromModelId },
    );
  }
  return { ...settings, ...mergeGivenInputs(inputsInfo, flags, savedGiven) };
}

/** What the run file records per input: the shape built, the fill, the declared shape and every dim that was guessed. */
export function describeInputs(used: readonly InputUsed[], plan: InputPlan): RunFile['inputs'] {
  return used.map((input) => {
    const planned = plan.inputs.find((p) => p.name === input.name);
    // An input the reader did not know (or whose rank it did not know) was sized by the runtime: every open dim is its guess.
    const sizedByRuntime = planned === undefined || planned.shape === null;
    const guessedDims = sizedByRuntime
      ? (input.declaredShape ?? []).flatMap((dim, index) =>
          isSymbolicDim(dim) ? [{ index, name: sharedDimName(dim, index), value: input.shape[index] ?? 1 }] : [],
        )
      : guessedDimsOf(planned);
    return {
      name: input.name,
      dtype: input.dtype,
      shape: input.shape,
      fill: input.fill.kind === 'constant' ? `constant ${input.fill.value}` : 'random',
      declaredShape: input.declaredShape,
      guessedDims,
      rankGuessed: input.declaredShape === null && (planned === undefined || planned.rankGuessed),
    };
  });
}

/**
 * The message for a first inference that failed: the runtime's own words, then which flags
 * would change the generated inputs. The suggested --shape flags give one size per named dim
 * across all inputs, so following them never makes two inputs disagree.
 */
export function inputsRejectedMessage(runtimeMessage: string, used: InputUsed[], settings: BenchSettings, runtime: RuntimeName = 'onnxruntime'): WordedMessage {
  const label = RUNTIME_LABELS[runtime];
  const words = runtimeMessage.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const inputs = used.map((input) => ({ name: input.name, dtype: input.dtype, shape: input.declaredShape }));
  const plan = planModelInputs(inputs, givenOf(settings));
  const scalars = plan.inputs.filter((input) => input.shape?.length === 0 && input.value === null && INTEGER_DTYPES.has(input.dtype));
  const such = scalars.length === 0 ? '' : ` (such as the integer scalar${scalars.length === 1 ? '' : 's'} ${scalars.map((input) => `'${input.name}'`).join(', ')})`;
  const valueHint = worded`${remedy('value', 'NAME=N')} for inputs that must hold a specific value${such}`;
  const guessed = used.filter((input) => {
    const planned = plan.inputs.find((p) => p.name === input.name);
    return planned !== undefined && (planned.rankGuessed || planned.dims.some((dim) => dim.source === 'guessed'));
  });
  if (guessed.length === 0) {
    return worded`${label} rejected the inputs: ${words}. The inputs were filled with random values; ${say('pass', 'set')} ${valueHint}, and ${say('', 'the sizes under ')}${remedy('shape', 'NAME=DIMS')} for inputs whose sizes matter.`;
  }
  const described = guessed.map((input) => {
    const declared = input.declaredShape;
    const dims = declared === null ? 'an unknown rank' : `symbolic dims [${declared.filter((d) => isSymbolicDim(d)).map((d) => d ?? '?').join(', ')}]`;
    return `Input '${input.name}' has ${dims}, which ran as ${formatSizes(input.shape)}`;
  });
  const examples = exampleShapes(plan);
  const flags = guessed.flatMap((input) => {
    const example = examples.get(input.name);
    return example === undefined ? [] : [remedy('shape', `${input.name}=${formatSizes(example)}`)];
  });
  const suggestion = flags.length > 0 ? worded`${say('pass', 'set')} the sizes the model expects, e.g. ${joinWorded(flags, say(' ', ', '))}` : worded`${say('pass', 'set')} the sizes the model expects ${say('with', 'under')} ${remedy('shape', 'NAME=DIMS')}`;
  return worded`${label} rejected the inputs: ${words}. ${described.join('; ')}; ${suggestion}, and ${valueHint}.`;
}

/** Structured context for an input problem, so a front-end can point at the field. */
function problemContext(problem: InputProblem): Record<string, string> {
  const flag = problem.kind === 'unknown-dim' ? '--dim' : problem.kind === 'not-integer' || (problem.kind === 'unknown-input' && problem.via === 'value') ? '--value' : '--shape';
  const context: Record<string, string> = { flag, problem: problem.kind };
  if ('input' in problem) context.input = problem.input;
  if ('dim' in problem) context.dim = problem.dim;
  if ('level' in problem) context.level = problem.level;
  return context;
}

/** "500 ms", "10 s", "2.5 s". */
function ms(value: number): string {
  return value < 1000 ? `${value} ms` : `${value / 1000} s`;
}

/** A time setting's value after its name: `--max-time 1 s` in the CLI, "the Max time (ms) field (1000 ms)" in the studio, whose field is in ms. */
function valueOf(valueMs: number): PhraseSlot {
  return say(` ${ms(valueMs)}`, ` (${valueMs} ms)`);
}

function badInput(message: string | WordedMessage, flag: string): StudioError {
  return new StudioError('BAD_INPUT', message, { flag });
}

/**
 * A run file's inputs and what assessRun needs to know about guesses, from the inputs the runner
 * built: the plan is made again from the same settings (it is deterministic), so callers need not
 * carry it through every phase.
 */
export function runInputsOf(
  inputsInfo: InputsInfo,
  settings: BenchSettings,
  used: readonly InputUsed[],
): { inputs: RunFile['inputs']; guessedInputs: { inputs: GuessedInput[]; suggestedFlags: string[] } } {
  const inputs = describeInputs(used, planModelInputs(inputsInfo, givenOf(settings)));
  const guessed = guessedInputsOfRun(inputs);
  const declared = used.map((input) => ({ name: input.name, dtype: input.dtype, shape: input.declaredShape }));
  const suggestedFlags = guessed.length === 0 ? [] : suggestedShapeFlags(declared, givenOf(settings));
  return { inputs, guessedInputs: { inputs: guessed, suggestedFlags } };
}

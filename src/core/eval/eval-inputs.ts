/**
 * What every input of a model gets in an evaluation, decided before any runner starts:
 *
 * - a dataset with one array per model input (an .npz imported so: manifest.arrays) feeds every
 *   input it has an array for, and that wins over any saved value;
 * - otherwise the dataset's samples go to the one input they fit (the model's only input, or, for a
 *   model with several, the first input in model order that has no value and whose shape they fit);
 * - every other input takes a constant: its value (--value, or the value saved with the model), or
 *   zeros when its size was given (--shape / --dim, or saved), e.g. silero VAD's `sr` = 16000 and its
 *   `state` = zeros [2,1,128];
 * - an input with neither is refused in one sentence naming it and where to give it.
 *
 * Sizes and values come from the command's flags over those saved with the model, merged as every
 * benchmark merges them (input-plan.ts), so an evaluation feeds what the benchmarks ran. A model with
 * several inputs runs at the batch its other inputs are sized for (the dataset input's planned first
 * dim), since a state input such as silero's [2, batch, 128] fixes it.
 */
import { StudioError } from '../../shared/errors';
import { INPUT_SIZES_FIELD, describeGuessedDims, givenAsFlags, inputProblemMessage, type FrontEnd } from '../../shared/input-messages';
import {
  exampleShapes,
  formatDeclaredShape,
  formatSizes,
  guessedDimsOf,
  mergeGivenInputs,
  planModelInputs,
  sharedDimName,
  type PlannedInput,
} from '../../shared/input-plan';
import type { ModelInfo } from '../../shared/model-info';
import { NO_GIVEN_INPUTS, isEmptyGivenInputs, type GivenInputs } from '../../shared/model-inputs';
import type { SavedInputsForRun } from '../bench/bench-inputs';
import { isImageShape, readDatasetManifest } from '../datasets/dataset-manifest';
import type { Layout } from '../../shared/preprocessing';
import { formatDims, loadDatasetTensors, type ModelDim } from '../datasets/load-dataset';
import type { EvalFeed } from '../runner/protocol';
import { fitArray } from './eval-arrays';

export interface EvalInputsModel {
  name: string;
  info: ModelInfo;
  /** How commands name the model (`edgebench inputs set REF`): the file as given on the CLI; default the name. */
  ref?: string;
  /** Sizes and values saved with the model; null or absent: none. */
  savedInputs?: SavedInputsForRun | null;
}

export interface EvalInputsContext {
  datasetDir: string;
  layout?: Layout;
  /** The command's --shape / --dim / --value, over the saved ones; each model takes the entries that name its inputs and dims. */
  flags?: GivenInputs;
  frontEnd: FrontEnd;
}

export interface EvalInputPlan {
  /** One per model input, in model order. */
  feeds: EvalFeed[];
  /** The input that takes the dataset's samples. */
  datasetInput: string;
  /** Samples per inference when the model has several inputs (their sizes fix it); null: the model's only input batches freely. */
  batch: number | null;
  /** What each input was fed, for the result's notes; empty for a model with one input. */
  notes: string[];
}

/** Plans one model's inputs; throws BAD_INPUT (one sentence) for anything an evaluation cannot feed. */
export async function planEvalInputs(model: EvalInputsModel, ctx: EvalInputsContext): Promise<EvalInputPlan> {
  const inputs = model.info.inputs;
  const flags = flagsFor(model.info, ctx.flags ?? NO_GIVEN_INPUTS);
  const saved: GivenInputs | null = model.savedInputs ? { shapes: model.savedInputs.shapes, dims: model.savedInputs.dims, values: model.savedInputs.values } : null;
  const messageBase = { frontEnd: ctx.frontEnd, model: model.ref ?? model.name, inputs };
  // Saved sizes that no longer fit the model (a hand edit) are named as saved ones.
  const savedProblem = saved === null ? undefined : planModelInputs(inputs, saved, 'saved').problems.find((problem) => 'level' in problem);
  if (savedProblem !== undefined) throw new StudioError('BAD_INPUT', inputProblemMessage(savedProblem, messageBase), { model: model.name, problem: savedProblem.kind });
  const given = mergeGivenInputs(inputs, flags, saved);
  const plan = planModelInputs(inputs, given);
  const messageContext = { ...messageBase, given };
  // Wrong names and sizes are refused as a benchmark refuses them. An image's open sides are the dataset's to give.
  const wrong = plan.problems.find((problem) => 'level' in problem || (problem.kind === 'too-large' && inputs.length > 1));
  if (wrong !== undefined) throw new StudioError('BAD_INPUT', inputProblemMessage(wrong, messageContext), { model: model.name, problem: wrong.kind });

  const manifest = await readDatasetManifest(ctx.datasetDir);
  const arrays = manifest.arrays ?? [];
  // A dataset of named arrays feeds every input it has an array for; otherwise its samples go to the one input they fit.
  const dataset = arrays.length > 0 ? null : await chooseDatasetInput(model, plan.inputs, given, saved, ctx);
  if (dataset !== null && inputs.length <= 1) return { feeds: [{ name: dataset.name, from: 'dataset' }], datasetInput: dataset.name, batch: null, notes: [] };
  const ref = model.ref ?? model.name;
  const listed = arrays.map((array) => `'${array.name}'`).join(', ');
  if (dataset === null && !inputs.some((input) => arrays.some((array) => array.name === input.name))) {
    throw new StudioError(
      'BAD_INPUT',
      `None of the arrays of the dataset '${manifest.name}' (${listed}) is named after an input of '${ref}' (${inputs.map((input) => `'${input.name}'`).join(', ')}); name each array after the input it feeds, or choose a dataset made for this model.`,
      { model: model.name, dataset: manifest.name },
    );
  }

  const feeds: EvalFeed[] = [];
  const said: string[] = [];
  for (const input of plan.inputs) {
    const array = arrays.find((candidate) => candidate.name === input.name);
    if (array !== undefined) {
      const fit = fitArray(array, input.declaredShape, manifest.samples);
      if ('problem' in fit) throw new StudioError('BAD_INPUT', `Input '${input.name}' of '${ref}' cannot be fed from the dataset '${manifest.name}': ${fit.problem}.`, { model: model.name, input: input.name });
      feeds.push({ name: input.name, from: 'array' });
      said.push(`'${input.name}' ← the dataset's array '${array.name}'`);
      continue;
    }
    if (input.name === dataset?.name) {
      feeds.push({ name: input.name, from: 'dataset' });
      said.push(`'${input.name}' ← the dataset's samples`);
      continue;
    }
    const sized = sizeGiven(input, given);
    if ((input.value === null && !sized) || input.shape === null) {
      const source = dataset !== null ? `no samples from the dataset (they go to '${dataset.name}')` : `no array from the dataset (its arrays: ${listed})`;
      throw unfedInput(model, input, source, plan.inputs, ctx.frontEnd);
    }
    feeds.push({ name: input.name, from: 'constant', shape: input.shape, value: input.value ?? 0 });
    said.push(input.value !== null ? `'${input.name}' ← ${input.value} (${valueOrigin(input, flags)})` : `'${input.name}' ← zeros ${formatDeclaredShape(input.shape)} (${sizeOrigin(input, flags)})`);
  }
  const notes = [`Inputs fed: ${said.join(', ')}.`];
  const constantsWithValues = plan.inputs.filter((input) => feeds.some((feed) => feed.name === input.name && feed.from === 'constant') && input.value !== null);
  const guessed = constantsWithValues.flatMap((input) => {
    const dims = guessedDimsOf(input);
    return dims.length === 0 ? [] : [{ input: input.name, dims, rankGuessed: false }];
  });
  if (guessed.length > 0) notes.push(`Sizes nobody gave ran as 1: ${describeGuessedDims(guessed)}.`);
  if (dataset === null) {
    // Arrays are fed one sample per inference: a sample may be a whole input (a state of [2, 1, 128]).
    return { feeds, datasetInput: feeds.find((feed) => feed.from === 'array')?.name ?? '', batch: 1, notes };
  }
  const first = dataset.dims[0];
  const batch = first === undefined || first.source === 'model' ? null : first.value;
  return { feeds, datasetInput: dataset.name, batch, notes };
}

function valueOrigin(input: PlannedInput, flags: GivenInputs): string {
  return flags.values[input.name] !== undefined ? '--value' : 'saved with the model';
}

function sizeOrigin(input: PlannedInput, flags: GivenInputs): string {
  if (flags.shapes[input.name] !== undefined) return 'size from --shape';
  return input.dims.some((dim) => dim.name !== null && flags.dims[dim.name] !== undefined) ? 'size from --dim' : 'size saved with the model';
}

/** The flags that concern this model: a matrix of models shares one command line. */
function flagsFor(info: ModelInfo, flags: GivenInputs): GivenInputs {
  const names = new Set(info.inputs.map((input) => input.name));
  const dimNames = new Set(info.inputs.flatMap((input) => (input.shape ?? []).flatMap((dim, i) => sharedDimName(dim, i) ?? [])));
  const pick = <T>(record: Record<string, T>, keep: Set<string>): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([name]) => keep.has(name)));
  return { shapes: pick(flags.shapes, names), dims: pick(flags.dims, dimNames), values: pick(flags.values, names) };
}

/** A size was given for the input: a full shape, or every open dim sized by name (a fully fixed input needs its shape given). */
function sizeGiven(input: PlannedInput, given: GivenInputs): boolean {
  if (given.shapes[input.name] !== undefined) return true;
  const open = input.dims.filter((dim) => dim.source !== 'model');
  return open.length > 0 && open.every((dim) => dim.source === 'given');
}

/**
 * The input's shape as the samples must fit it: fixed and given sizes kept, the batch and guessed
 * dims left to the dataset. Messages show free dims by the model's names ("batch"), except where
 * given sizes are part of the shape: then a free dim is "?" beside them.
 */
function fitShape(input: PlannedInput): ModelDim[] | undefined {
  if (input.declaredShape === null) return undefined;
  const named = !hasGivenSizes(input);
  return input.dims.map((dim, i) => (dim.source === 'model' ? dim.value : i === 0 || dim.source === 'guessed' ? (named ? dim.declared : null) : dim.value));
}

/** Sizes given for dims past the batch: the samples must have them. */
function hasGivenSizes(input: PlannedInput): boolean {
  return input.dims.some((dim, i) => i > 0 && dim.source === 'given');
}

interface Fit {
  input: PlannedInput;
  error: StudioError | null;
}

async function tryFit(model: EvalInputsModel, input: PlannedInput, ctx: EvalInputsContext): Promise<Fit> {
  const guessed = await guessedWidening(model, input, ctx);
  if (guessed !== null) return { input, error: guessed };
  try {
    await loadDatasetTensors(ctx.datasetDir, { inputShape: fitShape(input), inputName: input.name, limit: 0, layout: ctx.layout });
    return { input, error: null };
  } catch (error) {
    // Only a shape mismatch is about this input; anything else (an unreadable dataset) is the evaluation's to report.
    if (error instanceof StudioError && error.context.datasetShape !== undefined) return { input, error };
    throw error;
  }
}

/**
 * A gray set whose recipe names no channel order is widened to RGB for a three-channel input at
 * load (loadDatasetTensors) — rightly so for a model whose own height and width are the samples'
 * (a 3×28×28 digit model). Where the model's height or width is open, the samples' own size would
 * fill it, so the fit is a guess on top of a guess (MNIST digits fed to PaddleOCR's page detector
 * ran into a broadcast error deep in the model): refused unless the dataset asks for RGB itself.
 * Returns the refusal, or null when the rule does not apply.
 */
async function guessedWidening(model: EvalInputsModel, input: PlannedInput, ctx: EvalInputsContext): Promise<StudioError | null> {
  const shape = fitShape(input);
  const perSample = shape?.slice(1) ?? [];
  if (perSample.length !== 3) return null;
  const manifest = await readDatasetManifest(ctx.datasetDir);
  const stored = manifest.sampleShape;
  if (!isImageShape(stored) || stored[0] !== 1 || manifest.preprocessing.channelOrder !== undefined || (manifest.arrays ?? []).length > 0) return null;
  const fixed = (dim: ModelDim | undefined): dim is number => typeof dim === 'number' && dim > 0;
  // Channels first unless the layout asked says otherwise: the model's 3 is where the channels go.
  const first = perSample[0] === 3 && ctx.layout !== 'NHWC';
  const last = perSample[2] === 3 && ctx.layout !== 'NCHW';
  if (!first && !last) return null;
  const sides = first ? perSample.slice(1) : perSample.slice(0, 2);
  if (sides.every(fixed)) return null;
  const shown = `[${(shape ?? []).map((dim) => (fixed(dim) ? String(dim) : '?')).join(',')}]`;
  const ref = model.ref ?? model.name;
  const resize = manifest.preprocessing.resize;
  const size = resize === undefined ? `${stored[2]}×${stored[1]}` : `${resize.width}×${resize.height}`;
  const fix =
    ctx.frontEnd === 'cli'
      ? `or re-import the dataset with --channel-order RGB if its images suit the model`
      : `or set the dataset's channel order to RGB under Preprocessing on the Datasets page if its images suit the model`;
  return new StudioError(
    'BAD_INPUT',
    `'${ref}' takes 3-channel images of any size ('${input.name}' ${shown}) and the dataset '${manifest.name}' holds 1-channel ${size} ones, which would fit only widened to RGB at their own size; choose a dataset made for this model, ${fix}.`,
    { model: model.name, dataset: manifest.name, input: input.name, datasetShape: formatDims(stored), inputShape: shown },
  );
}

async function chooseDatasetInput(
  model: EvalInputsModel,
  planned: PlannedInput[],
  given: GivenInputs,
  saved: GivenInputs | null,
  ctx: EvalInputsContext,
): Promise<PlannedInput> {
  const candidates = planned.length <= 1 ? planned : planned.filter((input) => input.value === null);
  if (candidates.length === 0) {
    const where = ctx.frontEnd === 'cli' ? 'drop the --value of the input the dataset is for' : `clear the value of the input the dataset is for under ${INPUT_SIZES_FIELD}`;
    throw new StudioError('BAD_INPUT', `Every input of '${model.ref ?? model.name}' has a constant value, so the dataset's samples have no input to go to; ${where}.`, { model: model.name });
  }
  const fits: Fit[] = [];
  for (const input of candidates) {
    const fit = await tryFit(model, input, ctx);
    if (fit.error === null) return input;
    fits.push(fit);
  }
  if (fits.length === 1) {
    const error = (fits[0] as Fit).error as StudioError;
    const input = (fits[0] as Fit).input;
    // Sizes the user gave made the samples not fit: say which, so the mismatch is not blamed on the dataset alone.
    const sizedBy = hasGivenSizes(input) ? sizesWord(saved) : null;
    const message = sizedBy === null ? error.message : `With the input sizes ${sizedBy} for '${model.name}' (${givenAsFlags(given)}): ${error.message}`;
    throw new StudioError('BAD_INPUT', message, { ...error.context, model: model.name });
  }
  const datasetShape = (fits[0] as Fit).error?.context.datasetShape ?? '?';
  const shapes = fits.map(({ input }) => `'${input.name}' ${formatDims(fitShape(input) ?? [])}`).join(', ');
  throw new StudioError(
    'BAD_INPUT',
    `The dataset's samples are ${datasetShape} and fit none of the inputs of '${model.ref ?? model.name}' that could take them (${shapes}); choose a dataset made for one of them, or re-import this one so its samples have that shape.`,
    { model: model.name, datasetShape },
  );
}

/** "saved" when sizes were saved with the model, else "given" (the command's flags alone gave them). */
function sizesWord(saved: GivenInputs | null): 'saved' | 'given' {
  return saved !== null && !isEmptyGivenInputs({ ...saved, values: {} }) ? 'saved' : 'given';
}

/** The one sentence for an input that gets neither samples nor a constant: what it is and where to give a value or size. */
function unfedInput(model: EvalInputsModel, input: PlannedInput, source: string, planned: PlannedInput[], frontEnd: FrontEnd): StudioError {
  const what = `Input '${input.name}' (${input.dtype} ${formatDeclaredShape(input.declaredShape)}) of '${model.ref ?? model.name}' gets ${source} and has no value or size`;
  const example = exampleShapes({ inputs: planned, problems: [] }).get(input.name);
  const sizes = example === undefined ? 'DIMS' : formatSizes(example);
  const ref = model.ref ?? model.name;
  const message =
    frontEnd === 'cli'
      ? `${what}, so an evaluation cannot feed it; save a value with 'edgebench inputs set ${ref} --value ${input.name}=N' (or a size, fed as zeros: --shape ${input.name}=${sizes}), or pass --value ${input.name}=N or --shape ${input.name}=${sizes} to edgebench eval.`
      : `${what}, so an evaluation cannot feed it; enter a value for it (or a size, fed as zeros) under ${INPUT_SIZES_FIELD}.`;
  return new StudioError('BAD_INPUT', message, { model: model.name, input: input.name, flag: '--value' });
}

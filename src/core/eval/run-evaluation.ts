/**
 * Accuracy and fidelity of several models on one dataset. Each model runs in its own runner
 * process (a runtime that crashes takes only its runner down); the runner reads the dataset,
 * this side reads only the labels, then computes every metric once all outputs are in, because
 * fidelity compares each model with the reference's outputs. Nothing is persisted here.
 */
import { basename } from 'node:path';
import { StudioError } from '../../shared/errors';
import { inputProblemMessage, type FrontEnd } from '../../shared/input-messages';
import { sharedDimName } from '../../shared/input-plan';
import type { ModelInfo } from '../../shared/model-info';
import type { GivenInputs } from '../../shared/model-inputs';
import type { RuntimeName } from '../../shared/run-schema';
import { RUNTIMES_FOR_FORMAT, RUNTIME_LABELS } from '../../shared/runtimes';
import { isLabeled, readDatasetManifest, type DatasetManifest, type Layout } from '../datasets/dataset-manifest';
import { readStoredLabels } from '../datasets/stored-dataset';
import type { SavedInputsForRun } from '../bench/bench-inputs';
import type { OutputsReply } from '../runner/protocol';
import { RunnerClient, type RunnerSpawner, type RunnerTimeouts } from '../runner/runner-client';
import { planEvalInputs, type EvalInputPlan } from './eval-inputs';
import { evaluationSummary, NO_SAMPLES_NOTE, type ClassAccuracy } from './metrics';

export interface EvalModel {
  name: string;
  /** The file a runtime loads (.onnx, .tflite, model.json). */
  path: string;
  info: ModelInfo;
  /** Default: the format's own runtime. */
  runtime?: RuntimeName;
  /** 'float' marks the default reference; e.g. 'int8-static' for a quantized variant. */
  variant?: string;
  /** Input sizes and values saved with the model (a variant: its float model's, as far as they fit); they feed inputs the dataset does not. */
  savedInputs?: SavedInputsForRun | null;
  /** How commands name the model in messages (`edgebench inputs set REF`): the file as given on the CLI; default `name`. */
  ref?: string;
}

export interface EvalOptions {
  spawner: RunnerSpawner;
  /** Index in `models` of the float model others are compared with; default the first whose variant is 'float'; null: none. */
  reference?: number | null;
  /** Only the first `limit` samples. */
  limit?: number;
  /** Where image channels go; default the dataset's, or whichever fits each model. */
  layout?: Layout;
  /** Samples per inference when a model's batch dim is free (a model with several inputs runs at the batch its other inputs are sized for). */
  batchSize?: number;
  /** The command's --shape / --dim / --value, over each model's saved ones (each model takes those naming its inputs). */
  given?: GivenInputs;
  /** Who words the refusals: flags for the CLI (default), the Models page's Input sizes for the UI. */
  frontEnd?: FrontEnd;
  signal?: AbortSignal;
  timeouts?: Partial<RunnerTimeouts>;
  onProgress?: (progress: EvalProgress) => void;
}

export interface EvalProgress {
  /** Index of the model in `models`. */
  index: number;
  model: string;
  phase: 'starting' | 'loading' | 'evaluating';
  /** Samples done and planned (0 and 0 before evaluating). */
  completed: number;
  total: number;
}

export interface EvalResult {
  model: string;
  runtime: RuntimeName;
  /** Samples evaluated. */
  samples: number;
  /** Fractions 0..1; null without labels or samples. */
  top1: number | null;
  top5: number | null;
  /** The k of top5: min(5, classes). */
  topK: number;
  /** The reference model's name; null when there is none. */
  reference: string | null;
  /** Against the reference; null for the reference itself and without one. */
  agreement: number | null;
  cosine: number | null;
  /** Null also when the outputs equal the reference's (infinite SQNR): then agreement is 1. */
  sqnrDb: number | null;
  maxAbsError: number | null;
  /** The output compared and the values per sample. */
  outputName: string;
  width: number;
  /** How the samples were fed: layout and one inference's input shape. */
  layout: Layout;
  inputShape: number[];
  inferMs: number;
  /** Sentences for the user, e.g. why accuracy or fidelity is missing. */
  notes: string[];
  perClass: ClassAccuracy[] | null;
  /** counts[true class][predicted class]; null without labels. */
  confusion: number[][] | null;
}

export async function evaluateModels(models: EvalModel[], dataset: { dir: string }, opts: EvalOptions): Promise<EvalResult[]> {
  if (models.length === 0) throw new StudioError('BAD_INPUT', 'No models were given to evaluate; pass at least one model.');
  const reference = referenceIndex(models, opts.reference);
  const runtimes = models.map(runtimeFor);
  const manifest = await readDatasetManifest(dataset.dir);
  // Every model's inputs are planned before any runner starts: an input nothing can feed is refused at once.
  checkFlagsNameSomething(models, opts);
  const plans: EvalInputPlan[] = [];
  for (const model of models) {
    plans.push(await planEvalInputs(model, { datasetDir: dataset.dir, layout: opts.layout, flags: opts.given, frontEnd: opts.frontEnd ?? 'cli' }).catch((error: unknown) => Promise.reject(withModel(error, model))));
  }
  const count = Math.min(manifest.samples, opts.limit ?? manifest.samples);
  if (count === 0) return models.map((model, i) => emptyResult(model, runtimes[i] as RuntimeName, reference === null ? null : (models[reference]?.name ?? null)));
  const labels = isLabeled(manifest) ? await readStoredLabels(dataset.dir, manifest, count) : null;

  const outputs: OutputsReply[] = [];
  for (const [index, model] of models.entries()) {
    outputs.push(await evaluateOne(model, runtimes[index] as RuntimeName, index, dataset.dir, plans[index] as EvalInputPlan, opts));
  }
  const referenceOutputs = reference === null ? null : (outputs[reference] as OutputsReply);
  return models.map((model, index) => {
    const result = summarize(model, runtimes[index] as RuntimeName, outputs[index] as OutputsReply, {
      manifest,
      labels,
      reference: index === reference || reference === null ? null : { name: (models[reference] as EvalModel).name, outputs: referenceOutputs as OutputsReply },
      isReference: index === reference,
    });
    return { ...result, notes: [...result.notes, ...feedNotes(plans[index] as EvalInputPlan, opts.batchSize)] };
  });
}

/** A --shape, --dim or --value that names no input (or dim) of any model evaluated is a typo: refused, as bench refuses it. */
function checkFlagsNameSomething(models: EvalModel[], opts: EvalOptions): void {
  const given = opts.given;
  if (given === undefined) return;
  const inputs = models.flatMap((model) => model.info.inputs);
  const names = new Set(inputs.map((input) => input.name));
  const dims = new Set(inputs.flatMap((input) => (input.shape ?? []).flatMap((dim, i) => sharedDimName(dim, i) ?? [])));
  const context = { frontEnd: opts.frontEnd ?? 'cli', model: models[0]?.ref ?? models[0]?.name ?? 'this model', inputs };
  for (const via of ['shape', 'value'] as const) {
    const record = via === 'shape' ? given.shapes : given.values;
    for (const [input, value] of Object.entries(record)) {
      if (names.has(input)) continue;
      const shown = Array.isArray(value) ? value.join('x') : String(value);
      throw new StudioError('BAD_INPUT', inputProblemMessage({ kind: 'unknown-input', level: 'flags', via, input, given: shown }, context), { flag: `--${via}`, input });
    }
  }
  for (const [dim, size] of Object.entries(given.dims)) {
    if (!dims.has(dim)) throw new StudioError('BAD_INPUT', inputProblemMessage({ kind: 'unknown-dim', level: 'flags', dim, size }, context), { flag: '--dim', dim });
  }
}

/** What the inputs were fed, and when the asked-for batch could not apply. */
function feedNotes(plan: EvalInputPlan, batchSize: number | undefined): string[] {
  if (plan.batch === null || batchSize === undefined || batchSize === plan.batch) return plan.notes;
  return [...plan.notes, `Ran ${plan.batch} sample${plan.batch === 1 ? '' : 's'} per inference, not ${batchSize}: the model's other inputs are sized for that batch.`];
}

function referenceIndex(models: EvalModel[], given: number | null | undefined): number | null {
  if (given === null) return null;
  if (given === undefined) {
    const float = models.findIndex((model) => model.variant === 'float');
    return float < 0 ? null : float;
  }
  if (!Number.isInteger(given) || given < 0 || given >= models.length) {
    throw new StudioError('BAD_INPUT', `The reference model index ${given} is not one of the ${models.length} models given (0..${models.length - 1}).`, {
      reference: String(given),
    });
  }
  return given;
}

function runtimeFor(model: EvalModel): RuntimeName {
  const able = RUNTIMES_FOR_FORMAT[model.info.format];
  const runtime = model.runtime ?? (able[0] as RuntimeName);
  if (!able.includes(runtime)) {
    throw new StudioError('BAD_INPUT', `${RUNTIME_LABELS[runtime]} cannot load '${model.name}' (a ${model.info.format} model); it can be run by: ${able.join(', ')}.`, {
      model: model.name,
      runtime,
    });
  }
  return runtime;
}

/** One model in its own runner: hello, load, evaluate, bye. Errors name the model. */
async function evaluateOne(model: EvalModel, runtime: RuntimeName, index: number, datasetDir: string, plan: EvalInputPlan, opts: EvalOptions): Promise<OutputsReply> {
  const report = (phase: EvalProgress['phase'], completed = 0, total = 0): void => opts.onProgress?.({ index, model: model.name, phase, completed, total });
  report('starting');
  const client = RunnerClient.start(opts.spawner, { signal: opts.signal, timeouts: opts.timeouts });
  try {
    const hello = await client.hello();
    if (hello.runtimes[runtime] === undefined) {
      const why = hello.unavailable[runtime] ?? 'the runner does not offer it';
      throw new StudioError('RUNTIME', `${RUNTIME_LABELS[runtime]} cannot run on this computer: ${why.replace(/\.$/, '')}.`, { runtime, model: model.name });
    }
    report('loading');
    await client.load({ modelPath: model.path, runtime, threads: 0, inputs: [] });
    const batchSize = plan.batch ?? opts.batchSize;
    const outputs = await client.evaluate({ datasetDir, layout: opts.layout, limit: opts.limit, batchSize, feeds: plan.feeds }, (p) =>
      report('evaluating', p.completed, p.total),
    );
    await client.bye();
    return outputs;
  } catch (error) {
    throw withModel(error, model);
  } finally {
    await client.close();
  }
}

/** Prefixes the model's name to a runner's error, unless the message already names its file. */
function withModel(error: unknown, model: EvalModel): unknown {
  if (!(error instanceof StudioError) || error.code === 'CANCELLED') return error;
  const file = basename(model.path);
  const message = error.message.includes(file) || error.message.includes(`'${model.name}'`) ? error.message : `Evaluating '${model.name}': ${error.message}`;
  const context: Record<string, string> = { ...error.context, model: model.name, file: model.path };
  // A dataset that does not fit is about the user's input; the runtime's log lines would only distract.
  if (error.code === 'BAD_INPUT') delete context.runnerLog;
  return new StudioError(error.code, message, context);
}

interface SummaryContext {
  manifest: DatasetManifest;
  labels: Int32Array | null;
  reference: { name: string; outputs: OutputsReply } | null;
  isReference: boolean;
}

function summarize(model: EvalModel, runtime: RuntimeName, out: OutputsReply, ctx: SummaryContext): EvalResult {
  const notes: string[] = [];
  let reference = ctx.reference?.outputs.values;
  if (ctx.reference && ctx.reference.outputs.width !== out.width) {
    notes.push(
      `'${model.name}' gives ${out.width} values per sample but the reference '${ctx.reference.name}' gives ${ctx.reference.outputs.width}, so fidelity cannot be compared; choose a reference with the same outputs.`,
    );
    reference = undefined;
  }
  const summary = evaluationSummary({ outputs: out.values, width: out.width, labels: ctx.labels, classes: ctx.manifest.classes, reference });
  if (ctx.isReference) notes.push('This is the reference: the other models are compared with its outputs.');
  const fidelity = summary.fidelity;
  return {
    model: model.name,
    runtime,
    samples: summary.samples,
    top1: summary.top1,
    top5: summary.top5,
    topK: summary.topK,
    reference: ctx.isReference ? model.name : (ctx.reference?.name ?? null),
    agreement: fidelity?.agreement ?? null,
    cosine: fidelity?.cosine ?? null,
    sqnrDb: fidelity?.sqnrDb ?? null,
    maxAbsError: fidelity?.maxAbsError ?? null,
    outputName: out.outputName,
    width: out.width,
    layout: out.layout,
    inputShape: out.inputShape,
    inferMs: out.inferMs,
    notes: [...summary.notes, ...notes],
    perClass: summary.perClass,
    confusion: summary.confusion,
  };
}

/** Nothing to run: every metric is null and the note says why. */
function emptyResult(model: EvalModel, runtime: RuntimeName, reference: string | null): EvalResult {
  return {
    model: model.name,
    runtime,
    samples: 0,
    top1: null,
    top5: null,
    topK: 0,
    reference,
    agreement: null,
    cosine: null,
    sqnrDb: null,
    maxAbsError: null,
    outputName: model.info.outputs[0]?.name ?? '',
    width: 0,
    layout: 'NCHW',
    inputShape: [],
    inferMs: 0,
    notes: [NO_SAMPLES_NOTE],
    perClass: null,
    confusion: null,
  };
}

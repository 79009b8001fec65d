/**
 * Accuracy and fidelity of several models on one dataset. Each model runs in its own runner
 * process (a runtime that crashes takes only its runner down); the runner reads the dataset,
 * this side reads only the labels, then computes every metric once all outputs are in, because
 * fidelity compares each model with the reference's outputs. Nothing is persisted here.
 */
import { StudioError } from '../../shared/errors';
import { inputProblemMessage, type FrontEnd } from '../../shared/input-messages';
import { sharedDimName } from '../../shared/input-plan';
import type { ModelInfo } from '../../shared/model-info';
import type { GivenInputs } from '../../shared/model-inputs';
import type { RuntimeName } from '../../shared/run-schema';
import { RUNTIME_LABELS } from '../../shared/runtimes';
import { isLabeled, readDatasetManifest, type DatasetManifest } from '../datasets/dataset-manifest';
import type { Layout } from '../../shared/preprocessing';
import { readStoredLabels } from '../datasets/stored-dataset';
import type { SavedInputsForRun } from '../bench/bench-inputs';
import type { OutputsReply } from '../runner/protocol';
import { RunnerClient, type RunnerSpawner, type RunnerTimeouts } from '../runner/runner-client';
import type { EvalInputPlan } from './eval-inputs';
import { asSkipReason, checkEvalReadiness, withModel } from './eval-readiness';
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

/** A model that was not evaluated, and why: `error.message` is one sentence naming it and what to do. */
export interface SkippedModel {
  /** Index of the model in `models`. */
  index: number;
  model: string;
  error: StudioError;
}

export interface EvalOutcome {
  /** One per model evaluated, in the order given; `index` is the model's in `models`. */
  evaluated: Array<{ index: number; result: EvalResult }>;
  skipped: SkippedModel[];
}

/**
 * Every model or none: the first model the dataset does not fit is refused before any runner
 * starts, and the first that fails in its runner stops the rest. Results in the order given.
 */
export async function evaluateModels(models: EvalModel[], dataset: { dir: string }, opts: EvalOptions): Promise<EvalResult[]> {
  const outcome = await evaluate(models, dataset, opts, 'all');
  return outcome.evaluated.map((entry) => entry.result);
}

/**
 * The models that can take the dataset, each in its own runner; the others are skipped with the
 * reason (checkEvalReadiness, the check the studio ticks models by), as is a model whose runner
 * fails, so one model never stops the rest. When nothing could be evaluated, the first model's
 * reason is thrown. A cancel stops everything.
 */
export async function evaluateModelsThatFit(models: EvalModel[], dataset: { dir: string }, opts: EvalOptions): Promise<EvalOutcome> {
  const outcome = await evaluate(models, dataset, opts, 'what-fits');
  const first = outcome.skipped[0];
  if (outcome.evaluated.length === 0 && first !== undefined) throw first.error;
  return outcome;
}

async function evaluate(models: EvalModel[], dataset: { dir: string }, opts: EvalOptions, mode: 'all' | 'what-fits'): Promise<EvalOutcome> {
  if (models.length === 0) throw new StudioError('BAD_INPUT', 'No models were given to evaluate; pass at least one model.');
  const asked = referenceIndex(models, opts.reference);
  const manifest = await readDatasetManifest(dataset.dir);
  // Every model's inputs are checked before any runner starts: an input nothing can feed is refused (or skipped) at once.
  checkFlagsNameSomething(models, opts);
  const skipped: SkippedModel[] = [];
  const ready: Array<{ index: number; runtime: RuntimeName; plan: EvalInputPlan }> = [];
  for (const [index, model] of models.entries()) {
    const readiness = await checkEvalReadiness(model, dataset.dir, { layout: opts.layout, given: opts.given, frontEnd: opts.frontEnd ?? 'cli' });
    if (readiness.ok) ready.push({ index, runtime: readiness.runtime, plan: readiness.plan });
    else if (mode === 'all') throw readiness.error;
    else skipped.push({ index, model: model.name, error: readiness.error });
  }
  const count = Math.min(manifest.samples, opts.limit ?? manifest.samples);
  const referenceName = asked === null ? null : ((models[asked] as EvalModel).name ?? null);
  if (count === 0) return { evaluated: ready.map(({ index, runtime }) => ({ index, result: emptyResult(models[index] as EvalModel, runtime, referenceName) })), skipped };
  const labels = isLabeled(manifest) ? await readStoredLabels(dataset.dir, manifest, count) : null;

  const outputs = new Map<number, EvaluatedOutputs>();
  for (const { index, runtime, plan } of ready) {
    const model = models[index] as EvalModel;
    try {
      outputs.set(index, await evaluateOne(model, runtime, index, dataset.dir, plan, opts));
    } catch (error) {
      if (mode === 'all' || !(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
      skipped.push({ index, model: model.name, error: asSkipReason(error, model, opts.frontEnd ?? 'cli') });
    }
  }
  skipped.sort((a, b) => a.index - b.index);
  // A reference that could not be evaluated leaves the others without fidelity, and says so.
  const reference = asked !== null && outputs.has(asked) ? asked : null;
  const referenceOutputs = reference === null ? null : (outputs.get(reference) as OutputsReply);
  const referenceGone = asked !== null && reference === null ? [`The reference '${referenceName}' could not be evaluated, so fidelity was not compared.`] : [];
  const evaluated = ready.flatMap(({ index, runtime, plan }) => {
    const out = outputs.get(index);
    if (out === undefined) return [];
    const model = models[index] as EvalModel;
    const result = summarize(model, runtime, out, {
      manifest,
      labels,
      reference: index === reference || reference === null || referenceOutputs === null ? null : { name: (models[reference] as EvalModel).name, outputs: referenceOutputs },
      isReference: index === reference,
    });
    return [{ index, result: { ...result, notes: [...result.notes, ...(out.loadNotes ?? []), ...referenceGone, ...feedNotes(plan, opts.batchSize)] } }];
  });
  return { evaluated, skipped };
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

/** A model's outputs, with what the runtime said about how it loaded the model (LiteRT.js's int8 I/O adapter), if anything. */
export type EvaluatedOutputs = OutputsReply & { loadNotes?: string[] };

/** One model in its own runner: hello, load, evaluate, bye. Errors name the model. (Also the network format check's: src/core/jobs/network-jobs.ts.) */
export async function evaluateOne(model: EvalModel, runtime: RuntimeName, index: number, datasetDir: string, plan: EvalInputPlan, opts: EvalOptions): Promise<EvaluatedOutputs> {
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
    const loaded = await client.load({ modelPath: model.path, runtime, threads: 0, inputs: [] });
    const batchSize = plan.batch ?? opts.batchSize;
    const outputs = await client.evaluate({ datasetDir, layout: opts.layout, limit: opts.limit, batchSize, feeds: plan.feeds }, (p) =>
      report('evaluating', p.completed, p.total),
    );
    await client.bye();
    return loaded.notes !== undefined && loaded.notes.length > 0 ? { ...outputs, loadNotes: loaded.notes } : outputs;
  } catch (error) {
    throw withModel(error, model);
  } finally {
    await client.close();
  }
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

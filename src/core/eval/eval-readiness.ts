/**
 * Whether a model can take a dataset, decided before any runner starts: its format has a runtime
 * that evaluates it, and every input can be fed (the samples fit one input, the others have a
 * value or a size: eval-inputs.ts). One check serves the studio's default ticks on the Accuracy
 * page (evals.check) and the engine, which skips what this refuses and evaluates the rest.
 */
import { basename } from 'node:path';
import { StudioError } from '../../shared/errors';
import { INPUT_SIZES_FIELD, type FrontEnd } from '../../shared/input-messages';
import type { ModelInfo } from '../../shared/model-info';
import type { GivenInputs } from '../../shared/model-inputs';
import type { RuntimeName } from '../../shared/run-schema';
import { RUNTIMES_FOR_FORMAT, RUNTIME_LABELS } from '../../shared/runtimes';
import type { SavedInputsForRun } from '../bench/bench-inputs';
import type { Layout } from '../../shared/preprocessing';
import { planEvalInputs, type EvalInputPlan } from './eval-inputs';

/** What the check needs of a model (run-evaluation.ts's EvalModel has these and its path). */
export interface ReadinessModel {
  name: string;
  /** The file a runtime loads; messages that already name it are not prefixed with the model's name. */
  path: string;
  info: ModelInfo;
  /** Default: the format's own runtime. */
  runtime?: RuntimeName;
  savedInputs?: SavedInputsForRun | null;
  /** How commands name the model in messages: the file as given on the CLI; default `name`. */
  ref?: string;
}

export interface ReadinessOptions {
  layout?: Layout;
  given?: GivenInputs;
  /** Who words the reasons: flags for the CLI, the Models page's Input sizes for the UI. */
  frontEnd: FrontEnd;
}

export type EvalReadiness =
  | { ok: true; runtime: RuntimeName; plan: EvalInputPlan }
  /** `error.message` is the reason, one sentence naming the model and what to do. */
  | { ok: false; error: StudioError };

/**
 * Whether `model` can be evaluated on the dataset in `datasetDir`. A model the dataset does not fit
 * (shape, channels, layout, an input nothing feeds) or whose format no runtime evaluates is refused
 * with the reason; a dataset that cannot be read at all is an error of the evaluation, thrown.
 */
export async function checkEvalReadiness(model: ReadinessModel, datasetDir: string, opts: ReadinessOptions): Promise<EvalReadiness> {
  try {
    const runtime = runtimeFor(model);
    const plan = await planEvalInputs(model, { datasetDir, layout: opts.layout, flags: opts.given, frontEnd: opts.frontEnd });
    return { ok: true, runtime, plan };
  } catch (error) {
    if (error instanceof StudioError && error.code === 'BAD_INPUT' && error.context.model !== undefined) return { ok: false, error: withModel(error, model) as StudioError };
    throw withModel(error, model);
  }
}

function runtimeFor(model: ReadinessModel): RuntimeName {
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

/** Prefixes the model's name to an error, unless the message already names its file or the model. */
export function withModel(error: unknown, model: Pick<ReadinessModel, 'name' | 'path'>): unknown {
  if (!(error instanceof StudioError) || error.code === 'CANCELLED') return error;
  const file = basename(model.path);
  const message = error.message.includes(file) || error.message.includes(`'${model.name}'`) ? error.message : `Evaluating '${model.name}': ${error.message}`;
  const context: Record<string, string> = { ...error.context, model: model.name, file: model.path };
  // A dataset that does not fit is about the user's input; the runtime's log lines would only distract.
  if (error.code === 'BAD_INPUT') delete context.runnerLog;
  return new StudioError(error.code, message, context);
}

/**
 * A model whose runtime failed on the samples (its shapes passed the check, but the graph refused
 * them: PaddleOCR's detector on 28×28 digits breaks a broadcast, since its sides must be multiples
 * of 32) is skipped with one sentence naming the node, not the runtime's source-file dump; the
 * runtime's own words stay in the error's context for the log. Other errors are returned as they are.
 */
export function asSkipReason(error: StudioError, model: Pick<ReadinessModel, 'name' | 'path'>, frontEnd: FrontEnd): StudioError {
  const failed = /The model failed on samples \d+\.\.\d+ \(inputs ([^)]*)\): ([\s\S]*)$/.exec(error.message);
  if (failed === null) return error;
  const [, inputs, detail] = failed as unknown as [string, string, string];
  const node = /running (\w+) node\. Name:'([^']+)'/.exec(detail);
  const where = node === null ? '' : ` at its ${node[1]} node '${node[2]}'`;
  const sizes = frontEnd === 'cli' ? "the sizes it takes (edgebench inputs set)" : `the sizes it takes (${INPUT_SIZES_FIELD})`;
  return new StudioError(
    error.code,
    `'${model.name}' failed on the dataset's samples (${inputs})${where}, so it was skipped: it likely needs other image sizes or channels; choose a dataset made for it, or check ${sizes}.`,
    { ...error.context, model: model.name, runtimeMessage: detail.trim() },
  );
}

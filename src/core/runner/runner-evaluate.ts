/**
 * The runner's `evaluate`: reads a stored dataset, fits it to the input it feeds (the model's only
 * input, or the one the request's feeds name, the others taking the constants the feeds give), and
 * runs every sample, batching when the model's batch dim is free, one declared batch at a time
 * otherwise (the last batch padded, its padding's outputs dropped). With constants the batch is
 * the request's (the constants are sized for it), so every batch is padded to it. A dataset of
 * named arrays (one per model input) feeds each input its own array (eval/eval-arrays.ts).
 */
import { StudioError, type WordedMessage } from '../../shared/errors';
import { say, worded } from '../../shared/remedies';
import type { DatasetTensors } from '../datasets/load-dataset';
import { DEFAULT_EVAL_BATCH, MAX_EVAL_OUTPUT_VALUES, type EvalFeed, type EvaluateRequest, type InputUsed, type OutputsReply, type RunnerErrorCode } from './protocol';
import { arrayRows, fitArray, type ArrayFit, type ArrayValues } from '../eval/eval-arrays';
import type { FloatTensor, LoadedModel } from './runtimes/index';

/** Called after every batch with the samples done so far; the caller decides when to tell the parent. */
export type EvaluateProgress = (completed: number, total: number) => void;

export async function evaluateDataset(model: LoadedModel, request: EvaluateRequest, onProgress: EvaluateProgress): Promise<Omit<OutputsReply, 'type'>> {
  const { input, constants, arrays } = feedsOf(model, request.feeds);
  const outputName = model.outputNames[0];
  if (outputName === undefined) throw failure('RUN_FAILED', 'The model declares no outputs, so there is nothing to evaluate.');

  const tensors = input === null ? null : quantizedForInput(model, input, await loadForInput(request, input));
  const fromArrays = arrays.length === 0 ? null : await loadArrays(request, arrays);
  const count = tensors?.count ?? fromArrays?.count ?? 0;
  // Constants and arrays are sized for the request's batch: every batch then has that many rows.
  const fixedBatch = (input === null ? null : fixedBatchOf(input)) ?? (constants.length > 0 || arrays.length > 0 ? (request.batchSize ?? 1) : null);
  const batch = fixedBatch ?? request.batchSize ?? DEFAULT_EVAL_BATCH;
  const constantFeeds: Record<string, FloatTensor> = Object.fromEntries(constants.map((c) => [c.name, constantTensor(c)]));
  const sampleSize = tensors === null ? 0 : tensors.batchShape.reduce((n, d) => n * d, 1);
  const firstArray = fromArrays?.inputs[0];
  const inputShape = tensors !== null ? [batch, ...tensors.batchShape] : firstArray !== undefined ? arrayRows(firstArray.values, firstArray.fit, 0, 0, batch).dims : [];
  const reply = { outputName, layout: tensors?.layout ?? ('NCHW' as const), inputShape, count };
  onProgress(0, count);
  if (count === 0) return { ...reply, width: 0, values: [], inferMs: 0 };

  let values: Float32Array | null = null;
  let width = 0;
  const startNs = process.hrtime.bigint();
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    // A fixed batch dim gets full batches: the last one is padded with zeros.
    const rows = fixedBatch ?? n;
    const feeds: Record<string, FloatTensor> = { ...constantFeeds };
    for (const array of fromArrays?.inputs ?? []) feeds[array.name] = arrayRows(array.values, array.fit, start, n, rows);
    if (input !== null && tensors !== null) {
      const data = new Float32Array(rows * sampleSize);
      data.set(tensors.data.subarray(start * sampleSize, (start + n) * sampleSize));
      feeds[input.name] = { dims: [rows, ...tensors.batchShape], data };
    }
    let output;
    try {
      const outputs = await model.infer(feeds);
      output = outputs[outputName];
    } catch (error) {
      if (error instanceof StudioError && error.context.runnerCode !== undefined) throw error;
      const shapes = Object.entries(feeds).map(([name, feed]) => `${name} ${formatShape(feed.dims)}`).join(', ');
      throw failure('RUN_FAILED', `The model failed on samples ${start}..${start + n - 1} (inputs ${shapes}): ${messageOf(error)}`);
    }
    if (output === undefined) throw failure('RUN_FAILED', `The model returned no output '${outputName}'.`);
    if (output.data.length % rows !== 0) {
      throw failure('RUN_FAILED', `Output '${outputName}' holds ${output.data.length} values for a batch of ${rows}; evaluation needs the batch as the output's first dim.`);
    }
    if (values === null) {
      width = output.data.length / rows;
      if (width * count > MAX_EVAL_OUTPUT_VALUES) {
        throw failure(
          'UNSUPPORTED',
          worded`${count} samples × ${width} output values exceed the ${MAX_EVAL_OUTPUT_VALUES} values one evaluation can return; evaluate at most ${Math.floor(MAX_EVAL_OUTPUT_VALUES / width)} samples (${say('--limit', 'the Samples field on the Accuracy page')}).`,
        );
      }
      values = new Float32Array(width * count);
    } else if (output.data.length / rows !== width) {
      throw failure('RUN_FAILED', `Output '${outputName}' changed size between batches (${width} then ${output.data.length / rows} values per sample).`);
    }
    values.set(output.data.subarray(0, n * width), start * width);
    onProgress(start + n, count);
  }
  const inferMs = Number(process.hrtime.bigint() - startNs) / 1e6;
  return { ...reply, width, values: Array.from(values ?? []), inferMs };
}

interface ArrayInput {
  name: string;
  values: ArrayValues;
  fit: ArrayFit;
}

/** The dataset's named arrays for the inputs fed from them, each fitted to its input; a misfit is BAD_DATASET. */
async function loadArrays(request: EvaluateRequest, inputs: InputUsed[]): Promise<{ count: number; inputs: ArrayInput[] }> {
  const [{ readDatasetManifest }, { readStoredArrays }] = await Promise.all([import('../datasets/dataset-manifest'), import('../datasets/stored-dataset')]);
  try {
    const manifest = await readDatasetManifest(request.datasetDir);
    const stored = await readStoredArrays(request.datasetDir, manifest);
    const count = Math.min(manifest.samples, request.limit ?? manifest.samples);
    const fitted = inputs.map((input): ArrayInput => {
      const values = stored.find((array) => array.name === input.name);
      if (values === undefined) throw new Error(`The dataset has no array named '${input.name}' (its arrays: ${stored.map((a) => `'${a.name}'`).join(', ') || 'none'}).`);
      const fit = fitArray(values, input.declaredShape, manifest.samples);
      if ('problem' in fit) throw new Error(`The model's input '${input.name}' cannot be fed: ${fit.problem}.`);
      return { name: input.name, values, fit };
    });
    return { count, inputs: fitted };
  } catch (error) {
    throw failure('BAD_DATASET', messageOf(error));
  }
}

/** The dataset as float32 samples fitted to `input`; any problem with it is BAD_DATASET naming the shapes. */
async function loadForInput(request: EvaluateRequest, input: InputUsed): Promise<Omit<DatasetTensors, 'data'> & { data: Float32Array }> {
  // Imported on first use: a runner that only benchmarks never loads the dataset code.
  const { loadDatasetTensors } = await import('../datasets/load-dataset');
  let tensors: DatasetTensors;
  try {
    tensors = await loadDatasetTensors(request.datasetDir, {
      layout: request.layout,
      limit: request.limit,
      // Without a declared rank, the shape the runtime built the benchmark input with is all there is.
      inputShape: input.declaredShape ?? input.shape,
      inputName: input.name,
    });
  } catch (error) {
    throw failure('BAD_DATASET', messageOf(error));
  }
  return { ...tensors, data: tensors.data instanceof Float32Array ? tensors.data : Float32Array.from(tensors.data) };
}

/**
 * A full-integer model's int8/uint8 input takes q = round(x / scale) + zero point, clamped, for the
 * float value x a sample stands for, as a TFLite application quantizes its input; samples the
 * dataset's recipe already makes int8 or uint8 are its values as they are.
 */
function quantizedForInput<T extends { data: Float32Array; dtype: DatasetTensors['dtype'] }>(model: LoadedModel, input: InputUsed, tensors: T): T {
  const q = model.inputQuantization?.get(input.name);
  if (q === undefined || tensors.dtype !== 'float32' || (input.dtype !== 'int8' && input.dtype !== 'uint8')) return tensors;
  const [lo, hi] = input.dtype === 'int8' ? [-128, 127] : [0, 255];
  const data = new Float32Array(tensors.data.length);
  for (let i = 0; i < data.length; i += 1) data[i] = Math.min(hi, Math.max(lo, Math.round((tensors.data[i] as number) / q.scale) + q.zeroPoint));
  return { ...tensors, data };
}

type ConstantFeed = Extract<EvalFeed, { from: 'constant' }>;

/**
 * The input the dataset's samples feed (null when the dataset's named arrays feed the model), the
 * inputs fed from those arrays, and the constants for the rest; without feeds, the model must have one input.
 */
function feedsOf(model: LoadedModel, feeds: EvalFeed[] | undefined): { input: InputUsed | null; constants: ConstantFeed[]; arrays: InputUsed[] } {
  const names = model.inputs.map((i) => `'${i.name}'`).join(', ') || 'none';
  if (feeds === undefined) {
    const input = model.inputs[0];
    if (input === undefined || model.inputs.length > 1) {
      throw failure('UNSUPPORTED_INPUT', `Evaluation feeds a dataset to a model with one input unless told what the others get, but this model has ${model.inputs.length} (${names}).`);
    }
    return { input, constants: [], arrays: [] };
  }
  const unfed = model.inputs.find((input) => !feeds.some((feed) => feed.name === input.name));
  if (unfed !== undefined) throw failure('UNSUPPORTED_INPUT', `The evaluation says nothing about the model's input '${unfed.name}' (its inputs: ${names}); every input needs samples or a constant.`);
  const unknown = feeds.find((feed) => !model.inputs.some((input) => input.name === feed.name));
  if (unknown !== undefined) throw failure('UNSUPPORTED_INPUT', `The evaluation feeds '${unknown.name}', which is not an input of this model (its inputs: ${names}).`);
  const named = (from: EvalFeed['from']): InputUsed[] => model.inputs.filter((input) => feeds.some((feed) => feed.name === input.name && feed.from === from));
  const fromDataset = named('dataset');
  const arrays = named('array');
  if (fromDataset.length > 1 || (fromDataset.length === 0 && arrays.length === 0)) {
    throw failure('UNSUPPORTED_INPUT', `The dataset must feed one input (or its named arrays several), not ${fromDataset.length}.`);
  }
  return { input: fromDataset[0] ?? null, constants: feeds.filter((feed): feed is ConstantFeed => feed.from === 'constant'), arrays };
}

/** Every element the feed's value; float32 here, converted to the input's dtype by the runtime (integers exact up to 2^24). */
function constantTensor(feed: ConstantFeed): FloatTensor {
  const data = new Float32Array(feed.shape.reduce((n, d) => n * d, 1));
  data.fill(feed.value);
  return { dims: [...feed.shape], data };
}

/** The declared batch dim when it is a number; null when it is free (symbolic or unknown). */
function fixedBatchOf(input: InputUsed): number | null {
  const dim = input.declaredShape === null ? input.shape[0] : input.declaredShape[0];
  return typeof dim === 'number' && dim > 0 ? dim : null;
}

function formatShape(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}

function failure(code: RunnerErrorCode, message: string | WordedMessage): StudioError {
  return new StudioError('RUNTIME', message, { runnerCode: code });
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

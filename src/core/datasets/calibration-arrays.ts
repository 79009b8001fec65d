/**
 * Calibration feeds, one per sample, keyed by model input, from what a user gives: an .npz whose
 * arrays are named after the model's inputs, a stored dataset imported from such an .npz (its
 * named arrays), or a stored dataset of one samples array (which feeds the model's first input,
 * through its preprocessing recipe).
 *
 * Named arrays: the first axis of each counts samples; an array with one sample, or a 0-d array,
 * gives the same value to every sample (a sample rate, an initial state). A sample may leave out a
 * leading batch axis of 1 that the model input has.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { StudioError } from '../../shared/errors';
import type { Dim } from '../../shared/model-info';
import { type ArrayDtype, readDatasetManifest } from './dataset-manifest';
import { formatDims, loadDatasetTensors } from './load-dataset';
import { type NpyData, parseNpy } from './npy-format';
import { readStoredArrays } from './stored-dataset';

export interface CalibrationInput {
  name: string;
  /** ModelInfo dtype ("float32", "int64", ...). */
  dtype: string;
  shape: Dim[] | null;
}

export type ArrayFeed = Record<string, { dims: number[]; data: NpyData }>;

/** A named array whatever it came from: its element type and whole shape (first axis = samples). */
interface NamedArray {
  dtype: ArrayDtype;
  shape: number[];
  data: NpyData;
}

const NPY_DTYPES: Record<string, ArrayDtype> = { '<f4': 'float32', '<f8': 'float64', '|u1': 'uint8', '|i1': 'int8', '<i4': 'int32', '<i8': 'int64', '|b1': 'bool' };

/** The array dtypes that can feed each model input dtype (a bool input also takes 0/1 bytes). */
function feeds(inputDtype: string, arrayDtype: ArrayDtype): boolean {
  return inputDtype === arrayDtype || (inputDtype === 'bool' && arrayDtype === 'uint8');
}

/** True for an .npz path: the CLI and the worker treat such a calibration source as named arrays. */
export function isCalibrationArchive(source: string): boolean {
  return source.toLowerCase().endsWith('.npz');
}

/** Feeds from an .npz, a dataset with named arrays, or a dataset of one samples array (see the module's comment). */
export async function calibrationFeeds(source: string, inputs: CalibrationInput[], limit: number): Promise<ArrayFeed[]> {
  if (isCalibrationArchive(source)) return readCalibrationArchive(source, inputs, limit);
  const manifest = await readDatasetManifest(source);
  if (manifest.samples === 0) {
    throw new StudioError('BAD_INPUT', `The dataset '${manifest.name}' is empty; calibration needs samples. Import a dataset with samples.`, { dataset: source });
  }
  if (manifest.arrays) {
    const arrays = new Map((await readStoredArrays(source, manifest)).map((a) => [a.name, a] as const));
    return feedsFromArrays(`the dataset '${manifest.name}'`, arrays, inputs, limit, `re-import it from ${savezExample(`${manifest.name}.npz`, inputs)} with --no-labels`);
  }
  return samplesArrayFeeds(source, inputs, limit);
}

export async function readCalibrationArchive(file: string, inputs: CalibrationInput[], limit: number): Promise<ArrayFeed[]> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await fs.readFile(file)));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new StudioError('BAD_INPUT', `'${file}' is not a readable .npz archive (${reason}); save it with ${savezExample(path.basename(file), inputs)}.`, { file });
  }
  const arrays = new Map<string, NamedArray>();
  for (const [entry, bytes] of Object.entries(entries)) {
    if (!entry.endsWith('.npy')) continue;
    const name = entry.slice(0, -4);
    const array = parseNpy(bytes, `${file}:${name}`);
    arrays.set(name, { dtype: NPY_DTYPES[array.descr] as ArrayDtype, shape: array.shape, data: array.data });
  }
  return feedsFromArrays(`'${path.basename(file)}'`, arrays, inputs, limit, savezExample(path.basename(file), inputs));
}

/** One feed per sample from named arrays; `where` names the source in errors, `howToFix` ends them. */
function feedsFromArrays(where: string, arrays: ReadonlyMap<string, NamedArray>, inputs: CalibrationInput[], limit: number, howToFix: string): ArrayFeed[] {
  const listed = [...arrays.keys()].map((n) => `'${n}'`).join(', ') || 'none';
  const wanted = inputs.map((i) => `'${i.name}'`).join(', ');
  const parsed = inputs.map((input) => {
    const array = arrays.get(input.name);
    if (!array) {
      throw new StudioError(
        'BAD_INPUT',
        `${where} has no array named '${input.name}' for the model input '${input.name}' (its arrays: ${listed}). ` +
          `Calibrating this model needs one array per input (${wanted}), each named after its input, the first axis counting samples: ${howToFix}.`,
        { input: input.name },
      );
    }
    if (!feeds(input.dtype, array.dtype)) {
      throw new StudioError(
        'BAD_INPUT',
        `${where}'s array '${input.name}' is ${array.dtype}, but the model input '${input.name}' takes ${input.dtype}; save it as that dtype (array.astype(numpy.${input.dtype === 'bool' ? 'bool_' : input.dtype})).`,
        { input: input.name },
      );
    }
    return { input, array };
  });
  const counts = parsed.map(({ array }) => (array.shape.length === 0 ? 1 : (array.shape[0] as number)));
  const samples = Math.max(...counts);
  parsed.forEach(({ input }, i) => {
    if (counts[i] !== 1 && counts[i] !== samples) {
      throw new StudioError('BAD_INPUT', `${where} gives ${counts[i]} samples for '${input.name}' but ${samples} for another input; give every array the same first axis (or 1 to share one value).`, {
        input: input.name,
      });
    }
  });
  const out: ArrayFeed[] = [];
  for (let s = 0; s < Math.min(samples, limit); s += 1) {
    const feed: ArrayFeed = {};
    for (const { input, array } of parsed) {
      const scalar = array.shape.length === 0;
      const sampleDims = scalar ? [] : array.shape.slice(1);
      const size = sampleDims.reduce((p, d) => p * d, 1);
      const at = scalar || array.shape[0] === 1 ? 0 : s;
      feed[input.name] = { dims: withBatchAxis(sampleDims, input.shape), data: array.data.slice(at * size, (at + 1) * size) as NpyData };
    }
    out.push(feed);
  }
  return out;
}

/** A sample one axis short of the model input gets a leading batch axis of 1. */
function withBatchAxis(dims: number[], shape: Dim[] | null): number[] {
  if (shape === null || shape.length !== dims.length + 1) return dims;
  const first = shape[0];
  return first === 1 || first === null || typeof first === 'string' ? [1, ...dims] : dims;
}

/** Whether samples of `sampleShape` are each a whole model input (same rank, every fixed dim equal): a model with a fixed batch. */
function wholeInputs(sampleShape: readonly number[], shape: Dim[] | null): boolean {
  return shape !== null && shape.length === sampleShape.length && shape.every((d, i) => typeof d !== 'number' || d === sampleShape[i]);
}

/**
 * A dataset of one samples array feeds the model's first input, each sample either one item of a
 * batch (fed with a batch axis of 1) or, for a model with a fixed batch, the whole input.
 */
async function samplesArrayFeeds(dir: string, inputs: CalibrationInput[], limit: number): Promise<ArrayFeed[]> {
  const input = inputs[0];
  if (!input) throw new StudioError('BAD_INPUT', 'The model has no inputs to feed the dataset to.');
  const manifest = await readDatasetManifest(dir);
  const whole = wholeInputs(manifest.sampleShape, input.shape);
  const tensors = await loadDatasetTensors(dir, { limit, inputName: input.name, ...(whole || input.shape === null ? {} : { inputShape: input.shape }) });
  if (whole && !wholeInputs(tensors.batchShape, input.shape)) {
    throw new StudioError('BAD_INPUT', `The dataset's preprocessing makes its samples ${formatDims(tensors.batchShape)}, but the model's input '${input.name}' is ${formatDims(input.shape ?? [])}; re-import it without that change.`, {
      dataset: manifest.name,
      input: input.name,
    });
  }
  const dims = whole ? tensors.batchShape : [1, ...tensors.batchShape];
  const perSample = tensors.batchShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: tensors.count }, (_, i) => ({ [input.name]: { dims, data: Float32Array.from(tensors.data.subarray(i * perSample, (i + 1) * perSample)) } }));
}

function savezExample(base: string, inputs: CalibrationInput[]): string {
  return `numpy.savez('${base}', **{${inputs.map((i) => `'${i.name}': ...`).join(', ')}})`;
}

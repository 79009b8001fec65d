/**
 * Calibration feeds for models with several inputs: a NumPy .npz whose arrays are named after the
 * model's inputs, the first axis of each counting samples (an array with one sample, or a 0-d
 * array, gives the same value to every sample: a sample rate, an initial state). A sample may
 * leave out a leading batch axis of 1 that the model input has.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { StudioError } from '../../shared/errors';
import type { Dim } from '../../shared/model-info';
import { type NpyArray, parseNpy } from './npy-format';

export interface CalibrationInput {
  name: string;
  /** ModelInfo dtype ("float32", "int64", ...). */
  dtype: string;
  shape: Dim[] | null;
}

type FeedData = NpyArray['data'];
export type ArrayFeed = Record<string, { dims: number[]; data: FeedData }>;

/** NumPy descr of each model dtype we can feed. */
const DESCR_BY_DTYPE: Record<string, string> = { float32: '<f4', float64: '<f8', uint8: '|u1', int8: '|i1', int32: '<i4', int64: '<i8', bool: '|u1' };

function numpyName(dtype: string): string {
  return dtype === 'bool' ? 'bool (stored as uint8)' : dtype;
}

/** True for an .npz path: the CLI and the worker treat such a calibration source as named arrays. */
export function isCalibrationArchive(source: string): boolean {
  return source.toLowerCase().endsWith('.npz');
}

export async function readCalibrationArchive(file: string, inputs: CalibrationInput[], limit: number): Promise<ArrayFeed[]> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await fs.readFile(file)));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new StudioError('BAD_INPUT', `'${file}' is not a readable .npz archive (${reason}); save it with ${savezExample(path.basename(file), inputs)}.`, { file });
  }
  const arrays = new Map(
    Object.entries(entries)
      .filter(([name]) => name.endsWith('.npy'))
      .map(([name, data]) => [name.slice(0, -4), data] as const),
  );
  const listed = [...arrays.keys()].map((n) => `'${n}'`).join(', ') || 'none';
  const wanted = inputs.map((i) => `'${i.name}'`).join(', ');
  const base = path.basename(file);
  const parsed = inputs.map((input) => {
    const bytes = arrays.get(input.name);
    if (!bytes) {
      throw new StudioError(
        'BAD_INPUT',
        `'${base}' has no array named '${input.name}' for the model input '${input.name}' (its arrays: ${listed}). ` +
          `Calibrating this model needs one array per input (${wanted}), each named after its input, the first axis counting samples: ${savezExample(base, inputs)}.`,
        { file, input: input.name },
      );
    }
    const array = parseNpy(bytes, `${file}:${input.name}`);
    const descr = DESCR_BY_DTYPE[input.dtype];
    if (descr === undefined || array.descr !== descr) {
      throw new StudioError(
        'BAD_INPUT',
        `'${base}' array '${input.name}' is ${array.descr}, but the model input '${input.name}' takes ${numpyName(input.dtype)}; save it as that dtype (array.astype(numpy.${input.dtype === 'bool' ? 'uint8' : input.dtype})).`,
        { file, input: input.name },
      );
    }
    return { input, array };
  });
  const counts = parsed.map(({ array }) => (array.shape.length === 0 ? 1 : (array.shape[0] as number)));
  const samples = Math.max(...counts);
  parsed.forEach(({ input }, i) => {
    if (counts[i] !== 1 && counts[i] !== samples) {
      throw new StudioError('BAD_INPUT', `'${base}' gives ${counts[i]} samples for '${input.name}' but ${samples} for another input; give every array the same first axis (or 1 to share one value).`, {
        file,
        input: input.name,
      });
    }
  });
  const feeds: ArrayFeed[] = [];
  for (let s = 0; s < Math.min(samples, limit); s += 1) {
    const feed: ArrayFeed = {};
    for (const { input, array } of parsed) {
      const scalar = array.shape.length === 0;
      const sampleDims = scalar ? [] : array.shape.slice(1);
      const size = sampleDims.reduce((p, d) => p * d, 1);
      const at = scalar || array.shape[0] === 1 ? 0 : s;
      const data = array.data.slice(at * size, (at + 1) * size) as FeedData;
      feed[input.name] = { dims: withBatchAxis(sampleDims, input.shape), data };
    }
    feeds.push(feed);
  }
  return feeds;
}

/** A sample one axis short of the model input gets a leading batch axis of 1. */
function withBatchAxis(dims: number[], shape: Dim[] | null): number[] {
  if (shape === null || shape.length !== dims.length + 1) return dims;
  const first = shape[0];
  return first === 1 || first === null || typeof first === 'string' ? [1, ...dims] : dims;
}

function savezExample(base: string, inputs: CalibrationInput[]): string {
  return `numpy.savez('${base}', **{${inputs.map((i) => `'${i.name}': ...`).join(', ')}})`;
}

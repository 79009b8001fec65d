/** A NumPy .npz archive (a zip of .npy files, stored or deflated) holding samples and labels arrays. */
import path from 'node:path';
import { unzipSync } from 'fflate';
import { StudioError } from '../../../shared/errors';
import { say, worded } from '../../../shared/remedies';
import { npyHeader, parseNpy } from '../npy-format';
import type { ArrayDtype } from '../dataset-manifest';
import type { ImportedArray, ImportedData } from '../stored-dataset';
import type { DatasetImporter, DatasetImportOptions } from './importer';
import { readInputFile } from './npy';
import { datasetFromArrays } from './tensor-arrays';

const SAMPLE_KEYS = ['x', 'X', 'images', 'data', 'samples', 'inputs', 'features'];
const LABEL_KEYS = ['y', 'Y', 'labels', 'label', 'targets'];

const ARRAY_DTYPES: Record<string, ArrayDtype> = { '<f4': 'float32', '<f8': 'float64', '|u1': 'uint8', '|i1': 'int8', '<i4': 'int32', '<i8': 'int64', '|b1': 'bool' };

/**
 * An unlabeled dataset of named arrays, one per model input, each kept as saved (first axis =
 * samples; a 0-d array or a first axis of 1 is one value for every sample). The first array with
 * the most samples is also stored as the dataset's samples, so readers that know one samples array
 * (evaluation of a single-input model) read it as before.
 */
function namedArrays(source: string, entries: Map<string, Uint8Array>, options: DatasetImportOptions): ImportedData {
  const parsed = [...entries].map(([name, bytes]) => ({ name, array: parseNpy(bytes, `${source}:${name}`) }));
  const list: ImportedArray[] = parsed.map(({ name, array }) => ({ name, dtype: ARRAY_DTYPES[array.descr] as ArrayDtype, shape: array.shape, data: array.data }));
  const count = (shape: number[]): number => (shape.length === 0 ? 1 : (shape[0] as number));
  const primary = list.reduce((best, array, i) => (count(array.shape) > count((list[best] as ImportedArray).shape) ? i : best), 0);
  const chosen = parsed[primary] as (typeof parsed)[number];
  const asSamples = chosen.array.shape.length === 0 ? { ...chosen.array, shape: [1] } : chosen.array;
  const base = datasetFromArrays(asSamples, `${source}:${chosen.name}`, null, options, path.basename(source, path.extname(source)));
  return { ...base, source: `${source} (one array per model input: ${list.map((a) => `'${a.name}'`).join(', ')})`, arrays: { list, primary } };
}

/** A 1-D (or [N, 1]) integer array with one entry per sample of the other arrays: probably labels, so the user must say. */
function looksLikeLabels(name: string, arrays: ReadonlyMap<string, Uint8Array>): boolean {
  const header = (bytes: Uint8Array): { descr: string; shape: number[] } => npyHeader(bytes, name);
  const own = header(arrays.get(name) as Uint8Array);
  if (!['|u1', '|i1', '<i4', '<i8'].includes(own.descr) || own.shape.length === 0 || own.shape.length > 2 || (own.shape.length === 2 && own.shape[1] !== 1)) return false;
  const others = [...arrays].filter(([other]) => other !== name).map(([, bytes]) => header(bytes).shape[0]);
  return others.some((count) => count === own.shape[0]);
}

export const npzImporter: DatasetImporter = {
  kind: 'npz',
  description: 'a NumPy .npz archive with samples (x, images, ...) and labels (y, labels, ...) arrays, or (with --no-labels) one array per model input, named after it',
  match: (source, isDirectory) => !isDirectory && source.toLowerCase().endsWith('.npz'),
  async read(source, options) {
    // Messages name the file, not its folder: in the studio `source` is an upload's temporary copy.
    const fileName = path.basename(source);
    const bytes = await readInputFile(source);
    let entries: Record<string, Uint8Array>;
    try {
      if (bytes.length === 0) throw new Error('the file is empty');
      entries = unzipSync(bytes);
    } catch (error) {
      throw new StudioError(
        'BAD_INPUT',
        `'${fileName}' is not a readable .npz archive (${(error as Error).message}); save it with numpy.savez.`,
        { file: source },
      );
    }
    const arrays = new Map(
      Object.entries(entries)
        .filter(([name]) => name.endsWith('.npy'))
        .map(([name, data]) => [name.slice(0, -4), data] as const),
    );
    const names = [...arrays.keys()];
    const listed = names.length > 0 ? names.map((n) => `'${n}'`).join(', ') : 'none';
    const usualSamples = SAMPLE_KEYS.find((k) => arrays.has(k));
    const usualLabels = LABEL_KEYS.find((k) => arrays.has(k));
    // Several arrays and no samples array named: one array per model input (for calibrating a model
    // with several inputs), when labels are ruled out or no array has a usual samples or labels name.
    const unlabeled =
      options.labelsKey === null ||
      (options.labelsKey === undefined && usualSamples === undefined && usualLabels === undefined && !names.some((name) => looksLikeLabels(name, arrays)));
    if (options.samplesKey === undefined && names.length > 1 && unlabeled) {
      return namedArrays(source, arrays, options);
    }
    const samplesKey = options.samplesKey ?? usualSamples ?? (names.length === 1 ? names[0] : undefined);
    if (!samplesKey || !arrays.has(samplesKey)) {
      throw new StudioError(
        'BAD_INPUT',
        worded`'${fileName}' has no samples array${options.samplesKey ? ` named '${options.samplesKey}'` : ''} (its arrays: ${listed}); ${say('name the samples array with --samples-key, or pass --no-labels to import one array per model input', 'save the samples as x and the labels as y, or import the file with edgebench dataset import on the command line, which can pick the samples array by name or import one array per model input')}.`,
        { file: source },
      );
    }
    let labelsKey = options.labelsKey === undefined ? usualLabels : options.labelsKey;
    if (labelsKey !== null && labelsKey !== undefined && !arrays.has(labelsKey)) {
      throw new StudioError(
        'BAD_INPUT',
        worded`'${fileName}' has no labels array named '${labelsKey}' (its arrays: ${listed}); ${say('pass the right --labels-key', 'save the labels as y')}.`,
        { file: source },
      );
    }
    const others = names.filter((n) => n !== samplesKey);
    if (labelsKey === undefined && others.length > 0) {
      throw new StudioError(
        'BAD_INPUT',
        worded`'${fileName}' has no array with a usual labels name (y, labels, ...) but holds ${others.map((n) => `'${n}'`).join(', ')}; ${say('name the labels array with --labels-key, or pass --no-labels for an unlabeled dataset (one array per model input)', 'save the labels as y, or import the file with edgebench dataset import on the command line, which can pick the labels array by name or import it unlabeled')}.`,
        { file: source },
      );
    }
    labelsKey = labelsKey ?? null;
    const at = (key: string): string => `${source}:${key}`;
    const samples = parseNpy(arrays.get(samplesKey) as Uint8Array, at(samplesKey));
    const labels = labelsKey ? { array: parseNpy(arrays.get(labelsKey) as Uint8Array, at(labelsKey)), name: at(labelsKey) } : null;
    return datasetFromArrays(samples, at(samplesKey), labels, options, path.basename(source, path.extname(source)));
  },
};

/** Writing and reading the raw files of a stored dataset (see dataset-manifest.ts for the layout). */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { writeFileAtomic, writeJsonAtomic } from '../workspace/atomic-write';
import type { NpyData } from './npy-format';
import {
  type ArrayDtype,
  checkRecipeFits,
  DATASET_FORMAT,
  DatasetManifest,
  isLabeled,
  type LabelDtype,
  MANIFEST_FILE,
  resolveRecipe,
  type StoredArrayEntry,
  type StoredDtype,
} from './dataset-manifest';
import type { StoredPreprocessing } from '../../shared/preprocessing';

export type StoredArray = Uint8Array | Int8Array | Int32Array | Float32Array;

/** A named array of an .npz with one array per model input, as parsed (its whole shape, first axis = samples). */
export interface ImportedArray {
  name: string;
  dtype: ArrayDtype;
  shape: number[];
  data: NpyData;
}

/** What an importer hands over: decoded samples and labels, ready to be written. */
export interface ImportedData {
  name: string;
  source: string;
  sampleShape: number[];
  samples: StoredArray;
  /** Class index per sample, or null for an unlabeled dataset. */
  labels: Int32Array | null;
  /** Class names (index = label); empty when unlabeled. */
  classes: string[];
  preprocessing: StoredPreprocessing;
  /** Named arrays (one per model input); `samples` is then `primary`'s values in a stored element type. */
  arrays?: { list: ImportedArray[]; primary: number };
}

const EXTENSION: Record<StoredDtype, string> = { uint8: 'u8', int8: 'i8', int32: 'i32', float32: 'f32' };

export function dtypeOf(array: StoredArray): StoredDtype {
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Int32Array) return 'int32';
  return 'float32';
}

/** Little-endian bytes of a typed array (every platform Node runs on is little-endian). */
function bytesOf(array: StoredArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes samples, labels, then dataset.json into `dir`, each atomically. The manifest goes
 * last, so a crash mid-import leaves a folder the workspace does not list as a dataset.
 */
export async function writeStoredDataset(
  dir: string,
  data: ImportedData,
  opts: { overwrite?: boolean } = {},
): Promise<DatasetManifest> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  if (!opts.overwrite && (await fs.stat(manifestPath).catch(() => null))) {
    throw new StudioError(
      'BAD_INPUT',
      `'${dir}' already holds a dataset; choose another folder, or remove that one first.`,
      { path: dir },
    );
  }
  const perSample = data.sampleShape.reduce((n, d) => n * d, 1);
  const count = perSample === 0 ? 0 : data.samples.length / perSample;
  if (!Number.isInteger(count)) {
    throw new StudioError('INTERNAL', `Dataset '${data.name}' has ${data.samples.length} values, not a whole number of samples.`);
  }
  if (data.labels && data.labels.length !== count) {
    throw new StudioError(
      'BAD_INPUT',
      `'${data.source}' has ${count} samples but ${data.labels.length} labels; give exactly one label per sample.`,
      { source: data.source },
    );
  }
  checkRecipeFits(resolveRecipe(data.preprocessing, data.sampleShape), data.sampleShape, data.name);

  const dtype = dtypeOf(data.samples);
  const samplesFile = `samples.${EXTENSION[dtype]}`;
  const hash = createHash('sha256');
  const sampleBytes = bytesOf(data.samples);
  hash.update(sampleBytes);
  await writeFileAtomic(path.join(dir, samplesFile), sampleBytes);

  let labelsFile: string | undefined;
  let labelDtype: LabelDtype = 'uint8';
  if (data.labels) {
    const maxLabel = data.labels.reduce((m, v) => Math.max(m, v), 0);
    labelDtype = maxLabel < 256 ? 'uint8' : 'int32';
    const stored = labelDtype === 'uint8' ? Uint8Array.from(data.labels) : data.labels;
    labelsFile = `labels.${EXTENSION[labelDtype]}`;
    const labelBytes = bytesOf(stored);
    hash.update(labelBytes);
    await writeFileAtomic(path.join(dir, labelsFile), labelBytes);
  }

  const arrays: StoredArrayEntry[] = [];
  for (const [i, array] of (data.arrays?.list ?? []).entries()) {
    const file = `array-${i}.${ARRAY_EXTENSION[array.dtype]}`;
    const bytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
    hash.update(bytes);
    await writeFileAtomic(path.join(dir, file), bytes);
    arrays.push({ name: array.name, file, dtype: array.dtype, shape: array.shape });
  }

  const manifest = DatasetManifest.parse({
    format: DATASET_FORMAT,
    name: data.name,
    samples: count,
    sampleShape: data.sampleShape,
    dtype,
    classes: data.labels ? data.classes : [],
    source: data.source,
    files: labelsFile ? { samples: samplesFile, labels: labelsFile } : { samples: samplesFile },
    preprocessing: data.preprocessing,
    labeled: data.labels !== null,
    labelDtype,
    contentSha256: hash.digest('hex'),
    ...(arrays.length > 0 ? { arrays } : {}),
  });
  await writeJsonAtomic(manifestPath, manifest);
  return manifest;
}

const ELEMENT_BYTES: Record<StoredDtype, number> = { uint8: 1, int8: 1, int32: 4, float32: 4 };
const ARRAY_EXTENSION: Record<ArrayDtype, string> = { float32: 'f32', float64: 'f64', uint8: 'u8', int8: 'i8', int32: 'i32', int64: 'i64', bool: 'b1' };
const ARRAY_TYPES: Record<ArrayDtype, { bytes: number; make: (buffer: ArrayBuffer) => NpyData }> = {
  float32: { bytes: 4, make: (b) => new Float32Array(b) },
  float64: { bytes: 8, make: (b) => new Float64Array(b) },
  uint8: { bytes: 1, make: (b) => new Uint8Array(b) },
  int8: { bytes: 1, make: (b) => new Int8Array(b) },
  int32: { bytes: 4, make: (b) => new Int32Array(b) },
  int64: { bytes: 8, make: (b) => new BigInt64Array(b) },
  bool: { bytes: 1, make: (b) => new Uint8Array(b) },
};

/** The dataset's named arrays with their values (empty for a dataset of one samples array). */
export async function readStoredArrays(dir: string, manifest: DatasetManifest): Promise<ImportedArray[]> {
  const out: ImportedArray[] = [];
  for (const entry of manifest.arrays ?? []) {
    const type = ARRAY_TYPES[entry.dtype];
    const count = entry.shape.reduce((n, d) => n * d, 1);
    const bytes = await readExactly(dir, entry.file, count * type.bytes, manifest);
    // A copy, aligned for the element type.
    out.push({ name: entry.name, dtype: entry.dtype, shape: entry.shape, data: type.make(new Uint8Array(bytes).buffer) });
  }
  return out;
}

/** Reads the first `count` samples of a stored dataset as their stored typed array. */
export async function readStoredSamples(dir: string, manifest: DatasetManifest, count: number): Promise<StoredArray> {
  const perSample = manifest.sampleShape.reduce((n, d) => n * d, 1);
  const bytes = await readExactly(dir, manifest.files.samples, count * perSample * ELEMENT_BYTES[manifest.dtype], manifest);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (manifest.dtype) {
    case 'uint8':
      return new Uint8Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
  }
}

/** Reads the first `count` labels, or null when the dataset is unlabeled. */
export async function readStoredLabels(dir: string, manifest: DatasetManifest, count: number): Promise<Int32Array | null> {
  const file = manifest.files.labels;
  if (!isLabeled(manifest) || !file) return null;
  const width = manifest.labelDtype === 'uint8' ? 1 : 4;
  const bytes = await readExactly(dir, file, count * width, manifest);
  if (width === 1) return Int32Array.from(bytes);
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function readExactly(dir: string, file: string, byteCount: number, manifest: DatasetManifest): Promise<Buffer> {
  const full = path.join(dir, file);
  if (path.relative(dir, full).startsWith('..') || path.isAbsolute(file)) {
    throw new StudioError('WORKSPACE', `The dataset '${manifest.name}' names a file outside its folder ('${file}'); re-import it.`, {
      path: dir,
    });
  }
  let handle;
  try {
    handle = await fs.open(full, 'r');
  } catch (error) {
    throw new StudioError(
      'WORKSPACE',
      `The dataset '${manifest.name}' is missing its file '${file}' (${(error as Error).message}); re-import the dataset.`,
      { path: full },
    );
  }
  try {
    const buffer = Buffer.alloc(byteCount);
    const { bytesRead } = await handle.read(buffer, 0, byteCount, 0);
    if (bytesRead < byteCount) {
      throw new StudioError(
        'WORKSPACE',
        `'${full}' is shorter (${bytesRead} bytes) than its manifest says (${byteCount} bytes needed); re-import the dataset.`,
        { path: full },
      );
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/** Turning NumPy arrays (from .npy or .npz) into stored samples and labels. */
import { StudioError } from '../../../shared/errors';
import type { NpyArray } from '../npy-format';
import type { ImportedData, StoredArray } from '../stored-dataset';
import type { DatasetImportOptions } from './importer';
import { classesForLabels, toLabelIndex } from './labels';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Stored element type: float64 narrows to float32 (models take float32), int64 to int32 when it fits. */
function toStored(array: NpyArray, name: string): StoredArray {
  const { data } = array;
  if (data instanceof Float64Array) return Float32Array.from(data);
  if (data instanceof BigInt64Array) {
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as bigint;
      if (v < INT32_MIN || v > INT32_MAX) {
        throw new StudioError(
          'BAD_INPUT',
          `'${name}' holds the int64 value ${v}, outside the int32 range we store; convert the array to float32 or int32 first.`,
          { file: name },
        );
      }
      out[i] = Number(v);
    }
    return out;
  }
  return data;
}

/** [N, H, W, C] → [N, C, H, W], keeping the element type. */
function nhwcToNchw(data: StoredArray, n: number, h: number, w: number, c: number): StoredArray {
  const out = new (data.constructor as new (length: number) => StoredArray)(data.length);
  const plane = h * w;
  for (let s = 0; s < n; s++) {
    const base = s * plane * c;
    for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[base + ch * plane + p] = data[base + p * c + ch] as number;
  }
  return out;
}

function guessLayout(sample: readonly number[]): 'NCHW' | 'NHWC' {
  const first = sample[0] as number;
  const last = sample[2] as number;
  const isChannels = (d: number): boolean => d === 1 || d === 3 || d === 4;
  return isChannels(last) && !isChannels(first) ? 'NHWC' : 'NCHW';
}

/** Labels as class indices: shape [N] or [N, 1], whole numbers ≥ 0. */
export function labelsFromArray(array: NpyArray, name: string): Int32Array {
  const [n, ...rest] = array.shape;
  if (array.shape.length === 0 || rest.some((d) => d !== 1)) {
    throw new StudioError(
      'BAD_INPUT',
      `The labels '${name}' have shape (${array.shape.join(', ')}); give one class index per sample, shape (${n ?? 'N'},) (for one-hot labels save numpy.argmax(labels, axis=1)).`,
      { file: name },
    );
  }
  const out = new Int32Array(n as number);
  for (let i = 0; i < out.length; i++) out[i] = toLabelIndex(Number(array.data[i]), name, `index ${i}`);
  return out;
}

/** Builds the dataset from a samples array and an optional labels array. */
export function datasetFromArrays(
  samples: NpyArray,
  samplesName: string,
  labels: { array: NpyArray; name: string } | null,
  options: DatasetImportOptions,
  defaultName: string,
): ImportedData {
  const [count, ...sampleShape] = samples.shape;
  if (count === undefined || count === 0 || sampleShape.some((d) => d === 0)) {
    throw new StudioError(
      'BAD_INPUT',
      `'${samplesName}' holds no samples (shape (${samples.shape.join(', ')})); the first axis must count the samples.`,
      { file: samplesName },
    );
  }
  let data = toStored(samples, samplesName);
  let shape = sampleShape.length === 0 ? [1] : sampleShape;
  if (shape.length === 3 && (options.sourceLayout ?? guessLayout(shape)) === 'NHWC') {
    const [h, w, c] = shape as [number, number, number];
    data = nhwcToNchw(data, count, h, w, c);
    shape = [c, h, w];
  }
  const labelValues = labels ? labelsFromArray(labels.array, labels.name) : null;
  if (labelValues && labelValues.length !== count) {
    throw new StudioError(
      'BAD_INPUT',
      `'${samplesName}' has ${count} samples but '${labels?.name}' has ${labelValues.length} labels; give exactly one label per sample.`,
      { file: samplesName },
    );
  }
  return {
    name: options.name ?? defaultName,
    source: labels ? `${samplesName} with labels ${labels.name}` : `${samplesName} (unlabeled)`,
    sampleShape: shape,
    samples: data,
    labels: labelValues,
    classes: labelValues ? classesForLabels(labelValues, options.classes, labels?.name ?? samplesName) : [],
    preprocessing: options.preprocessing ?? {},
  };
}

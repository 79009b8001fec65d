/**
 * Feeding a model input from a dataset's named array (a dataset imported from an .npz with one
 * array per model input: manifest.arrays). The rule is calibration's (calibration-arrays.ts): the
 * first axis counts samples, and an array with one sample (or a 0-d array) gives the same value to
 * every sample. A sample is fed with a leading batch axis when the model input has one more dim
 * than the sample; otherwise the sample is the whole input (one sample per inference).
 */
import type { Dim } from '../../shared/model-info';
import { formatDims } from '../datasets/load-dataset';

/** What the runner needs of a stored array: its whole shape (first axis = samples) and its values. */
export interface ArrayValues {
  name: string;
  shape: readonly number[];
  data: ArrayLike<number> | ArrayLike<bigint>;
}

/** How one array feeds one input: one sample's dims, whether samples stack on a batch axis, whether every sample shares one value. */
export interface ArrayFit {
  sampleDims: number[];
  batched: boolean;
  shared: boolean;
}

function samplesOf(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : (shape[0] as number);
}

/**
 * How `array` feeds an input declared `declared` in a dataset of `samples` samples, or the reason
 * it cannot (one clause naming both shapes).
 */
export function fitArray(array: { name: string; shape: readonly number[] }, declared: readonly Dim[] | null, samples: number): ArrayFit | { problem: string } {
  const count = samplesOf(array.shape);
  if (count !== 1 && count !== samples) {
    return { problem: `its array '${array.name}' has ${count} samples but the dataset has ${samples}; give it ${samples} (or 1, shared by every sample) along its first axis` };
  }
  const sampleDims = array.shape.length === 0 ? [] : array.shape.slice(1);
  const fits = (dims: readonly number[], model: readonly Dim[]): boolean =>
    dims.length === model.length && model.every((dim, i) => typeof dim !== 'number' || dim < 0 || dim === dims[i]);
  if (declared === null) return { sampleDims, batched: false, shared: count === 1 };
  if (fits([1, ...sampleDims], declared)) return { sampleDims, batched: true, shared: count === 1 };
  if (fits(sampleDims, declared)) return { sampleDims, batched: false, shared: count === 1 };
  return { problem: `a sample of its array '${array.name}' is ${formatDims(sampleDims)}, which fits neither ${formatDims(declared)} nor one item of it` };
}

/**
 * The tensor for samples start..start+n-1, `rows` rows (the padding rows zero). A sample that is
 * the whole input feeds only one row at a time.
 */
export function arrayRows(array: ArrayValues, fit: ArrayFit, start: number, n: number, rows: number): { dims: number[]; data: Float32Array } {
  const size = fit.sampleDims.reduce((p, d) => p * d, 1);
  const data = new Float32Array((fit.batched ? rows : 1) * size);
  const take = fit.batched ? n : 1;
  for (let r = 0; r < take; r++) {
    const at = fit.shared ? 0 : start + r;
    for (let j = 0; j < size; j++) data[r * size + j] = Number(array.data[at * size + j]);
  }
  return { dims: fit.batched ? [rows, ...fit.sampleDims] : [...fit.sampleDims], data };
}

/** Loading a stored dataset as model inputs for evaluation or calibration. */
import { StudioError } from '../../shared/errors';
import {
  checkRecipeFits,
  type DatasetManifest,
  isImageShape,
  readDatasetManifest,
  resolveRecipe,
} from './dataset-manifest';
import type { Layout, PreprocessingRecipe } from '../../shared/preprocessing';
import { type ModelInputArray, preprocessedShape, preprocessSamples } from './preprocess';
import { readStoredLabels, readStoredSamples } from './stored-dataset';

/** A model input dimension as ModelInfo gives it: a number, or a name / null / negative for a free one. */
export type ModelDim = number | string | null;

export interface LoadDatasetOptions {
  /** Where image channels go; default the recipe's layout, or the other one when only that fits `inputShape`. */
  layout?: Layout;
  /** Load only the first `limit` samples. */
  limit?: number;
  /** The model input's shape, batch first: the samples must fit it. */
  inputShape?: readonly ModelDim[];
  /** The model input's name, for error messages. */
  inputName?: string;
  /** Overrides parts of the stored recipe for this load. */
  recipe?: Partial<PreprocessingRecipe>;
}

export interface DatasetTensors {
  /** Samples loaded. */
  count: number;
  /** Shape of one sample after preprocessing; the model input is [count, ...batchShape]. */
  batchShape: number[];
  /** All samples, sample after sample, in the recipe's dtype. */
  data: ModelInputArray;
  dtype: PreprocessingRecipe['dtype'];
  /** Class index per sample, or null for an unlabeled dataset. */
  labels: Int32Array | null;
  classes: string[];
  /** The layout used (meaningful for image samples). */
  layout: Layout;
  recipe: PreprocessingRecipe;
  manifest: DatasetManifest;
}

function isFree(dim: ModelDim): boolean {
  return dim === null || typeof dim === 'string' || dim < 0;
}

export function formatDims(dims: readonly ModelDim[]): string {
  return `[${dims.map((d) => (d === null || (typeof d === 'number' && d < 0) ? '?' : String(d))).join(',')}]`;
}

/**
 * The per-sample shape to hand the model, or null when `shape` cannot feed `input` (batch first).
 * Unit axes may differ ([1,28,28] feeds [?,28,28]): adding or dropping them never reorders data.
 */
export function fitSampleShape(shape: readonly number[], input: readonly ModelDim[], allowUnitAxes = true): number[] | null {
  const perSample = input.slice(1);
  if (perSample.length === shape.length && perSample.every((d, i) => isFree(d) || d === shape[i])) return [...shape];
  if (allowUnitAxes && perSample.every((d) => !isFree(d))) {
    const fixed = perSample as number[];
    const nonUnit = (dims: readonly number[]): string => dims.filter((d) => d !== 1).join(',');
    if (nonUnit(fixed) === nonUnit(shape)) return fixed;
  }
  return null;
}

function mismatchHint(image: boolean, input: readonly ModelDim[], recipe: PreprocessingRecipe): string {
  const dims = input.slice(1);
  if (image && dims.length === 3) {
    const nchw = dims[0] === 1 || dims[0] === 3;
    const [c, h, w] = nchw ? dims : [dims[2], dims[0], dims[1]];
    const changes: string[] = [];
    if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) changes.push(`resize to ${w}×${h}`);
    if (c === 3 && recipe.channelOrder === 'gray') changes.push('channel order RGB (or BGR)');
    if (c === 1 && recipe.channelOrder !== 'gray') changes.push('channel order gray');
    changes.push(`layout ${nchw ? 'NCHW' : 'NHWC'}`);
    return `set the dataset's preprocessing to ${changes.join(', ')} (the Preprocessing editor on the Datasets page, or edgebench dataset import's flags), or choose a dataset made for this model.`;
  }
  return 'choose a dataset whose samples have that shape, or re-import this one so they do.';
}

/**
 * Reads a stored dataset and applies its preprocessing recipe. When `inputShape` is given and the
 * samples cannot feed it, throws BAD_INPUT naming both shapes and what to change.
 */
export async function loadDatasetTensors(dir: string, opts: LoadDatasetOptions = {}): Promise<DatasetTensors> {
  const manifest = await readDatasetManifest(dir);
  const recipe = resolveRecipe({ ...manifest.preprocessing, ...opts.recipe }, manifest.sampleShape);
  checkRecipeFits(recipe, manifest.sampleShape, manifest.name);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 0)) {
    throw new StudioError('BAD_INPUT', `The sample limit ${opts.limit} is not a whole number ≥ 0; pass e.g. 500.`, { flag: 'limit' });
  }
  const count = Math.min(manifest.samples, opts.limit ?? manifest.samples);

  const image = isImageShape(manifest.sampleShape);
  // A gray set whose recipe names no channel order feeds a one-channel input as it is, and a three-channel one widened (R = G = B).
  const named = opts.recipe?.channelOrder ?? manifest.preprocessing.channelOrder;
  const recipes: PreprocessingRecipe[] = named === undefined && image && manifest.sampleShape[0] === 1 ? [recipe, { ...recipe, channelOrder: 'RGB' }] : [recipe];
  let used = recipe;
  const other: Layout = recipe.layout === 'NCHW' ? 'NHWC' : 'NCHW';
  const layouts: Layout[] = opts.layout ? [opts.layout] : image ? [recipe.layout, other] : [recipe.layout];
  let layout = layouts[0] as Layout;
  let batchShape = preprocessedShape(manifest.sampleShape, recipe, layout);
  if (opts.inputShape) {
    const input = opts.inputShape;
    // Exact fits first, so a channels-last input picks NHWC rather than NCHW with its unit axis moved.
    const fit = [false, true]
      .flatMap((allowUnitAxes) =>
        recipes.flatMap((option) =>
          layouts.map((candidate) => ({
            candidate,
            option,
            shape: fitSampleShape(preprocessedShape(manifest.sampleShape, option, candidate), input, allowUnitAxes),
          })),
        ),
      )
      .find((f) => f.shape !== null);
    if (!fit?.shape) {
      const name = opts.inputName ?? 'input';
      // A sample shaped like the whole input (a model with a fixed batch) is not one item of a batch.
      const whole = batchShape.length === input.length && input.every((d, i) => isFree(d) || d === batchShape[i]);
      throw new StudioError(
        'BAD_INPUT',
        (whole
          ? `Each of the dataset's samples is ${formatDims(batchShape)}, the whole of the model's input '${name}' (a fixed batch of ${formatDims(input.slice(0, 1)).slice(1, -1)}), but here a sample must be one item of the batch, ${formatDims(input.slice(1))}; `
          : `The dataset's samples are ${formatDims(batchShape)} but the model's input '${name}' expects ${formatDims(input)}; `) +
          mismatchHint(image, input, recipe),
        { dataset: manifest.name, input: name, datasetShape: formatDims(batchShape), inputShape: formatDims(input) },
      );
    }
    layout = fit.candidate;
    used = fit.option;
    batchShape = fit.shape;
  }

  const stored = await readStoredSamples(dir, manifest, count);
  const { data } = preprocessSamples(stored, manifest.sampleShape, count, used, layout);
  return {
    count,
    batchShape,
    data,
    dtype: used.dtype,
    labels: await readStoredLabels(dir, manifest, count),
    classes: manifest.classes,
    layout,
    recipe: { ...used, layout },
    manifest,
  };
}

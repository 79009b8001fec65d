/**
 * The stored dataset format 'edgebench.dataset/1':
 *
 *   <dir>/dataset.json      this manifest (written last: a folder without it is not a dataset yet)
 *   <dir>/samples.<ext>     every sample's raw values, little-endian, sample after sample
 *   <dir>/labels.<ext>      one class index per sample (absent for an unlabeled dataset)
 *   <dir>/array-<i>.<ext>   optional: named arrays, one per model input (see `arrays`)
 *
 * Image samples are stored channels-first, [C, H, W] with C = 1 (gray) or 3 (RGB); any other
 * sample shape is a plain tensor. The preprocessing recipe turns stored values into model
 * inputs; its layout is the default, and an evaluation may choose the other one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../shared/errors';
import { PreprocessingRecipe, StoredPreprocessing } from '../../shared/preprocessing';

export const DATASET_FORMAT = 'edgebench.dataset/1';
export const MANIFEST_FILE = 'dataset.json';

/** Element types a samples file may hold. */
export const StoredDtype = z.enum(['uint8', 'int8', 'int32', 'float32']);
export type StoredDtype = z.infer<typeof StoredDtype>;
/** Element types a labels file may hold (uint8 while every label is below 256). */
export const LabelDtype = z.enum(['uint8', 'int32']);
export type LabelDtype = z.infer<typeof LabelDtype>;

/** Element types of a named array (one per model input), kept as NumPy saved them (little-endian). */
export const ArrayDtype = z.enum(['float32', 'float64', 'uint8', 'int8', 'int32', 'int64', 'bool']);
export type ArrayDtype = z.infer<typeof ArrayDtype>;

/** One array of a dataset imported from an .npz with one array per model input. */
export const StoredArrayEntry = z.object({
  /** The array's name in the .npz: the model input it feeds. */
  name: z.string().min(1),
  /** Its raw values, in the dataset's folder. */
  file: z.string(),
  dtype: ArrayDtype,
  /** Its shape as saved: the first axis counts samples (1: one value for every sample); [] is one value for every sample. */
  shape: z.array(z.number().int().min(0)),
});
export type StoredArrayEntry = z.infer<typeof StoredArrayEntry>;

export const DatasetManifest = z.object({
  format: z.literal(DATASET_FORMAT),
  name: z.string(),
  samples: z.number().int().min(0),
  /** Shape of one stored sample: [C, H, W] for images, anything else for tensors. */
  sampleShape: z.array(z.number().int().positive()),
  dtype: StoredDtype,
  /** Class names, index = label value; empty for an unlabeled dataset. */
  classes: z.array(z.string()),
  source: z.string().default(''),
  files: z.object({ samples: z.string(), labels: z.string().optional() }),
  preprocessing: StoredPreprocessing.default({}),
  /** False when the dataset has no labels (fidelity can still be measured). Default: a labels file is named. */
  labeled: z.boolean().optional(),
  labelDtype: LabelDtype.default('uint8'),
  /** sha256 of the samples file then the labels file (then each array's file): identifies a calibration set in a variant's recipe. */
  contentSha256: z.string().optional(),
  /**
   * Named arrays, one per model input, when the dataset came from an .npz that has them (calibrating
   * a model with several inputs). `files.samples` then holds one of them (the first with the most
   * samples), so readers that know only one samples array still read a valid dataset.
   */
  arrays: z.array(StoredArrayEntry).optional(),
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;

export function isLabeled(manifest: DatasetManifest): boolean {
  return manifest.labeled ?? manifest.files.labels !== undefined;
}

/** Image samples are [C, H, W] with C = 1 or 3; everything else is a tensor. */
export function isImageShape(shape: readonly number[]): boolean {
  return shape.length === 3 && (shape[0] === 1 || shape[0] === 3);
}

/** Fills what a stored recipe leaves out: channel order from the stored channels, NCHW, no scaling. */
export function resolveRecipe(stored: StoredPreprocessing, sampleShape: readonly number[]): PreprocessingRecipe {
  const storedChannels = isImageShape(sampleShape) ? sampleShape[0] : undefined;
  return PreprocessingRecipe.parse({
    channelOrder: storedChannels === 3 ? 'RGB' : 'gray',
    layout: 'NCHW',
    scale: 1,
    mean: [0],
    std: [1],
    dtype: 'float32',
    ...stored,
  });
}

/** Checks that a recipe can apply to samples of this shape; throws BAD_INPUT saying what to change. */
export function checkRecipeFits(recipe: PreprocessingRecipe, sampleShape: readonly number[], where: string): void {
  const image = isImageShape(sampleShape);
  if (!image && recipe.resize) {
    throw new StudioError(
      'BAD_INPUT',
      `The dataset '${where}' holds tensors of shape [${sampleShape.join(',')}], not images, so it cannot be resized. Remove 'resize' from its preprocessing.`,
      { dataset: where },
    );
  }
  const channels = image ? (recipe.channelOrder === 'gray' ? 1 : 3) : (sampleShape[sampleShape.length - 1] ?? 1);
  for (const key of ['mean', 'std'] as const) {
    const values = recipe[key];
    if (values.length !== 1 && values.length !== channels) {
      const unit = image ? `channel (${recipe.channelOrder})` : 'element of the last axis';
      throw new StudioError(
        'BAD_INPUT',
        `The preprocessing ${key} of '${where}' has ${values.length} values; give one value, or ${channels}: one per ${unit}.`,
        { dataset: where, field: key },
      );
    }
  }
}

/** Reads and validates <dir>/dataset.json; a damaged manifest is reported, never rewritten. */
export async function readDatasetManifest(dir: string): Promise<DatasetManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StudioError('NOT_FOUND', `'${dir}' is not a dataset: it has no ${MANIFEST_FILE}. Import the data first.`, {
        path: dir,
      });
    }
    throw new StudioError('WORKSPACE', `'${file}' cannot be read (${(error as Error).message}).`, { path: file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StudioError(
      'WORKSPACE',
      `'${file}' is not valid JSON (${(error as Error).message}); it was left untouched. Repair it or re-import the dataset.`,
      { path: file },
    );
  }
  const parsed = DatasetManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
    throw new StudioError(
      'WORKSPACE',
      `'${file}' does not match the dataset format${where} (${issue?.message ?? 'invalid'}); it was left untouched. Repair it or re-import the dataset.`,
      { path: file },
    );
  }
  const manifest = parsed.data;
  checkRecipeFits(resolveRecipe(manifest.preprocessing, manifest.sampleShape), manifest.sampleShape, manifest.name);
  return manifest;
}

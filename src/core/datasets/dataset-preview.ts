/**
 * A dataset's preprocessing as the user sets it in the studio: stored in its dataset.json
 * (what every later evaluation and calibration applies), and previewed on its first samples
 * through the same preprocessSamples the evaluation uses, so a thumbnail shows what a model gets.
 */
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { DatasetPreview, PreviewSample } from '../../shared/preprocessing';
import { writeJsonAtomic } from '../workspace/atomic-write';
import { checkRecipeFits, isImageShape, MANIFEST_FILE, readDatasetManifest, resolveRecipe } from './dataset-manifest';
import type { StoredPreprocessing } from '../../shared/preprocessing';
import { preprocessSamples } from './preprocess';
import { readStoredLabels, readStoredSamples } from './stored-dataset';

/** Checks a recipe against the dataset's samples, then writes it into dataset.json (atomically); returns the new manifest. */
export async function storePreprocessing(dir: string, preprocessing: StoredPreprocessing) {
  const manifest = await readDatasetManifest(dir); // a damaged manifest is refused, never rewritten
  checkRecipeFits(resolveRecipe(preprocessing, manifest.sampleShape), manifest.sampleShape, manifest.name);
  const next = { ...manifest, preprocessing };
  await writeJsonAtomic(path.join(dir, MANIFEST_FILE), next);
  return next;
}

/** Byte 0..255 for a value on [min, max]; a flat range shows mid-gray rather than dividing by zero. */
function toByte(value: number, min: number, max: number): number {
  if (max <= min) return 128;
  return Math.round(((value - min) / (max - min)) * 255);
}

/** The first `count` samples after `preprocessing` (default: the stored recipe), with thumbnails for images. */
export async function previewDataset(dir: string, count: number, preprocessing?: StoredPreprocessing): Promise<DatasetPreview> {
  const manifest = await readDatasetManifest(dir);
  const recipe = resolveRecipe(preprocessing ?? manifest.preprocessing, manifest.sampleShape);
  checkRecipeFits(recipe, manifest.sampleShape, manifest.name);
  const shown = Math.min(count, manifest.samples);
  if (shown === 0) throw new StudioError('BAD_INPUT', `The dataset '${manifest.name}' has no samples to preview; import it again with its data.`, { dataset: manifest.name });
  const stored = await readStoredSamples(dir, manifest, shown);
  const labels = await readStoredLabels(dir, manifest, shown);
  const { data, sampleShape } = preprocessSamples(stored, manifest.sampleShape, shown, recipe, recipe.layout);
  const size = sampleShape.reduce((n, d) => n * d, 1);
  let min = Infinity;
  let max = -Infinity;
  for (const value of data) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const image = isImageShape(manifest.sampleShape);
  const samples: PreviewSample[] = [];
  for (let s = 0; s < shown; s++) {
    const values = data.subarray(s * size, (s + 1) * size);
    let sum = 0;
    let low = Infinity;
    let high = -Infinity;
    for (const value of values) {
      sum += value;
      if (value < low) low = value;
      if (value > high) high = value;
    }
    const label = labels === null ? null : (manifest.classes[labels[s] as number] ?? String(labels[s]));
    samples.push({ index: s, label, image: image ? thumbnail(values, sampleShape, recipe.layout, min, max) : null, min: low, max: high, mean: sum / size });
  }
  return { recipe, sampleShape, valueRange: { min, max }, samples };
}

/** RGBA bytes of one preprocessed image ([C,H,W] or [H,W,C]); one channel shows as gray. */
function thumbnail(values: ArrayLike<number>, shape: readonly number[], layout: 'NCHW' | 'NHWC', min: number, max: number): PreviewSample['image'] {
  const [channels, height, width] = (layout === 'NCHW' ? shape : [shape[2], shape[0], shape[1]]) as [number, number, number];
  const pixels = height * width;
  const rgba = new Uint8Array(pixels * 4);
  const at = (c: number, p: number): number => values[layout === 'NCHW' ? c * pixels + p : p * channels + c] as number;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = toByte(at(channels === 1 ? 0 : c, p), min, max);
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, channels, rgbaBase64: Buffer.from(rgba).toString('base64') };
}

/** Applies a preprocessing recipe to stored samples: pure, so it is tested against hand-computed pixels. */
import { isImageShape } from './dataset-manifest';
import type { Layout, PreprocessingRecipe } from '../../shared/preprocessing';
import { convertChannels, resizePlanes } from './image-ops';

export type ModelInputArray = Float32Array | Uint8Array | Int8Array;

/** The per-sample shape the recipe produces from stored samples of `sampleShape`. */
export function preprocessedShape(sampleShape: readonly number[], recipe: PreprocessingRecipe, layout: Layout): number[] {
  if (!isImageShape(sampleShape)) return [...sampleShape];
  const channels = recipe.channelOrder === 'gray' ? 1 : 3;
  const height = recipe.resize?.height ?? (sampleShape[1] as number);
  const width = recipe.resize?.width ?? (sampleShape[2] as number);
  return layout === 'NCHW' ? [channels, height, width] : [height, width, channels];
}

function allocate(dtype: PreprocessingRecipe['dtype'], length: number): ModelInputArray {
  if (dtype === 'uint8') return new Uint8Array(length);
  if (dtype === 'int8') return new Int8Array(length);
  return new Float32Array(length);
}

/** Integer outputs are rounded and clamped so out-of-range values saturate instead of wrapping. */
function caster(dtype: PreprocessingRecipe['dtype']): (v: number) => number {
  if (dtype === 'uint8') return (v) => Math.min(255, Math.max(0, Math.round(v)));
  if (dtype === 'int8') return (v) => Math.min(127, Math.max(-128, Math.round(v)));
  return (v) => v;
}

/**
 * Turns `count` stored samples into model input data, sample after sample:
 * resize → channel order → ·scale → (−mean)/std → dtype → layout (NHWC moves channels last).
 * Non-image samples only get scale, mean/std (per last-axis element when several) and dtype.
 */
export function preprocessSamples(
  stored: ArrayLike<number>,
  sampleShape: readonly number[],
  count: number,
  recipe: PreprocessingRecipe,
  layout: Layout = recipe.layout,
): { data: ModelInputArray; sampleShape: number[] } {
  const outShape = preprocessedShape(sampleShape, recipe, layout);
  const inSize = sampleShape.reduce((n, d) => n * d, 1);
  const outSize = outShape.reduce((n, d) => n * d, 1);
  const out = allocate(recipe.dtype, count * outSize);
  const cast = caster(recipe.dtype);
  const { scale, mean, std } = recipe;
  const at = (values: number[], i: number): number => (values.length === 1 ? (values[0] as number) : (values[i] as number));

  if (!isImageShape(sampleShape)) {
    const last = sampleShape[sampleShape.length - 1] ?? 1;
    for (let i = 0; i < count * inSize; i++) {
      const k = i % last;
      out[i] = cast(((stored[i] as number) * scale - at(mean, k)) / at(std, k));
    }
    return { data: out, sampleShape: outShape };
  }

  const [inChannels, inHeight, inWidth] = sampleShape as [number, number, number];
  const channels = recipe.channelOrder === 'gray' ? 1 : 3;
  const height = recipe.resize?.height ?? inHeight;
  const width = recipe.resize?.width ?? inWidth;
  const pixels = height * width;
  const sample = new Float32Array(inSize);
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < inSize; i++) sample[i] = stored[s * inSize + i] as number;
    let planes: Float32Array = sample;
    if (recipe.resize && (height !== inHeight || width !== inWidth)) {
      planes = resizePlanes(planes, inChannels, inHeight, inWidth, recipe.resize);
    }
    planes = convertChannels(planes, inChannels, pixels, recipe.channelOrder);
    const base = s * outSize;
    for (let c = 0; c < channels; c++) {
      const m = at(mean, c);
      const d = at(std, c);
      for (let p = 0; p < pixels; p++) {
        const value = cast(((planes[c * pixels + p] as number) * scale - m) / d);
        out[layout === 'NCHW' ? base + c * pixels + p : base + p * channels + c] = value;
      }
    }
  }
  return { data: out, sampleShape: outShape };
}

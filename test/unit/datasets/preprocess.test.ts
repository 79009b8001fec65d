import { describe, expect, it } from 'vitest';
import { resolveRecipe, checkRecipeFits } from '../../../src/core/datasets/dataset-manifest';
import type { PreprocessingRecipe } from '../../../src/shared/preprocessing';
import { preprocessSamples } from '../../../src/core/datasets/preprocess';

const recipe = (over: Partial<PreprocessingRecipe>, shape: number[] = [3, 2, 2]) => resolveRecipe(over, shape);

// One RGB 2×2 sample, [C,H,W]: R = 10,20,30,40; G = 50,60,70,80; B = 90,100,110,120.
const rgb = Array.from({ length: 12 }, (_, i) => (i + 1) * 10);

describe('preprocessSamples', () => {
  it('NCHW keeps the stored planes; NHWC interleaves channels per pixel', () => {
    expect(Array.from(preprocessSamples(rgb, [3, 2, 2], 1, recipe({})).data)).toEqual(rgb);
    const nhwc = preprocessSamples(rgb, [3, 2, 2], 1, recipe({ layout: 'NHWC' }));
    expect(nhwc.sampleShape).toEqual([2, 2, 3]);
    expect(Array.from(nhwc.data)).toEqual([10, 50, 90, 20, 60, 100, 30, 70, 110, 40, 80, 120]);
  });

  it('BGR reverses the planes; gray is BT.601 luma; gray to RGB repeats the plane', () => {
    expect(Array.from(preprocessSamples(rgb, [3, 2, 2], 1, recipe({ channelOrder: 'BGR' })).data.subarray(0, 4))).toEqual([90, 100, 110, 120]);
    const gray = preprocessSamples(rgb, [3, 2, 2], 1, recipe({ channelOrder: 'gray' }));
    expect(gray.sampleShape).toEqual([1, 2, 2]);
    // pixel 0: 0.299·10 + 0.587·50 + 0.114·90 = 2.99 + 29.35 + 10.26 = 42.6
    expect(gray.data[0]).toBeCloseTo(42.6, 4);
    const fromGray = preprocessSamples([1, 2, 3, 4], [1, 2, 2], 1, recipe({ channelOrder: 'RGB' }, [1, 2, 2]));
    expect(fromGray.sampleShape).toEqual([3, 2, 2]);
    expect(Array.from(fromGray.data)).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('applies scale, then per-channel mean and std', () => {
    const r = recipe({ scale: 0.01, mean: [0.1, 0.5, 1], std: [0.5, 0.1, 0.2] });
    const out = Array.from(preprocessSamples(rgb, [3, 2, 2], 1, r).data);
    // R: (0.1 − 0.1)/0.5 = 0; G first: (0.5 − 0.5)/0.1 = 0; B last: (1.2 − 1)/0.2 = 1
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo(0.2, 6); // (0.2 − 0.1)/0.5
    expect(out[4]).toBeCloseTo(0, 6);
    expect(out[11]).toBeCloseTo(1, 5);
  });

  it('resizes at load time (bilinear, half-pixel centres) before the channel step', () => {
    // One gray 2×2 sample [[0, 100], [200, 100]] upscaled to 4×4.
    const r = recipe({ resize: { width: 4, height: 4, method: 'bilinear' } }, [1, 2, 2]);
    const out = preprocessSamples([0, 100, 200, 100], [1, 2, 2], 1, r);
    expect(out.sampleShape).toEqual([1, 4, 4]);
    // Row 0 samples y = −0.25 → clamped 0: x = 0, 0.25, 0.75, 1 (clamped) → 0, 25, 75, 100
    expect(Array.from(out.data.subarray(0, 4))).toEqual([0, 25, 75, 100]);
    // Row 1 samples y = 0.25: left column 0 + 0.25·200 = 50; right column 100
    expect(out.data[4]).toBeCloseTo(50, 5);
    expect(out.data[7]).toBeCloseTo(100, 5);
  });

  it('uint8 and int8 outputs are rounded and saturate', () => {
    const u8 = preprocessSamples([-3, 2.6, 300, 7], [4], 1, recipe({ dtype: 'uint8' }, [4]));
    expect(u8.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(u8.data)).toEqual([0, 3, 255, 7]);
    const i8 = preprocessSamples([0, 100, 255, 128], [4], 1, recipe({ dtype: 'int8', mean: [128] }, [4]));
    expect(Array.from(i8.data)).toEqual([-128, -28, 127, 0]);
  });

  it('normalises tensors per last-axis element with one mean/std per feature', () => {
    const r = recipe({ mean: [1, 10], std: [1, 5] }, [2]);
    expect(Array.from(preprocessSamples([2, 20, 3, 30], [2], 2, r).data)).toEqual([1, 2, 2, 4]);
  });

  it('refuses mean/std of the wrong length and resize of non-images', () => {
    expect(() => checkRecipeFits(recipe({ mean: [0, 0] }), [3, 2, 2], 'pets')).toThrow(/mean of 'pets' has 2 values; give one value, or 3/);
    expect(() => checkRecipeFits(recipe({ resize: { width: 2, height: 2, method: 'nearest' } }, [5]), [5], 'iris')).toThrow(
      /not images, so it cannot be resized/,
    );
  });
});

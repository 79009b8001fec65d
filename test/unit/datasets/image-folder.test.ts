import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDatasetManifest } from '../../../src/core/datasets/dataset-manifest';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { loadDatasetTensors } from '../../../src/core/datasets/load-dataset';
import { DatasetManifest as WorkspaceDatasetManifest } from '../../../src/core/workspace/workspace';
import { jpegBytes, pngBytes, studioError, tempDir, writeFiles } from './helpers';

let root: string;
let src: string;
let out: string;

beforeEach(async () => {
  root = await tempDir('images');
  src = path.join(root, 'src');
  out = path.join(root, 'out');
  await fs.mkdir(src);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const solid = (r: number, g: number, b: number) => (): [number, number, number] => [r, g, b];

describe('image folder importer', () => {
  it('stores one class per sub-folder (sorted), PNG and JPEG, as uint8 RGB [3,H,W] with labels', async () => {
    await writeFiles(src, {
      'cat/b.png': pngBytes(4, 3, (x, y) => [x * 10, y * 20, 7]),
      'cat/a.png': pngBytes(4, 3, solid(1, 2, 3)),
      'ant/one.PNG': pngBytes(4, 3, solid(200, 100, 50)),
      'dog/x.jpg': jpegBytes(4, 3, solid(128, 64, 32)),
      'dog/notes.txt': 'not an image',
    });
    const manifest = await importDataset(src, out, { name: 'pets' });
    expect(manifest).toMatchObject({ name: 'pets', samples: 4, sampleShape: [3, 3, 4], dtype: 'uint8', classes: ['ant', 'cat', 'dog'] });
    expect(manifest.labeled).toBe(true);
    expect((await fs.readdir(out)).sort()).toEqual(['dataset.json', 'labels.u8', 'samples.u8']);
    // The workspace lister reads the same manifest with its own schema.
    expect(WorkspaceDatasetManifest.safeParse(JSON.parse(await fs.readFile(path.join(out, 'dataset.json'), 'utf8'))).success).toBe(true);

    const loaded = await loadDatasetTensors(out);
    expect(Array.from(loaded.labels ?? [])).toEqual([0, 1, 1, 2]); // ant/one, cat/a, cat/b, dog/x
    const pixels = 12;
    const sample = (i: number) => Array.from(loaded.data.subarray(i * 3 * pixels, (i + 1) * 3 * pixels));
    expect(sample(0).slice(0, pixels)).toEqual(new Array(pixels).fill(200));
    // cat/b.png: R plane = x·10, G plane = y·20, B = 7.
    expect(sample(2).slice(0, 4)).toEqual([0, 10, 20, 30]);
    expect(sample(2)[pixels + 4 * 2]).toBe(40);
    expect(sample(2)[2 * pixels]).toBe(7);
    // JPEG is lossy: a solid colour comes back within a few levels.
    for (const [c, value] of [128, 64, 32].entries()) {
      for (const v of sample(3).slice(c * pixels, (c + 1) * pixels)) expect(Math.abs(v - value)).toBeLessThanOrEqual(3);
    }
  });

  it('stores gray (BT.601 luma) when the recipe asks for gray', async () => {
    await writeFiles(src, { 'a/1.png': pngBytes(2, 2, solid(100, 50, 200)), 'b/1.png': pngBytes(2, 2, solid(0, 0, 0)) });
    const manifest = await importDataset(src, out, { preprocessing: { channelOrder: 'gray', scale: 1 / 255 } });
    expect(manifest.sampleShape).toEqual([1, 2, 2]);
    const loaded = await loadDatasetTensors(out, { recipe: { scale: 1 } });
    // 0.299·100 + 0.587·50 + 0.114·200 = 82.05 → stored 82
    expect(Array.from(loaded.data.subarray(0, 4))).toEqual([82, 82, 82, 82]);
  });

  it('resizes images of different sizes to the recipe size (nearest and bilinear)', async () => {
    const ramp = (x: number): [number, number, number] => [x * 10, 0, 0];
    await writeFiles(src, { 'a/big.png': pngBytes(4, 4, ramp), 'b/small.png': pngBytes(2, 2, ramp) });
    const nearest = await importDataset(src, path.join(root, 'n'), { preprocessing: { resize: { width: 2, height: 2, method: 'nearest' } } });
    expect(nearest.sampleShape).toEqual([3, 2, 2]);
    const n = await loadDatasetTensors(path.join(root, 'n'));
    // 4→2 nearest picks source x = floor((x + 0.5)·2) = 1, 3 → 10, 30; the 2×2 image is kept as is.
    expect(Array.from(n.data.subarray(0, 4))).toEqual([10, 30, 10, 30]);
    expect(Array.from(n.data.subarray(12, 16))).toEqual([0, 10, 0, 10]);
    await importDataset(src, path.join(root, 'b'), { preprocessing: { resize: { width: 2, height: 2, method: 'bilinear' } } });
    const b = await loadDatasetTensors(path.join(root, 'b'));
    // 4→2 bilinear samples x = 0.5 and 2.5: (0 + 10)/2 = 5 and (20 + 30)/2 = 25.
    expect(Array.from(b.data.subarray(0, 4))).toEqual([5, 25, 5, 25]);
  });

  it('makes an unlabeled dataset from a folder of images only', async () => {
    await writeFiles(src, { '1.png': pngBytes(2, 2, solid(1, 1, 1)), '2.png': pngBytes(2, 2, solid(2, 2, 2)) });
    const manifest = await importDataset(src, out);
    expect(manifest).toMatchObject({ samples: 2, labeled: false, classes: [] });
    expect(manifest.files.labels).toBeUndefined();
    expect((await readDatasetManifest(out)).labeled).toBe(false);
    expect((await loadDatasetTensors(out)).labels).toBeNull();
  });

  describe('bad input', () => {
    it('an empty folder', async () => {
      const error = await studioError(importDataset(src, out));
      expect(error.code).toBe('BAD_INPUT');
      expect(error.message).toContain(src);
      expect(error.message).toMatch(/sub-folder named after the class/);
    });

    it('a class folder with no images names the folder', async () => {
      await writeFiles(src, { 'a/1.png': pngBytes(2, 2, solid(1, 1, 1)), 'empty/readme.txt': 'x' });
      const error = await studioError(importDataset(src, out));
      expect(error.code).toBe('BAD_INPUT');
      expect(error.message).toContain(path.join(src, 'empty'));
    });

    it('an unreadable image is named', async () => {
      await writeFiles(src, { 'a/1.png': pngBytes(2, 2, solid(1, 1, 1)), 'a/broken.png': 'definitely not a png' });
      const error = await studioError(importDataset(src, out));
      expect(error.code).toBe('BAD_INPUT');
      expect(error.message).toContain(path.join(src, 'a', 'broken.png'));
      expect(error.message).toMatch(/valid PNG or JPEG/);
      await expect(fs.stat(path.join(out, 'dataset.json'))).rejects.toThrow();
    });

    it('images of different sizes without a resize name the first odd one and both sizes', async () => {
      await writeFiles(src, { 'a/1.png': pngBytes(4, 3, solid(1, 1, 1)), 'a/2.png': pngBytes(5, 3, solid(1, 1, 1)) });
      const error = await studioError(importDataset(src, out));
      expect(error.message).toContain(path.join(src, 'a', '2.png'));
      expect(error.message).toContain('5×3');
      expect(error.message).toContain('4×3');
      expect(error.message).toMatch(/resize/);
    });

    it('an image beside the class folders', async () => {
      await writeFiles(src, { 'a/1.png': pngBytes(2, 2, solid(1, 1, 1)), 'stray.png': pngBytes(2, 2, solid(1, 1, 1)) });
      const error = await studioError(importDataset(src, out));
      expect(error.message).toContain('stray.png');
    });

    it('a target folder that already holds a dataset is not overwritten unless asked', async () => {
      await writeFiles(src, { 'a/1.png': pngBytes(2, 2, solid(1, 1, 1)) });
      await importDataset(src, out, { name: 'first' });
      const error = await studioError(importDataset(src, out, { name: 'second' }));
      expect(error.message).toMatch(/already holds a dataset/);
      expect((await readDatasetManifest(out)).name).toBe('first');
      expect((await importDataset(src, out, { name: 'second', overwrite: true })).name).toBe('second');
    });
  });
});

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { loadDatasetTensors } from '../../../src/core/datasets/load-dataset';
import { repoRoot } from '../../helpers/run-cli';
import { tempDir } from './helpers';

const fixtures = path.join(repoRoot, 'test/fixtures/datasets');
let root: string;
beforeEach(async () => {
  root = await tempDir('fixtures');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('committed dataset fixtures', () => {
  it('shapes/ imports as 6 RGB 8×8 images in classes left and right, and loads NHWC normalised', async () => {
    const manifest = await importDataset(path.join(fixtures, 'shapes'), root, {
      preprocessing: { scale: 1 / 255, mean: [0.5], std: [0.5] },
      overwrite: true,
    });
    expect(manifest).toMatchObject({ samples: 6, sampleShape: [3, 8, 8], classes: ['left', 'right'] });
    const loaded = await loadDatasetTensors(root, { inputShape: [null, 8, 8, 3] });
    expect(loaded.layout).toBe('NHWC');
    expect(Array.from(loaded.labels ?? [])).toEqual([0, 0, 0, 1, 1, 1]);
    // left/1.png pixel (x 1, y 3) is rgb(230, 40, 40): R = (230/255 − 0.5)/0.5
    expect(loaded.data[(3 * 8 + 1) * 3]).toBeCloseTo((230 / 255 - 0.5) / 0.5, 5);
    expect(Math.min(...loaded.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...loaded.data)).toBeLessThanOrEqual(1);
  });

  it('iris-sample.csv imports as 9 × [4] with the three species', async () => {
    const manifest = await importDataset(path.join(fixtures, 'iris-sample.csv'), root, { overwrite: true });
    expect(manifest).toMatchObject({ samples: 9, sampleShape: [4], classes: ['setosa', 'versicolor', 'virginica'] });
    expect(Array.from((await loadDatasetTensors(root)).labels ?? [])).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });
});

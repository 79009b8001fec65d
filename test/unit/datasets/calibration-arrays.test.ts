import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrationFeeds } from '../../../src/core/datasets/calibration-arrays';
import { readDatasetManifest } from '../../../src/core/datasets/dataset-manifest';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { loadDatasetTensors } from '../../../src/core/datasets/load-dataset';
import { encodeNpy } from '../../../src/core/datasets/npy-format';
import { npz, studioError, tempDir, writeFiles } from './helpers';

let root: string;
beforeAll(async () => {
  root = await tempDir('calibration-arrays');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

// silero VAD's inputs: audio chunks, a scalar sample rate, a state shared by every sample.
const SILERO = [
  { name: 'input', dtype: 'float32', shape: [null, null] },
  { name: 'state', dtype: 'float32', shape: [2, null, 128] },
  { name: 'sr', dtype: 'int64', shape: [] },
];
const audio = Float32Array.from({ length: 3 * 512 }, (_, i) => Math.sin(i / 7));

function sileroNpz(): Uint8Array {
  return npz({
    input: encodeNpy('<f4', [3, 1, 512], audio),
    state: encodeNpy('<f4', [1, 2, 1, 128], new Float32Array(256)),
    sr: encodeNpy('<i8', [], new BigInt64Array([16000n])),
  });
}

describe('a dataset of one array per model input', () => {
  it('imports from an .npz with --no-labels and feeds every input: a 0-d array and a first axis of 1 are shared by every sample', async () => {
    await writeFiles(root, { 'silero.npz': sileroNpz() });
    const dir = path.join(root, 'silero');
    const manifest = await importDataset(path.join(root, 'silero.npz'), dir, { labelsKey: null });
    expect(manifest.arrays?.map((a) => [a.name, a.dtype, a.shape])).toEqual([
      ['input', 'float32', [3, 1, 512]],
      ['state', 'float32', [1, 2, 1, 128]],
      ['sr', 'int64', []],
    ]);
    // Readers that know one samples array get the input with the most samples.
    expect(manifest).toMatchObject({ samples: 3, sampleShape: [1, 512], dtype: 'float32', labeled: false });
    expect((await loadDatasetTensors(dir)).count).toBe(3);

    const feeds = await calibrationFeeds(dir, SILERO, 10);
    expect(feeds).toHaveLength(3);
    expect(feeds.map((f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.dims])))).toEqual(Array(3).fill({ input: [1, 512], state: [2, 1, 128], sr: [] }));
    expect(Array.from(feeds[2]?.input?.data as Float32Array)).toEqual(Array.from(audio.subarray(1024)));
    expect(feeds[1]?.sr?.data).toEqual(new BigInt64Array([16000n]));
    // The .npz itself gives the same feeds.
    expect(await calibrationFeeds(path.join(root, 'silero.npz'), SILERO, 10)).toEqual(feeds);
  });

  it('the same .npz without --no-labels (as the studio uploads it) is one array per input too: no array looks like labels', async () => {
    const manifest = await importDataset(path.join(root, 'silero.npz'), path.join(root, 'silero-upload'));
    expect(manifest.arrays?.map((a) => a.name)).toEqual(['input', 'state', 'sr']);
  });

  it('imports NumPy bool arrays and feeds them to a bool input', async () => {
    await writeFiles(root, { 'flags.npz': npz({ cond: encodeNpy('|b1', [2], Uint8Array.of(1, 0)), y: encodeNpy('<f4', [2, 1], Float32Array.of(3, 4)) }) });
    const dir = path.join(root, 'flags');
    await importDataset(path.join(root, 'flags.npz'), dir, { labelsKey: null });
    const feeds = await calibrationFeeds(dir, [{ name: 'cond', dtype: 'bool', shape: [] }, { name: 'y', dtype: 'float32', shape: [1] }], 5);
    expect(feeds.map((f) => [Array.from(f.cond?.data as Uint8Array), Array.from(f.y?.data as Float32Array)])).toEqual([
      [[1], [3]],
      [[0], [4]],
    ]);
  });

  it('says which array is missing, and how to save one per input', async () => {
    const error = await studioError(calibrationFeeds(path.join(root, 'silero'), [...SILERO, { name: 'extra', dtype: 'float32', shape: [1] }], 5));
    expect(error.message).toMatch(/the dataset 'silero' has no array named 'extra' for the model input 'extra' \(its arrays: 'input', 'state', 'sr'\).*numpy\.savez/);
  });

  it('an older manifest (no arrays field) still reads as one samples array', async () => {
    const file = path.join(root, 'silero', 'dataset.json');
    const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    delete manifest.arrays;
    const old = path.join(root, 'old');
    await fs.cp(path.join(root, 'silero'), old, { recursive: true });
    await fs.writeFile(path.join(old, 'dataset.json'), JSON.stringify(manifest));
    expect((await readDatasetManifest(old)).arrays).toBeUndefined();
    const feeds = await calibrationFeeds(old, [{ name: 'input', dtype: 'float32', shape: ['batch', 512] }], 2);
    expect(feeds.map((f) => f.input?.dims)).toEqual([
      [1, 512],
      [1, 512],
    ]);
    expect(Array.from(feeds[1]?.input?.data as Float32Array)).toEqual(Array.from(audio.subarray(512, 1024)));
  });
});

describe('a dataset of one samples array', () => {
  it('feeds a model with a fixed batch each sample as the whole input, not with a batch of 1 prepended', async () => {
    const values = Float32Array.from({ length: 4 * 2 * 3 * 7 * 5 }, (_, i) => i);
    await writeFiles(root, { 'conv.npz': npz({ '0': encodeNpy('<f4', [4, 2, 3, 7, 5], values) }) });
    const dir = path.join(root, 'conv');
    await importDataset(path.join(root, 'conv.npz'), dir, { labelsKey: null });
    const feeds = await calibrationFeeds(dir, [{ name: '0', dtype: 'float32', shape: [2, 3, 7, 5] }], 10);
    expect(feeds.map((f) => f['0']?.dims)).toEqual(Array(4).fill([2, 3, 7, 5]));
    // Evaluation, which feeds samples as items of a batch, says what the mismatch is without contradicting itself.
    const error = await studioError(loadDatasetTensors(dir, { inputShape: [2, 3, 7, 5], inputName: '0' }));
    expect(error.message).toMatch(/^Each of the dataset's samples is \[2,3,7,5\], the whole of the model's input '0' \(a fixed batch of 2\), but here a sample must be one item of the batch, \[3,7,5\]/);
  });
});

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { loadDatasetTensors } from '../../../src/core/datasets/load-dataset';
import { encodeNpy, parseNpy } from '../../../src/core/datasets/npy-format';
import { npz, studioError, tempDir, writeFiles } from './helpers';

let root: string;
let out: string;
beforeEach(async () => {
  root = await tempDir('tensors');
  out = path.join(root, 'out');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});
const at = (name: string) => path.join(root, name);

describe('.npy format', () => {
  it('reads every supported dtype and round-trips what encodeNpy writes', () => {
    const cases = [
      ['<f4', Float32Array.of(1.5, -2)],
      ['<f8', Float64Array.of(0.25, 3)],
      ['|u1', Uint8Array.of(0, 255)],
      ['|i1', Int8Array.of(-128, 127)],
      ['<i4', Int32Array.of(-5, 70000)],
      ['<i8', BigInt64Array.of(-1n, 9n)],
    ] as const;
    for (const [descr, data] of cases) {
      const parsed = parseNpy(encodeNpy(descr, [2], data), 'a.npy');
      expect(parsed.descr).toBe(descr);
      expect(parsed.shape).toEqual([2]);
      expect(Array.from(parsed.data as ArrayLike<number | bigint>)).toEqual(Array.from(data as ArrayLike<number | bigint>));
    }
  });

  it('refuses Fortran order, big-endian, unsupported dtypes, truncation and non-npy bytes with the file named', () => {
    const good = encodeNpy('<f4', [2, 2], Float32Array.of(1, 2, 3, 4));
    const text = new TextDecoder('latin1').decode(good);
    const variant = (from: string, to: string) => Uint8Array.from(text.replace(from, to), (c) => c.charCodeAt(0));
    expect(() => parseNpy(variant("'fortran_order': False", "'fortran_order': True "), 'f.npy')).toThrow(/'f\.npy'.*Fortran.*ascontiguousarray/);
    expect(() => parseNpy(variant("'<f4'", "'>f4'"), 'b.npy')).toThrow(/'>f4'.*big-endian/);
    expect(() => parseNpy(variant("'<f4'", "'<c8'"), 'c.npy')).toThrow(/dtype '<c8' is not supported/);
    expect(() => parseNpy(good.subarray(0, good.length - 3), 't.npy')).toThrow(/'t\.npy'.*truncated/);
    expect(() => parseNpy(new Uint8Array(0), 'e.npy')).toThrow(/'e\.npy'.*empty/);
    expect(() => parseNpy(new TextEncoder().encode('x,y\n1,2\n'), 'n.npy')).toThrow(/magic/);
  });
});

describe('.npy importer', () => {
  it('imports samples with a labels .npy, moving NHWC images to stored [C,H,W]', async () => {
    // 2 samples of 2×2×3 (NHWC): value = sample·100 + pixel·10 + channel
    const x = Float64Array.from({ length: 24 }, (_, i) => Math.floor(i / 12) * 100 + Math.floor((i % 12) / 3) * 10 + (i % 3));
    await writeFiles(root, { 'x.npy': encodeNpy('<f8', [2, 2, 2, 3], x), 'y.npy': encodeNpy('<i8', [2], BigInt64Array.of(1n, 0n)) });
    const manifest = await importDataset(at('x.npy'), out, { labelsFile: at('y.npy'), classes: ['no', 'yes'] });
    expect(manifest).toMatchObject({ samples: 2, sampleShape: [3, 2, 2], dtype: 'float32', classes: ['no', 'yes'], labeled: true });
    const loaded = await loadDatasetTensors(out);
    expect(Array.from(loaded.labels ?? [])).toEqual([1, 0]);
    // channel 1 plane of sample 1: 101, 111, 121, 131
    expect(Array.from(loaded.data.subarray(12 + 4, 12 + 8))).toEqual([101, 111, 121, 131]);
  });

  it('keeps flat feature vectors and makes an unlabeled dataset without a labels file', async () => {
    await writeFiles(root, { 'x.npy': encodeNpy('|u1', [3, 4], Uint8Array.from({ length: 12 }, (_, i) => i)) });
    const manifest = await importDataset(at('x.npy'), out);
    expect(manifest).toMatchObject({ samples: 3, sampleShape: [4], dtype: 'uint8', labeled: false, classes: [] });
  });

  it('mismatched sample and label counts, non-integer labels, and an empty array are BAD_INPUT', async () => {
    await writeFiles(root, {
      'x.npy': encodeNpy('<f4', [3, 2], new Float32Array(6)),
      'y2.npy': encodeNpy('<i4', [2], Int32Array.of(0, 1)),
      'yf.npy': encodeNpy('<f4', [3], Float32Array.of(0, 0.5, 1)),
      'empty.npy': encodeNpy('<f4', [0, 2], new Float32Array(0)),
    });
    const counts = await studioError(importDataset(at('x.npy'), out, { labelsFile: at('y2.npy') }));
    expect(counts.message).toMatch(/has 3 samples but .*y2\.npy' has 2 labels/);
    const fraction = await studioError(importDataset(at('x.npy'), out, { labelsFile: at('yf.npy') }));
    expect(fraction.message).toMatch(/label 0\.5 at index 1/);
    const empty = await studioError(importDataset(at('empty.npy'), out));
    expect(empty.message).toMatch(/empty\.npy' holds no samples/);
    const missing = await studioError(importDataset(at('nope.npy'), out));
    expect(missing.code).toBe('FILE_NOT_FOUND');
  });
});

describe('.npz importer', () => {
  it('finds x/y and images/labels by default, stored or deflated', async () => {
    const x = encodeNpy('<f4', [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6));
    await writeFiles(root, {
      'a.npz': npz({ x, y: encodeNpy('|u1', [2], Uint8Array.of(2, 0)) }),
      'b.npz': npz({ images: x, labels: encodeNpy('<i8', [2, 1], BigInt64Array.of(0n, 1n)) }, true),
    });
    const a = await importDataset(at('a.npz'), path.join(root, 'a'));
    expect(a).toMatchObject({ samples: 2, sampleShape: [3], classes: ['0', '1', '2'] });
    expect(Array.from((await loadDatasetTensors(path.join(root, 'a'))).labels ?? [])).toEqual([2, 0]);
    const b = await importDataset(at('b.npz'), path.join(root, 'b'));
    expect(b.classes).toEqual(['0', '1']);
    expect(Array.from((await loadDatasetTensors(path.join(root, 'b'))).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('takes array names as options and lists the arrays when a name is missing', async () => {
    const x = encodeNpy('<f4', [1, 2], Float32Array.of(1, 2));
    await writeFiles(root, { 'c.npz': npz({ feats: x, cls: encodeNpy('|u1', [1], Uint8Array.of(0)) }) });
    const named = await importDataset(at('c.npz'), out, { samplesKey: 'feats', labelsKey: 'cls' });
    expect(named.labeled).toBe(true);
    const guess = await studioError(importDataset(at('c.npz'), path.join(root, 'd')));
    expect(guess.message).toMatch(/'feats', 'cls'/);
    const wrong = await studioError(importDataset(at('c.npz'), path.join(root, 'd'), { samplesKey: 'feats', labelsKey: 'y' }));
    expect(wrong.message).toMatch(/no labels array named 'y'/);
    const unlabeled = await importDataset(at('c.npz'), path.join(root, 'e'), { samplesKey: 'feats', labelsKey: null });
    expect(unlabeled.labeled).toBe(false);
  });

  it('an empty or non-zip .npz is BAD_INPUT naming it', async () => {
    await writeFiles(root, { 'e.npz': new Uint8Array(0), 'n.npz': 'hello' });
    expect((await studioError(importDataset(at('e.npz'), out))).message).toMatch(/e\.npz' is not a readable \.npz archive \(the file is empty\)/);
    expect((await studioError(importDataset(at('n.npz'), out))).message).toMatch(/n\.npz' is not a readable/);
  });
});

describe('CSV importer', () => {
  it('reads a header, numeric features and named classes in the last column', async () => {
    await writeFiles(root, { 'iris.csv': 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,"versicolor"\n6.3,6.0,setosa\n' });
    const manifest = await importDataset(at('iris.csv'), out);
    expect(manifest).toMatchObject({ name: 'iris', samples: 3, sampleShape: [2], classes: ['setosa', 'versicolor'] });
    const loaded = await loadDatasetTensors(out);
    expect(Array.from(loaded.labels ?? [])).toEqual([0, 1, 0]);
    expect(Array.from(loaded.data)).toEqual([5.1, 1.4, 7.0, 4.7, 6.3, 6.0].map(Math.fround));
  });

  it('takes the label column by name or index, numeric labels, no header, or no labels', async () => {
    await writeFiles(root, { 'a.csv': 'label,f1,f2\n1,0.5,2\n0,1.5,3\n', 'b.csv': '2,10,20\n0,30,40\n' });
    const byName = await importDataset(at('a.csv'), path.join(root, 'n'), { labelColumn: 'label' });
    expect(byName).toMatchObject({ classes: ['0', '1'], sampleShape: [2] });
    expect(Array.from((await loadDatasetTensors(path.join(root, 'n'))).data)).toEqual([0.5, 2, 1.5, 3]);
    const byIndex = await importDataset(at('b.csv'), path.join(root, 'i'), { labelColumn: 0 });
    expect(byIndex).toMatchObject({ samples: 2, classes: ['0', '1', '2'] });
    const none = await importDataset(at('b.csv'), path.join(root, 'u'), { labelColumn: null });
    expect(none).toMatchObject({ labeled: false, sampleShape: [3] });
  });

  it('names the line and column of a bad value, a short line, a missing column, and an empty file', async () => {
    await writeFiles(root, {
      'bad.csv': 'a,b,label\n1,2,0\n3,oops,1\n',
      'short.csv': '1,2,0\n3,1\n',
      'empty.csv': '\n\n',
      'header.csv': 'a,b,label\n',
    });
    const bad = await studioError(importDataset(at('bad.csv'), out));
    expect(bad.message).toMatch(/Line 3, column 2 \('b'\) of '.*bad\.csv' holds 'oops'/);
    expect(bad.context).toMatchObject({ line: '3', column: '2' });
    expect((await studioError(importDataset(at('short.csv'), out))).message).toMatch(/Line 2 .* has 2 fields but the first line has 3/);
    expect((await studioError(importDataset(at('bad.csv'), out, { labelColumn: 'class' }))).message).toMatch(/no column named 'class'.*'a', 'b', 'label'/);
    expect((await studioError(importDataset(at('empty.csv'), out))).message).toMatch(/empty\.csv' is empty/);
    expect((await studioError(importDataset(at('header.csv'), out))).message).toMatch(/header but no samples/);
  });

  it('an unknown kind of source lists what is accepted', async () => {
    await writeFiles(root, { 'model.onnx': 'x' });
    const error = await studioError(importDataset(at('model.onnx'), out));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/\.npy.*\.npz.*CSV/);
  });
});

import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDatasetManifest, resolveRecipe } from '../../../src/core/datasets/dataset-manifest';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { fitSampleShape, loadDatasetTensors } from '../../../src/core/datasets/load-dataset';
import { encodeNpy } from '../../../src/core/datasets/npy-format';
import { evaluationSummary, NO_LABELS_NOTE } from '../../../src/core/eval/metrics';
import { repoRoot } from '../../helpers/run-cli';
import { studioError, tempDir, writeFiles } from './helpers';

const demoDir = path.join(repoRoot, 'resources/datasets/demo-digits');
const demoSummary = JSON.parse(await fs.readFile(path.join(repoRoot, 'resources/models/demo-mnist.json'), 'utf8')) as {
  heldOutTop1: number;
};

describe('the demo dataset', () => {
  it('loads as 2000 × [1,28,28] float32 in 0..1 with labels 0..9, its recipe resolved to gray NCHW scale 1/255', async () => {
    const manifest = await readDatasetManifest(demoDir);
    expect(resolveRecipe(manifest.preprocessing, manifest.sampleShape)).toEqual({
      channelOrder: 'gray',
      layout: 'NCHW',
      scale: 1 / 255,
      mean: [0],
      std: [1],
      dtype: 'float32',
    });
    const loaded = await loadDatasetTensors(demoDir, { inputShape: ['batch', 1, 28, 28] });
    expect(loaded.count).toBe(2000);
    expect(loaded.batchShape).toEqual([1, 28, 28]);
    expect(loaded.data).toBeInstanceOf(Float32Array);
    expect(loaded.data.length).toBe(2000 * 784);
    expect(Math.max(...loaded.data.subarray(0, 784))).toBeLessThanOrEqual(1);
    expect(new Set(loaded.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(loaded.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('feeds the demo ONNX model to its recorded held-out top-1', async () => {
    const loaded = await loadDatasetTensors(demoDir, { inputShape: ['batch', 1, 28, 28] });
    const session = await ort.InferenceSession.create(path.join(repoRoot, 'resources/models/demo-mnist.onnx'));
    const result = await session.run({ input: new ort.Tensor('float32', loaded.data as Float32Array, [loaded.count, ...loaded.batchShape]) });
    const logits = result.logits?.data as Float32Array;
    const summary = evaluationSummary({ outputs: logits, width: 10, labels: loaded.labels, classes: loaded.classes, reference: logits });
    expect(summary.top1).toBeCloseTo(demoSummary.heldOutTop1, 3);
    expect(summary.fidelity).toEqual({ agreement: 1, cosine: expect.closeTo(1, 6), sqnrDb: null, maxAbsError: 0 });
    await session.release();
  });

  it('switches to NHWC for a channels-last model input (the TF.js/TFLite demo models), or when asked', async () => {
    const auto = await loadDatasetTensors(demoDir, { inputShape: [null, 28, 28, 1], limit: 3 });
    expect(auto).toMatchObject({ count: 3, layout: 'NHWC', batchShape: [28, 28, 1] });
    expect(auto.labels?.length).toBe(3);
    const asked = await loadDatasetTensors(demoDir, { layout: 'NHWC', limit: 1 });
    expect(asked.batchShape).toEqual([28, 28, 1]);
    // Unit axes may be dropped: a model taking [batch, 28, 28] is fed the same pixels.
    expect((await loadDatasetTensors(demoDir, { inputShape: [-1, 28, 28], limit: 1 })).batchShape).toEqual([28, 28]);
  });

  it('a model input the samples do not fit gets an error naming both shapes and what to change', async () => {
    const error = await studioError(loadDatasetTensors(demoDir, { inputShape: ['batch', 3, 224, 224], inputName: 'pixel_values' }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain("The dataset's samples are [1,28,28] but the model's input 'pixel_values' expects [batch,3,224,224]");
    expect(error.message).toMatch(/resize to 224×224, channel order RGB/);
    const flat = await studioError(loadDatasetTensors(demoDir, { inputShape: [1, 10] }));
    expect(flat.message).toContain('expects [1,10]');
  });
});

describe('loading imported datasets', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir('load');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('an unlabeled dataset loads with labels null and its summary says fidelity is still available', async () => {
    await writeFiles(root, { 'x.npy': encodeNpy('<f4', [2, 3], Float32Array.of(1, 0, 0, 0, 1, 0)) });
    await importDataset(path.join(root, 'x.npy'), path.join(root, 'ds'));
    const loaded = await loadDatasetTensors(path.join(root, 'ds'), { inputShape: ['n', 3] });
    expect(loaded.labels).toBeNull();
    const summary = evaluationSummary({ outputs: loaded.data, width: 3, labels: loaded.labels, classes: loaded.classes, reference: loaded.data });
    expect(summary).toMatchObject({ top1: null, top5: null, perClass: null, confusion: null, notes: [NO_LABELS_NOTE] });
    expect(summary.fidelity?.agreement).toBe(1);
  });

  it('a samples file shorter than its manifest is reported, not read past', async () => {
    await writeFiles(root, { 'x.npy': encodeNpy('|u1', [4, 2], new Uint8Array(8)) });
    const dir = path.join(root, 'ds');
    await importDataset(path.join(root, 'x.npy'), dir);
    await fs.writeFile(path.join(dir, 'samples.u8'), new Uint8Array(5));
    const error = await studioError(loadDatasetTensors(dir));
    expect(error.code).toBe('WORKSPACE');
    expect(error.message).toMatch(/samples\.u8' is shorter \(5 bytes\) than its manifest says \(8 bytes/);
  });
});

describe('fitSampleShape', () => {
  it('matches free dimensions and ignores unit axes only when the model dims are fixed', () => {
    expect(fitSampleShape([3, 8, 8], ['N', 3, null, -1])).toEqual([3, 8, 8]);
    expect(fitSampleShape([1, 28, 28], [1, 28, 28, 1])).toEqual([28, 28, 1]);
    expect(fitSampleShape([3, 8, 8], ['N', 8, 8, 3])).toBeNull();
    expect(fitSampleShape([784], ['N', 'h', 28])).toBeNull();
  });
});

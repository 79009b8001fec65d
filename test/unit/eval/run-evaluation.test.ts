import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../../src/core/datasets/dataset-manifest';
import { writeStoredDataset } from '../../../src/core/datasets/stored-dataset';
import { NO_LABELS_NOTE, NO_SAMPLES_NOTE } from '../../../src/core/eval/metrics';
import { evaluateModels, type EvalModel, type EvalProgress } from '../../../src/core/eval/run-evaluation';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { repoRoot } from '../../helpers/run-cli';
import { studioError, tempDir } from '../datasets/helpers';
import { recordingSpawner } from '../runner/bench-helpers';

const demoDataset = { dir: path.join(repoRoot, 'resources/datasets/demo-digits') };
const LIMIT = 500;

async function demoModel(name: string, file: string, variant?: string): Promise<EvalModel> {
  const modelPath = path.join(repoRoot, 'resources/models', file);
  return { name, path: modelPath, info: await inspectModelFiles([modelPath]), variant };
}

let onnx: EvalModel;
let tflite: EvalModel;
let tfjs: EvalModel;
let tmp: string;

beforeAll(async () => {
  onnx = await demoModel('demo-onnx', 'demo-mnist.onnx', 'float');
  tflite = await demoModel('demo-tflite', 'demo-mnist.tflite');
  tfjs = await demoModel('demo-tfjs', 'demo-mnist-tfjs/model.json');
  tmp = await tempDir('eval');
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** The demo digits' first `count` samples as a dataset without labels. */
async function unlabeledDigits(count: number): Promise<string> {
  const dir = path.join(tmp, 'unlabeled');
  const manifest = JSON.parse(await fs.readFile(path.join(demoDataset.dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
  const samples = (await fs.readFile(path.join(demoDataset.dir, 'samples.u8'))).subarray(0, count * 28 * 28);
  await writeStoredDataset(dir, {
    name: 'digits without labels',
    source: 'test',
    sampleShape: [1, 28, 28],
    samples: new Uint8Array(samples),
    labels: null,
    classes: [],
    preprocessing: manifest.preprocessing as Record<string, unknown>,
  });
  return dir;
}

describe('evaluateModels on the demo models and dataset', () => {
  it('classifies the digits with each runtime and measures the others against the ONNX float model, in the order given', async () => {
    const spawner = recordingSpawner();
    const progress: EvalProgress[] = [];
    const results = await evaluateModels([tflite, onnx, tfjs], demoDataset, { spawner, limit: LIMIT, onProgress: (p) => progress.push(p) });

    expect(results.map((r) => [r.model, r.runtime])).toEqual([
      ['demo-tflite', 'litert'],
      ['demo-onnx', 'onnxruntime'],
      ['demo-tfjs', 'tfjs'],
    ]);
    // One runner per model, each gone afterwards.
    expect(spawner.pids).toHaveLength(3);
    for (const result of results) {
      expect(result.samples).toBe(LIMIT);
      expect(result.top1).toBeGreaterThanOrEqual(0.95);
      expect(result.top5).toBeGreaterThanOrEqual(result.top1 as number);
      expect(result.perClass?.map((c) => c.className)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      const confusion = result.confusion as number[][];
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(LIMIT);
      // The diagonal holds the right answers.
      expect(confusion.reduce((sum, row, i) => sum + (row[i] as number), 0) / LIMIT).toBeCloseTo(result.top1 as number, 10);
      expect(result.reference).toBe('demo-onnx');
    }
    // The variant marked float is the default reference: no fidelity against itself.
    const [litert, reference, tf] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
    expect(reference.agreement).toBeNull();
    expect(reference.sqnrDb).toBeNull();
    expect(reference.layout).toBe('NCHW');
    for (const other of [litert, tf]) {
      expect(other.layout).toBe('NHWC');
      expect(other.agreement).toBeGreaterThanOrEqual(0.99);
      expect(other.cosine).toBeGreaterThan(0.999);
      expect(other.maxAbsError).toBeGreaterThanOrEqual(0);
    }
    expect(progress.filter((p) => p.phase === 'evaluating').at(-1)).toMatchObject({ completed: LIMIT, total: LIMIT });
  });

  it('without labels gives no accuracy, says fidelity is still available, and still measures fidelity', async () => {
    const dir = await unlabeledDigits(200);
    const results = await evaluateModels([onnx, tflite], { dir }, { spawner: recordingSpawner(), reference: 0 });
    for (const result of results) {
      expect(result.samples).toBe(200);
      expect(result.top1).toBeNull();
      expect(result.top5).toBeNull();
      expect(result.confusion).toBeNull();
      expect(result.notes).toContain(NO_LABELS_NOTE);
    }
    expect(results[1]?.agreement).toBeGreaterThanOrEqual(0.99);
    expect(results[1]?.cosine).toBeGreaterThan(0.999);
  });

  it('with no reference measures accuracy only', async () => {
    const results = await evaluateModels([tfjs], demoDataset, { spawner: recordingSpawner(), limit: 100 });
    expect(results[0]?.top1).toBeGreaterThanOrEqual(0.95);
    expect(results[0]?.reference).toBeNull();
    expect(results[0]?.agreement).toBeNull();
  });

  it('an empty dataset starts no runner and says nothing can be measured', async () => {
    const dir = path.join(tmp, 'empty');
    await writeStoredDataset(dir, { name: 'empty', source: 'test', sampleShape: [1, 28, 28], samples: new Uint8Array(0), labels: new Int32Array(0), classes: ['0'], preprocessing: {} });
    const spawner = recordingSpawner();
    const results = await evaluateModels([onnx], { dir }, { spawner });
    expect(spawner.pids).toHaveLength(0);
    expect(results[0]).toMatchObject({ samples: 0, top1: null, agreement: null, notes: [NO_SAMPLES_NOTE] });
  });
});

describe('evaluateModels: datasets that do not fit', () => {
  it('names both shapes when the samples cannot feed the model input', async () => {
    const dir = path.join(tmp, 'colour-8x8');
    await writeStoredDataset(dir, {
      name: 'colour 8x8',
      source: 'test',
      sampleShape: [3, 8, 8],
      samples: new Uint8Array(4 * 3 * 8 * 8),
      labels: new Int32Array([0, 1, 0, 1]),
      classes: ['a', 'b'],
      preprocessing: {},
    });
    const error = await studioError(evaluateModels([onnx], { dir }, { spawner: recordingSpawner() }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('[3,8,8]');
    expect(error.message).toContain('[batch,1,28,28]');
    expect(error.message).toContain('demo-onnx');
  });

  it('names both shapes for a model with a fixed input shape (TFLite)', async () => {
    const dir = path.join(tmp, 'gray-10x10');
    await writeStoredDataset(dir, { name: 'gray 10x10', source: 'test', sampleShape: [1, 10, 10], samples: new Uint8Array(2 * 100), labels: null, classes: [], preprocessing: {} });
    const error = await studioError(evaluateModels([tflite], { dir }, { spawner: recordingSpawner() }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('[1,10,10]');
    expect(error.message).toContain('[1,28,28,1]');
    expect(error.message).toContain('demo-tflite');
  });

  it('a folder without dataset.json is reported before any runner starts', async () => {
    const spawner = recordingSpawner();
    const error = await studioError(evaluateModels([onnx], { dir: path.join(tmp, 'nothing-here') }, { spawner }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('nothing-here');
    expect(spawner.pids).toHaveLength(0);
  });
});

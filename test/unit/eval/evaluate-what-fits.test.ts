/**
 * Issue 13: an evaluation takes the models the dataset fits and lists the others with the reason,
 * instead of stopping at the first model it cannot feed. Real models: the demo model in its three
 * formats, and two third-party ones the 28×28 digits do not fit (MediaPipe's face detector,
 * a TFLite [1,128,128,3] model, and Human's emotion model, a TF.js [?,64,64,1] graph model).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkEvalReadiness } from '../../../src/core/eval/eval-readiness';
import { evaluateModels, evaluateModelsThatFit, type EvalModel } from '../../../src/core/eval/run-evaluation';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { repoRoot } from '../../helpers/run-cli';
import { studioError } from '../datasets/helpers';
import { recordingSpawner } from '../runner/bench-helpers';

const digits = path.join(repoRoot, 'resources/datasets/demo-digits');
const LIMIT = 40;

async function model(name: string, file: string, variant?: string): Promise<EvalModel> {
  const modelPath = path.join(repoRoot, file);
  return { name, path: modelPath, info: await inspectModelFiles([modelPath]), variant };
}

let onnx: EvalModel;
let tflite: EvalModel;
let tfjs: EvalModel;
let faces: EvalModel;
let emotion: EvalModel;

beforeAll(async () => {
  onnx = await model('demo-onnx', 'resources/models/demo-mnist.onnx', 'float');
  tflite = await model('demo-tflite', 'resources/models/demo-mnist.tflite');
  tfjs = await model('demo-tfjs', 'resources/models/demo-mnist-tfjs/model.json');
  faces = await model('face_detection_short_range', 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
  emotion = await model('emotion', 'node_modules/@vladmandic/human/models/emotion.json');
});

describe('checkEvalReadiness', () => {
  it('says which models the digits fit, and for the others why, naming the shapes and what to do', async () => {
    const checks = await Promise.all([onnx, tflite, tfjs, faces, emotion].map((m) => checkEvalReadiness(m, digits, { frontEnd: 'ui' })));
    expect(checks.map((c) => c.ok)).toEqual([true, true, true, false, false]);
    const [, , , faceCheck, emotionCheck] = checks;
    if (faceCheck?.ok !== false || emotionCheck?.ok !== false) throw new Error('expected refusals');
    expect(faceCheck.error.code).toBe('BAD_INPUT');
    expect(faceCheck.error.message).toContain("'face_detection_short_range'");
    expect(faceCheck.error.message).toContain('[1,28,28]');
    expect(faceCheck.error.message).toContain('[1,128,128,3]');
    expect(faceCheck.error.message).toMatch(/resize to 128×128/);
    expect(emotionCheck.error.message).toContain('[?,64,64,1]');
    expect(emotionCheck.error.message).toMatch(/layout NHWC/);
  });

  it('refuses a dataset folder that cannot be read as an error, not as a model that does not fit', async () => {
    await expect(checkEvalReadiness(onnx, path.join(repoRoot, 'resources/models'), { frontEnd: 'ui' })).rejects.toThrow(/dataset/i);
  });
});

describe('evaluateModelsThatFit', () => {
  it('evaluates the ONNX, TFLite and TF.js models the digits fit and skips the two they do not, starting no runner for those', async () => {
    const spawner = recordingSpawner();
    const outcome = await evaluateModelsThatFit([onnx, faces, tflite, emotion, tfjs], { dir: digits }, { spawner, limit: LIMIT, frontEnd: 'ui' });
    expect(outcome.evaluated.map(({ index, result }) => [index, result.model, result.runtime])).toEqual([
      [0, 'demo-onnx', 'onnxruntime'],
      [2, 'demo-tflite', 'litert'],
      [4, 'demo-tfjs', 'tfjs'],
    ]);
    for (const { result } of outcome.evaluated) {
      expect(result.samples).toBe(LIMIT);
      expect(result.top1).toBeGreaterThan(0.9);
    }
    // The float ONNX model stays the reference of the others.
    expect(outcome.evaluated[1]?.result.agreement).toBeGreaterThan(0.95);
    expect(outcome.skipped.map((s) => [s.index, s.model])).toEqual([
      [1, 'face_detection_short_range'],
      [3, 'emotion'],
    ]);
    expect(outcome.skipped[0]?.error.message).toContain('[1,128,128,3]');
    expect(spawner.pids).toHaveLength(3);
  });

  it('a reference the dataset does not fit leaves the others evaluated without fidelity, and says so', async () => {
    const outcome = await evaluateModelsThatFit([faces, tflite], { dir: digits }, { spawner: recordingSpawner(), limit: 10, reference: 0 });
    expect(outcome.evaluated).toHaveLength(1);
    const result = outcome.evaluated[0]?.result;
    expect(result?.agreement).toBeNull();
    expect(result?.notes).toContain("The reference 'face_detection_short_range' could not be evaluated, so fidelity was not compared.");
  });

  it('when no model fits, the first one\'s reason is the error, before any runner starts', async () => {
    const spawner = recordingSpawner();
    const error = await studioError(evaluateModelsThatFit([faces, emotion], { dir: digits }, { spawner }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain("'face_detection_short_range'");
    expect(spawner.pids).toHaveLength(0);
  });

  it('evaluateModels keeps its all-or-nothing contract: the first model that does not fit refuses the batch', async () => {
    const spawner = recordingSpawner();
    const error = await studioError(evaluateModels([onnx, emotion, tflite], { dir: digits }, { spawner }));
    expect(error.message).toContain("'emotion'");
    expect(spawner.pids).toHaveLength(0);
  });
});

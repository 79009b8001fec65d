/**
 * Full-integer quantization of the real-model table's float TFLite models (MediaPipe's, in
 * node_modules) with each weight choice of the quantizer, and how closely each output follows the
 * float model: cosine of the dequantized outputs (float I/O) against the float model's in LiteRT.
 * The figures the README's full-int8 table and the MediaPipe test's bounds come from.
 *
 *   npx tsx scripts/quantize-real-tflite.ts [--models hand_landmark_lite,mediapipe-palm-detection-lite,FILE.tflite,...] [--samples 16] [--inputs noise|scene] [--choices 0,3,...]
 *
 * Calibration and check inputs are seeded, in [0, 1]: uniform noise (makeInputData's 'random'
 * fill, the runner's) or photo-like scenes (the 'scene' recipe of test/real-models/seeded-data.ts),
 * calibration on seeds 1000…, checks on seeds 1 and 2, as in
 * test/integration/quantize-tflite-mediapipe.test.ts. No image of faces, hands or people ships with
 * the studio, so the figures compare a variant with its float model, not task accuracy.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareOutputs } from '../src/core/convert/parity';
import { quantizeTfliteFullInt8 } from '../src/core/quantize-tflite/full-int8';
import type { TfliteQuantOptions } from '../src/core/quantize-tflite/types';
import type { CalibrationData } from '../src/core/quantize/recipe';
import { elementCount, makeInputData, seededRandom } from '../src/core/runner/input-data';
import { openLiteRtModel, runLiteRtOnce, type LiteRtModel } from '../src/core/runner/runtimes/litert';
import { drawInput } from '../test/real-models/seeded-data';
import { loadTable, modelPath } from '../test/real-models/table';

const MODELS: Record<string, string> = {
  face_detection_short_range: 'face_detection/face_detection_short_range.tflite',
  face_detection_full_range: 'face_detection/face_detection_full_range.tflite',
  hand_landmark_lite: 'hands/hand_landmark_lite.tflite',
  hand_landmark_full: 'hands/hand_landmark_full.tflite',
  pose_landmark_lite: 'pose/pose_landmark_lite.tflite',
  pose_landmark_full: 'pose/pose_landmark_full.tflite',
  pose_landmark_heavy: 'pose/pose_landmark_heavy.tflite',
};

/** A model of MODELS, a real-model table row's id (packed models among them), a path under node_modules/@mediapipe, or any path. */
function modelFile(id: string): string {
  const known = MODELS[id];
  if (known !== undefined) return path.join('node_modules/@mediapipe', known);
  const row = loadTable('tflite').find((r) => r.id === id);
  if (row !== undefined) return modelPath(row);
  return existsSync(path.join('node_modules/@mediapipe', id)) ? path.join('node_modules/@mediapipe', id) : id;
}

type Choice = Pick<TfliteQuantOptions, 'denseWeights' | 'biasCorrection' | 'calibrationMethod' | 'percentile'>;

/** Each weight choice with min/max ranges, then the histogram methods with both weight choices on. */
const CHOICES: Array<{ key: string; options: Choice }> = [
  { key: 'per-tensor dense', options: { denseWeights: 'per-tensor', biasCorrection: false } },
  { key: 'per-channel dense', options: { denseWeights: 'per-channel', biasCorrection: false } },
  { key: 'per-tensor + bias corr.', options: { denseWeights: 'per-tensor', biasCorrection: true } },
  { key: 'per-channel + bias corr.', options: { denseWeights: 'per-channel', biasCorrection: true } },
  { key: 'per-channel + bias corr., percentile 99.99', options: { denseWeights: 'per-channel', biasCorrection: true, calibrationMethod: 'percentile', percentile: 99.99 } },
  { key: 'per-channel + bias corr., percentile 99.999', options: { denseWeights: 'per-channel', biasCorrection: true, calibrationMethod: 'percentile', percentile: 99.999 } },
];

let inputKind: 'noise' | 'scene' = 'noise';

/** Seeded noise (the runner's random fill), or a seeded photo-like scene (test/real-models/seeded-data.ts's 'scene' recipe), in [0, 1]. */
function seeded(spec: LiteRtModel['inputs'][number], seed: number): Float32Array {
  if (inputKind === 'noise') return makeInputData(spec.name, 'float32', elementCount(spec.shape), { kind: 'random', seed }) as Float32Array;
  return drawInput({ name: spec.name, dtype: 'float32', shape: [...spec.shape], recipe: { recipe: 'scene', layout: 'nhwc', range: [0, 1] } }, seededRandom(seed)) as Float32Array;
}

async function outputs(model: LiteRtModel, data: Float32Array): Promise<Array<{ name: string; dims: number[]; data: Float32Array }>> {
  const spec = model.inputs[0] as LiteRtModel['inputs'][number];
  const tensor = new model.library.Tensor(data, spec.shape);
  const values = await runLiteRtOnce(model, [tensor]);
  tensor.delete();
  const details = model.compiled.getOutputDetails();
  return values.map((v, i) => ({ name: details[i]?.name ?? `output_${i}`, dims: [...(details[i]?.shape ?? [v.length])], data: Float32Array.from(v as Float32Array) }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { models: { type: 'string' }, samples: { type: 'string', default: '16' }, inputs: { type: 'string', default: 'noise' }, choices: { type: 'string' } } });
  const choices = values.choices === undefined ? CHOICES : values.choices.split(',').map((i) => CHOICES[Number(i)]).filter((c) => c !== undefined);
  if (values.inputs !== 'noise' && values.inputs !== 'scene') throw new Error(`--inputs takes noise or scene, not '${values.inputs}'.`);
  inputKind = values.inputs;
  const wanted = values.models?.split(',') ?? Object.keys(MODELS);
  const samples = Number(values.samples);
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-real-tflite-'));
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}; ${samples} calibration samples (seeded ${inputKind}), checks on seeds 1 and 2`);
  console.log('model | weights | seconds | bytes | cosine per output (seed 1 / seed 2) | least');
  try {
    for (const id of wanted) {
      const file = modelFile(id);
      const float = await openLiteRtModel(file, 1);
      const spec = float.inputs[0] as LiteRtModel['inputs'][number];
      const calibration: CalibrationData = { inputs: Array.from({ length: samples }, (_, i) => ({ [spec.name]: { dims: spec.shape, data: seeded(spec, 1000 + i) } })) };
      const reference = [await outputs(float, seeded(spec, 1)), await outputs(float, seeded(spec, 2))];
      for (const { key, options } of choices) {
        const started = performance.now();
        const result = await quantizeTfliteFullInt8(new Uint8Array(readFileSync(file)), { mode: 'int8', calibration, ...options });
        const seconds = (performance.now() - started) / 1000;
        const int8File = path.join(dir, `${path.basename(id).replace(/\.tflite$/, '')}.int8.tflite`);
        writeFileSync(int8File, result.bytes);
        const int8 = await openLiteRtModel(int8File, 1);
        const perSeed: Array<ReturnType<typeof compareOutputs>['outputs']> = [];
        for (const [k, seed] of [1, 2].entries()) perSeed.push(compareOutputs(reference[k] ?? [], await outputs(int8, seeded(spec, seed)), { reference: 'float', test: 'int8' }).outputs);
        int8.compiled.delete();
        const names = (perSeed[0] ?? []).map((o) => o.name);
        const cells = names.map((name) => `${name} ${perSeed.map((s) => s.find((o) => o.name === name)?.cosine.toFixed(4)).join(' / ')}`);
        const least = Math.min(...perSeed.flat().map((o) => o.cosine));
        console.log(`${id} | ${key} | ${seconds.toFixed(1)} | ${result.bytes.byteLength} | ${cells.join(', ')} | ${least.toFixed(4)}`);
      }
      float.compiled.delete();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

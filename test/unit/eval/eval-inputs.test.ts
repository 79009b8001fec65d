/**
 * Evaluating a model with several inputs: the dataset's samples go to the input they fit and the
 * saved (or given) values and sizes feed the others, on the real silero VAD v5 (input, state, sr).
 * An input nothing feeds is refused in one sentence before any runner starts. The float and a
 * dynamic int8 variant are evaluated in real runners and checked against onnxruntime run here by
 * hand with the feeds written out (vad-fixture.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedInputsForRun } from '../../../src/core/bench/bench-inputs';
import { importDataset } from '../../../src/core/datasets/import-dataset';
import { encodeNpy } from '../../../src/core/datasets/npy-format';
import { planEvalInputs } from '../../../src/core/eval/eval-inputs';
import { fidelityMetrics } from '../../../src/core/eval/metrics';
import { evaluateModels, type EvalModel } from '../../../src/core/eval/run-evaluation';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import { INPUT_SIZES_FIELD } from '../../../src/shared/input-messages';
import { demoModelPath, runCli } from '../../helpers/run-cli';
import { npz, studioError, tempDir } from '../datasets/helpers';
import { recordingSpawner } from '../runner/bench-helpers';
import { CHUNK, SILERO_V5, VAD_CLASSES, directVadScores, vadChunks, writeVadNpy } from './vad-fixture';

const COUNT = 24;
const demoDigits = path.join(path.dirname(demoModelPath), '../datasets/demo-digits');
const SAVED: SavedInputsForRun = { shapes: { state: [2, 1, 128] }, dims: {}, values: { sr: 16000 }, fromModelId: 'silero' };

let tmp: string;
let datasetDir: string;
let int8Path: string;
let silero: EvalModel;

beforeAll(async () => {
  tmp = await tempDir('eval-inputs');
  const files = writeVadNpy(tmp, COUNT);
  datasetDir = path.join(tmp, 'vad');
  await importDataset(files.samples, datasetDir, { labelsFile: files.labels, classes: VAD_CLASSES });
  int8Path = path.join(tmp, 'silero_vad_v5.int8.onnx');
  const quantized = await runCli(['quantize', SILERO_V5, '--mode', 'dynamic', '--out', int8Path], { timeoutMs: 120_000 });
  expect(quantized.code, quantized.stderr).toBe(0);
  silero = { name: 'silero_vad_v5', path: SILERO_V5, info: await inspectModelFiles([SILERO_V5]), variant: 'float' };
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('planEvalInputs: what each input of silero VAD gets', () => {
  it('the audio chunks feed `input`; `sr` takes its saved value and `state` zeros of its saved size, one sample per inference', async () => {
    const plan = await planEvalInputs({ ...silero, savedInputs: SAVED }, { datasetDir, frontEnd: 'ui' });
    expect(plan.datasetInput).toBe('input');
    expect(plan.feeds).toEqual([
      { name: 'input', from: 'dataset' },
      { name: 'state', from: 'constant', shape: [2, 1, 128], value: 0 },
      { name: 'sr', from: 'constant', shape: [], value: 16000 },
    ]);
    // state's batch dim is 1, so the chunks cannot be batched past it.
    expect(plan.batch).toBe(1);
    expect(plan.notes).toEqual(["Inputs fed: 'input' ← the dataset's samples, 'state' ← zeros [2, 1, 128] (size saved with the model), 'sr' ← 16000 (saved with the model)."]);
  });

  it("the command's flags win over the saved values", async () => {
    const plan = await planEvalInputs({ ...silero, savedInputs: SAVED }, { datasetDir, frontEnd: 'cli', flags: { shapes: {}, dims: {}, values: { sr: 8000 } } });
    expect(plan.feeds.find((feed) => feed.name === 'sr')).toEqual({ name: 'sr', from: 'constant', shape: [], value: 8000 });
    expect(plan.notes[0]).toContain("'sr' ← 8000 (--value)");
  });

  it('an input with neither samples nor a value or size is refused in one sentence naming it and where to give it (CLI: the flags)', async () => {
    const error = await studioError(planEvalInputs({ ...silero, ref: 'silero_vad_v5.onnx', savedInputs: { ...SAVED, shapes: {} } }, { datasetDir, frontEnd: 'cli' }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toBe(
      "Input 'state' (float32 [2, ?, 128]) of 'silero_vad_v5.onnx' gets no samples from the dataset (they go to 'input') and has no value or size, so an evaluation cannot feed it; " +
        "save a value with 'edgebench inputs set silero_vad_v5.onnx --value state=N' (or a size, fed as zeros: --shape state=2x1x128), or pass --value state=N or --shape state=2x1x128 to edgebench eval.",
    );
    expect(error.context.input).toBe('state');
  });

  it('a sample rate is never guessed as zeros: without its value `sr` is refused (UI: the Models page)', async () => {
    const error = await studioError(planEvalInputs({ ...silero, savedInputs: { ...SAVED, values: {} } }, { datasetDir, frontEnd: 'ui' }));
    expect(error.message).toBe(
      `Input 'sr' (int64 []) of 'silero_vad_v5' gets no samples from the dataset (they go to 'input') and has no value or size, so an evaluation cannot feed it; enter a value for it (or a size, fed as zeros) under ${INPUT_SIZES_FIELD}.`,
    );
  });

  it('a dataset whose samples fit none of the inputs says so with the shapes', async () => {
    const error = await studioError(planEvalInputs({ ...silero, savedInputs: SAVED }, { datasetDir: demoDigits, frontEnd: 'cli' }));
    expect(error.message).toBe(
      "The dataset's samples are [1,28,28] and fit none of the inputs of 'silero_vad_v5' that could take them ('input' [?,?], 'state' [2,1,128]); choose a dataset made for one of them, or re-import this one so its samples have that shape.",
    );
  });

  it('every input given a value leaves the samples nowhere to go', async () => {
    const error = await studioError(planEvalInputs({ ...silero, savedInputs: { ...SAVED, values: { sr: 16000, input: 0, state: 0 } } }, { datasetDir, frontEnd: 'cli' }));
    expect(error.message).toBe("Every input of 'silero_vad_v5' has a constant value, so the dataset's samples have no input to go to; drop the --value of the input the dataset is for.");
  });

  it('a model with one input is fed as before: the dataset alone, batching left free', async () => {
    const demo = { name: 'demo', path: demoModelPath, info: await inspectModelFiles([demoModelPath]) };
    const plan = await planEvalInputs(demo, { datasetDir: demoDigits, frontEnd: 'cli' });
    expect(plan).toEqual({ feeds: [{ name: 'input', from: 'dataset' }], datasetInput: 'input', batch: null, notes: [] });
  });
});

describe('evaluateModels on silero VAD v5, float against a dynamic int8 variant', () => {
  it('refuses before any runner starts when an input cannot be fed', async () => {
    const spawner = recordingSpawner();
    const int8: EvalModel = { name: 'int8', path: int8Path, info: await inspectModelFiles([int8Path]) };
    const error = await studioError(evaluateModels([silero, int8], { dir: datasetDir }, { spawner, given: { shapes: { state: [2, 1, 128] }, dims: {}, values: {} } }));
    expect(error.message).toMatch(/^Input 'sr' \(int64 \[\]\) of 'silero_vad_v5' gets no samples/);
    expect(spawner.pids).toHaveLength(0);
  });

  it('feeds the chunks, zeros and 16000 as onnxruntime run by hand does: same decisions, same fidelity', async () => {
    const int8: EvalModel = { name: 'int8', path: int8Path, info: await inspectModelFiles([int8Path]), savedInputs: SAVED };
    const spawner = recordingSpawner();
    const [float, quantized] = await evaluateModels([{ ...silero, savedInputs: SAVED }, int8], { dir: datasetDir }, { spawner, batchSize: 8 });
    expect(spawner.pids).toHaveLength(2);

    const floatScores = await directVadScores(SILERO_V5, COUNT);
    const int8Scores = await directVadScores(int8Path, COUNT);
    const { labels } = vadChunks(COUNT);
    const accuracy = (scores: Float32Array): number => scores.reduce((right, score, i) => right + (Number(score >= 0.5) === labels[i] ? 1 : 0), 0) / COUNT;
    const expected = fidelityMetrics(floatScores, int8Scores, 1);

    expect(float).toMatchObject({ samples: COUNT, width: 1, outputName: 'output', inputShape: [1, 512], reference: 'silero_vad_v5', agreement: null, topK: 1 });
    expect(float?.top1).toBeCloseTo(accuracy(floatScores), 10);
    expect(quantized).toMatchObject({ samples: COUNT, reference: 'silero_vad_v5', agreement: expected.agreement });
    expect(quantized?.top1).toBeCloseTo(accuracy(int8Scores), 10);
    // The int8 variant really differs from the float model, and the studio measures it as the hand-fed run does.
    expect(expected.sqnrDb).not.toBeNull();
    expect(quantized?.sqnrDb).toBeCloseTo(expected.sqnrDb as number, 3);
    expect(quantized?.maxAbsError).toBeCloseTo(expected.maxAbsError, 5);
    expect(quantized?.notes).toContain("Inputs fed: 'input' ← the dataset's samples, 'state' ← zeros [2, 1, 128] (size saved with the model), 'sr' ← 16000 (saved with the model).");
    expect(quantized?.notes).toContain('Ran 1 sample per inference, not 8: the model\'s other inputs are sized for that batch.');
  });
});

describe('a dataset with one array per model input (an .npz named after the inputs)', () => {
  /** The chunks as 'input', plus whichever of 'state' (one zero state shared by every sample) and 'sr' (a 0-d array) are asked for. */
  async function arraysDataset(name: string, withArrays: { state?: boolean; sr?: boolean }): Promise<string> {
    const { samples } = vadChunks(COUNT);
    const arrays: Record<string, Uint8Array> = { input: encodeNpy('<f4', [COUNT, CHUNK], samples) };
    if (withArrays.state) arrays.state = encodeNpy('<f4', [1, 2, 1, 128], new Float32Array(256));
    if (withArrays.sr) arrays.sr = encodeNpy('<i8', [], BigInt64Array.of(16000n));
    const file = path.join(tmp, `${name}.npz`);
    await fs.writeFile(file, npz(arrays));
    const dir = path.join(tmp, name);
    await importDataset(file, dir);
    return dir;
  }

  it('each input takes its own array, which wins over a saved value; the float and int8 outputs are the hand-fed ones', async () => {
    const dir = await arraysDataset('vad-arrays', { state: true, sr: true });
    // A saved sample rate of 8000 would make silero refuse 512-sample chunks: the dataset's 16000 must win.
    const savedOther: SavedInputsForRun = { shapes: {}, dims: {}, values: { sr: 8000 }, fromModelId: 'silero' };
    const plan = await planEvalInputs({ ...silero, savedInputs: savedOther }, { datasetDir: dir, frontEnd: 'cli' });
    expect(plan.feeds).toEqual([
      { name: 'input', from: 'array' },
      { name: 'state', from: 'array' },
      { name: 'sr', from: 'array' },
    ]);
    expect(plan.notes).toEqual(["Inputs fed: 'input' ← the dataset's array 'input', 'state' ← the dataset's array 'state', 'sr' ← the dataset's array 'sr'."]);

    const int8: EvalModel = { name: 'int8', path: int8Path, info: await inspectModelFiles([int8Path]), savedInputs: savedOther };
    const [float, quantized] = await evaluateModels([{ ...silero, savedInputs: savedOther }, int8], { dir }, { spawner: recordingSpawner() });
    const expected = fidelityMetrics(await directVadScores(SILERO_V5, COUNT), await directVadScores(int8Path, COUNT), 1);
    expect(float).toMatchObject({ samples: COUNT, width: 1, inputShape: [1, CHUNK], top1: null });
    expect(quantized?.agreement).toBe(expected.agreement);
    expect(quantized?.sqnrDb).toBeCloseTo(expected.sqnrDb as number, 3);
    expect(quantized?.maxAbsError).toBeCloseTo(expected.maxAbsError, 5);
  });

  it('an input the arrays leave out takes its saved value, or is refused naming the arrays there are', async () => {
    const dir = await arraysDataset('vad-no-sr', { state: true });
    const plan = await planEvalInputs({ ...silero, savedInputs: SAVED }, { datasetDir: dir, frontEnd: 'cli' });
    expect(plan.feeds.map((feed) => [feed.name, feed.from])).toEqual([
      ['input', 'array'],
      ['state', 'array'],
      ['sr', 'constant'],
    ]);
    const error = await studioError(planEvalInputs({ ...silero, ref: 'silero_vad_v5.onnx' }, { datasetDir: dir, frontEnd: 'ui' }));
    expect(error.message).toBe(
      `Input 'sr' (int64 []) of 'silero_vad_v5.onnx' gets no array from the dataset (its arrays: 'input', 'state') and has no value or size, so an evaluation cannot feed it; enter a value for it (or a size, fed as zeros) under ${INPUT_SIZES_FIELD}.`,
    );
  });

  it('an array whose sample does not fit its input is refused with both shapes', async () => {
    const { samples } = vadChunks(COUNT);
    const file = path.join(tmp, 'bad-state.npz');
    await fs.writeFile(file, npz({ input: encodeNpy('<f4', [COUNT, CHUNK], samples), state: encodeNpy('<f4', [1, 2, 1, 64], new Float32Array(128)) }));
    const dir = path.join(tmp, 'bad-state');
    await importDataset(file, dir);
    const error = await studioError(planEvalInputs({ ...silero, savedInputs: SAVED }, { datasetDir: dir, frontEnd: 'cli' }));
    expect(error.message).toBe(
      "Input 'state' of 'silero_vad_v5' cannot be fed from the dataset 'bad-state': a sample of its array 'state' is [2,1,64], which fits neither [2,?,128] nor one item of it.",
    );
  });
});


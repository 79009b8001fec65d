import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetManifest } from '../../src/core/datasets/dataset-manifest';
import { encodeNpy } from '../../src/core/datasets/npy-format';
import { writeStoredDataset } from '../../src/core/datasets/stored-dataset';
import { NO_LABELS_NOTE } from '../../src/core/eval/metrics';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';
import { npz } from '../unit/datasets/helpers';
import { SILERO_V5, VAD_CLASSES, directVadScores, vadChunks, writeVadNpy } from '../unit/eval/vad-fixture';
import { fidelityMetrics } from '../../src/core/eval/metrics';

const demoDataset = path.join(repoRoot, 'resources/datasets/demo-digits');
const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const demoTfjs = path.join(repoRoot, 'resources/models/demo-mnist-tfjs/model.json');
const iris = path.join(repoRoot, 'test/fixtures/datasets/iris-sample.csv');

let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-eval-cli-'));
  await writeStoredDataset(path.join(tmp, 'empty'), { name: 'empty', source: 'test', sampleShape: [1, 28, 28], samples: new Uint8Array(0), labels: new Int32Array(0), classes: ['0'], preprocessing: {} });
  await writeStoredDataset(path.join(tmp, 'colour'), { name: 'colour', source: 'test', sampleShape: [3, 8, 8], samples: new Uint8Array(2 * 192), labels: null, classes: [], preprocessing: {} });
  // The first 300 demo digits as a .npy of shape [300, 1, 28, 28], the way a user brings their own samples.
  const pixels = (await fs.readFile(path.join(demoDataset, 'samples.u8'))).subarray(0, 300 * 784);
  await fs.writeFile(path.join(tmp, 'digits.npy'), encodeNpy('|u1', [300, 1, 28, 28], new Uint8Array(pixels)));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

interface EvalJson {
  reference: string | null;
  dataset: { samples: number; labeled: boolean };
  results: Array<{ model: string; runtime: string; samples: number; top1: number | null; top5: number | null; agreement: number | null; cosine: number | null; sqnrDb: number | null; notes: string[] }>;
}

describe('edgebench eval', () => {
  it('--json prints the results in the order the models were given, fidelity against --reference', async () => {
    const result = await runCli(['eval', demoTflite, demoTfjs, demoModelPath, '--dataset', demoDataset, '--limit', '300', '--reference', demoModelPath, '--json'], {
      timeoutMs: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as EvalJson;
    expect(json.reference).toBe('demo-mnist.onnx');
    expect(json.results.map((r) => [r.model, r.runtime])).toEqual([
      ['demo-mnist.tflite', 'litert'],
      ['demo-mnist-tfjs', 'tfjs'],
      ['demo-mnist.onnx', 'onnxruntime'],
    ]);
    for (const r of json.results) {
      expect(r.samples).toBe(300);
      // Fractions, not percentages.
      expect(r.top1).toBeGreaterThanOrEqual(0.95);
      expect(r.top1).toBeLessThanOrEqual(1);
    }
    for (const r of json.results.slice(0, 2)) {
      expect(r.agreement).toBeGreaterThanOrEqual(0.99);
      expect(r.cosine).toBeGreaterThan(0.999);
      expect(r.sqnrDb).toBeGreaterThan(40);
    }
    expect(json.results[2]?.agreement).toBeNull();
  });

  it('prints a table for people, the first model being the reference by default', async () => {
    const result = await runCli(['eval', demoModelPath, demoTflite, '--dataset', demoDataset, '--limit', '100'], { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toContain('100 of 2000 samples');
    expect(result.stdout).toMatch(/model\s+runtime\s+top-1\s+top-5\s+agreement/);
    expect(lines.find((line) => line.startsWith('demo-mnist.onnx'))).toContain('reference');
    expect(lines.find((line) => line.startsWith('demo-mnist.tflite'))).toMatch(/litert\s+\d+\.\d %/);
  });

  it('imports a .npy without labels, then evaluates it: no accuracy, the note, and fidelity still measured', async () => {
    const out = path.join(tmp, 'digits-unlabeled');
    const imported = await runCli(['dataset', 'import', path.join(tmp, 'digits.npy'), '--out', out, '--scale', '1/255', '--json']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const manifest = DatasetManifest.parse(JSON.parse(imported.stdout));
    expect(manifest).toMatchObject({ samples: 300, sampleShape: [1, 28, 28], classes: [] });

    const result = await runCli(['eval', demoModelPath, demoTflite, '--dataset', out, '--json'], { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as EvalJson;
    expect(json.dataset.labeled).toBe(false);
    for (const r of json.results) {
      expect(r.top1).toBeNull();
      expect(r.notes).toContain(NO_LABELS_NOTE);
    }
    expect(json.results[1]?.agreement).toBeGreaterThanOrEqual(0.99);
  });
});

describe('edgebench eval of a model with several inputs: silero VAD v5 (input, state, sr), float against dynamic int8', () => {
  const VAD_COUNT = 20;
  let vadDataset: string;
  let int8: string;

  beforeAll(async () => {
    const files = writeVadNpy(tmp, VAD_COUNT);
    vadDataset = path.join(tmp, 'vad');
    const imported = await runCli(['dataset', 'import', files.samples, '--labels', files.labels, '--classes', VAD_CLASSES.join(','), '--out', vadDataset]);
    expect(imported.code, imported.stderr).toBe(0);
    int8 = path.join(tmp, 'silero_vad_v5.int8.onnx');
    const quantized = await runCli(['quantize', SILERO_V5, '--mode', 'dynamic', '--out', int8], { timeoutMs: 120_000 });
    expect(quantized.code, quantized.stderr).toBe(0);
  }, 180_000);

  it('without a value for sr or a size for state: exit 2 at once, one sentence naming the input and the flags', async () => {
    const result = await runCli(['eval', SILERO_V5, int8, '--dataset', vadDataset, '--workspace', path.join(tmp, 'no-workspace')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `edgebench eval: Input 'state' (float32 [2, ?, 128]) of '${SILERO_V5}' gets no samples from the dataset (they go to 'input') and has no value or size, so an evaluation cannot feed it; ` +
        `save a value with 'edgebench inputs set ${SILERO_V5} --value state=N' (or a size, fed as zeros: --shape state=2x1x128), or pass --value state=N or --shape state=2x1x128 to edgebench eval.`,
    ]);
  });

  it("--value sr=16000 --shape state=2x1x128: the int8 variant's fidelity, as onnxruntime fed by hand gives it", async () => {
    const result = await runCli(['eval', SILERO_V5, int8, '--dataset', vadDataset, '--value', 'sr=16000', '--shape', 'state=2x1x128', '--workspace', path.join(tmp, 'no-workspace'), '--json'], {
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as EvalJson & { results: Array<{ maxAbsError: number | null; inputShape: number[] }> };
    const expected = fidelityMetrics(await directVadScores(SILERO_V5, VAD_COUNT), await directVadScores(int8, VAD_COUNT), 1);
    expect(json.reference).toBe('silero_vad_v5');
    const [float, quantized] = json.results;
    expect(float).toMatchObject({ model: 'silero_vad_v5', samples: VAD_COUNT, agreement: null, inputShape: [1, 512] });
    expect(quantized).toMatchObject({ model: 'silero_vad_v5.int8', samples: VAD_COUNT, agreement: expected.agreement });
    expect(quantized?.sqnrDb).toBeCloseTo(expected.sqnrDb as number, 3);
    expect(quantized?.maxAbsError).toBeCloseTo(expected.maxAbsError, 5);
    expect(quantized?.notes).toContain("Inputs fed: 'input' ← the dataset's samples, 'state' ← zeros [2, 1, 128] (size from --shape), 'sr' ← 16000 (--value).");
  });

  it('sizes and values saved once with `edgebench inputs set` are used by eval, flags still winning', async () => {
    const workspace = path.join(tmp, 'vad-workspace');
    const saved = await runCli(['inputs', 'set', SILERO_V5, '--value', 'sr=16000', '--shape', 'state=2x1x128', '--workspace', workspace]);
    expect(saved.code, saved.stderr).toBe(0);
    const result = await runCli(['eval', SILERO_V5, '--dataset', vadDataset, '--limit', '6', '--workspace', workspace]);
    expect(result.code, result.stderr).toBe(0);
    // One score per sample: one accuracy column, and how it was read.
    expect(result.stdout).toContain('model          runtime      top-1   agreement');
    expect(result.stdout).toContain("note: The model gives one score per sample, a probability: a sample counts as 'speech' when it is at least 0.5.");
    expect(result.stdout).toContain("note: Inputs fed: 'input' ← the dataset's samples, 'state' ← zeros [2, 1, 128] (size saved with the model), 'sr' ← 16000 (saved with the model).");
    // A flag over the saved value: silero v5 at 8 kHz takes 256-sample chunks, so onnxruntime itself now refuses the 512-sample ones.
    const overridden = await runCli(['eval', SILERO_V5, '--dataset', vadDataset, '--limit', '2', '--workspace', workspace, '--value', 'sr=8000']);
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toContain('silero_vad_v5');
  });

  it('a dataset imported from an .npz with one array per input needs no flags: each input takes its array', async () => {
    const { samples } = vadChunks(VAD_COUNT);
    const archive = path.join(tmp, 'vad-arrays.npz');
    await fs.writeFile(
      archive,
      npz({ input: encodeNpy('<f4', [VAD_COUNT, 512], samples), state: encodeNpy('<f4', [1, 2, 1, 128], new Float32Array(256)), sr: encodeNpy('<i8', [], BigInt64Array.of(16000n)) }),
    );
    const dir = path.join(tmp, 'vad-arrays');
    const imported = await runCli(['dataset', 'import', archive, '--out', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = await runCli(['eval', SILERO_V5, int8, '--dataset', dir, '--workspace', path.join(tmp, 'no-workspace'), '--json'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as EvalJson;
    const expected = fidelityMetrics(await directVadScores(SILERO_V5, VAD_COUNT), await directVadScores(int8, VAD_COUNT), 1);
    expect(json.dataset).toMatchObject({ samples: VAD_COUNT, labeled: false });
    expect(json.results[1]?.sqnrDb).toBeCloseTo(expected.sqnrDb as number, 3);
    expect(json.results[1]?.notes).toContain("Inputs fed: 'input' ← the dataset's array 'input', 'state' ← the dataset's array 'state', 'sr' ← the dataset's array 'sr'.");
  });

  it('a --value naming no input of any model given is refused (exit 2)', async () => {
    const result = await runCli(['eval', SILERO_V5, '--dataset', vadDataset, '--value', 'sample_rate=16000', '--shape', 'state=2x1x128']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--value sample_rate=16000 names no input of this model; its inputs are: input (float32 [?, ?]), state (float32 [2, ?, 128]), sr (int64 [])');
  });
});

describe('edgebench dataset import', () => {
  it('imports a CSV with its recipe and says what it stored', async () => {
    const out = path.join(tmp, 'iris');
    const result = await runCli(['dataset', 'import', iris, '--out', out, '--name', 'Iris', '--mean', '5.8', '--std', '0.8']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Imported 'Iris': 9 samples of [4] float32, 3 classes");
    const manifest = DatasetManifest.parse(JSON.parse(await fs.readFile(path.join(out, 'dataset.json'), 'utf8')));
    expect(manifest.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(manifest.preprocessing).toMatchObject({ mean: [5.8], std: [0.8] });
  });
});

/** Every bad input: exit 2, one line on stderr naming the culprit, nothing on stdout. */
const badInputs: Array<{ name: string; args: () => string[]; mentions: string[] }> = [
  { name: 'missing dataset folder', args: () => ['eval', demoModelPath, '--dataset', path.join(tmp, 'nope')], mentions: ['nope'] },
  { name: 'a folder that is not a dataset', args: () => ['eval', demoModelPath, '--dataset', tmp], mentions: ['dataset.json'] },
  { name: 'empty dataset', args: () => ['eval', demoModelPath, '--dataset', path.join(tmp, 'empty')], mentions: ['empty', 'no samples'] },
  { name: 'no --dataset', args: () => ['eval', demoModelPath], mentions: ['--dataset'] },
  { name: 'no model', args: () => ['eval', '--dataset', demoDataset], mentions: ['model'] },
  { name: 'unknown flag', args: () => ['eval', demoModelPath, '--dataset', demoDataset, '--limt', '5'], mentions: ['--limt'] },
  { name: 'a limit of 0', args: () => ['eval', demoModelPath, '--dataset', demoDataset, '--limit', '0'], mentions: ['--limit'] },
  { name: 'an unknown layout', args: () => ['eval', demoModelPath, '--dataset', demoDataset, '--layout', 'CHW'], mentions: ['--layout'] },
  { name: 'a reference not among the models', args: () => ['eval', demoModelPath, '--dataset', demoDataset, '--reference', 'other.onnx'], mentions: ['other.onnx'] },
  { name: 'a missing model', args: () => ['eval', path.join(tmp, 'gone.onnx'), '--dataset', demoDataset], mentions: ['gone.onnx'] },
  { name: 'samples that do not fit the input', args: () => ['eval', demoModelPath, '--dataset', path.join(tmp, 'colour')], mentions: ['[3,8,8]', '[batch,1,28,28]'] },
  { name: 'samples that do not fit a TF.js model', args: () => ['eval', demoTfjs, '--dataset', path.join(tmp, 'colour')], mentions: ['[3,8,8]', '[?,28,28,1]', 'demo-mnist-tfjs'] },
  { name: 'import without --out', args: () => ['dataset', 'import', iris], mentions: ['--out'] },
  { name: 'import of a missing source', args: () => ['dataset', 'import', path.join(tmp, 'none.csv'), '--out', path.join(tmp, 'x')], mentions: ['none.csv'] },
  { name: 'import with a bad --resize', args: () => ['dataset', 'import', iris, '--out', path.join(tmp, 'x'), '--resize', '224'], mentions: ['--resize'] },
  { name: 'import with a bad --scale', args: () => ['dataset', 'import', iris, '--out', path.join(tmp, 'x'), '--scale', 'half'], mentions: ['--scale'] },
  { name: 'import with --no-labels and --label-column', args: () => ['dataset', 'import', iris, '--out', path.join(tmp, 'x'), '--no-labels', '--label-column', '4'], mentions: ['--no-labels'] },
  { name: 'an unknown dataset subcommand', args: () => ['dataset', 'export', iris], mentions: ['export'] },
];

describe('edgebench eval and dataset: bad input', () => {
  it.each(badInputs)('$name → exit 2 with one clear line', async ({ args, mentions }) => {
    const result = await runCli(args());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const text of mentions) expect(lines[0]).toContain(text);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

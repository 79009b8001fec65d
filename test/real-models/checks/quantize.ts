/**
 * `edgebench quantize` in each mode on an ONNX row: a variant that works (enough nodes quantized,
 * loads and runs in onnxruntime with the float model's inputs and outputs, outputs close to the
 * float model's on seeded inputs, smaller where the row says) or a failure that says why.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { sqnrDb } from '../../../src/core/eval/metrics';
import { edgebench, stderrLines } from '../cli';
import { calibrationNpz, seededFeeds, type ConcreteInput } from '../seeded-data';
import type { ModelRow, OnnxRow } from '../table';

export type QuantMode = 'dynamic' | 'static' | 'fp16';

const CALIBRATION_SAMPLES = 4;
const CALIBRATION_SEED = 11;
const CHECK_SEED = 7;

/**
 * The row's inputs with every dim fixed: those of its first bench case that completes with
 * nothing guessed (constants included), else the declared shapes when they are all static.
 */
export function concreteInputs(row: ModelRow): ConcreteInput[] {
  const sized = row.bench.find((c) => 'completes' in c.expect && c.expect.completes.guessed.length === 0);
  return row.inspect.inputs.map((input) => {
    const given = sized && 'completes' in sized.expect ? sized.expect.completes.inputs.find((i) => i.name === input.name) : undefined;
    const constant = given?.fill.match(/^constant (-?[\d.]+)$/)?.[1];
    const shape = given?.shape ?? input.shape?.map((dim) => (typeof dim === 'number' ? dim : NaN));
    if (!shape || shape.some(Number.isNaN)) throw new Error(`Row ${row.id}: input '${input.name}' has no concrete shape in the table.`);
    const floatRange: [number, number] = row.format === 'onnx' ? (row.quantize.floatRange ?? [0, 1]) : [0, 1];
    return { name: input.name, dtype: input.dtype ?? 'float32', shape, floatRange, ...(constant !== undefined ? { constant: Number(constant) } : {}) };
  });
}

/** A calibration dataset as a user makes one: an .npz with one array per input, imported with `edgebench dataset import`. */
async function calibrationDataset(row: OnnxRow, tmp: string): Promise<string> {
  const npz = path.join(tmp, `${row.id}.calibration.npz`);
  await fs.writeFile(npz, calibrationNpz(concreteInputs(row), CALIBRATION_SAMPLES, CALIBRATION_SEED));
  const dir = path.join(tmp, `${row.id}.calibration`);
  const imported = await edgebench(['dataset', 'import', npz, '--out', dir, '--no-labels', '--overwrite']);
  expect(imported.code, `importing the calibration set (one array per input) failed: ${imported.stderr}`).toBe(0);
  return dir;
}

interface QuantizeSummary {
  sizeRatio: number;
  quantizedNodes: string[];
}

export async function checkQuantizeMode(row: OnnxRow, file: string, mode: QuantMode, tmp: string, runnable: boolean): Promise<void> {
  const expectation = row.quantize[mode];
  const out = path.join(tmp, `${row.id}.${mode}.onnx`);
  const args = ['quantize', file, '--mode', mode, '--out', out, '--json'];
  if (mode === 'static') args.push('--calibration', await calibrationDataset(row, tmp), '--samples', String(CALIBRATION_SAMPLES));
  const outcome = await edgebench(args, 180_000);

  if ('fails' in expectation) {
    const patterns = expectation.fails.mentions;
    expect(
      {
        failed: outcome.code !== 0,
        stdout: outcome.stdout,
        lines: stderrLines(outcome).length,
        mentions: patterns.filter((pattern) => new RegExp(pattern).test(outcome.stderr)),
        variantWritten: existsSync(out),
      },
      `stderr: ${outcome.stderr}`,
    ).toEqual({ failed: true, stdout: '', lines: 1, mentions: patterns, variantWritten: false });
    return;
  }

  const { minQuantizedNodes, minSqnrDb, maxSizeRatio } = expectation.works;
  expect(outcome.code, `quantize --mode ${mode} should work; stderr: ${outcome.stderr}`).toBe(0);
  const summary = JSON.parse(outcome.stdout) as QuantizeSummary;
  expect(summary.quantizedNodes.length, `nodes quantized (${summary.quantizedNodes.length})`).toBeGreaterThanOrEqual(minQuantizedNodes);
  if (maxSizeRatio !== undefined) expect(summary.sizeRatio, 'variant size / float size').toBeLessThanOrEqual(maxSizeRatio);

  const [float, variant] = await Promise.all([ort.InferenceSession.create(file, { logSeverityLevel: 3 }), ort.InferenceSession.create(out, { logSeverityLevel: 3 })]);
  try {
    const signature = (s: ort.InferenceSession): unknown => ({ inputs: s.inputMetadata, outputs: s.outputMetadata });
    expect(signature(variant), 'the variant keeps the model\'s inputs and outputs').toEqual(signature(float));
    if (!runnable) return;
    const feeds = seededFeeds(concreteInputs(row), CHECK_SEED);
    const [reference, test] = [await float.run(feeds), await variant.run(feeds)];
    const agreement: Record<string, number | string> = {};
    const wanted: Record<string, number | string> = {};
    for (const name of float.outputNames) {
      const a = reference[name] as ort.Tensor;
      const b = test[name] as ort.Tensor;
      if (a.type === 'float32') {
        // An output near zero cannot tell a good variant from a broken one: the row must pick inputs that give it a signal.
        expect(rms(a.data as Float32Array), `the float model's output '${name}' is near zero on these inputs; give the row a floatRange that exercises it`).toBeGreaterThan(1e-3);
        const db = sqnrDb(a.data as Float32Array, b.data as Float32Array) ?? Infinity;
        // Rounded to 0.1 dB so the diff stays readable; passes when at least the bound.
        agreement[name] = db >= minSqnrDb ? `>= ${minSqnrDb} dB` : `${db.toFixed(1)} dB`;
        wanted[name] = `>= ${minSqnrDb} dB`;
      } else {
        agreement[name] = JSON.stringify(Array.from(a.data as ArrayLike<unknown>, String)) === JSON.stringify(Array.from(b.data as ArrayLike<unknown>, String)) ? 'equal' : 'differs';
        wanted[name] = 'equal';
      }
    }
    expect(agreement, `outputs of the ${mode} variant against the float model on seeded inputs`).toEqual(wanted);
  } finally {
    await Promise.all([float.release(), variant.release()]);
  }
}

/** Root mean square of the values. */
function rms(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum / Math.max(1, values.length));
}

/**
 * `edgebench quantize` in each mode on an ONNX row: a variant that works (enough nodes quantized,
 * loads and runs in onnxruntime with the float model's inputs and outputs, outputs close to the
 * float model's on seeded inputs, smaller where the row says) or a failure that says why.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { edgebench, stderrLines } from '../cli';
import { outputAgreement } from '../agreement';
import { CALIBRATION_SAMPLES, CALIBRATION_SEED, CHECK_SAMPLES } from '../calibration';
import { concreteInputs } from '../row-inputs';
import { calibrationNpz } from '../seeded-data';
import type { OnnxRow } from '../table';

export type QuantMode = 'dynamic' | 'static' | 'fp16';


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
  // REAL_MODELS_WEIGHT_RANGE=reduced checks the bounds as CI's CPU without VNNI gets them ('auto' picks 7-bit there).
  const weightRange = process.env.REAL_MODELS_WEIGHT_RANGE;
  if (weightRange && mode !== 'fp16') args.push('--weight-range', weightRange);
  // A model with nothing to quantize is refused for that before any calibration data is asked for.
  if (mode === 'static' && 'works' in expectation) args.push('--calibration', await calibrationDataset(row, tmp), '--samples', String(CALIBRATION_SAMPLES));
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
    const agreement: Record<string, string> = {};
    const wanted: Record<string, string> = {};
    for (const [name, result] of Object.entries(await outputAgreement(float, variant, concreteInputs(row)))) {
      if (result.float) {
        // An output near zero cannot tell a good variant from a broken one: the row must pick inputs that give it a signal.
        expect(result.rms, `the float model's output '${name}' is near zero on these inputs; give the row input recipes that exercise it`).toBeGreaterThan(1e-3);
        // Rounded to 0.1 dB so the diff stays readable; passes when at least the bound.
        agreement[name] = result.sqnrDb >= minSqnrDb ? `>= ${minSqnrDb} dB` : `${result.sqnrDb.toFixed(1)} dB`;
        wanted[name] = `>= ${minSqnrDb} dB`;
      } else {
        agreement[name] = result.equal ? 'equal' : 'differs';
        wanted[name] = 'equal';
      }
    }
    expect(agreement, `outputs of the ${mode} variant against the float model on ${CHECK_SAMPLES} seeded samples`).toEqual(wanted);
  } finally {
    await Promise.all([float.release(), variant.release()]);
  }
}

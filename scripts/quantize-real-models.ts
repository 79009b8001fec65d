/**
 * Quantizes every ONNX row of the real-model table (test/models/onnx.json and onnx-testdata.json)
 * in each mode and prints what came out: nodes quantized, size against the float file, and how
 * closely the variant's outputs follow the float model's on the row's seeded inputs (the same
 * inputs, calibration set and check as the table's test: the least SQNR over the float outputs on
 * the check samples, and whether the other outputs are equal). The figures the table's bounds are set from.
 *
 *   npx tsx scripts/quantize-real-models.ts [--rows ID,ID] [--out DIR]
 *       quantize (int8 per channel with full and with 7-bit weights, and per tensor; fp16), write the variants, evaluate
 *   qemu-x86_64 -cpu Haswell $(which node) --import tsx scripts/quantize-real-models.ts --eval DIR [--rows ID,ID]
 *       evaluate written variants on an emulated AVX2 CPU without VNNI (CI's kind of CPU)
 *
 * The inputs are synthetic (test/real-models/seeded-data.ts draws them from each row's recipes:
 * speech-like audio, PaddleOCR-normalized text images), so the figures compare a variant with its
 * float model, not task accuracy.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { quantizeOnnx, type CalibrationData, type QuantRecipeInput } from '../src/core/quantize';
import { outputAgreement } from '../test/real-models/agreement';
import { calibrationFeedsFromNpz } from '../test/real-models/calibration';
import { concreteInputs } from '../test/real-models/row-inputs';
import type { ConcreteInput } from '../test/real-models/seeded-data';
import { loadTable, modelPath, type OnnxRow } from '../test/real-models/table';

/** What the table's quantize checks run (the CLI's defaults: per-channel weights), with full and 7-bit weights; and per-tensor weights to compare. */
const RECIPES: Array<{ key: string; recipe: QuantRecipeInput }> = [
  { key: 'dynamic', recipe: { mode: 'dynamic', perChannel: true, weightRange: 'full' } },
  { key: 'dynamic-7bit', recipe: { mode: 'dynamic', perChannel: true, weightRange: 'reduced' } },
  { key: 'static', recipe: { mode: 'static', perChannel: true, weightRange: 'full' } },
  { key: 'static-7bit', recipe: { mode: 'static', perChannel: true, weightRange: 'reduced' } },
  { key: 'fp16', recipe: { mode: 'fp16' } },
  { key: 'dynamic-per-tensor', recipe: { mode: 'dynamic', weightRange: 'full' } },
  { key: 'static-per-tensor', recipe: { mode: 'static', weightRange: 'full' } },
];

/** The table's check (least SQNR over float outputs, on the check samples), and whether the other outputs are equal. */
async function agreement(file: string, variant: Uint8Array, inputs: ConcreteInput[]): Promise<{ minSqnr: number; othersEqual: boolean }> {
  const [a, b] = [await ort.InferenceSession.create(file, { logSeverityLevel: 3 }), await ort.InferenceSession.create(variant, { logSeverityLevel: 3 })];
  try {
    const results = Object.values(await outputAgreement(a, b, inputs));
    return {
      minSqnr: Math.min(...results.map((r) => (r.float ? r.sqnrDb : Infinity))),
      othersEqual: results.every((r) => r.float || r.equal),
    };
  } finally {
    await Promise.all([a.release(), b.release()]);
  }
}

function quantizable(row: OnnxRow): boolean {
  return Object.values({ d: row.quantize.dynamic, s: row.quantize.static, f: row.quantize.fp16 }).some((mode) => 'works' in mode);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, eval: { type: 'string' }, rows: { type: 'string' } } });
  const dir = path.resolve(values.eval ?? values.out ?? path.join('/tmp', 'edgebench-real-variants'));
  const wanted = values.rows?.split(',');
  mkdirSync(dir, { recursive: true });
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}; onnxruntime-node ${ort.env.versions.common}; ${values.eval ? `evaluating variants in ${dir}` : `writing variants to ${dir}`}`);
  console.log('row | recipe | nodes quantized | size vs float | least SQNR dB | other outputs | notes');
  const rows = [...loadTable('onnx'), ...loadTable('onnx-testdata')].filter((row): row is OnnxRow => row.format === 'onnx' && quantizable(row) && (!wanted || wanted.includes(row.id)));
  for (const row of rows) {
    const file = modelPath(row);
    const float = new Uint8Array(readFileSync(file));
    const inputs = concreteInputs(row);
    let calibration: CalibrationData | undefined;
    for (const { key, recipe } of RECIPES) {
      const variantFile = path.join(dir, `${row.id}.${key}.onnx`);
      let bytes: Uint8Array;
      let nodes = '-';
      let notes = '';
      if (values.eval) {
        try {
          bytes = new Uint8Array(readFileSync(variantFile));
        } catch {
          console.log(`${row.id} | ${key} | - | - | - | - | not written`);
          continue;
        }
      } else {
        try {
          if (recipe.mode === 'static') calibration ??= { inputs: await calibrationFeedsFromNpz(row, inputs, path.join(dir, `${row.id}.calibration.npz`), path.join(dir, `${row.id}.calibration`)) };
          const result = await quantizeOnnx(float, recipe, recipe.mode === 'static' ? calibration : undefined, { fileName: path.basename(file) });
          bytes = result.bytes;
          nodes = String(result.quantizedNodes.length);
          notes = result.notes.map((note) => note.slice(0, 90)).join(' / ');
          writeFileSync(variantFile, bytes);
        } catch (error) {
          console.log(`${row.id} | ${key} | - | - | - | - | refused: ${(error as Error).message.slice(0, 200)}`);
          continue;
        }
      }
      const { minSqnr, othersEqual } = await agreement(file, bytes, inputs);
      console.log(`${row.id} | ${key} | ${nodes} | ${(bytes.byteLength / float.byteLength).toFixed(3)} | ${minSqnr.toFixed(1)} | ${othersEqual ? 'equal' : 'DIFFER'} | ${notes}`);
    }
  }
}

await main();

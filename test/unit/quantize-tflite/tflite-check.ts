/**
 * Shared by the TFLite quantizer's tests: flatc (Debian's flatbuffers-compiler, with TFLite's
 * schema) as the independent reader of what a quantized file holds, LiteRT to run it on seeded
 * inputs, and the float model a MediaPipe file stands for (its float16 weights read as float32).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compareOutputs, type ParityReport } from '../../../src/core/convert/parity';
import { decodeTfliteModel, encodeTfliteModelFile } from '../../../src/core/formats/tflite/tflite-model';
import { BuiltinOperator, builtinOperatorName } from '../../../src/core/formats/tflite/tflite-schema';
import { dropUnreadBuffers, foldFloat16Dequantize } from '../../../src/core/quantize-tflite/float-weights';
import { elementCount, seededRandom } from '../../../src/core/runner/input-data';
import { openLiteRtModel, runLiteRtOnce } from '../../../src/core/runner/runtimes/litert';

export const root = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'edgebench-tflite-quant-'));
// flatc 2.0.8 cannot parse `(deprecated)` after an enum value or a union member (see tflite-model.test.ts).
const schema = join(work, 'schema.fbs');
writeFileSync(
  schema,
  readFileSync(join(root, 'scripts/schemas/tflite/schema.fbs'), 'utf8')
    .replace(/(REDUCE_WINDOW = 205)\s*\(deprecated\)/, '$1')
    .replace(/^(\s*ReduceWindowOptions)\s*\(deprecated\),/m, '$1,'),
);

export interface FlatcTensor {
  name: string;
  type: string;
  shape: number[];
  buffer: number;
  quantization?: { scale?: number[]; zero_point?: number[]; quantized_dimension?: number };
}
export interface FlatcModel {
  operator_codes: Array<{ builtin_code: string; deprecated_builtin_code: number; version: number }>;
  subgraphs: Array<{ tensors: FlatcTensor[]; operators: Array<{ opcode_index: number; inputs: number[]; outputs: number[] }>; outputs: number[] }>;
  buffers: Array<{ data?: number[] }>;
}

/** flatc's JSON of a .tflite file (written to a temp file first when given bytes). */
export function flatcJson(file: string | Uint8Array): FlatcModel {
  const path = typeof file === 'string' ? file : join(mkdtempSync(join(work, 'm-')), 'model.tflite');
  if (typeof file !== 'string') writeFileSync(path, file);
  const out = mkdtempSync(join(work, 'json-'));
  execFileSync('flatc', ['--json', '--strict-json', '--defaults-json', '--raw-binary', '-o', out, schema, '--', path], { stdio: 'pipe', maxBuffer: 1 << 30 });
  return JSON.parse(readFileSync(join(out, `${basename(path).replace(/\.tflite$/, '')}.json`), 'utf8')) as FlatcModel;
}

/** An operator code's name by the schema's rule (files from before code 127 set only the deprecated byte). */
export function opcodeName(code: FlatcModel['operator_codes'][number]): string {
  const named = BuiltinOperator[code.builtin_code as keyof typeof BuiltinOperator] ?? 0;
  return builtinOperatorName(Math.max(named, code.deprecated_builtin_code));
}

/** The tensor each op of flatc's JSON reads at input `slot`, with the op's name. */
export function opInputs(json: FlatcModel, slot: number): Array<{ op: string; tensor: FlatcTensor }> {
  const sg = json.subgraphs[0]!;
  return sg.operators.flatMap((op) => {
    const index = op.inputs[slot];
    return index === undefined || index < 0 ? [] : [{ op: opcodeName(json.operator_codes[op.opcode_index]!), tensor: sg.tensors[index]! }];
  });
}

/** The float32 model a file stands for: float16 weights behind DEQUANTIZE read as float32 (what `float` means for a MediaPipe file). */
export function floatModel(file: string): Uint8Array {
  const model = decodeTfliteModel(new Uint8Array(readFileSync(join(root, file))), basename(file));
  foldFloat16Dequantize(model);
  dropUnreadBuffers(model);
  return encodeTfliteModelFile(model);
}

/** Runs a model in LiteRT on seeded inputs in [0, 1) (images normalized as MediaPipe expects), every output as float32. */
export async function runSeeded(bytes: Uint8Array, seed: number): Promise<Array<{ name: string; data: Float32Array; dims: number[] }>> {
  const path = join(mkdtempSync(join(work, 'run-')), 'model.tflite');
  writeFileSync(path, bytes);
  const model = await openLiteRtModel(path, 1);
  const inputs = model.inputs.map((spec, i) => {
    const next = seededRandom(seed + i);
    const data = Float32Array.from({ length: elementCount(spec.shape) }, () => next());
    return new model.library.Tensor(data, spec.shape);
  });
  try {
    const names = model.compiled.getOutputDetails().map((d) => d.name);
    const outputs = await runLiteRtOnce(model.compiled, inputs);
    return outputs.map((values, i) => ({ name: names[i] ?? `output_${i}`, data: Float32Array.from(values as Float32Array), dims: [values.length] }));
  } finally {
    for (const t of inputs) t.delete();
    model.compiled.delete();
  }
}

/** Every output of `test` against `reference`, LiteRT on both, same seeded inputs. */
export async function parity(reference: Uint8Array, test: Uint8Array, seed = 7): Promise<ParityReport> {
  return compareOutputs(await runSeeded(reference, seed), await runSeeded(test, seed), { reference: 'float model', test: 'quantized model' });
}

/**
 * The independent reader for converted TFLite files: flatc (Debian's flatbuffers-compiler) with
 * TFLite's schema prints a file as JSON without any of the studio's code, so what the converter
 * wrote (op codes, shapes, options) is checked by something that did not write it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
let schemaPath: string | undefined;

/** flatc 2.0.8 cannot parse `(deprecated)` after an enum value or a union member: a copy without those two. */
function schema(): string {
  if (schemaPath) return schemaPath;
  schemaPath = join(mkdtempSync(join(tmpdir(), 'edgebench-convert-schema-')), 'schema.fbs');
  writeFileSync(schemaPath, readFileSync(join(root, 'scripts/schemas/tflite/schema.fbs'), 'utf8')
    .replace(/(REDUCE_WINDOW = 205)\s*\(deprecated\)/, '$1')
    .replace(/^(\s*ReduceWindowOptions)\s*\(deprecated\),/m, '$1,'));
  return schemaPath;
}

export interface FlatcModel {
  version: number;
  operator_codes: Array<{ builtin_code: string; deprecated_builtin_code: number; version: number }>;
  subgraphs: Array<{
    tensors: Array<{ name: string; shape: number[]; type: string; buffer: number }>;
    inputs: number[];
    outputs: number[];
    operators: Array<{ opcode_index: number; inputs: number[]; outputs: number[]; builtin_options_type: string }>;
  }>;
  buffers: Array<{ data?: number[] }>;
}

export function readWithFlatc(file: string): FlatcModel {
  const out = mkdtempSync(join(tmpdir(), 'edgebench-flatc-'));
  execFileSync('flatc', ['--json', '--strict-json', '--defaults-json', '--raw-binary', '-o', out, schema(), '--', file], { stdio: 'pipe' });
  return JSON.parse(readFileSync(join(out, `${basename(file).replace(/\.tflite$/, '')}.json`), 'utf8')) as FlatcModel;
}

/** TFLite op name → count, as flatc reads the file. */
export function flatcOpCounts(model: FlatcModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of model.subgraphs[0]!.operators) {
    const name = model.operator_codes[op.opcode_index]!.builtin_code;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

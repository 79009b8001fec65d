import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { BuiltinOperator, TensorType } from '../../../src/core/formats/tflite/tflite-schema';
import { buildTflite } from './tflite-builder';

const repoRoot = path.resolve(__dirname, '../../..');
const generator = path.join(repoRoot, 'scripts/gen-tflite.mjs');

describe('the generated TFLite schema', () => {
  it('is what npm run gen:tflite generates from schema.fbs with flatc (regenerated here and compared)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gen-tflite-test-'));
    try {
      execFileSync(process.execPath, [generator, dir], { stdio: 'pipe' });
      const fresh = readFileSync(path.join(dir, 'tflite_schema.ts'), 'utf8');
      const committed = readFileSync(path.join(repoRoot, 'src/core/formats/tflite/generated/tflite_schema.ts'), 'utf8');
      expect(fresh === committed, 'the committed file differs from the generator output: run npm run gen:tflite').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the ops and tensor types of the whole schema: a STABLEHLO_COMPOSITE op on bfloat16 tensors inspects by name', () => {
    const code = BuiltinOperator.STABLEHLO_COMPOSITE;
    const bytes = buildTflite({
      version: 3,
      opcodes: [{ deprecated: BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES, builtin: code }],
      tensors: [
        { name: 'x', shape: [1, 4], type: TensorType.BFLOAT16 },
        { name: 'y', shape: [1, 4], type: TensorType.FLOAT8_E4M3FN },
      ],
      inputs: [0],
      outputs: [1],
      operators: [{ opcode: 0, inputs: [0], outputs: [1] }],
      buffers: [new Uint8Array(0)],
    });
    const info = inspectModelBuffers([{ name: 'composite.tflite', data: bytes }]);
    expect(info.ops).toEqual({ STABLEHLO_COMPOSITE: 1 });
    expect(info.inputs[0]?.dtype).toBe('bfloat16');
    expect(info.outputs[0]?.dtype).toBe('float8_e4m3fn');
  });

  it('refuses a missing schema in one sentence that names it, exit code 2', () => {
    const missing = path.join(tmpdir(), 'no-such-dir', 'schema.fbs');
    const result = spawnSync(process.execPath, [generator, tmpdir()], { env: { ...process.env, TFLITE_SCHEMA: missing }, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`gen:tflite: '${missing}' does not exist; it ships in the repository (scripts/schemas/tflite/schema.fbs), or set TFLITE_SCHEMA.\n`);
  });

  it("passes on flatc's own complaint about a schema it cannot parse, exit code 2", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gen-tflite-bad-'));
    try {
      writeFileSync(path.join(dir, 'schema.fbs'), 'namespace tflite;\ntable Model { version: uint }\n');
      const result = spawnSync(process.execPath, [generator, dir], { env: { ...process.env, TFLITE_SCHEMA: path.join(dir, 'schema.fbs') }, encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^gen:tflite: flatc -b --schema .* failed: .*schema\.fbs:2: .*expecting: ;/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

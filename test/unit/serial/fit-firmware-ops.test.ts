/**
 * The EdgeBench firmware's op list as fit knows it (EDGEBENCH_FIRMWARE_OPS) against the C++ that
 * registers the kernels, read here from resources/firmware/esp32-tflm/main, so the two cannot
 * drift apart; and what fit says about an op TFLite Micro has but the firmware does not register.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILTIN_OPERATOR_NAMES } from '../../../src/core/formats/tflite/tflite-schema';
import { estimateFits } from '../../../src/core/targets/serial/fit-estimate';
import { FIRMWARE_OPS } from '../../../src/core/targets/serial/simulator/device-model';
import { EDGEBENCH_FIRMWARE_OP_RESOLVER, EDGEBENCH_FIRMWARE_OPS, TFLM_BUILTIN_OPS } from '../../../src/core/targets/serial/tflm-ops';
import { repoRoot } from '../../helpers/run-cli';
import { buildTflite, TensorType } from '../formats/tflite-builder';

const source = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

/** Every `case B::BuiltinOperator_X: status = r.AddY(); break;` of add_builtin_op, as [X, AddY]. */
function registeredCases(cpp: string): Array<[string, string]> {
  return [...cpp.matchAll(/case\s+B::BuiltinOperator_([A-Z0-9_]+)\s*:\s*status\s*=\s*r\.(Add\w+)\(\)\s*;\s*break\s*;/g)].map((m) => [m[1] as string, m[2] as string]);
}

describe("the EdgeBench firmware's op list", () => {
  const cpp = source(EDGEBENCH_FIRMWARE_OP_RESOLVER);
  const cases = registeredCases(cpp);

  test('is exactly what op_resolver.cpp registers, one case per op', () => {
    // Every `case` line is a registration the pattern understood (none written some other way).
    expect(cases.length).toBe([...cpp.matchAll(/\bcase\s+B::/g)].length);
    expect(cases.map(([op]) => op).sort()).toEqual([...EDGEBENCH_FIRMWARE_OPS].sort());
    expect(new Set(cases.map(([op]) => op)).size).toBe(cases.length);
    // The simulated board refuses models by the same list.
    expect([...FIRMWARE_OPS].sort()).toEqual([...EDGEBENCH_FIRMWARE_OPS].sort());
  });

  test("each case registers its own op's kernel (MicroMutableOpResolver's AddXxx spells the op without underscores)", () => {
    const mismatched = cases.filter(([op, add]) => add.slice(3).toUpperCase() !== op.replaceAll('_', ''));
    expect(mismatched).toEqual([]);
  });

  test("registers only builtins TFLite Micro has, and refuses every custom op before the resolver", () => {
    expect([...EDGEBENCH_FIRMWARE_OPS].filter((op) => !TFLM_BUILTIN_OPS.has(op))).toEqual([]);
    const runner = source('resources/firmware/esp32-tflm/main/tflm_runner.cpp');
    expect(runner).toMatch(/if \(op == tflite::BuiltinOperator_CUSTOM\) \{[^}]*which this firmware does not have/);
  });
});

describe('fit on an op TFLite Micro has but the firmware does not register', () => {
  const code = BUILTIN_OPERATOR_NAMES.indexOf('DEPTH_TO_SPACE');
  const model = buildTflite({
    version: 3,
    opcodes: [{ deprecated: code, builtin: code }],
    tensors: [
      { name: 'x', shape: [1, 4, 4, 8], type: TensorType.FLOAT32 },
      { name: 'y', shape: [1, 8, 8, 2], type: TensorType.FLOAT32 },
    ],
    inputs: [0],
    outputs: [1],
    operators: [{ opcode: 0, inputs: [0], outputs: [1] }],
    buffers: [new Uint8Array(0)],
  });

  test('on a chip running the EdgeBench firmware it cannot run, with the op as data and what to add where', () => {
    expect(EDGEBENCH_FIRMWARE_OPS.has('DEPTH_TO_SPACE')).toBe(false);
    const [esp32s3] = estimateFits(model, 'd2s.tflite', ['esp32s3']);
    expect(esp32s3).toMatchObject({
      verdict: 'cannot-run',
      exceeds: [],
      unsupportedOps: [{ op: 'DEPTH_TO_SPACE', count: 1, reason: 'not-in-firmware' }],
      remedies: [{ kind: 'firmware-ops', ops: ['DEPTH_TO_SPACE'] }],
    });
    expect(esp32s3?.sentence).toMatch(
      /^d2s\.tflite fits the memory of the ESP32-S3 \(no PSRAM, 8 MiB flash\) \(about .* of tensor arena \(estimate\) and 0 B of weights\)\. TFLite Micro has DEPTH_TO_SPACE but the EdgeBench firmware does not register it; add it in op_resolver\.cpp \(resources\/firmware\/esp32-tflm\/main\) and rebuild\.$/,
    );
  });

  test('an MLPerf Tiny build (STM32) links TFLM with its kernels: it fits', () => {
    const [stm32] = estimateFits(model, 'd2s.tflite', ['stm32l4r5']);
    expect(stm32).toMatchObject({ verdict: 'fits', unsupportedOps: [], remedies: [] });
  });
});

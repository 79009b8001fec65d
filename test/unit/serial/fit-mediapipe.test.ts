/**
 * "Will it fit?" on the real MediaPipe .tflite files npm packages ship: every limit a model
 * exceeds on every chip (RAM, flash or both), every op TensorFlow Lite Micro cannot run, and only
 * remedies a user can carry out. The op facts come from flatc's reading of the files (see
 * test/unit/formats/tflite-real-models.test.ts): every DEQUANTIZE in them takes float16, which
 * TFLM's DEQUANTIZE refuses; the sparse face detector has 46 DENSIFY ops; the selfie models one
 * Convolution2DTransposeBias custom op. Flash is checked against the file size read here.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILTIN_OPERATOR_NAMES, builtinOperatorName } from '../../../src/core/formats/tflite/tflite-schema';
import { CHIP_PROFILES, chipProfile, estimateFits } from '../../../src/core/targets/serial/fit-estimate';
import { TFLM_BUILTIN_OPS } from '../../../src/core/targets/serial/tflm-ops';
import { formatBytes } from '../../../src/shared/units';
import { buildTflite, TensorType } from '../formats/tflite-builder';

const MEDIAPIPE = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@mediapipe');

type Limits = '' | 'R' | 'F' | 'RF';
interface Row {
  file: string;
  /** op, count, and the input type refused (DEQUANTIZE) or the reason. */
  cannotRun: Array<[string, number, string]>;
  /** Ops TFLM has that the EdgeBench firmware (ESP32 chips) does not register, with their counts. */
  notInFirmware?: Array<[string, number]>;
  /** Per chip, in CHIP_PROFILES order: the limits exceeded (R: RAM, F: flash). */
  limits: [Limits, Limits, Limits, Limits, Limits, Limits, Limits];
}

// Chips: esp32, esp32-wrover, esp32s3, esp32s3-n16r8, stm32l4r5, stm32f746, stm32h743.
const ROWS: Row[] = [
  { file: 'face_detection/face_detection_full_range.tflite', cannotRun: [['DEQUANTIZE', 178, 'float16']], limits: ['R', 'R', 'R', '', 'R', 'RF', 'R'] },
  {
    file: 'face_detection/face_detection_full_range_sparse.tflite',
    cannotRun: [['DEQUANTIZE', 182, 'float16'], ['DENSIFY', 46, 'sparse-weights']],
    // DEPTH_TO_SPACE has a TFLM kernel, but resources/firmware/esp32-tflm/main/op_resolver.cpp does not register it.
    notInFirmware: [['DEPTH_TO_SPACE', 2]],
    limits: ['R', 'R', 'R', '', 'R', 'R', 'R'],
  },
  { file: 'face_detection/face_detection_short_range.tflite', cannotRun: [['DEQUANTIZE', 74, 'float16']], limits: ['R', '', 'R', '', 'R', 'R', 'R'] },
  { file: 'hands/hand_landmark_full.tflite', cannotRun: [['DEQUANTIZE', 102, 'float16']], limits: ['RF', 'RF', 'R', 'R', 'RF', 'RF', 'RF'] },
  { file: 'hands/hand_landmark_lite.tflite', cannotRun: [['DEQUANTIZE', 102, 'float16']], limits: ['R', 'R', 'R', '', 'RF', 'RF', 'RF'] },
  { file: 'pose/pose_landmark_full.tflite', cannotRun: [['DEQUANTIZE', 192, 'float16']], limits: ['RF', 'RF', 'R', 'R', 'RF', 'RF', 'RF'] },
  // 26.4 MiB: more than any chip's flash and any RAM; on the ESP32-S3's 8 MiB of flash both are blamed.
  { file: 'pose/pose_landmark_heavy.tflite', cannotRun: [['DEQUANTIZE', 396, 'float16']], limits: ['RF', 'RF', 'RF', 'RF', 'RF', 'RF', 'RF'] },
  { file: 'pose/pose_landmark_lite.tflite', cannotRun: [['DEQUANTIZE', 176, 'float16']], limits: ['R', 'R', 'R', 'R', 'RF', 'RF', 'RF'] },
  {
    // TFLM plans 4 MiB of arena for it (the table's tflmArenaAtLeast): with the model, more than the ESP32-WROVER's 4 MiB of PSRAM.
    file: 'selfie_segmentation/selfie_segmentation.tflite',
    cannotRun: [['DEQUANTIZE', 110, 'float16'], ['Convolution2DTransposeBias', 1, 'custom-op']],
    limits: ['R', 'R', 'R', '', 'R', 'R', 'R'],
  },
  {
    file: 'selfie_segmentation/selfie_segmentation_landscape.tflite',
    cannotRun: [['DEQUANTIZE', 110, 'float16'], ['Convolution2DTransposeBias', 1, 'custom-op']],
    limits: ['R', '', 'R', '', 'R', 'R', 'R'],
  },
];

describe('fit on the MediaPipe models', () => {
  test.each(ROWS)('$file: the limits it exceeds per chip, the ops TFLite Micro cannot run, and what to do', (row) => {
    const path = join(MEDIAPIPE, row.file);
    const fileName = row.file.split('/').pop() as string;
    const fileBytes = statSync(path).size;
    const estimates = estimateFits(new Uint8Array(readFileSync(path)), fileName);
    const fitsMemory = CHIP_PROFILES.filter((_, i) => row.limits[i] === '').map((chip) => chip.id);
    estimates.forEach((estimate, i) => {
      const chip = CHIP_PROFILES[i] ?? chipProfile('esp32');
      const limits = row.limits[i] ?? '';
      const context = `${fileName} on ${chip.id}`;
      expect(estimate.chip.id).toBe(chip.id);
      expect(estimate.modelBytes, context).toBe(fileBytes);
      // Flash: the file against the flash the chip has beside its firmware, worked out here.
      expect(limits.includes('F'), context).toBe(fileBytes > chip.flashBytes - chip.firmwareFlashBytes);
      expect(estimate.exceeds, context).toEqual([...(limits.includes('R') ? ['ram'] : []), ...(limits.includes('F') ? ['flash'] : [])]);
      expect(estimate.verdict, context).toBe(limits === '' ? 'cannot-run' : 'does-not-fit');
      // The EdgeBench firmware runs on the ESP32 chips; the STM32 profiles are MLPerf Tiny builds with TFLM's kernels.
      const firmware = chip.id.startsWith('esp32') ? (row.notInFirmware ?? []) : [];
      expect(
        estimate.unsupportedOps.map((op) => [op.op, op.count, op.reason === 'input-type' ? op.inputType : op.reason]),
        context,
      ).toEqual([...row.cannotRun, ...firmware.map(([op, count]) => [op, count, 'not-in-firmware'])]);
      // The sentence names every limit exceeded and every op that cannot run.
      if (limits.includes('R')) expect(estimate.sentence, context).toMatch(/RAM: it needs/);
      if (limits.includes('F')) expect(estimate.sentence, context).toContain(`flash: the ${formatBytes(fileBytes)} model is more than the`);
      for (const [op] of row.cannotRun) expect(estimate.sentence, context).toContain(op);
      for (const [op, count] of firmware) {
        expect(estimate.sentence, context).toContain(
          `TFLite Micro has ${op} ×${count} but the EdgeBench firmware does not register it; add it in op_resolver.cpp (resources/firmware/esp32-tflm/main) and rebuild.`,
        );
      }
      expect(estimate.remedies.find((remedy) => remedy.kind === 'firmware-ops'), context).toEqual(firmware.length > 0 ? { kind: 'firmware-ops', ops: firmware.map(([op]) => op) } : undefined);
      // Only remedies the user can carry out: an int8 .tflite from TFLite's converter (the weights are float16),
      // chips that have the memory, dense weights for DENSIFY, builtin ops for the custom op.
      const kinds = estimate.remedies.map((remedy) => remedy.kind);
      expect(kinds[0], context).toBe('int8-tflite');
      const others = fitsMemory.filter((id) => id !== chip.id);
      expect(estimate.remedies.find((remedy) => remedy.kind === 'other-chips'), context).toEqual(
        limits !== '' && others.length > 0 ? { kind: 'other-chips', chips: others } : undefined,
      );
      expect(kinds.includes('dense-weights'), context).toBe(row.cannotRun.some(([op]) => op === 'DENSIFY'));
      expect(estimate.remedies.find((remedy) => remedy.kind === 'builtin-ops'), context).toEqual(
        row.cannotRun.some(([op]) => op === 'Convolution2DTransposeBias')
          ? { kind: 'builtin-ops', ops: ['Convolution2DTransposeBias'], replacements: { Convolution2DTransposeBias: ['TRANSPOSE_CONV'] } }
          : undefined,
      );
    });
  });
});

describe('the TFLite Micro op list', () => {
  test('every builtin it names is a TFLite BuiltinOperator, spelled as the schema spells it', () => {
    const names = new Set(BUILTIN_OPERATOR_NAMES);
    expect([...TFLM_BUILTIN_OPS].filter((op) => !names.has(op))).toEqual([]);
    expect(TFLM_BUILTIN_OPS.size).toBe(100);
  });

  test('ops in every subgraph count, custom ops TFLM ships are fine where TFLM runs as shipped, builtins it lacks are named', () => {
    const code = (name: string): number => BUILTIN_OPERATOR_NAMES.indexOf(name);
    const model = buildTflite({
      version: 3,
      opcodes: [
        { deprecated: code('WHILE'), builtin: code('WHILE') },
        { deprecated: 32, builtin: 32, custom: 'TFLite_Detection_PostProcess' },
        { deprecated: code('NON_MAX_SUPPRESSION_V5'), builtin: code('NON_MAX_SUPPRESSION_V5') },
      ],
      tensors: [
        { name: 'x', shape: [1, 8], type: TensorType.FLOAT32 },
        { name: 'y', shape: [1, 8], type: TensorType.FLOAT32 },
      ],
      inputs: [0],
      outputs: [1],
      operators: [
        { opcode: 0, inputs: [0], outputs: [1] },
        { opcode: 1, inputs: [1], outputs: [1] },
      ],
      subgraphs: [
        {
          tensors: [
            { name: 'boxes', shape: [8, 4], type: TensorType.FLOAT32 },
            { name: 'kept', shape: [8], type: TensorType.INT32 },
          ],
          inputs: [0],
          outputs: [1],
          operators: [{ opcode: 2, inputs: [0], outputs: [1] }],
        },
      ],
      buffers: [new Uint8Array(0)],
    });
    const [stm32, esp32s3] = estimateFits(model, 'nms.tflite', ['stm32h743', 'esp32s3']);
    expect(builtinOperatorName(code('NON_MAX_SUPPRESSION_V5'))).toBe('NON_MAX_SUPPRESSION_V5');
    // An MLPerf Tiny build links TFLM's kernels: WHILE and TFLite_Detection_PostProcess are there.
    expect(stm32).toMatchObject({
      verdict: 'cannot-run',
      exceeds: [],
      unsupportedOps: [{ op: 'NON_MAX_SUPPRESSION_V5', count: 1, reason: 'not-in-tflm' }],
      remedies: [{ kind: 'builtin-ops', ops: ['NON_MAX_SUPPRESSION_V5'], replacements: {} }],
    });
    expect(stm32?.sentence).toMatch(
      /^nms\.tflite fits the memory of the STM32H743 \(NUCLEO-H743ZI2\) \(about .* of tensor arena \(estimate\) and 0 B of weights\), but TFLite Micro cannot run 1 of its 3 operators: NON_MAX_SUPPRESSION_V5 \(not among TFLite Micro's builtin kernels\)\.$/,
    );
    // The EdgeBench firmware registers neither, and takes no custom ops: listed after what TFLM itself lacks.
    expect(esp32s3?.unsupportedOps).toEqual([
      { op: 'NON_MAX_SUPPRESSION_V5', count: 1, reason: 'not-in-tflm' },
      { op: 'WHILE', count: 1, reason: 'not-in-firmware' },
      { op: 'TFLite_Detection_PostProcess', count: 1, reason: 'not-in-firmware' },
    ]);
    expect(esp32s3?.remedies).toEqual([
      { kind: 'builtin-ops', ops: ['NON_MAX_SUPPRESSION_V5'], replacements: {} },
      { kind: 'firmware-ops', ops: ['WHILE', 'TFLite_Detection_PostProcess'] },
    ]);
    expect(esp32s3?.sentence).toMatch(
      /but TFLite Micro cannot run 1 of its 3 operators: NON_MAX_SUPPRESSION_V5 \(not among TFLite Micro's builtin kernels\)\. TFLite Micro has WHILE and TFLite_Detection_PostProcess but the EdgeBench firmware does not register them; add them in op_resolver\.cpp \(resources\/firmware\/esp32-tflm\/main\), let tflm_runner\.cpp pass custom ops to the resolver, and rebuild\.$/,
    );
  });
});

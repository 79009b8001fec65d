import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
const mediapipe = (file: string): string => path.join(repoRoot, 'node_modules/@mediapipe', file);

describe('edgebench fit', () => {
  it('estimates the demo model against one chip as JSON: it fits an ESP32-S3', async () => {
    const result = await runCli(['fit', demoTflite, '--chip', 'esp32s3', '--json']);
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as { chip: string; verdict: string; arenaBytes: number; weightsBytes: number };
    expect(estimate).toMatchObject({ chip: 'esp32s3', verdict: 'fits' });
    expect(estimate.arenaBytes).toBeGreaterThan(9408); // at least the activations worked out by hand in test/unit/serial
    expect(estimate.weightsBytes).toBeGreaterThan(30_000);
  });

  it('a 26 MiB model on 8 MiB of flash is blamed on RAM and flash, and its float16 DEQUANTIZE ops on TFLite Micro', async () => {
    const result = await runCli(['fit', mediapipe('pose/pose_landmark_heavy.tflite'), '--chip', 'esp32s3', '--json']);
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as Record<string, unknown> & { sentence: string };
    expect(estimate).toMatchObject({
      chip: 'esp32s3',
      verdict: 'does-not-fit',
      modelBytes: 27_709_200,
      exceeds: ['ram', 'flash'],
      unsupportedOps: [{ op: 'DEQUANTIZE', count: 396, reason: 'input-type', inputType: 'float16', acceptedTypes: ['int8', 'int16', 'uint8'] }],
      remedies: [{ kind: 'int8-tflite' }],
    });
    expect(estimate.sentence).toMatch(/RAM: it needs .*; flash: the 26\.4 MiB model is more than the 7\.12 MiB of flash left beside the firmware\. TFLite Micro cannot run 396 of its 689 operators: DEQUANTIZE ×396 from float16/);
  });

  it('says which ops TFLite Micro cannot run and only advice the user can carry out', async () => {
    const result = await runCli(['fit', mediapipe('selfie_segmentation/selfie_segmentation_landscape.tflite')]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    // TFLM plans 2.25 MiB of arena for the landscape model: 4 MiB of PSRAM holds it, so on the ESP32-WROVER only the ops stand in the way.
    expect(lines.find((line) => line.includes('fits the memory of the ESP32-WROVER'))).toMatch(/^ {2}cannot-run +selfie_segmentation_landscape\.tflite fits the memory of the ESP32-WROVER .* TFLite Micro cannot run 111 of its 246 operators: DEQUANTIZE ×110 from float16 .*; Convolution2DTransposeBias \(a custom op TFLite Micro has no kernel for\)\.$/);
    expect(result.stdout).toContain('what you can do: make a full-integer int8 variant (edgebench quantize MODEL.tflite --mode int8 --calibration DATASET');
    expect(result.stdout).toContain('what you can do: convert it again with only ops TFLite Micro registers instead of Convolution2DTransposeBias (Convolution2DTransposeBias as TRANSPOSE_CONV).');
    expect(result.stdout).toContain('what you can do: pick a chip whose memory it fits as it is: ESP32-WROVER (4 MiB PSRAM, 4 MiB flash) (--chip esp32-wrover), ESP32-S3 N16R8 (8 MiB PSRAM, 16 MiB flash) (--chip esp32s3-n16r8).');
    // The studio quantizes ONNX models, not .tflite: it never says to quantize this one.
    expect(result.stdout).not.toMatch(/Quantize it|Variants panel/);
  });

  it("the portrait selfie model does not fit the ESP32-WROVER: TFLM's 4 MiB plan and the model are more than its PSRAM", async () => {
    const result = await runCli(['fit', mediapipe('selfie_segmentation/selfie_segmentation.tflite'), '--chip', 'esp32-wrover', '--json']);
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as { verdict: string; exceeds: string[]; arenaBytes: number; modelBytes: number; memory: Array<{ memory: string; needBytes: number; haveBytes: number }>; sentence: string };
    expect(estimate).toMatchObject({ verdict: 'does-not-fit', exceeds: ['ram'] });
    // The head alone is TFLM's own plan, 4,194,304 bytes (test/models/tflite.json); bookkeeping comes on top.
    expect(estimate.arenaBytes).toBeGreaterThan(4_194_304);
    expect(estimate.memory.find((m) => m.memory === 'psram')).toEqual({ memory: 'psram', holds: ['model', 'arena'], needBytes: estimate.modelBytes + estimate.arenaBytes, haveBytes: 4 * 1024 * 1024 });
    expect(estimate.sentence).toMatch(/RAM: it needs about 4\.07 MiB of tensor arena \(estimate\) plus the 243\.2 KiB model itself in PSRAM, but the board has about 4\.00 MiB of PSRAM\./);
  });

  it('an ONNX model or an unknown chip is one clear line with exit 2', async () => {
    const onnx = await runCli(['fit', demoModelPath]);
    expect(onnx.code).toBe(2);
    expect(onnx.stderr).toMatch(/convert it to \.tflite/);
    const chip = await runCli(['fit', demoTflite, '--chip', 'esp8266']);
    expect(chip.code).toBe(2);
    expect(chip.stderr).toMatch(/--chip/);
  });
});

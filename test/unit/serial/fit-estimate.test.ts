/**
 * Arena and flash estimates from a .tflite alone: the demo model's plan and bookkeeping worked out
 * by hand (the planner itself is tested in fit-planner.test.ts), and fit verdicts on the demo and
 * on synthetic big models.
 */
import { describe, expect, test } from 'vitest';
import { CHIP_PROFILES, estimateArena, estimateFit } from '../../../src/core/targets/serial/fit-estimate';
import { StudioError } from '../../../src/shared/errors';
import { formatBytes } from '../../../src/shared/units';
import { demoModel } from './helpers';
import { bigActivationsModel, bigWeightsModel } from './models';

describe('estimateArena', () => {
  test('the demo model: activations planned as TFLM would, weights counted from constant buffers', () => {
    const estimate = estimateArena(demoModel(), 'demo-mnist.tflite');
    // Float32 buffers and the scopes TFLM gives them: input 3136 B [0-1], conv1 14x14x8 = 6272 B [1-2],
    // conv2 7x7x16 = 3136 B [2-3], flatten 3136 B [3-4], logits 40 → 48 B [4]. Largest first, equal
    // sizes last-added first: conv1 at 0; flatten meets none of it, at 0; conv2 meets both, at 6272;
    // input meets conv1 only, at 6272; logits meets flatten only, at 3136.
    expect(estimate.plannedBytes).toBe(6272 + 3136);
    expect(estimate.operators).toBe(4);
    // 9,100 float parameters, plus the reshape's shape constant.
    expect(estimate.weightsBytes).toBeGreaterThanOrEqual(9100 * 4);
    expect(estimate.weightsBytes).toBeLessThan(9100 * 4 + 64);
    // The tail: a 12-byte TfLiteEvalTensor per tensor and a 32-byte node per operator, rounded to 16;
    // each convolution's per-channel multipliers and shifts (8 and 16 channels: 2 x 32 and 2 x 64 bytes).
    expect(estimate.bookkeeping).toMatchObject({
      evalTensorsBytes: Math.ceil((12 * estimate.tensors) / 16) * 16,
      nodesBytes: 4 * 32,
      scratchHandlesBytes: 0,
      variableBytes: 0,
      kernelDataBytes: 2 * 32 + 2 * 64,
      operatorStateBytes: 4 * 128,
    });
    expect(estimate.arenaBytes).toBe(estimate.plannedBytes + estimate.overheadBytes);
  });

  test('a file that is not a .tflite is a MODEL_FORMAT error naming it', () => {
    expect(() => estimateArena(new Uint8Array(64), 'notes.txt')).toThrowError(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringContaining("'notes.txt'") }));
  });
});

describe('estimateFit', () => {
  test.each(CHIP_PROFILES.map((p) => p.id))('the demo model fits the %s', (chip) => {
    const fit = estimateFit(demoModel(), 'demo-mnist.tflite', chip);
    expect(fit.verdict).toBe('fits');
    expect(fit.sentence).toMatch(/^demo-mnist\.tflite fits the .*: it needs about .* KiB of tensor arena \(estimate\)/);
  });

  test('large activations do not fit an ESP32 without PSRAM (RAM alone), and go to PSRAM on an ESP32-S3 N16R8', () => {
    const model = bigActivationsModel();
    const esp32 = estimateFit(model, 'big.tflite', 'esp32');
    expect(esp32).toMatchObject({ verdict: 'does-not-fit', exceeds: ['ram'], unsupportedOps: [] });
    expect(esp32.sentence).toMatch(/^big\.tflite does not fit the ESP32 \(no PSRAM, 4 MiB flash\): RAM: it needs about 1\.\d\d MiB of tensor arena \(estimate\) plus the .* model itself in internal RAM, but the board has about 320\.0 KiB of usable RAM\.$/);
    // Float weights: a full-integer int8 variant helps (the studio makes one), and so would a chip with PSRAM.
    expect(esp32.remedies).toEqual([{ kind: 'int8-tflite' }, { kind: 'other-chips', chips: ['esp32-wrover', 'esp32s3-n16r8'] }]);
    const s3 = estimateFit(model, 'big.tflite', 'esp32s3-n16r8');
    expect(s3).toMatchObject({ verdict: 'fits-in-psram', exceeds: [], remedies: [] });
    expect(s3.sentence).toMatch(/only with its tensor arena in PSRAM/);
    expect(s3.memory).toEqual([
      { memory: 'psram', holds: ['model', 'arena'], needBytes: s3.modelBytes + s3.arenaBytes, haveBytes: 8 * 1024 * 1024 },
      { memory: 'flash', holds: ['model'], needBytes: s3.modelBytes, haveBytes: 16 * 1024 * 1024 - 900 * 1024 },
    ]);
  });

  test('4 MiB of weights do not fit a 2 MiB-flash STM32: flash is blamed, not RAM', () => {
    const fit = estimateFit(bigWeightsModel(), 'wide.tflite', 'stm32h743');
    expect(fit.weightsBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(fit).toMatchObject({ verdict: 'does-not-fit', exceeds: ['flash'] });
    expect(fit.sentence).toMatch(/^wide\.tflite does not fit the STM32H743 \(NUCLEO-H743ZI2\): flash: the 4\.\d\d MiB model is more than the 1\.88 MiB of flash left beside the firmware\.$/);
  });

  test("the row's sentence writes the arena as the fit card's header does (formatBytes), not rounded its own way", () => {
    const fit = estimateFit(bigActivationsModel(), 'big.tflite', 'esp32');
    // FitCard.tsx's header: "Tensor arena about ${formatBytes(arenaBytes)} (estimate)".
    expect(fit.sentence).toContain(`about ${formatBytes(fit.arenaBytes)} of tensor arena (estimate)`);
    expect(formatBytes(fit.arenaBytes)).toMatch(/^1\.\d\d MiB$/);
  });

  test('an unknown chip names the choices', () => {
    expect(() => estimateFit(demoModel(), 'demo-mnist.tflite', 'esp8266')).toThrowError(StudioError);
    expect(() => estimateFit(demoModel(), 'demo-mnist.tflite', 'esp8266')).toThrowError(/Unknown chip 'esp8266'; pick one of esp32, esp32-wrover/);
  });
});

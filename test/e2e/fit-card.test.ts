/**
 * The Devices page's "Will it fit?" card on MediaPipe's sparse face detector: the ops TFLite Micro
 * cannot run on any chip, apart from the op TFLM has but the EdgeBench firmware does not register
 * (DEPTH_TO_SPACE), which matters on the ESP32 chips that firmware runs on and comes with what to
 * add where. No sleeps: every wait is for a selector.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const SPARSE = path.join(REPO_ROOT, 'node_modules/@mediapipe/face_detection/face_detection_full_range_sparse.tflite');

const studio = useStudioSession();

describe('the fit card', () => {
  it("lists TFLM's missing ops for every chip and the firmware's missing op for the ESP32 chips, with its remedy", async () => {
    await studio.page.getByTestId('nav-models').click();
    await studio.page.getByTestId('import-input').setInputFiles(SPARSE);
    await studio.page.getByTestId('model-row').filter({ hasText: 'face_detection_full_range_sparse' }).waitFor();
    await studio.page.getByTestId('nav-devices').click();
    const fit = studio.page.getByTestId('fit-card');
    await fit.getByTestId('fit-table').waitFor();

    const tflm = fit.getByTestId('fit-unsupported').getByTestId('fit-unsupported-op');
    expect(await tflm.evaluateAll((items) => items.map((item) => [item.getAttribute('data-op'), item.getAttribute('data-reason')]))).toEqual([
      ['DEQUANTIZE', 'input-type'],
      ['DENSIFY', 'sparse-weights'],
    ]);
    const firmware = fit.getByTestId('fit-not-in-firmware');
    expect(await firmware.getByTestId('fit-unsupported-op').evaluateAll((items) => items.map((item) => [item.getAttribute('data-op'), item.getAttribute('data-reason')]))).toEqual([
      ['DEPTH_TO_SPACE', 'not-in-firmware'],
    ]);
    expect(await firmware.textContent()).toMatch(/cannot run on ESP32 \(no PSRAM, 4 MiB flash\), ESP32-WROVER .*, ESP32-S3 .*, ESP32-S3 N16R8 .* until they are added to its op resolver/);

    // The remedy is on the ESP32 rows only: the STM32 profiles are MLPerf Tiny builds with TFLM's own kernels.
    const remedyOn = async (chip: string): Promise<string | null> => {
      const remedy = fit.locator(`[data-testid="fit-row"][data-chip="${chip}"] [data-kind="firmware-ops"]`);
      return (await remedy.count()) > 0 ? remedy.textContent() : null;
    };
    expect(await remedyOn('esp32s3-n16r8')).toBe(
      "Register DEPTH_TO_SPACE in the EdgeBench firmware's op resolver (resources/firmware/esp32-tflm/main/op_resolver.cpp), then rebuild and reflash the firmware.",
    );
    expect(await remedyOn('stm32h743')).toBeNull();
    expect(await fit.locator('[data-testid="fit-row"][data-chip="esp32s3-n16r8"]').textContent()).toContain(
      'TFLite Micro has DEPTH_TO_SPACE ×2 but the EdgeBench firmware does not register it; add it in op_resolver.cpp (resources/firmware/esp32-tflm/main) and rebuild.',
    );
    expect(studio.errors).toEqual([]);
  });
});

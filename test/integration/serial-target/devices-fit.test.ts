/**
 * devices.fit through the contract, on a real workspace: the demo .tflite against every chip and
 * against one, and the sentences a user gets for an ONNX model or an unknown chip.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../../src/shared/contract';
import { createApiClient } from '../../../src/shared/rpc';
import { directTransport } from '../../../src/core/direct-transport';
import { CHIP_PROFILES } from '../../../src/core/targets/serial/fit-estimate';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../../src/core/studio';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';
import { repoRoot } from '../../helpers/run-cli';

const DEMO_TFLITE = path.join(repoRoot, 'resources/models/demo-mnist.tflite');

let dir: string;
let studio: Studio;
let api: StudioApi;
let tfliteId: string;
let sparseId: string;
let onnxId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-fit-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  onnxId = (await api.models.list({}))[0]?.id ?? '';
  tfliteId = (await api.models.importFiles({ files: [{ name: 'demo-mnist.tflite', dataBase64: readFileSync(DEMO_TFLITE).toString('base64') }] })).id;
  const sparse = path.join(repoRoot, 'node_modules/@mediapipe/face_detection/face_detection_full_range_sparse.tflite');
  sparseId = (await api.models.importFiles({ files: [{ name: path.basename(sparse), dataBase64: readFileSync(sparse).toString('base64') }] })).id;
});

afterAll(async () => {
  await studio?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('devices.fit', () => {
  it('gives every chip a verdict and a sentence for the demo .tflite, with the same sizes for each', async () => {
    const estimates = await api.devices.fit({ modelId: tfliteId });
    expect(estimates.map((e) => e.chip)).toEqual(CHIP_PROFILES.map((c) => c.id));
    const size = readFileSync(DEMO_TFLITE).length;
    for (const estimate of estimates) {
      expect(estimate.modelBytes).toBe(size);
      expect(estimate.arenaBytes).toBeGreaterThan(0);
      expect(estimate.weightsBytes).toBeGreaterThan(0);
      expect(estimate.weightsBytes).toBeLessThanOrEqual(size);
      expect(estimate.sentence).toContain(estimate.label);
    }
  });

  it('answers for one chip: the demo .tflite fits an ESP32-S3', async () => {
    const [s3, ...rest] = await api.devices.fit({ modelId: tfliteId, chip: 'esp32s3' });
    expect(rest).toEqual([]);
    expect(s3).toMatchObject({ chip: 'esp32s3', label: 'ESP32-S3 (no PSRAM, 8 MiB flash)', verdict: 'fits' });
    expect(s3?.sentence).toMatch(/^demo-mnist\.tflite fits the ESP32-S3 \(no PSRAM, 8 MiB flash\): it needs about/);
  });

  it('the demo fits every chip with no limit exceeded, no op missing and nothing to do', async () => {
    for (const estimate of await api.devices.fit({ modelId: tfliteId })) {
      expect(estimate).toMatchObject({ exceeds: [], unsupportedOps: [], remedies: [] });
      expect(estimate.memory.every((m) => m.needBytes <= m.haveBytes)).toBe(true);
    }
  });

  it("MediaPipe's sparse face detector: the limits per chip, its DENSIFY and float16 DEQUANTIZE ops, and remedies as data", async () => {
    const estimates = await api.devices.fit({ modelId: sparseId });
    const byChip = Object.fromEntries(estimates.map((e) => [e.chip, e]));
    expect(byChip['esp32s3']).toMatchObject({ verdict: 'does-not-fit', exceeds: ['ram'] });
    expect(byChip['esp32s3-n16r8']).toMatchObject({ verdict: 'cannot-run', exceeds: [] });
    for (const estimate of estimates) {
      // Its 2 DEPTH_TO_SPACE ops have a TFLM kernel that the EdgeBench firmware (the ESP32 chips) does not register.
      expect(estimate.unsupportedOps).toEqual([
        { op: 'DEQUANTIZE', count: 182, reason: 'input-type', inputType: 'float16', acceptedTypes: ['int8', 'int16', 'uint8'] },
        { op: 'DENSIFY', count: 46, reason: 'sparse-weights' },
        ...(estimate.chip.startsWith('esp32') ? [{ op: 'DEPTH_TO_SPACE', count: 2, reason: 'not-in-firmware' }] : []),
      ]);
      expect(estimate.remedies.map((remedy) => remedy.kind)).toContain('dense-weights');
      expect(estimate.sentence).toContain('DENSIFY ×46 (sparse weights; TFLite Micro has no DENSIFY kernel)');
    }
  });

  it('refuses an ONNX model and an unknown chip with a sentence saying what to do', async () => {
    await expect(api.devices.fit({ modelId: onnxId })).rejects.toThrow(/is an ONNX model, not \.tflite; microcontrollers run TFLite models: convert it to \.tflite/);
    await expect(api.devices.fit({ modelId: tfliteId, chip: 'esp8266' })).rejects.toThrow(/Unknown chip 'esp8266'; pick one of esp32, /);
  });
});

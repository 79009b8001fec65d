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
let onnxId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-fit-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  onnxId = (await api.models.list({}))[0]?.id ?? '';
  tfliteId = (await api.models.importFiles({ files: [{ name: 'demo-mnist.tflite', dataBase64: readFileSync(DEMO_TFLITE).toString('base64') }] })).id;
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

  it('refuses an ONNX model and an unknown chip with a sentence saying what to do', async () => {
    await expect(api.devices.fit({ modelId: onnxId })).rejects.toThrow(/is a model in onnx format, not \.tflite; microcontrollers run TFLite models: convert it to \.tflite/);
    await expect(api.devices.fit({ modelId: tfliteId, chip: 'esp8266' })).rejects.toThrow(/Unknown chip 'esp8266'; pick one of esp32, /);
  });
});

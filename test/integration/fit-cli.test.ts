import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');

describe('edgebench fit', () => {
  it('estimates the demo model against one chip as JSON: it fits an ESP32-S3', async () => {
    const result = await runCli(['fit', demoTflite, '--chip', 'esp32s3', '--json']);
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout) as { chip: string; verdict: string; arenaBytes: number; weightsBytes: number };
    expect(estimate).toMatchObject({ chip: 'esp32s3', verdict: 'fits' });
    expect(estimate.arenaBytes).toBeGreaterThan(9408); // at least the activations worked out by hand in test/unit/serial
    expect(estimate.weightsBytes).toBeGreaterThan(30_000);
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

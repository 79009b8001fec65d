import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const demoDataset = path.join(repoRoot, 'resources/datasets/demo-digits');
const demoTflite = path.join(repoRoot, 'resources/models/demo-mnist.tflite');
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-quantize-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('edgebench quantize', () => {
  it('--mode static --json writes a variant at most 30% of the float size, and the same recipe gives the same bytes', async () => {
    const out = (name: string): string => path.join(tmp, name);
    const args = (file: string): string[] => [
      'quantize', demoModelPath, '--mode', 'static', '--calibration', demoDataset, '--method', 'percentile', '--per-channel', '--samples', '64', '--out', file, '--json',
    ];
    const first = await runCli(args(out('a.onnx')), { timeoutMs: 120_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { sizeRatio: number; recipe: { method: string; percentile: number }; calibrationSamples: number };
    expect(summary.sizeRatio).toBeLessThanOrEqual(0.3);
    expect(summary.recipe).toMatchObject({ method: 'percentile', percentile: 99.999 });
    expect(summary.calibrationSamples).toBe(64);
    await runCli(args(out('b.onnx')), { timeoutMs: 120_000 });
    expect(Buffer.compare(await fs.readFile(out('a.onnx')), await fs.readFile(out('b.onnx')))).toBe(0);

    // The variant is a real model: inspect reads it and keeps the float model's input.
    const inspected = await runCli(['inspect', out('a.onnx'), '--json']);
    expect(JSON.parse(inspected.stdout).inputs[0].name).toBe('input');
  });

  const bad: Array<{ name: string; args: () => string[]; mentions: string }> = [
    { name: 'static without a dataset', args: () => ['quantize', demoModelPath, '--mode', 'static', '--out', path.join(tmp, 'x.onnx')], mentions: '--calibration' },
    { name: 'a method for dynamic mode', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--method', 'entropy', '--out', path.join(tmp, 'x.onnx')], mentions: '--method' },
    { name: 'no --out', args: () => ['quantize', demoModelPath, '--mode', 'fp16'], mentions: '--out' },
    { name: 'no --mode', args: () => ['quantize', demoModelPath, '--out', path.join(tmp, 'x.onnx')], mentions: '--mode' },
    { name: 'a TFLite model', args: () => ['quantize', demoTflite, '--mode', 'dynamic', '--out', path.join(tmp, 'x.onnx')], mentions: 'tflite' },
    { name: 'a folder that is not a dataset', args: () => ['quantize', demoModelPath, '--mode', 'static', '--calibration', tmp, '--out', path.join(tmp, 'x.onnx')], mentions: 'dataset.json' },
    { name: 'an exclusion that matches nothing', args: () => ['quantize', demoModelPath, '--mode', 'dynamic', '--exclude', 'NoSuchOp', '--out', path.join(tmp, 'x.onnx')], mentions: 'NoSuchOp' },
  ];
  it.each(bad)('$name → exit 2 with one clear line', async ({ args, mentions }) => {
    const result = await runCli(args(), { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(mentions);
  });
});

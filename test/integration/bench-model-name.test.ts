/**
 * `edgebench bench` names a run's model as import names it: a TF.js model after its file
 * (liveness.json → liveness), a generic model.json after its folder, ONNX and TFLite after their
 * file without the extension.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/run-cli';

const HUMAN = path.join(repoRoot, 'node_modules/@vladmandic/human/models');
const SHORT_RUN = ['--runs', '3', '--warmup', '1', '--warmup-time', '0', '--profile-runs', '0', '--json'];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-bench-name-'));
  // The converter's default layout: a folder holding model.json and its shard.
  mkdirSync(path.join(dir, 'livenet'));
  copyFileSync(path.join(HUMAN, 'liveness.json'), path.join(dir, 'livenet', 'model.json'));
  copyFileSync(path.join(HUMAN, 'liveness.bin'), path.join(dir, 'livenet', 'liveness.bin'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function benchedName(file: string): Promise<string> {
  const result = await runCli(['bench', file, ...SHORT_RUN], { timeoutMs: 120_000 });
  expect(result.code, result.stderr).toBe(0);
  const run = JSON.parse(result.stdout) as { model: { name: string } } | Array<{ model: { name: string } }>;
  return (Array.isArray(run) ? run[0] : run)?.model.name ?? '(no run)';
}

describe('edgebench bench names the model as import does', () => {
  it('a TF.js model.json named after its model: liveness.json → liveness', async () => {
    expect(await benchedName(path.join(HUMAN, 'liveness.json'))).toBe('liveness');
  }, 120_000);

  it('a generic model.json after its folder', async () => {
    expect(await benchedName(path.join(dir, 'livenet', 'model.json'))).toBe('livenet');
  }, 120_000);

  it('a .tflite after its file, without the extension', async () => {
    expect(await benchedName(path.join(repoRoot, 'resources/models/demo-mnist.tflite'))).toBe('demo-mnist');
  }, 120_000);
});

/**
 * The command line names a model by the one rule (src/shared/model-naming.ts), as the studio's
 * import does: a TF.js model after its file (liveness.json → liveness), a generic model.json or
 * model.onnx after its folder, ONNX and TFLite after their file without the extension. Checked
 * where a user sees the name: a run file's model (bench), the workspace's model list after an
 * import (inputs set, models link), and inputs show of a file not imported. A folder the TF.js
 * converter wrote stands for its model.json.
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
  mkdirSync(path.join(dir, 'digits'));
  copyFileSync(path.join(repoRoot, 'resources/models/demo-mnist.onnx'), path.join(dir, 'digits', 'model.onnx'));
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

  it('the folder itself, given for its model.json, after the folder', async () => {
    expect(await benchedName(path.join(dir, 'livenet'))).toBe('livenet');
  }, 120_000);

  it('a generic model.onnx after its folder too', async () => {
    expect(await benchedName(path.join(dir, 'digits', 'model.onnx'))).toBe('digits');
  }, 120_000);

  it('a .tflite after its file, without the extension', async () => {
    expect(await benchedName(path.join(repoRoot, 'resources/models/demo-mnist.tflite'))).toBe('demo-mnist');
  }, 120_000);
});

describe('the command line imports a generic model.json under its folder name', () => {
  const listed = async (workspace: string): Promise<Array<{ name: string; format: string }>> => {
    const result = await runCli(['models', 'list', '--workspace', workspace, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { models: Array<{ name: string; format: string }> }).models;
  };

  it('inputs set: imported as livenet, not model', async () => {
    const workspace = path.join(dir, 'ws-inputs');
    const model = path.join(dir, 'livenet', 'model.json');
    const set = await runCli(['inputs', 'set', model, '--dim', 'batch=1', '--workspace', workspace]);
    expect(set.stderr).toMatch(/as model [0-9a-f]{16} \(livenet\)/);
    expect((await listed(workspace)).map((m) => [m.name, m.format])).toEqual([['livenet', 'tfjs']]);
  });

  it('inputs show of a file not imported, given by a relative path', async () => {
    // The CLI runs in the repository: the path climbs out of it with '..'.
    const relative = path.relative(repoRoot, path.join(dir, 'livenet', 'model.json'));
    const shown = await runCli(['inputs', 'show', relative, '--workspace', path.join(dir, 'ws-none'), '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as { model: { name: string } }).model.name).toBe('livenet');
  });

  it('inspect takes the folder for its model.json; a folder without one is refused in one sentence', async () => {
    const inspected = await runCli(['inspect', path.join(dir, 'livenet'), '--json']);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect((JSON.parse(inspected.stdout) as { format: string }).format).toBe('tfjs');
    const refused = await runCli(['inspect', path.join(dir, 'digits')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is a directory; pass the model file inside it/);
  });

  it('models link: the demo TF.js model.json is demo-mnist-tfjs beside demo-mnist', async () => {
    const workspace = path.join(dir, 'ws-link');
    const linked = await runCli(['models', 'link', path.join(repoRoot, 'resources/models/demo-mnist.onnx'), path.join(repoRoot, 'resources/models/demo-mnist-tfjs/model.json'), '--workspace', workspace]);
    expect(linked.code, linked.stderr).toBe(0);
    expect((await listed(workspace)).map((m) => m.name).sort()).toEqual(['demo-mnist', 'demo-mnist-tfjs']);
  });
});

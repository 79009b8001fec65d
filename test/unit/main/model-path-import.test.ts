/**
 * The desktop app's import by path (src/main/model-path-import.ts), the main side of the
 * preload's webUtils.getPathForFile: a TF.js model.json given alone is read with its shard from
 * beside it and named after its folder, through the studio's own models.importFiles; a path the
 * page names is refused in one sentence unless it is an absolute path of a model file. The IPC
 * registration itself (src/main/ipc.ts) needs an Electron binary, which this machine has not.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from '../../../src/core/studio';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';
import { importModelAtPaths } from '../../../src/main/model-path-import';
import { repoRoot } from '../../helpers/run-cli';

let scratch: string;
let studio: Studio;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'edgebench-path-import-'));
  studio = await openStudio({ workspaceDir: path.join(scratch, 'workspace'), seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
});

afterAll(async () => {
  await studio?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('importing a model by its path (desktop app)', () => {
  it('a model.json picked alone is imported with the shard beside it and named after its folder', async () => {
    const dir = path.join(scratch, 'digits-net');
    await mkdir(dir);
    for (const name of ['model.json', 'group1-shard1of1.bin']) await copyFile(path.join(repoRoot, 'resources/models/demo-mnist-tfjs', name), path.join(dir, name));
    const result = await importModelAtPaths(studio.handlers, { paths: [path.join(dir, 'model.json')] });
    expect(result.ok).toBe(true);
    const entry = result.ok ? (result.response as { name: string; files: string[]; info: { format: string } }) : null;
    expect(entry).toMatchObject({ name: 'digits-net', files: ['model.json', 'group1-shard1of1.bin'], info: { format: 'tfjs' } });
  });

  it('refuses, in one sentence each, what is not an absolute path of a model file', async () => {
    const refused = async (request: unknown): Promise<string> => {
      const result = await importModelAtPaths(studio.handlers, request);
      if (result.ok) throw new Error('expected a refusal');
      expect(result.error.code).not.toBe('INTERNAL');
      return result.error.message;
    };
    expect(await refused({ paths: ['digits-net/model.json'] })).toBe("'digits-net/model.json' is not an absolute path; pick the model file again.");
    expect(await refused({ paths: [path.join(scratch, 'notes.txt')] })).toBe("'notes.txt' is not a model file; pick a .onnx, a .tflite, or a TF.js model.json with its .bin shards.");
    expect(await refused({ paths: [] })).toMatch(/^Invalid model import by path: /);
    expect(await refused({ paths: [path.join(scratch, 'missing', 'model.onnx')] })).toContain('missing');
    // A folder named like a model is not read as one.
    await mkdir(path.join(scratch, 'folder.onnx'));
    expect(await refused({ paths: [path.join(scratch, 'folder.onnx')] })).toContain('is a directory');
  });
});

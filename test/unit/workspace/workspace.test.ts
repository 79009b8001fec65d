import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/core/workspace/atomic-write';
import { importModel } from '../../../src/core/workspace/model-store';
import { seedDemo } from '../../../src/core/workspace/seed';
import { Workspace } from '../../../src/core/workspace/workspace';
import { demoModelPath, repoRoot } from '../../helpers/run-cli';

let root: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-ws-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temp files behind', async () => {
    const file = path.join(root, 'sub', 'a.json');
    await writeFileAtomic(file, 'first version, rather long');
    await writeFileAtomic(file, 'second');
    expect(await fs.readFile(file, 'utf8')).toBe('second');
    expect(await fs.readdir(path.dirname(file))).toEqual(['a.json']);
  });

  it('keeps the old file when the write cannot happen', async () => {
    const file = path.join(root, 'kept.json');
    await fs.writeFile(file, 'old');
    // A directory where the temp file's folder should be makes the write fail before the rename.
    await expect(writeFileAtomic(path.join(file, 'child.json'), 'x')).rejects.toThrow();
    expect(await fs.readFile(file, 'utf8')).toBe('old');
  });
});

describe('Workspace', () => {
  it('a new workspace has the documented folders and, once seeded, the demo model and dataset', async () => {
    const workspace = new Workspace(root);
    const { created, marker } = await workspace.ensure();
    expect(created).toBe(true);
    await seedDemo(workspace, path.join(repoRoot, 'resources'));
    await workspace.markSeeded(marker);
    for (const dir of ['models', 'datasets', 'runs']) expect((await fs.stat(path.join(root, dir))).isDirectory()).toBe(true);
    const snapshot = await workspace.scan();
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.models.map((m) => m.name)).toEqual(['demo-mnist']);
    expect(snapshot.datasets[0]?.samples).toBe(2000);
    expect((await workspace.ensure()).marker.seededDemo).toBe(true);
  });

  it('importing the same bytes twice gives one entry with a content-hash id', async () => {
    const workspace = new Workspace(root);
    await workspace.ensure();
    const data = await fs.readFile(demoModelPath);
    const first = await importModel(workspace, [{ name: 'a.onnx', data }]);
    const second = await importModel(workspace, [{ name: 'b.onnx', data }]);
    expect(second.id).toBe(first.id);
    expect(first.info.sha256.startsWith(first.id)).toBe(true);
    expect((await workspace.scan()).models).toHaveLength(1);
  });

  it('an upload cannot write outside its model folder', async () => {
    const workspace = new Workspace(root);
    await workspace.ensure();
    const data = await fs.readFile(demoModelPath);
    const entry = await importModel(workspace, [{ name: '../../escape.onnx', data }]);
    expect(entry.files).toEqual(['escape.onnx']);
    await expect(fs.stat(path.join(root, 'escape.onnx'))).rejects.toThrow();
  });

  it('damaged files are reported with their path and left byte-for-byte untouched', async () => {
    const workspace = new Workspace(root);
    await workspace.ensure();
    const brokenRun = path.join(root, 'runs', 'broken.json');
    const wrongShape = path.join(root, 'runs', 'old-schema.json');
    const brokenEntry = path.join(root, 'models', 'abc', 'entry.json');
    await fs.writeFile(brokenRun, '{"schema": "edgebench.run/1", "id": ');
    await fs.writeFile(wrongShape, JSON.stringify({ schema: 'edgebench.run/0', id: 'x' }));
    await fs.mkdir(path.dirname(brokenEntry), { recursive: true });
    await fs.writeFile(brokenEntry, 'not json');
    const before = await Promise.all([brokenRun, wrongShape, brokenEntry].map((f) => fs.readFile(f)));

    const { problems } = await workspace.scan();
    expect(problems.map((p) => p.path).sort()).toEqual(['models/abc/entry.json', 'runs/broken.json', 'runs/old-schema.json']);
    for (const problem of problems) expect(problem.message).toMatch(/left untouched/);

    const after = await Promise.all([brokenRun, wrongShape, brokenEntry].map((f) => fs.readFile(f)));
    expect(after).toEqual(before);
  });

  it('ids that would climb out of the workspace are refused', async () => {
    const workspace = new Workspace(root);
    await expect(workspace.readRun('../../etc/passwd')).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

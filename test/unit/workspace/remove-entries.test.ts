/**
 * Removing models, variants, runs and datasets through the contract, on a real workspace folder:
 * only what was named goes, a model with variants is refused unless they go with it, a damaged
 * file is refused and left byte for byte, a removal is all or nothing, and runs of a removed
 * model keep loading.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directTransport } from '../../../src/core/direct-transport';
import { nodeForkSpawner } from '../../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../../src/core/studio';
import { nodeWorkerSpawner } from '../../../src/core/workers/run-worker';
import { importModel } from '../../../src/core/workspace/model-store';
import { removeTogether } from '../../../src/core/workspace/remove-entries';
import { descendantsOf } from '../../../src/shared/model-family';
import { Workspace } from '../../../src/core/workspace/workspace';
import { createApiClient } from '../../../src/shared/rpc';
import type { StudioApi } from '../../../src/shared/contract';

const REPO = path.resolve(__dirname, '../../..');
const RUN_FIXTURES = path.join(REPO, 'test/fixtures/runs');
const DEMO_ONNX = path.join(REPO, 'resources/models/demo-mnist.onnx');
const DEMO_TFLITE = path.join(REPO, 'resources/models/demo-mnist.tflite');
const DEMO_TFJS = path.join(REPO, 'resources/models/demo-mnist-tfjs');

let root: string;
let studio: Studio | undefined;
let api: StudioApi;
let workspace: Workspace;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'edgebench-remove-'));
  workspace = new Workspace(root);
  await workspace.ensure();
  studio = await openStudio({ workspaceDir: root, seedDemo: false, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
});
afterEach(async () => {
  await studio?.close();
  studio = undefined;
  await fs.rm(root, { recursive: true, force: true });
});

async function copyRun(fixture: string, asName?: string): Promise<string> {
  const text = await fs.readFile(path.join(RUN_FIXTURES, fixture), 'utf8');
  const id = (JSON.parse(text) as { id: string }).id;
  await fs.writeFile(path.join(workspace.runsDir(), asName ?? `${id}.json`), text);
  return id;
}

/** A float model, a variant linked to it and a variant linked to that one, plus an unrelated model. */
async function family(): Promise<{ float: string; int8: string; pruned: string }> {
  const read = async (file: string) => new Uint8Array(await fs.readFile(file));
  const float = await importModel(workspace, [{ name: 'demo-mnist.onnx', data: await read(DEMO_ONNX) }]);
  const int8 = await importModel(workspace, [{ name: 'demo-mnist.tflite', data: await read(DEMO_TFLITE) }], { origin: { kind: 'linked', parentId: float.id }, variant: 'int8' });
  const tfjs = await Promise.all((await fs.readdir(DEMO_TFJS)).map(async (name) => ({ name, data: await read(path.join(DEMO_TFJS, name)) })));
  const pruned = await importModel(workspace, tfjs, { origin: { kind: 'linked', parentId: int8.id }, variant: 'pruned' });
  return { float: float.id, int8: int8.id, pruned: pruned.id };
}

describe('runs.remove', () => {
  it('removes only the runs named, and they are gone from the list', async () => {
    const a = await copyRun('demo-mnist-tflite.json');
    const b = await copyRun('serial-mlperf-tiny.json');
    const c = await copyRun('demo-mnist-onnx-t1-700.json');
    expect(await api.runs.remove({ ids: [a, b] })).toEqual({ removed: [a, b] });
    expect((await api.runs.list({})).map((run) => run.id)).toEqual([c]);
    expect(await fs.readdir(workspace.runsDir())).toEqual([`${c}.json`]);
    // Nothing left in the workspace's scratch folder.
    expect(await fs.readdir(workspace.tempDir()).catch(() => [])).toEqual([]);
  });

  it('finds a run file copied in under another name by the id inside', async () => {
    const id = await copyRun('demo-mnist-tflite.json', 'copied-by-hand.json');
    expect(await api.runs.remove({ ids: [id] })).toEqual({ removed: [id] });
    expect(await fs.readdir(workspace.runsDir())).toEqual([]);
  });

  it('refuses an unknown id and removes none of the others', async () => {
    const a = await copyRun('demo-mnist-tflite.json');
    await expect(api.runs.remove({ ids: [a, 'no-such-run'] })).rejects.toMatchObject({ code: 'NOT_FOUND', message: "There is no run 'no-such-run' in this workspace; it may have been removed already." });
    expect((await api.runs.list({})).map((run) => run.id)).toEqual([a]);
  });

  it('refuses a damaged run file, leaves it byte for byte and removes none of the others', async () => {
    const a = await copyRun('demo-mnist-tflite.json');
    const damaged = path.join(workspace.runsDir(), 'broken.json');
    await fs.writeFile(damaged, '{"schema": "edgebench.run/1", "id": "broken"');
    const before = await fs.readFile(damaged);
    await expect(api.runs.remove({ ids: [a, 'broken'] })).rejects.toMatchObject({
      code: 'WORKSPACE',
      message: "The run file 'runs/broken.json' is damaged, so it was not removed; repair it or delete it by hand.",
    });
    expect(await fs.readFile(damaged)).toEqual(before);
    expect((await api.runs.list({})).map((run) => run.id)).toEqual([a]);
  });

  it('is all or nothing: when one file cannot be moved, the ones already moved come back', async () => {
    const a = await copyRun('demo-mnist-tflite.json');
    const b = await copyRun('demo-mnist-onnx-t1-700.json');
    // The second path vanished between the check and the move (another program removed it).
    await expect(removeTogether(workspace, [workspace.runPath(a), path.join(workspace.runsDir(), 'gone.json'), workspace.runPath(b)])).rejects.toMatchObject({
      code: 'WORKSPACE',
      message: expect.stringMatching(/^'runs\/gone\.json' cannot be removed \(.*ENOENT.*\); nothing was removed\./),
    });
    expect((await api.runs.list({})).map((run) => run.id).sort()).toEqual([a, b].sort());
    expect(await fs.readdir(workspace.tempDir())).toEqual([]);
  });

  it('says so in one sentence when the scratch folder cannot be made', async () => {
    const a = await copyRun('demo-mnist-tflite.json');
    await fs.rm(workspace.tempDir(), { recursive: true, force: true });
    await fs.writeFile(workspace.tempDir(), 'not a folder');
    await expect(api.runs.remove({ ids: [a] })).rejects.toMatchObject({ code: 'WORKSPACE', message: expect.stringMatching(/^'\.tmp' cannot be removed .*; nothing was removed\./) });
    expect((await api.runs.list({})).map((run) => run.id)).toEqual([a]);
  });
});

describe('models.remove', () => {
  it('refuses a model with variants in one sentence naming them, and removes nothing', async () => {
    const ids = await family();
    const before = (await api.models.list({})).map((m) => m.id).sort();
    await expect(api.models.remove({ id: ids.float })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^The model 'demo-mnist' has 2 variants \('.+ \(int8\)', '.+ \(pruned\)'\), so it was not removed; remove it together with its variants, or remove the variants first\.$/),
    });
    expect((await api.models.list({})).map((m) => m.id).sort()).toEqual(before);
  });

  it('with withVariants removes the model and every variant made from it (and from those), nothing else', async () => {
    const ids = await family();
    const all = await api.models.list({});
    expect(descendantsOf(all, ids.float).map((m) => m.id)).toEqual([ids.int8, ids.pruned]);
    const result = await api.models.remove({ id: ids.float, withVariants: true });
    expect(result.removed).toBe(true);
    expect(result.removedIds?.sort()).toEqual([ids.float, ids.int8, ids.pruned].sort());
    expect(await api.models.list({})).toEqual([]);
    expect(await fs.readdir(workspace.modelsDir())).toEqual([]);
  });

  it('removes a variant alone, keeping its float model', async () => {
    const ids = await family();
    expect(await api.models.remove({ id: ids.pruned })).toEqual({ removed: true, removedIds: [ids.pruned] });
    expect((await api.models.list({})).map((m) => m.id)).toContain(ids.int8);
  });

  it('leaves a damaged entry.json alone', async () => {
    const ids = await family();
    const entry = path.join(workspace.modelDir(ids.pruned), 'entry.json');
    await fs.writeFile(entry, '{ not json');
    await expect(api.models.remove({ id: ids.pruned })).rejects.toMatchObject({ code: 'WORKSPACE' });
    expect(await fs.readFile(entry, 'utf8')).toBe('{ not json');
  });

  it("keeps the model's runs, which still load and list", async () => {
    const onnx = new Uint8Array(await fs.readFile(DEMO_ONNX));
    const model = await importModel(workspace, [{ name: 'demo-mnist.onnx', data: onnx }]);
    const runId = await copyRun('demo-mnist-onnx-t1-700.json');
    await api.models.remove({ id: model.id });
    expect(await api.models.list({})).toEqual([]);
    expect((await api.runs.list({})).map((run) => run.id)).toEqual([runId]);
    expect((await api.runs.get({ id: runId })).model.name).toBe('demo-mnist');
  });
});

describe('datasets.remove', () => {
  it('removes only the dataset named; a damaged one is refused and left alone', async () => {
    const digits = path.join(REPO, 'resources/datasets/demo-digits');
    await fs.cp(digits, workspace.datasetDir('one'), { recursive: true });
    await fs.cp(digits, workspace.datasetDir('two'), { recursive: true });
    expect(await api.datasets.remove({ id: 'one' })).toEqual({ removed: true });
    expect((await api.datasets.list({})).map((d) => d.id)).toEqual(['two']);
    await expect(api.datasets.remove({ id: 'one' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const manifest = path.join(workspace.datasetDir('two'), 'dataset.json');
    await fs.writeFile(manifest, '{"format": "edgebench.dataset/1"');
    await expect(api.datasets.remove({ id: 'two' })).rejects.toMatchObject({ code: 'WORKSPACE' });
    expect(await fs.readFile(manifest, 'utf8')).toBe('{"format": "edgebench.dataset/1"');
    expect((await fs.readdir(workspace.datasetDir('two'))).length).toBeGreaterThan(1);
  });
});

/**
 * Pruned variants through the contract (models.prune), as the studio makes them, in a workspace
 * seeded with the demo: the demo's
 * ONNX and TFLite files pruned in a worker process, the variants stored under their parents with
 * the recipe, per-layer report and speed-up answers, and evaluated against their parent like any
 * other variant. Bad input (a TF.js model, an amount out of range) is refused in one sentence and
 * adds nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelEntry, StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { repoRoot } from '../helpers/run-cli';

let dir: string;
let studio: Studio;
let api: StudioApi;
const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-prune-contract-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
});

afterAll(async () => {
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('models.prune', () => {
  it('makes channel- and magnitude-pruned variants of the demo ONNX and TFLite files, with their report, under their parents', async () => {
    const progress: string[] = [];
    const off = api.on('task.progress', (event) => event.task === 'prune' && progress.push(event.message));
    const onnx = await api.models.importFiles({ files: [upload(path.join(repoRoot, 'resources/models/demo-mnist.onnx'))] });
    const tflite = await api.models.importFiles({ files: [upload(path.join(repoRoot, 'resources/models/demo-mnist.tflite'))] });
    const channels = await api.models.prune({ modelId: onnx.id, recipe: { method: 'channels', amount: 0.25 } });
    const sparse = await api.models.prune({ modelId: tflite.id, recipe: { method: 'magnitude', amount: 0.5 } });
    off();
    expect(progress).toContain('pruning');

    expect(channels.variant).toBe('pruned 25 % of channels');
    expect(channels.name).toBe(`${onnx.name} · pruned 25 % of channels`);
    expect(channels.info.parameters).toBeLessThan(onnx.info.parameters * 0.8);
    if (channels.origin?.kind !== 'pruned') throw new Error('expected a pruned origin');
    expect(channels.origin.parentId).toBe(onnx.id);
    expect(channels.origin.layers.filter((l) => l.channelsAfter !== undefined).map((l) => [l.layer, l.channelsBefore, l.channelsAfter])).toEqual([['conv1', 8, 6], ['conv2', 16, 12]]);
    expect(channels.origin.speedup).toEqual([expect.objectContaining({ engine: 'onnxruntime (CPU)', answer: 'yes' })]);

    if (sparse.origin?.kind !== 'pruned') throw new Error('expected a pruned origin');
    expect(sparse.info.sizeBytes).toBeGreaterThan(tflite.info.sizeBytes * 0.9); // zeros, not removed weights
    expect(sparse.origin.overall).toBeCloseTo(0.5, 2);
    expect(sparse.origin.speedup.map((s) => s.answer)).toEqual(['no', 'no']);

    const listed: ModelEntry[] = await api.models.list({});
    expect(listed.filter((m) => m.origin?.kind === 'pruned').map((m) => m.origin?.parentId).sort()).toEqual([onnx.id, tflite.id].sort());
  }, 120_000);

  it('a pruned variant is evaluated against its parent like any other', async () => {
    const models = await api.models.list({});
    const parent = models.find((m) => m.origin === null && m.info.format === 'onnx')!;
    const pruned = models.find((m) => m.origin?.kind === 'pruned' && m.origin.parentId === parent.id)!;
    const [dataset] = await api.datasets.list({}); // the seeded demo digits
    const outcome = await api.evals.evaluate({ datasetId: dataset!.id, modelIds: [parent.id, pruned.id], limit: 300 });
    const record = outcome.records.find((r) => r.modelId === pruned.id)!;
    expect(record.referenceId).toBe(parent.id);
    expect(record.result.top1).toBeGreaterThan(0.85);
    expect(record.result.agreement).toBeGreaterThan(0.9);
  }, 120_000);

  it('refuses a TF.js model and an amount out of range, adding nothing', async () => {
    const before = (await api.models.list({})).length;
    const tfjsDir = path.join(repoRoot, 'resources/models/demo-mnist-tfjs');
    const tfjs = await api.models.importFiles({ files: ['model.json', 'group1-shard1of1.bin'].map((f) => upload(path.join(tfjsDir, f))) });
    await expect(api.models.prune({ modelId: tfjs.id, recipe: { method: 'magnitude', amount: 0.5 } })).rejects.toThrow(/TF\.js model; the studio prunes ONNX and TFLite models/);
    const onnx = (await api.models.list({})).find((m) => m.origin === null && m.info.format === 'onnx')!;
    await expect(api.models.prune({ modelId: onnx.id, recipe: { method: 'channels', amount: 1.5 } })).rejects.toThrow(/Invalid request for models\.prune/);
    expect((await api.models.list({})).length).toBe(before + 1); // only the TF.js import itself
  }, 60_000);
});

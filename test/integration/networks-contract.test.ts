/**
 * One network in three formats through the contract, with real runners: the demo's ONNX, TFLite
 * and TF.js files suggested by structure, linked, checked on seeded inputs (each in its own
 * runtime), evaluated on the demo digits, and benchmarked as one job whose cells run each format
 * with its own runtime.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, ModelEntry, StudioApi } from '../../src/shared/contract';
import { createApiClient } from '../../src/shared/rpc';
import { directTransport } from '../../src/core/direct-transport';
import { nodeForkSpawner } from '../../src/core/runner/runner-client';
import { openStudio, type Studio } from '../../src/core/studio';
import { nodeWorkerSpawner } from '../../src/core/workers/run-worker';
import { decodeTfliteModel, encodeTfliteModelFile } from '../../src/core/formats/tflite/tflite-model';
import { repoRoot } from '../helpers/run-cli';

const MODELS = path.join(repoRoot, 'resources/models');
const upload = (rel: string) => ({ name: path.basename(rel), dataBase64: readFileSync(path.join(MODELS, rel)).toString('base64') });

let dir: string;
let studio: Studio;
let api: StudioApi;
let onnx: ModelEntry;
let tflite: ModelEntry;
let tfjs: ModelEntry;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-networks-contract-'));
  studio = await openStudio({ workspaceDir: dir, seedDemo: true, runnerSpawner: nodeForkSpawner(), workerSpawner: nodeWorkerSpawner() });
  api = createApiClient(directTransport(studio));
  onnx = (await api.models.list({}))[0] as ModelEntry;
  tflite = await api.models.importFiles({ files: [upload('demo-mnist.tflite')] });
  tfjs = await api.models.importFiles({ files: [upload('demo-mnist-tfjs/model.json'), upload('demo-mnist-tfjs/group1-shard1of1.bin')] });
});

afterAll(async () => {
  await studio?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('networks through the contract', () => {
  it('suggests the three demo files as one network; a seeded check confirms it before anything is linked', async () => {
    const [suggestion, ...rest] = await api.networks.suggest({});
    expect(rest).toEqual([]);
    expect(suggestion?.modelIds).toEqual([onnx.id, tflite.id, tfjs.id]);
    expect(suggestion?.reasons.join(' ')).toContain('NCHW against NHWC');
    // Nothing is applied by a suggestion.
    expect(await api.networks.list({})).toEqual([]);

    const check = await api.networks.check({ modelIds: suggestion?.modelIds ?? [] });
    expect(check).toMatchObject({ networkId: null, inputs: 'seeded', samples: 16, agree: true, skipped: [] });
    expect(check.formats.map((f) => [f.format, f.runtime, f.reference])).toEqual([
      ['onnx', 'onnxruntime', true],
      ['tflite', 'litert', false],
      ['tfjs', 'tfjs', false],
    ]);
    for (const format of check.formats.filter((f) => !f.reference)) {
      expect(format.cosine).toBeGreaterThan(0.9999);
      expect(format.top1Agreement).toBe(1);
      expect(format.maxAbsError).toBeLessThan(1e-3);
      expect(format.disagrees).toBe(false);
    }
  });

  it('links, lists and evaluates the network on the demo digits: every format agrees with the ONNX one', async () => {
    const changes: Array<EventPayload<'workspace.changed'>> = [];
    const off = api.on('workspace.changed', (p) => changes.push(p));
    const network = await api.networks.link({ modelIds: [onnx.id, tflite.id, tfjs.id] });
    off();
    expect(changes).toContainEqual({ what: 'models' });
    expect((await api.networks.list({})).map((n) => n.id)).toEqual([network.id]);
    expect(await api.networks.suggest({})).toEqual([]);

    const datasetId = (await api.datasets.list({}))[0]?.id as string;
    const evaluated = await api.networks.evaluate({ networkId: network.id, datasetId, limit: 200 });
    expect(evaluated).toMatchObject({ inputs: 'dataset', samples: 200, agree: true, skipped: [] });
    for (const format of evaluated.formats) expect(format.top1).toBeGreaterThan(0.9);
    const others = evaluated.formats.filter((f) => !f.reference);
    expect(others.map((f) => f.format)).toEqual(['tflite', 'tfjs']);
    for (const format of others) {
      expect(format.top1Agreement).toBeGreaterThanOrEqual(0.99);
      expect(format.cosine).toBeGreaterThan(0.999);
    }
    // Stored like any evaluation: the Accuracy page and the grid read them.
    expect((await api.evals.list({})).map((r) => r.modelId).sort()).toEqual([onnx.id, tflite.id, tfjs.id].sort());
  });

  it('flags a format whose outputs differ: a TFLite of another network with the same structure', async () => {
    // demo-mnist's TFLite with its dense layer's weights reversed: the same structure, a different network.
    const model = decodeTfliteModel(readFileSync(path.join(MODELS, 'demo-mnist.tflite')), 'demo-mnist.tflite');
    const weights = model.buffers.find((b) => b.data !== undefined && b.data.byteLength === 784 * 10 * 4);
    if (!weights?.data) throw new Error('the demo TFLite has no 784×10 float weight buffer');
    const floats = new Float32Array(weights.data.slice().buffer).reverse();
    weights.data = new Uint8Array(floats.buffer);
    const broken = Buffer.from(encodeTfliteModelFile(model));
    const other = await api.models.importFiles({ files: [{ name: 'other-mnist.tflite', dataBase64: broken.toString('base64') }] });
    const check = await api.networks.check({ modelIds: [onnx.id, other.id] });
    expect(check.agree).toBe(false);
    const flagged = check.formats.find((f) => f.modelId === other.id);
    expect(flagged?.disagrees).toBe(true);
    expect(flagged?.notes.join(' ')).toMatch(/outputs differ from the reference format's: cosine/);
  });

  it('a job over the network runs each format with its own runtime', async () => {
    const [network] = await api.networks.list({});
    const { cells } = await api.bench.start({ modelIds: network?.members.map((m) => m.modelId) ?? [], targetIds: ['local'], settings: { runs: 20, warmupRuns: 2 } });
    expect(cells.map((c) => [c.modelId, c.runtime])).toEqual([
      [onnx.id, 'onnxruntime'],
      [tflite.id, 'litert'],
      [tfjs.id, 'tfjs'],
    ]);
  });

  it('refuses bad requests in one sentence', async () => {
    await expect(api.networks.unlink({})).rejects.toThrow(/either the model to take out of its network \(modelId\) or the network to dissolve/);
    await expect(api.networks.check({})).rejects.toThrow(/either a network \(networkId\) or the models to compare/);
    await expect(api.networks.link({ modelIds: [onnx.id, 'nope'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

/** networks.json: linking the formats of one network, unlinking, refusals, damaged and old workspaces. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../../src/shared/contract';
import { importModel } from '../../../src/core/workspace/model-store';
import { linkNetwork, listNetworks, networksPath, unlinkNetwork } from '../../../src/core/workspace/networks-store';
import { Workspace } from '../../../src/core/workspace/workspace';
import { repoRoot } from '../../helpers/run-cli';

const MODELS = path.join(repoRoot, 'resources/models');
const file = (rel: string) => ({ name: path.basename(rel), data: readFileSync(path.join(MODELS, rel)) });

let dir: string;
let workspace: Workspace;
let onnx: ModelEntry;
let tflite: ModelEntry;
let tfjs: ModelEntry;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'edgebench-networks-'));
  workspace = new Workspace(dir);
  await workspace.ensure();
  onnx = await importModel(workspace, [file('demo-mnist.onnx')]);
  tflite = await importModel(workspace, [file('demo-mnist.tflite')]);
  tfjs = await importModel(workspace, [file('demo-mnist-tfjs/model.json'), file('demo-mnist-tfjs/group1-shard1of1.bin')]);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('networks store', () => {
  it('an old workspace without networks.json loads with no networks and no problem', async () => {
    expect(await listNetworks(workspace)).toEqual([]);
    expect((await workspace.scan()).problems).toEqual([]);
  });

  it('links the three demo formats into one network, stored as networks.json, each member with its runtime', async () => {
    const network = await linkNetwork(workspace, { modelIds: [onnx.id, tflite.id] });
    expect(network.name).toBe('demo-mnist');
    const grown = await linkNetwork(workspace, { modelIds: [tfjs.id, onnx.id] });
    expect(grown.id).toBe(network.id);
    expect(grown.members.map((m) => [m.format, m.runtime])).toEqual([
      ['onnx', 'onnxruntime'],
      ['tflite', 'litert'],
      ['tfjs', 'tfjs'],
    ]);
    const stored = JSON.parse(readFileSync(networksPath(workspace), 'utf8'));
    expect(stored).toMatchObject({ schema: 'edgebench.networks/1', networks: [{ id: network.id, modelIds: [onnx.id, tflite.id, tfjs.id] }] });
    // A fresh Workspace object reads the same network back.
    expect((await listNetworks(new Workspace(dir))).map((n) => n.members.length)).toEqual([3]);
  });

  it('unlinks one format, and dissolves a network left with one', async () => {
    const network = await linkNetwork(workspace, { modelIds: [onnx.id, tflite.id, tfjs.id] });
    const left = await unlinkNetwork(workspace, { modelId: tfjs.id });
    expect(left?.members.map((m) => m.modelId)).toEqual([onnx.id, tflite.id]);
    expect(await unlinkNetwork(workspace, { modelId: tflite.id })).toBeNull();
    expect(await listNetworks(workspace)).toEqual([]);
    await expect(unlinkNetwork(workspace, { networkId: network.id })).rejects.toThrow(/no network/);
    // The models themselves are untouched.
    expect((await workspace.listModels()).length).toBe(3);
  });

  it('refuses two files of one format, a variant, and models of two networks, in one sentence each', async () => {
    const variant = await importModel(workspace, [{ name: 'copy.onnx', data: Buffer.concat([readFileSync(path.join(MODELS, 'demo-mnist.onnx'))]) }], { origin: { kind: 'linked', parentId: tflite.id }, variant: 'int8' });
    // Same bytes as the ONNX: the same entry (content hash); make a distinct variant entry by hand instead.
    expect(variant.id).toBe(onnx.id);
    await workspace.writeModelEntry({ ...tflite, id: 'f0f0f0f0f0f0f0f0', name: 'demo-int8', origin: { kind: 'linked', parentId: tflite.id }, variant: 'int8' });
    await expect(linkNetwork(workspace, { modelIds: [onnx.id, 'f0f0f0f0f0f0f0f0'] })).rejects.toThrow("'demo-int8' is a variant (int8) of another model, not a format of its own; link the model it was made from instead.");
    await workspace.writeModelEntry({ ...tflite, id: 'e0e0e0e0e0e0e0e0', name: 'other-tflite' });
    await expect(linkNetwork(workspace, { modelIds: [tflite.id, 'e0e0e0e0e0e0e0e0'] })).rejects.toThrow(/both TFLite files: a network has one file per format/);
    await linkNetwork(workspace, { modelIds: [onnx.id, tflite.id] });
    await linkNetwork(workspace, { modelIds: [tfjs.id, 'e0e0e0e0e0e0e0e0'], name: 'second' });
    await expect(linkNetwork(workspace, { modelIds: [onnx.id, tfjs.id] })).rejects.toThrow("These models belong to two networks ('demo-mnist' and 'second'); unlink one of them first, then link again.");
  });

  it('concurrent links are applied one after another, none lost', async () => {
    await workspace.writeModelEntry({ ...tflite, id: 'e0e0e0e0e0e0e0e0', name: 'b-tflite' });
    await Promise.all([linkNetwork(workspace, { modelIds: [onnx.id, tflite.id] }), linkNetwork(workspace, { modelIds: [tfjs.id, 'e0e0e0e0e0e0e0e0'] })]);
    expect((await listNetworks(workspace)).length).toBe(2);
  });

  it('a damaged networks.json is reported, left byte for byte, and linking refuses', async () => {
    writeFileSync(networksPath(workspace), '{ not json');
    expect((await workspace.scan()).problems).toEqual([expect.objectContaining({ path: 'networks.json', message: expect.stringMatching(/not valid JSON.*left untouched/) })]);
    await expect(linkNetwork(workspace, { modelIds: [onnx.id, tflite.id] })).rejects.toThrow(/networks.json: It is not valid JSON/);
    expect(readFileSync(networksPath(workspace), 'utf8')).toBe('{ not json');
    expect(await listNetworks(workspace)).toEqual([]);
  });

  it('a removed member is listed as missing, not as a member', async () => {
    await linkNetwork(workspace, { modelIds: [onnx.id, tflite.id, tfjs.id] });
    rmSync(workspace.modelDir(tfjs.id), { recursive: true });
    const [network] = await listNetworks(workspace);
    expect(network?.members.map((m) => m.modelId)).toEqual([onnx.id, tflite.id]);
    expect(network?.missing).toEqual([tfjs.id]);
  });
});

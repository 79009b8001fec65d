/**
 * An imported TF.js model is named after its file (handtrack.json → handtrack) or, for the
 * converter's generic model.json, its folder; never "tfjs-model".
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tfjsModelName } from '../../../src/core/formats/tfjs/tfjs-name';
import { importModel } from '../../../src/core/workspace/model-store';
import { Workspace } from '../../../src/core/workspace/workspace';

const HUMAN = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@vladmandic', 'human', 'models');
const DEMO = join(import.meta.dirname, '..', '..', '..', 'resources', 'models', 'demo-mnist-tfjs');

describe('tfjsModelName', () => {
  test.each([
    ['handtrack.json', ['handtrack.bin'], 'handtrack'],
    ['hands/model.json', ['group1-shard1of1.bin'], 'hands'],
    ['C:\\models\\pose\\model.json', [], 'pose'],
    ['model.json', ['blazeface-group1-shard1of2.bin', 'blazeface-group1-shard2of2.bin'], 'blazeface'],
    ['model.json', ['group1-shard1of1.bin'], 'model'],
    ['Model.JSON', [], 'Model'],
  ])('%s with %j is %s', (file, shards, name) => {
    expect(tfjsModelName(file, shards)).toBe(name);
  });
});

describe('importing TF.js models into a workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'edgebench-tfjs-name-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("handtrack.json with handtrack.bin is named 'handtrack'", async () => {
    const entry = await importModel(new Workspace(root), ['handtrack.json', 'handtrack.bin'].map((name) => ({ name, data: readFileSync(join(HUMAN, name)) })));
    expect(entry.name).toBe('handtrack');
    expect(entry.files).toEqual(['handtrack.json', 'handtrack.bin']);
  });

  test('a model.json given with its folder is named after the folder', async () => {
    const entry = await importModel(new Workspace(root), [
      { name: 'demo-mnist-tfjs/model.json', data: readFileSync(join(DEMO, 'model.json')) },
      { name: 'demo-mnist-tfjs/group1-shard1of1.bin', data: readFileSync(join(DEMO, 'group1-shard1of1.bin')) },
    ]);
    expect(entry.name).toBe('demo-mnist-tfjs');
    expect(entry.files).toEqual(['model.json', 'group1-shard1of1.bin']);
  });
});

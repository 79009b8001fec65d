/**
 * An imported model is named after its file (handtrack.json → handtrack) or, for a converter's
 * generic model.json or model.onnx, its folder, else the name a layers model gives itself, else
 * its shards' prefix; never "tfjs-model". One rule (shared/model-naming.ts) for the studio's
 * import and the command line's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { importedModelName } from '../../../src/shared/model-naming';
import { tfjsOwnName } from '../../../src/core/formats/tfjs/tfjs-name';
import { importModel } from '../../../src/core/workspace/model-store';
import { Workspace } from '../../../src/core/workspace/workspace';

const HUMAN = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@vladmandic', 'human', 'models');
const DEMO = join(import.meta.dirname, '..', '..', '..', 'resources', 'models', 'demo-mnist-tfjs');

describe('importedModelName', () => {
  test.each([
    ['handtrack.json', ['handtrack.bin'], null, 'handtrack'],
    ['hands/model.json', ['group1-shard1of1.bin'], null, 'hands'],
    ['C:\\models\\pose\\model.json', [], null, 'pose'],
    ['model.json', ['blazeface-group1-shard1of2.bin', 'blazeface-group1-shard2of2.bin'], null, 'blazeface'],
    ['model.json', ['group1-shard1of1.bin'], null, 'model'],
    ['Model.JSON', [], null, 'Model'],
    // Picked as files (no folder): the layers model's own Keras name, unless that is a default too.
    ['model.json', ['group1-shard1of1.bin'], 'demo_mnist', 'demo_mnist'],
    ['model.json', ['group1-shard1of1.bin'], 'sequential_1', 'model'],
    ['demo-mnist-tfjs/model.json', ['group1-shard1of1.bin'], 'demo_mnist', 'demo-mnist-tfjs'],
    // The same rule for any format's generic file name.
    ['yolo-nano/model.onnx', [], null, 'yolo-nano'],
    ['mobilenet_v2.tflite', [], null, 'mobilenet_v2'],
  ])('%s with %j (own name %s) is %s', (file, shards, ownName, name) => {
    expect(importedModelName({ mainFile: file, shardNames: shards, ownName })).toBe(name);
  });
});

describe('tfjsOwnName', () => {
  test("a layers model's Keras name; none for a graph model or JSON that is not a model", () => {
    expect(tfjsOwnName(readFileSync(join(DEMO, 'model.json')))).toBe('demo_mnist');
    const converted = { format: 'layers-model', modelTopology: { model_config: { class_name: 'Functional', config: { name: 'digits_net', layers: [] } } } };
    expect(tfjsOwnName(new TextEncoder().encode(JSON.stringify(converted)))).toBe('digits_net');
    expect(tfjsOwnName(readFileSync(join(HUMAN, 'handtrack.json')))).toBeNull();
    expect(tfjsOwnName(new TextEncoder().encode('not json'))).toBeNull();
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

  test("a model.json picked as files, without its folder, is named by the layers model's own name, not 'model'", async () => {
    // Other bytes than the test above (a model's id is its content hash): one weight's lowest bit flipped.
    const shard = readFileSync(join(DEMO, 'group1-shard1of1.bin'));
    shard[0] = (shard[0] ?? 0) ^ 1;
    const entry = await importModel(new Workspace(root), [
      { name: 'model.json', data: readFileSync(join(DEMO, 'model.json')) },
      { name: 'group1-shard1of1.bin', data: shard },
    ]);
    expect(entry.name).toBe('demo_mnist');
  });
});

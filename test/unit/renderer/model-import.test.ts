/**
 * The page's side of the desktop app's import by path (model-import.ts), with the preload's bridge
 * present and absent. The bridge here stands in for src/preload/index.ts: it knows each File's path
 * on disk as webUtils.getPathForFile would ('' for a File made in JavaScript) and answers as main
 * does (test/unit/main/model-path-import.test.ts tests that side for real). No Electron binary
 * exists here, so the preload itself is checked by the type checker and the build only.
 */
import { describe, expect, it } from 'vitest';
import type { DesktopFiles } from '../../../src/shared/bridge';
import type { ModelEntry } from '../../../src/shared/contract';
import type { CallResult } from '../../../src/shared/rpc';
import { pickedFile, type PickedFile } from '../../../src/renderer/src/model-files';
import { importModelGroup } from '../../../src/renderer/src/model-import';

const entry = (name: string): ModelEntry => ({
  id: 'abc',
  name,
  importedAt: '2026-12-07T19:00:00.000Z',
  variant: 'float',
  files: ['model.json', 'group1-shard1of1.bin'],
  info: { format: 'tfjs', fileName: 'model.json', producer: null, formatVersion: null, inputs: [], outputs: [], ops: {}, parameters: 0, sizeBytes: 0, sha256: 'abc', macs: 0, macsByOp: {}, notes: [] },
  origin: null,
  savedInputs: null,
  savedInputsProblem: null,
});

/** A bridge that knows the disk paths of some Files, recording what it was asked to import. */
function desktopBridge(paths: Map<Blob, string>, answer: (paths: string[]) => CallResult): DesktopFiles & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    importModel(files) {
      const given = files.map((file) => paths.get(file) ?? '');
      if (given.includes('')) return Promise.resolve(null);
      asked.push(given);
      return Promise.resolve(answer(given));
    },
  };
}

const modelJson = new File(['{}'], 'model.json');
const picked: PickedFile[] = [pickedFile(modelJson)];

describe('importing a picked model in the desktop app and in browser mode', () => {
  it('without the bridge (browser mode) the files are uploaded as picked', async () => {
    const uploaded: string[][] = [];
    const model = await importModelGroup(picked, undefined, (files) => {
      uploaded.push(files.map((f) => f.path));
      return Promise.resolve(entry('sequential'));
    });
    expect(uploaded).toEqual([['model.json']]);
    expect(model.name).toBe('sequential');
  });

  it('with the bridge a model.json picked alone is imported by its path, named after its folder, and nothing is uploaded', async () => {
    const bridge = desktopBridge(new Map([[modelJson, '/home/ana/models/hands/model.json']]), () => ({ ok: true, response: entry('hands') }));
    const model = await importModelGroup(picked, bridge, () => Promise.reject(new Error('uploaded')));
    expect(bridge.asked).toEqual([['/home/ana/models/hands/model.json']]);
    expect(model.name).toBe('hands');
  });

  it('with the bridge, a File that is not on disk is uploaded as in browser mode', async () => {
    const bridge = desktopBridge(new Map(), () => ({ ok: true, response: entry('never') }));
    const model = await importModelGroup(picked, bridge, () => Promise.resolve(entry('uploaded')));
    expect(bridge.asked).toEqual([]);
    expect(model.name).toBe('uploaded');
  });

  it("main's refusal reaches the page as the studio's error, with its code and sentence", async () => {
    const message = "'notes.txt' is not a model file; pick a .onnx, a .tflite, or a TF.js model.json with its .bin shards.";
    const bridge = desktopBridge(new Map([[modelJson, '/tmp/notes.txt']]), () => ({ ok: false, error: { code: 'BAD_INPUT', message, context: {} } }));
    await expect(importModelGroup(picked, bridge, () => Promise.reject(new Error('uploaded')))).rejects.toMatchObject({ code: 'BAD_INPUT', message });
  });
});

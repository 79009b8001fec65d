/**
 * A TF.js model in the converter's default layout (a folder holding a generic model.json and its
 * shard) imported from the page is named after its folder: picked with "Import folder…" (the
 * browser gives each file its webkitRelativePath) and dropped on the window as a folder (read
 * through the drop's FileSystemEntry). Files that are not model files in the folder stay out.
 * Files picked one by one carry no folder in a browser: the page says so, and how to get it.
 * No sleeps: every wait is for a selector.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropOnStudio } from './helpers/browser';
import { REPO_ROOT } from './helpers/studio-server';
import { useStudioSession } from './helpers/studio-session';

const DEMO_TFJS = path.join(REPO_ROOT, 'resources/models/demo-mnist-tfjs');

const studio = useStudioSession();
let scratch: string;

/** A copy of the demo TF.js model in a folder called `name`, with a README beside it. */
async function modelFolder(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await mkdir(dir, { recursive: true });
  for (const file of ['model.json', 'group1-shard1of1.bin']) await copyFile(path.join(DEMO_TFJS, file), path.join(dir, file));
  await writeFile(path.join(dir, 'README.md'), 'Not a model file.\n');
  return dir;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'edgebench-e2e-folder-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('importing a TF.js model folder from the page', () => {
  it('"Import folder…" names a generic model.json after its folder', async () => {
    const dir = await modelFolder('digits-net');
    await studio.page.getByTestId('nav-models').click();
    await studio.page.getByTestId('import-folder-input').setInputFiles(dir);
    const row = studio.page.getByTestId('model-row').filter({ hasText: 'digits-net' });
    await row.waitFor();
    expect(await row.textContent()).toContain('tfjs');
    // Only the model's files were uploaded: its inspection counts model.json and the shard, not the README.
    await row.click();
    await expect.poll(() => studio.page.getByTestId('model-inspect').textContent()).toContain('digits-net');
    expect(studio.errors).toEqual([]);
  });

  it('a folder dropped on the window is named after the folder too', async () => {
    // Different bytes from the first import (a model's id is its content hash): one weight's lowest bit flipped.
    const dir = await modelFolder('dropped-net');
    const shard = path.join(dir, 'group1-shard1of1.bin');
    const bytes = await readFile(shard);
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await writeFile(shard, bytes);

    // A real drag of a folder from the desktop cannot be scripted. The drop below is the event Chromium
    // fires for one, its item standing in for the folder's FileSystemDirectoryEntry; the files are read
    // by the browser from disk (through a folder input the test adds), with their bytes and names.
    await studio.page.evaluate(`(() => {
      const input = document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.setAttribute('webkitdirectory', '');
      input.id = 'e2e-folder-source';
      input.hidden = true;
      document.body.appendChild(input);
    })()`);
    await studio.page.locator('#e2e-folder-source').setInputFiles(dir);
    await studio.page.getByTestId('nav-targets').click();
    const dataTransfer = await studio.page.evaluateHandle(`(() => {
      const files = Array.from(document.getElementById('e2e-folder-source').files);
      const fileEntry = (file) => ({ isFile: true, isDirectory: false, name: file.name, fullPath: '/dropped-net/' + file.name, file: (ok) => ok(file) });
      const folder = {
        isFile: false, isDirectory: true, name: 'dropped-net', fullPath: '/dropped-net',
        createReader: () => { let given = false; return { readEntries: (ok) => { ok(given ? [] : files.map(fileEntry)); given = true; } }; },
      };
      const transfer = new DataTransfer();
      // Chromium lists a dropped folder as one file item whose entry is the directory.
      transfer.items.add(new File([], 'dropped-net'));
      const original = DataTransferItem.prototype.webkitGetAsEntry;
      DataTransferItem.prototype.webkitGetAsEntry = function () { DataTransferItem.prototype.webkitGetAsEntry = original; return folder; };
      return transfer;
    })()`);
    await dropOnStudio(studio.page, dataTransfer);

    // The studio switches to Models and selects the new model.
    await studio.page.getByTestId('model-row').filter({ hasText: 'dropped-net' }).waitFor();
    await expect.poll(() => studio.page.getByTestId('model-inspect').textContent()).toContain('dropped-net');
    expect(studio.errors).toEqual([]);
  });

  it('files picked one by one say why the model is not named after its folder, and how to get that', async () => {
    // Other bytes again: one weight's lowest bit flipped in another place.
    const dir = await modelFolder('picked-net');
    const shard = path.join(dir, 'group1-shard1of1.bin');
    const bytes = await readFile(shard);
    bytes[4] = (bytes[4] ?? 0) ^ 1;
    await writeFile(shard, bytes);
    await studio.page.getByTestId('nav-models').click();
    await studio.page.getByTestId('import-input').setInputFiles([path.join(dir, 'model.json'), shard]);
    // The browser gave no folder: the model goes by the Keras name in its model.json, and the page says so.
    await studio.page.getByTestId('model-row').filter({ hasText: 'demo_mnist' }).waitFor();
    const hint = studio.page.getByTestId('import-folder-hint');
    expect(await hint.textContent()).toContain('use Import folder… or drop the folder');
    // A folder pick names by the folder, and the hint goes.
    await studio.page.getByTestId('import-folder-input').setInputFiles(await modelFolder('digits-net'));
    await hint.waitFor({ state: 'detached' });
    expect(studio.errors).toEqual([]);
  });
});

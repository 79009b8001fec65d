/**
 * How the page turns picked and dropped files into model uploads: a file keeps its folder in the
 * path (the upload names it so, and the import names a generic model.json after the folder), a
 * dropped folder is read through its entries batch by batch, and a folder's non-model files stay out.
 */
import { describe, expect, it } from 'vitest';
import { droppedFiles, groupModelFiles, pickedFile, type DroppedEntry, type PickedFile } from '../../../src/renderer/src/model-files';

const file = (name: string, text = name): File => new File([text], name);

/** A FileSystemDirectoryEntry stand-in whose reader hands its children over `batch` at a time. */
function folder(fullPath: string, children: DroppedEntry[], batch = 2): DroppedEntry {
  return {
    isDirectory: true,
    isFile: false,
    name: fullPath.split('/').pop() ?? '',
    fullPath,
    createReader: () => {
      let next = 0;
      return {
        readEntries: (ok) => {
          ok(children.slice(next, next + batch));
          next += batch;
        },
      };
    },
  };
}

function fileEntry(fullPath: string): DroppedEntry {
  const name = fullPath.split('/').pop() ?? '';
  return { isDirectory: false, isFile: true, name, fullPath, file: (ok) => ok(file(name)) };
}

const paths = (files: PickedFile[]): string[] => files.map((f) => f.path);

describe('model files from the page', () => {
  it("a picked file is uploaded under its folder and name when the picker gave it one (webkitRelativePath)", () => {
    const inFolder = file('model.json');
    Object.defineProperty(inFolder, 'webkitRelativePath', { value: 'models/hands/model.json' });
    // Only the last folder travels: the rest of the user's path is theirs.
    expect(pickedFile(inFolder).path).toBe('hands/model.json');
    expect(pickedFile(file('handtrack.json')).path).toBe('handtrack.json');
  });

  it("a dropped folder's files, read in batches through nested folders, carry their own folder", async () => {
    const drop = folder('/hands', [fileEntry('/hands/model.json'), fileEntry('/hands/group1-shard1of2.bin'), fileEntry('/hands/group1-shard2of2.bin'), folder('/hands/extra', [fileEntry('/hands/extra/notes.txt')])]);
    const files = await droppedFiles([{ entry: drop, file: null }, { entry: null, file: file('other.onnx') }]);
    expect(paths(files)).toEqual(['hands/model.json', 'hands/group1-shard1of2.bin', 'hands/group1-shard2of2.bin', 'extra/notes.txt', 'other.onnx']);
  });

  it("a folder's files that are not model files stay out of its upload (the e2e checks the names uploaded)", () => {
    const files = [file('model.json', '{}'), file('group1-shard1of1.bin', 'x'), file('README.md'), file('.DS_Store')].map((f) => {
      Object.defineProperty(f, 'webkitRelativePath', { value: `net/${f.name}` });
      return pickedFile(f);
    });
    const groups = groupModelFiles(files);
    expect(groups.map(paths)).toEqual([['net/model.json', 'net/group1-shard1of1.bin']]);
  });

  it('files picked one by one are each a model of their own unless one is a model.json', () => {
    expect(groupModelFiles([pickedFile(file('a.onnx')), pickedFile(file('b.tflite'))]).map(paths)).toEqual([['a.onnx'], ['b.tflite']]);
  });
});

/**
 * Which picked or dropped files make a model, and the folder each came in: no DOM beyond File, so
 * the rules are tested under Node (test/unit/renderer/model-files.test.ts); files.ts reads and
 * uploads them.
 */

export const ACCEPTED_EXTENSIONS = ['.onnx', '.tflite', '.json', '.bin'];

/** A picked or dropped file and where it sat: "hands/model.json" when it came in a folder, its name otherwise. */
export interface PickedFile {
  file: File;
  /**
   * The file's own folder and its name, or the name alone. The import names a generic TF.js
   * model.json after that folder; only the last folder is sent (the rest of the user's path is theirs).
   */
  path: string;
}

/** A file from the picker: a folder pick (webkitdirectory) gives it a webkitRelativePath. */
export function pickedFile(file: File): PickedFile {
  // Typed apart from the DOM's File so that this module is checked (and tested) under Node too.
  const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath ?? '';
  return { file, path: lastFolderAndName(relative || file.name) };
}

function lastFolderAndName(path: string): string {
  return path.split('/').filter((part) => part !== '').slice(-2).join('/');
}

/** The parts of a dropped item's FileSystemEntry (webkitGetAsEntry) a drop is read with. */
export interface DroppedEntry {
  isDirectory: boolean;
  isFile: boolean;
  name: string;
  /** "/hands/model.json": the path inside the drop. */
  fullPath: string;
  file?: (success: (file: File) => void, failure?: (error: unknown) => void) => void;
  createReader?: () => { readEntries: (success: (entries: DroppedEntry[]) => void, failure?: (error: unknown) => void) => void };
}

/**
 * The files of a drop: a dropped file as it is, a dropped folder's files with the folder in their
 * path. `items` must be taken from the DataTransfer during the drop event (it empties after).
 */
export async function droppedFiles(items: ReadonlyArray<{ entry: DroppedEntry | null; file: File | null }>): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const { entry, file } of items) {
    if (entry?.isDirectory) out.push(...(await folderFiles(entry)));
    else if (file) out.push(pickedFile(file));
  }
  return out;
}

async function folderFiles(folder: DroppedEntry): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const reader = folder.createReader?.();
  if (!reader) return out;
  // readEntries hands a folder over in batches (Chromium: 100 at a time) until one comes back empty.
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    for (const entry of batch) {
      if (entry.isDirectory) out.push(...(await folderFiles(entry)));
      else if (entry.isFile && entry.file) {
        const read = entry.file;
        const file = await new Promise<File>((resolve, reject) => read.call(entry, resolve, reject));
        out.push({ file, path: lastFolderAndName(entry.fullPath) });
      }
    }
  }
}

/** Files a folder holds besides a model (".DS_Store", a README) are left out of its import. */
function isModelFile(picked: PickedFile): boolean {
  const name = picked.file.name.toLowerCase();
  return !picked.path.includes('/') || (!name.startsWith('.') && ACCEPTED_EXTENSIONS.some((ext) => name.endsWith(ext)));
}

/**
 * Which files make one model: a TF.js model.json travels with its weight shards, so a drop
 * holding a .json is one model; otherwise every file is a model of its own.
 */
export function groupModelFiles(files: readonly PickedFile[]): PickedFile[][] {
  const models = files.filter(isModelFile);
  if (models.some((f) => f.file.name.toLowerCase().endsWith('.json'))) return [models];
  return models.map((f) => [f]);
}

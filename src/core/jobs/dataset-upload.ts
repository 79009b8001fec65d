/**
 * Datasets uploaded from the UI (a picked folder of class sub-folders, or one .npy/.npz/.csv
 * file): the files are written under the workspace's scratch folder with their relative paths,
 * imported with the same importers the CLI uses, and the scratch copy is removed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DatasetEntry } from '../../shared/contract';
import { StudioError, type ErrorData } from '../../shared/errors';
import { importDataset } from '../datasets/import-dataset';
import { toDatasetEntry, type Workspace } from '../workspace/workspace';

export interface UploadedDataset {
  name: string;
  files: Array<{ path: string; data: Uint8Array }>;
}

export async function importUploadedDataset(workspace: Workspace, upload: UploadedDataset): Promise<DatasetEntry> {
  const scratch = path.join(workspace.tempDir(), `dataset-${randomBytes(4).toString('hex')}`);
  try {
    for (const file of upload.files) {
      const target = path.join(scratch, safeRelativePath(file.path));
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.data);
    }
    // One data file is imported as that file; anything else is a folder of class sub-folders.
    const only = upload.files.length === 1 ? upload.files[0] : undefined;
    const single = only && /\.(npy|npz|csv|tsv)$/i.test(only.path) ? path.join(scratch, safeRelativePath(only.path)) : null;
    const source = single ?? (await commonRoot(scratch));
    const id = `${slug(upload.name)}-${randomBytes(3).toString('hex')}`;
    const manifest = await importDataset(source, workspace.datasetDir(id), { name: upload.name }).catch((error: unknown) => {
      throw asPicked(error, scratch);
    });
    return toDatasetEntry(id, manifest);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The importers name files by their path, which here is the scratch copy's ('/ws/.tmp/dataset-1a2b/digits/cat'):
 * the user picked 'digits', so the error names 'digits/cat'. Its message, its wording and its
 * context all carry the path; each is JSON text, so one replacement covers them.
 */
function asPicked(error: unknown, scratch: string): unknown {
  if (!(error instanceof StudioError)) return error;
  const prefix = JSON.stringify(scratch + path.sep).slice(1, -1);
  return StudioError.fromData(JSON.parse(JSON.stringify(error.toData()).split(prefix).join('')) as ErrorData);
}

/** A folder picked in the browser arrives as "digits/0/a.png": import from "digits", not from the scratch root. */
async function commonRoot(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    const entries = await fs.readdir(current, { withFileTypes: true });
    const only = entries.length === 1 ? entries[0] : undefined;
    if (!only?.isDirectory()) return current;
    const next = path.join(current, only.name);
    const inner = await fs.readdir(next, { withFileTypes: true });
    // Stop at the folder whose sub-folders are the classes.
    if (inner.some((entry) => entry.isFile())) return current;
    current = next;
  }
}

function safeRelativePath(relative: string): string {
  const parts = relative.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..') || path.isAbsolute(relative)) {
    throw new StudioError('BAD_INPUT', `The uploaded path '${relative}' is not a plain relative path; pick the dataset folder again.`, { file: relative });
  }
  return parts.join(path.sep);
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'dataset';
}

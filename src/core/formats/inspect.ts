import { createHash } from 'node:crypto';
import { constants } from 'node:buffer';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { specialFileKind } from '../file-kind';
import type { ModelInfo } from '../../shared/model-info';
import type { ModelFile, ModelFileSet, ModelReader } from './model-file';
import { isRecognisedModel, MODEL_READERS, pickReader } from './model-readers';

/**
 * Inspects one model: a .onnx, a .tflite, or a TF.js model.json whose weight shards are
 * found next to it (or listed explicitly in `paths`). Each file is read once into one
 * buffer; the hash and the parse both work on that buffer.
 */
export async function inspectModelFiles(paths: string[]): Promise<ModelInfo> {
  const { reader, files } = await loadModelFileSet(paths);
  return inspectSet(reader, files);
}

/** The model's files read into memory, with the reader that recognised the main one (inspect and the graph reader share it). */
export async function loadModelFileSet(paths: string[]): Promise<{ reader: ModelReader; files: ModelFileSet }> {
  if (paths.length === 0) throw new StudioError('BAD_INPUT', 'No model file was given. Pass a .onnx, .tflite or model.json file.');
  const mainPath = pickMainPath(paths);
  const main: ModelFile = { name: path.basename(mainPath), data: await readWholeFile(mainPath) };
  const reader = pickReader(main);
  const explicit = paths.filter((p) => p !== mainPath).map((p) => path.resolve(p));
  const folder = path.dirname(path.resolve(mainPath));
  const companions = new Map<string, ModelFile>();
  for (const relative of reader.companions(main)) {
    const resolved = path.resolve(folder, relative);
    const given = explicit.find((p) => p === resolved) ?? explicit.find((p) => path.basename(p) === path.basename(relative));
    if (given === undefined && !resolved.startsWith(folder + path.sep)) {
      throw new StudioError(
        'MODEL_FORMAT',
        `'${main.name}' lists the weight file '${relative}', which is outside its folder; EdgeBench only looks for shards next to the model. ` +
          'Pass the shard explicitly or fix the path in the manifest.',
        { file: main.name },
      );
    }
    const data = await readWholeFile(given ?? resolved, `Weight shard '${relative}' listed in '${main.name}'`);
    companions.set(relative, { name: path.basename(relative), data });
  }
  return { reader, files: { main, companions } };
}

/**
 * Inspects uploaded buffers (the UI's drag and drop): one model file, plus its TF.js
 * shards, matched to the manifest by path or base name.
 */
export function inspectModelBuffers(files: Array<{ name: string; data: Uint8Array }>): ModelInfo {
  if (files.length === 0) throw new StudioError('BAD_INPUT', 'No model file was given. Drop a .onnx, .tflite or model.json file.');
  const main = files.find(isRecognisedModel) ?? files.find((file) => hasModelExtension(file.name)) ?? (files[0] as ModelFile);
  const reader = pickReader(main);
  const companions = new Map<string, ModelFile>();
  for (const relative of reader.companions(main)) {
    const match =
      files.find((file) => file !== main && file.name === relative) ??
      files.find((file) => file !== main && path.posix.basename(file.name) === path.posix.basename(relative));
    if (!match) {
      throw new StudioError(
        'FILE_NOT_FOUND',
        `Weight shard '${relative}' listed in '${main.name}' was not among the files given. Add it together with ${main.name}.`,
        { file: relative },
      );
    }
    companions.set(relative, match);
  }
  return inspectSet(reader, { main, companions });
}

function inspectSet(reader: ModelReader, files: ModelFileSet): ModelInfo {
  const readout = reader.read(files);
  const hash = createHash('sha256').update(files.main.data);
  let sizeBytes = files.main.data.byteLength;
  for (const companion of files.companions.values()) {
    hash.update(companion.data);
    sizeBytes += companion.data.byteLength;
  }
  return { ...readout, fileName: files.main.name, sizeBytes, sha256: hash.digest('hex') };
}

/** With several paths, the model is the one with a model extension (shards are .bin). */
function pickMainPath(paths: string[]): string {
  return paths.find((p) => hasModelExtension(p)) ?? (paths[0] as string);
}

function hasModelExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MODEL_READERS.some((reader) => reader.extensions.some((ext) => lower.endsWith(ext)));
}

/** Allocation of one buffer of the file's size, filled in chunks (readFile stops at 2 GB). */
const CHUNK_BYTES = 1 << 30;

async function readWholeFile(filePath: string, what = `Model file '${filePath}'`): Promise<Uint8Array> {
  let handle: FileHandle;
  let size: number;
  try {
    const info = await stat(filePath);
    if (info.isDirectory()) {
      throw new StudioError(
        'BAD_INPUT',
        `'${filePath}' is a directory; pass the model file inside it (a .onnx, .tflite or model.json).`,
        { file: filePath },
      );
    }
    // A FIFO's open() would block for good, a device's read never end: refuse them before opening.
    const special = specialFileKind(info);
    if (special !== undefined) {
      throw new StudioError('BAD_INPUT', `${what} is ${special}, not a regular file: give the path of the file itself.`, { file: filePath });
    }
    size = info.size;
    handle = await open(filePath, 'r');
  } catch (error) {
    if (error instanceof StudioError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new StudioError('FILE_NOT_FOUND', `${what} does not exist at '${filePath}'. Check the path.`, { file: filePath });
    }
    throw new StudioError('BAD_INPUT', `${what} cannot be read: ${(error as Error).message}.`, { file: filePath });
  }
  try {
    if (size > constants.MAX_LENGTH) {
      throw new StudioError(
        'BAD_INPUT',
        `'${filePath}' is ${size} bytes, more than this Node.js can hold in memory (${constants.MAX_LENGTH}).`,
        { file: filePath },
      );
    }
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, Math.min(CHUNK_BYTES, size - filled), filled);
      if (bytesRead === 0) break; // the file shrank while we read it; parse what is there
      filled += bytesRead;
    }
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

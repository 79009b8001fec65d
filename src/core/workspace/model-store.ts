import path from 'node:path';
import type { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { VariantOrigin } from '../../shared/variants';
import { inspectModelBuffers } from '../formats/inspect';
import { tfjsOwnName } from '../formats/tfjs/tfjs-name';
import { importedModelName } from '../../shared/model-naming';
import { writeFileAtomic } from './atomic-write';
import type { Workspace } from './workspace';

export interface ModelFileBuffer {
  name: string;
  data: Uint8Array;
}

/**
 * Imports one model (one .onnx or .tflite file, or a TF.js model.json with its weight shards).
 * The id is the content hash, so importing the same bytes twice gives the same entry.
 */
export interface ImportAs {
  /** How the model derives from another (a variant), or null. */
  origin: VariantOrigin | null;
  /** "float" for an imported model; the recipe label for a variant. */
  variant: string;
  /** Display name; default: from the file name. */
  name?: string;
}

export async function importModel(
  workspace: Workspace,
  files: ModelFileBuffer[],
  as: ImportAs = { origin: null, variant: 'float' },
): Promise<ModelEntry> {
  const named = files.map((file) => ({ name: safeFileName(file.name), data: file.data }));
  const info = inspectModelBuffers(named);
  const id = info.sha256.slice(0, 16);
  const existing = await workspace.readModelEntry(id).catch(() => null);
  if (existing) return existing;

  // The main file first: model.json for TF.js, the only file otherwise.
  const ordered = [...named].sort((a, b) => Number(b.name === info.fileName) - Number(a.name === info.fileName));
  const dir = workspace.modelDir(id);
  for (const file of ordered) await writeFileAtomic(path.join(dir, file.name), file.data);
  const entry: ModelEntry = {
    id,
    name: as.name ?? displayName(info.fileName, info.format, ordered, files.find((file) => safeFileName(file.name) === info.fileName)?.name),
    importedAt: new Date().toISOString(),
    variant: as.variant,
    files: ordered.map((f) => f.name),
    info,
    origin: as.origin,
    savedInputs: null,
    savedInputsProblem: null,
  };
  // entry.json is written last: a model folder without it is an interrupted import, reported by scan().
  await workspace.writeModelEntry(entry);
  return entry;
}

/** Absolute path of the file a runtime loads (the .onnx / .tflite / model.json). */
export function mainModelPath(workspace: Workspace, entry: ModelEntry): string {
  const main = entry.files[0];
  if (!main) throw new StudioError('WORKSPACE', `The model '${entry.name}' has no files; re-import it.`, { id: entry.id });
  return path.join(workspace.modelDir(entry.id), main);
}

/**
 * The shared naming rule (shared/model-naming.ts). `given` is the main file's name as uploaded,
 * which may still carry its folder (a generic model.json or model.onnx is named after it).
 */
function displayName(fileName: string, format: string, files: ModelFileBuffer[], given = fileName): string {
  const main = files.find((f) => f.name === fileName);
  return importedModelName({
    mainFile: given,
    shardNames: files.filter((f) => f.name !== fileName).map((f) => f.name),
    ownName: format === 'tfjs' && main ? tfjsOwnName(main.data) : null,
  });
}

/** Keeps only a plain file name: uploads must not be able to write outside the model's folder. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._ -]/g, '_').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') {
    throw new StudioError('BAD_INPUT', `'${name}' is not a usable file name; rename the file and import it again.`, { file: name });
  }
  return cleaned.slice(0, 200);
}

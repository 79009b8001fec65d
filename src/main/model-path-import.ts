/**
 * The desktop app's import of a model by its path on disk (issue 13): the preload turns a picked
 * or dropped File into its path with Electron's webUtils.getPathForFile, so a TF.js model.json is
 * named after its folder (the one rule, src/shared/model-naming.ts) and its shards are read from
 * beside it, as `edgebench` does. The page names the paths, so they are checked here as every IPC
 * request is (a schema, then what each value may be) before anything is read; the model then goes
 * through models.importFiles, the page's own import, so there is one import and one validation.
 * No Electron import: tested under Node (test/unit/main/model-path-import.test.ts).
 */
import path from 'node:path';
import { z } from 'zod';
import type { StudioHandlers } from '../shared/contract';
import { StudioError, toErrorData } from '../shared/errors';
import { describeZodError, dispatchCall, type CallResult } from '../shared/rpc';
import { loadModelFileSet } from '../core/formats/inspect';

/** The files the page picked or dropped for one model, as absolute paths (the preload's webUtils.getPathForFile). */
export const ModelPathImportRequest = z
  .object({
    // 64: models.importFiles' own limit on one model's files.
    paths: z.array(z.string().min(1).max(4096)).min(1).max(64),
  })
  .strict();

/** What a picked model's files may be: the model (.onnx, .tflite, a TF.js model.json) and a model.json's .bin shards. */
const MODEL_FILE = /\.(onnx|tflite|json|bin)$/i;

/** The paths, each refused in one sentence unless it is an absolute path of a model file. */
export function checkModelPaths(request: unknown): string[] {
  const parsed = ModelPathImportRequest.safeParse(request);
  if (!parsed.success) throw new StudioError('BAD_INPUT', `Invalid model import by path: ${describeZodError(parsed.error)}.`);
  return parsed.data.paths.map((given) => {
    if (given.includes('\0') || !path.isAbsolute(given)) {
      throw new StudioError('BAD_INPUT', `'${given}' is not an absolute path; pick the model file again.`, { file: given });
    }
    if (!MODEL_FILE.test(given)) {
      throw new StudioError('BAD_INPUT', `'${path.basename(given)}' is not a model file; pick a .onnx, a .tflite, or a TF.js model.json with its .bin shards.`, { file: given });
    }
    return path.normalize(given);
  });
}

/**
 * Reads the model at `paths` (a model.json's shards from beside it when not given) and imports it
 * as models.importFiles would an upload, the main file named by its folder and name
 * ("hands/model.json") so the naming rule sees the folder. Never throws: the answer is the call's
 * envelope, as every IPC call's is.
 */
export async function importModelAtPaths(handlers: StudioHandlers, request: unknown): Promise<CallResult> {
  try {
    const paths = checkModelPaths(request);
    const { files } = await loadModelFileSet(paths);
    const mainPath = paths.find((p) => path.basename(p) === files.main.name) ?? (paths[0] as string);
    const withFolder = `${path.basename(path.dirname(mainPath))}/${files.main.name}`;
    const uploads = [
      // An upload's name is at most 255 characters (UploadedFile): past that, the file's name alone.
      { name: withFolder.length <= 255 ? withFolder : files.main.name, dataBase64: Buffer.from(files.main.data).toString('base64') },
      ...[...files.companions.values()].map((file) => ({ name: file.name, dataBase64: Buffer.from(file.data).toString('base64') })),
    ];
    return await dispatchCall(handlers, 'models.importFiles', { files: uploads });
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}

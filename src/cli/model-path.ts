/**
 * Models as the command line takes them: a model file, or the folder the TF.js converter writes
 * (model.json beside its weight shards), which stands for the model.json inside it. Any other
 * folder is left as given, so the reader's refusal names it.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** The file to load for each model given: FOLDER → FOLDER/model.json when it has one, else as given. */
export function modelPathsOf(given: readonly string[]): string[] {
  return given.map(modelPathOf);
}

export function modelPathOf(given: string): string {
  if (!existsSync(given) || !statSync(given).isDirectory()) return given;
  const inside = path.join(given, 'model.json');
  return existsSync(inside) ? inside : given;
}

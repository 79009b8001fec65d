/**
 * The name an imported model goes by: the one rule for the studio's import (core/workspace/
 * model-store.ts), the command line's import and `edgebench bench`. Its file's stem says the most
 * ("handtrack.json" → handtrack, "mobilenet_v2.onnx" → mobilenet_v2); when the stem is a
 * converter's generic default ("model.json", "model.onnx"), the folder it sat in does (the TF.js
 * converter writes a folder of model.json with group1-shard1of1.bin), then the name the model
 * gives itself (a TF.js layers model's Keras name, unless that is generic too), then its weight
 * shards' shared prefix ("blazeface-group1-shard1of2.bin"), and last the stem itself. A browser
 * gives files picked one by one without their folder, so only the later sources are left there.
 */

/** File stems, and Keras model names, that name nothing: converters' and Keras' defaults. */
const GENERIC_NAMES = /^(model|saved_model|sequential|functional|tfjs[-_]?model)(_\d+)?$/i;

/** True for a name that says nothing about the model ("model", "sequential_1"). */
export function isGenericModelName(name: string): boolean {
  return GENERIC_NAMES.test(name.trim());
}

export interface ModelNameSources {
  /** The main file as given, possibly with its folders ("hands/model.json", "C:\\m\\pose\\model.onnx"). */
  mainFile: string;
  /** The other files' names (a TF.js model's weight shards), for a model.json given without its folder. */
  shardNames?: readonly string[];
  /** The name the model gives itself (a TF.js layers model's modelTopology config name), or null. */
  ownName?: string | null;
}

const MODEL_EXTENSIONS = /\.(onnx|tflite|json)$/i;
/** "blazeface-group1-shard1of2.bin" → "blazeface"; "group1-shard1of1.bin" → "". */
const SHARD_SUFFIX = /(-|_)?(group\d+-)?shard\d+of\d+.*$/i;

export function importedModelName({ mainFile, shardNames = [], ownName = null }: ModelNameSources): string {
  const parts = mainFile.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  const base = parts[parts.length - 1] ?? mainFile;
  const stem = base.replace(MODEL_EXTENSIONS, '');
  if (stem !== '' && !isGenericModelName(stem)) return stem;
  const folder = parts[parts.length - 2];
  if (folder !== undefined && folder !== '..') return folder;
  if (ownName && ownName.trim() !== '' && !isGenericModelName(ownName)) return ownName.trim();
  const prefix = shardNames.map((name) => name.replace(SHARD_SUFFIX, '').replace(/\.bin$/i, '')).find((name) => name !== '');
  return prefix ?? (stem || base);
}

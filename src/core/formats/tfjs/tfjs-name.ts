/**
 * The name a TF.js model goes by in the studio (import and `edgebench bench` alike). Converters
 * write either `<name>.json` with `<name>.bin` (as @vladmandic/human ships handtrack.json) or a
 * folder of `model.json` with `group1-shard1of1.bin`, so the file name says the most, and when it
 * is the generic model.json the folder does (the page uploads a picked or dropped folder's files
 * as "folder/file"). Files picked one by one carry no folder, so then the shards' shared prefix is
 * tried, and last the file name itself.
 */

/** File stems that name nothing: the converter's default output name. */
const GENERIC_STEMS = new Set(['model']);

/**
 * @param mainFile model.json's name as given, possibly with its folder ("hands/model.json", "C:\\m\\model.json").
 * @param shardNames the weight shards' file names, for models given without a folder.
 */
export function tfjsModelName(mainFile: string, shardNames: readonly string[] = []): string {
  const parts = mainFile.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  const base = parts[parts.length - 1] ?? mainFile;
  const stem = base.replace(/\.json$/i, '');
  if (stem !== '' && !GENERIC_STEMS.has(stem.toLowerCase())) return stem;
  const folder = parts[parts.length - 2];
  if (folder !== undefined && folder !== '..') return folder;
  const prefix = shardNames.map((name) => name.replace(/(-|_)?(group\d+-)?shard\d+of\d+.*$/i, '').replace(/\.bin$/i, '')).find((name) => name !== '');
  return prefix ?? (stem || base);
}

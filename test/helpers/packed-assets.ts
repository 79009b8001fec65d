/**
 * Files packed inside an npm package's Emscripten asset bundle: MediaPipe's solution packages ship
 * some of their models (palm_detection_lite.tflite, pose_detection.tflite...) only inside
 * `*_packed_assets.data`, whose `*_packed_assets_loader.js` lists each file's name and byte range
 * in its `loadPackage({"files": [...]})` call. This reads that list and slices the bytes out, so a
 * test or a script can use those models without downloading anything.
 *
 * Every slice is checked: the bundle's size must be the loader's `remote_package_size`, the range
 * must lie inside it, and a `.tflite` must carry TFLite's file identifier "TFL3" at bytes 4..8.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from './run-cli';

const LoaderMetadata = z.object({
  files: z.array(z.object({ filename: z.string(), start: z.number().int().min(0), end: z.number().int().min(0) }).passthrough()).min(1),
  remote_package_size: z.number().int().min(0),
}).passthrough();
export type PackedFile = z.infer<typeof LoaderMetadata>['files'][number];

/** The loader script of a bundle: `hands_solution_packed_assets.data` → `hands_solution_packed_assets_loader.js`. */
function loaderOf(bundle: string): string {
  return bundle.replace(/\.data$/, '_loader.js');
}

/** The files the loader of `bundle` (a path) lists, with their byte ranges. */
export function packedFiles(bundle: string): PackedFile[] {
  const loader = loaderOf(bundle);
  const script = readFileSync(loader, 'utf8');
  const call = script.match(/loadPackage\((\{"files":.*?\})\);/s);
  if (!call?.[1]) throw new Error(`${loader} has no loadPackage({"files": ...}) call to read the file list from.`);
  const metadata = LoaderMetadata.parse(JSON.parse(call[1]));
  const size = readFileSync(bundle).byteLength;
  if (size !== metadata.remote_package_size) throw new Error(`${bundle} is ${size} bytes; its loader says ${metadata.remote_package_size}.`);
  for (const file of metadata.files) {
    if (file.start > file.end || file.end > size) throw new Error(`${loader} gives ${file.filename} the bytes ${file.start}..${file.end}, outside ${bundle} (${size} bytes).`);
  }
  return metadata.files;
}

/** The bytes of the packed file whose name ends with `/${name}` (or is `name`), checked as the header says. */
export function packedFileBytes(bundle: string, name: string): Uint8Array {
  const files = packedFiles(bundle);
  const file = files.find((f) => f.filename === name || f.filename.endsWith(`/${name}`));
  if (file === undefined) throw new Error(`${bundle} holds no ${name}; it holds ${files.map((f) => path.basename(f.filename)).join(', ')}.`);
  const bytes = new Uint8Array(readFileSync(bundle).subarray(file.start, file.end));
  if (name.endsWith('.tflite') && new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3') {
    throw new Error(`${name} at bytes ${file.start}..${file.end} of ${bundle} does not carry TFLite's file identifier TFL3: the loader's offsets do not match the bundle.`);
  }
  return bytes;
}

/**
 * A packed file of an installed npm package as a file on disk (tools take paths): written once per
 * package version under the system's temporary folder, atomically (a rename), so test files running
 * side by side never read a half-written copy.
 */
export function extractPackedFile(npm: string, version: string, bundle: string, name: string): string {
  const folder = path.join(os.tmpdir(), 'edgebench-packed-assets', `${npm.replace(/[@/]/g, '_')}-${version}`);
  const file = path.join(folder, path.basename(name));
  if (existsSync(file)) return file;
  const bytes = packedFileBytes(path.join(repoRoot, 'node_modules', npm, bundle), name);
  mkdirSync(folder, { recursive: true });
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, file);
  return file;
}

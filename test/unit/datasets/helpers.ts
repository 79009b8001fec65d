/** Builders for dataset fixtures made inside tests: PNG/JPEG files, .npy/.npz bytes, temp folders. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { StudioError } from '../../../src/shared/errors';

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `edgebench-${prefix}-`));
}

/** A PNG whose pixel (x, y) has colour rgb(x, y); returns the file's bytes. */
export function pngBytes(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      png.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return PNG.sync.write(png);
}

export function jpegBytes(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([...rgb(x, y), 255], (y * width + x) * 4);
  return jpeg.encode({ width, height, data }, 100).data;
}

export async function writeFiles(root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [name, data] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await fs.writeFile(path.join(root, name), data);
  }
}

export function npz(arrays: Record<string, Uint8Array>, compressed = false): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])), { level: compressed ? 6 : 0 });
}

/** The StudioError a promise rejects with (fails the test when it resolves). */
export async function studioError(promise: Promise<unknown>): Promise<StudioError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StudioError) return error;
    throw error;
  }
  throw new Error('expected a StudioError, but the call succeeded');
}

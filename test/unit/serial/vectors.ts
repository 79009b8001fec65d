/** Reads test/fixtures/serial-vectors, the same files test/firmware/vectors.cpp reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VECTOR_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'serial-vectors');

/** Hex with RUN(aa..bb) ranges and "-" for empty. */
export function parseHex(text: string): Uint8Array {
  if (text === '-') return new Uint8Array(0);
  const out: number[] = [];
  for (const match of text.matchAll(/RUN\(([0-9a-f]{2})\.\.([0-9a-f]{2})\)|([0-9a-f]{2})/g)) {
    if (match[3] !== undefined) out.push(parseInt(match[3], 16));
    else for (let b = parseInt(match[1] as string, 16); b <= parseInt(match[2] as string, 16); b += 1) out.push(b);
  }
  return Uint8Array.from(out);
}

function lines(file: string): string[] {
  return readFileSync(join(VECTOR_DIR, file), 'utf8').split(/\r?\n/);
}

export function pairVectors(file: string): Array<{ input: Uint8Array; expected: string }> {
  return lines(file)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [input, expected] = line.trim().split(/\s+/);
      return { input: parseHex(input as string), expected: expected as string };
    });
}

export interface FrameVector { name: string; version: number; type: number; seq: number; payload: Uint8Array; wire: Uint8Array; decoded: string }
export interface InvalidVector { name: string; wire: Uint8Array; reason: string }

function blocks(): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let current: Map<string, string> | undefined;
  for (const line of lines('frames.txt')) {
    const space = line.indexOf(' ');
    if (line.trim() === '' || line.startsWith('#') || space < 0) {
      current = undefined;
      continue;
    }
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'frame' || key === 'invalid') {
      current = new Map([['kind', key], ['name', value]]);
      out.push(current);
    } else current?.set(key, value);
  }
  return out;
}

export function frameVectors(): FrameVector[] {
  return blocks()
    .filter((b) => b.get('kind') === 'frame')
    .map((b) => ({
      name: b.get('name') as string,
      version: Number(b.get('version') ?? 1),
      type: parseInt(b.get('type') as string, 16),
      seq: Number(b.get('seq')),
      payload: parseHex(b.get('payload') as string),
      wire: parseHex(b.get('wire') as string),
      decoded: b.get('decoded') as string,
    }));
}

export function invalidVectors(): InvalidVector[] {
  return blocks()
    .filter((b) => b.get('kind') === 'invalid')
    .map((b) => ({ name: b.get('name') as string, wire: parseHex(b.get('wire') as string), reason: b.get('reason') as string }));
}

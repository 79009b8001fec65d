/**
 * float16 inputs are the same bits wherever they are made: the Node runner (local and SSH), a
 * serial board's input bytes, and the Python runner (numpy's float64 → float16 cast), for the same
 * seed or constant. Before one codec served all three, the Node runner truncated, the board's
 * bytes truncated and flushed subnormals, and numpy rounded: about half the values differed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeInputData, seededRandom } from '../../../src/core/runner/input-data';
import { inputBytes } from '../../../src/core/targets/serial/serial-inputs';
import type { InputFill } from '../../../src/core/runner/protocol';
import { decodeFloat16 } from '../../../src/shared/numeric/float16';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PYTHON = '/usr/bin/python3';
const COUNT = 50_000;

/** The Python runner's own fill_values for float16, as little-endian bytes. */
function pythonRunnerBytes(fill: InputFill): Uint8Array {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'resources/runners/python'))})`,
    'import numpy as np',
    'from edgebench_runner import fill_values',
    `sys.stdout.buffer.write(fill_values(np, 'float16', ${COUNT}, json.loads(sys.argv[1])).astype('<f2').tobytes())`,
  ].join('\n');
  return new Uint8Array(execFileSync(PYTHON, ['-c', script, JSON.stringify(fill)], { maxBuffer: 4 * COUNT }));
}

const localBytes = (fill: InputFill): Uint8Array => {
  const data = makeInputData('x', 'float16', COUNT, fill);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
};

describe('float16 inputs', () => {
  for (const fill of [
    { kind: 'random', seed: 1 },
    { kind: 'random', seed: 987_654_321 },
    { kind: 'constant', value: 0.1 },
    { kind: 'constant', value: 1e-6 },
  ] satisfies InputFill[]) {
    it(`are bit-identical on this computer, on a board and in the Python runner (${fill.kind} ${'seed' in fill ? fill.seed : fill.value})`, () => {
      const local = localBytes(fill);
      expect(Buffer.from(inputBytes('float16', COUNT, fill)).equals(Buffer.from(local))).toBe(true);
      expect(Buffer.from(pythonRunnerBytes(fill)).equals(Buffer.from(local))).toBe(true);
    });
  }

  it('are the nearest float16 to each generated value, subnormals kept rather than flushed', () => {
    const next = seededRandom(1);
    const bits = makeInputData('x', 'float16', COUNT, { kind: 'random', seed: 1 }) as Uint16Array;
    let farther = 0;
    for (const b of bits) {
      const value = next();
      const error = Math.abs(decodeFloat16(b) - value);
      // Neither neighbouring pattern is closer (truncation fails this for about half the values).
      if (Math.abs(decodeFloat16(b + 1) - value) < error || (b > 0 && Math.abs(decodeFloat16(b - 1) - value) < error)) farther++;
    }
    expect(farther).toBe(0);
    // 1e-6 lies between 16 and 17 steps of 2^-24 (9.54e-7 and 1.013e-6), nearer 17.
    expect(Array.from(makeInputData('x', 'float16', 1, { kind: 'constant', value: 1e-6 }) as Uint16Array)).toEqual([17]);
    expect(Array.from(inputBytes('float16', 1, { kind: 'constant', value: 1e-6 }))).toEqual([17, 0]);
  });
});

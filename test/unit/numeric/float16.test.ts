/**
 * The float16 codec against an independent one: numpy's (Debian's python3-numpy, through
 * float16_oracle.py next to this file), bit for bit over every float16 pattern decoded and over
 * 300,000+ float32 and float64 values encoded, the midpoints where rounding decides included.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFloat16, decodeFloat16Array, encodeFloat16, encodeFloat16Array } from '../../../src/shared/numeric/float16';

const PYTHON = '/usr/bin/python3';
const ORACLE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'float16_oracle.py');

let dir = '';
const read = (name: string): ArrayBuffer => {
  const bytes = readFileSync(path.join(dir, name));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'float16-oracle-'));
  execFileSync(PYTHON, [ORACLE, dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isNaNBits = (bits: number): boolean => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
const hex = (bits: number): string => `0x${bits.toString(16).padStart(4, '0')}`;

/** The first few disagreements, so a failure names the values. */
function mismatches(inputs: ArrayLike<number>, expected: Uint16Array, encode: (i: number) => number, show: (i: number) => string): string[] {
  const found: string[] = [];
  for (let i = 0; i < expected.length && found.length < 5; i++) {
    const want = expected[i] as number;
    const got = encode(i);
    // NaN payloads are not carried (see float16.ts): any NaN for a NaN, anything else to the bit.
    if (isNaNBits(want) ? !isNaNBits(got) : got !== want) found.push(`${show(i)}: numpy ${hex(want)}, ours ${hex(got)}`);
  }
  return found;
}

describe('float16 codec against numpy', () => {
  it('decodes every one of the 65,536 bit patterns to numpy float32 value, signed zeros and subnormals included', () => {
    const expected = new Float32Array(read('decode.f32'));
    expect(expected).toHaveLength(65536);
    const ours = decodeFloat16Array(Uint16Array.from({ length: 65536 }, (_, i) => i));
    let nans = 0;
    for (let bits = 0; bits < 65536; bits++) {
      const want = expected[bits] as number;
      if (Number.isNaN(want)) {
        nans++;
        expect(Number.isNaN(decodeFloat16(bits)), hex(bits)).toBe(true);
      } else if (!Object.is(ours[bits], want) || !Object.is(decodeFloat16(bits), want)) {
        expect.fail(`${hex(bits)}: numpy ${want}, ours ${decodeFloat16(bits)}`);
      }
    }
    expect(nans).toBe(2 * 1023);
  });

  it('encodes float32 values as numpy does: ties to even, subnormals, overflow to infinity, NaN', () => {
    const inputs = new Uint32Array(read('enc32.in'));
    const expected = new Uint16Array(read('enc32.out'));
    expect(inputs.length).toBeGreaterThan(300_000);
    const values = new Float32Array(inputs.buffer);
    const ours = encodeFloat16Array(values);
    expect(mismatches(inputs, expected, (i) => ours[i] as number, (i) => `float32 ${hex(inputs[i] as number)} (${values[i]})`)).toEqual([]);
  });

  it('encodes float64 values rounded once, as numpy does (not through float32, which would round twice)', () => {
    const inputs = new Float64Array(read('enc64.in'));
    const expected = new Uint16Array(read('enc64.out'));
    expect(inputs.length).toBeGreaterThan(200_000);
    expect(mismatches(inputs, expected, (i) => encodeFloat16(inputs[i] as number), (i) => `float64 ${inputs[i]}`)).toEqual([]);
  });
});

describe('float16 codec edge cases', () => {
  it('rounds ties to even, keeps subnormals and signed zero, and overflows at 65520', () => {
    expect(encodeFloat16(1)).toBe(0x3c00);
    expect(encodeFloat16(-2)).toBe(0xc000);
    expect(encodeFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie: down to the even mantissa
    expect(encodeFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: up to the even mantissa
    expect(encodeFloat16(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01); // above the tie, by less than a float32 step
    expect(encodeFloat16(2 ** -24)).toBe(0x0001);
    expect(encodeFloat16(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal
    expect(encodeFloat16(3 * 2 ** -25)).toBe(0x0002);
    expect(encodeFloat16(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the smallest normal
    expect(encodeFloat16(-0)).toBe(0x8000);
    expect(encodeFloat16(65504)).toBe(0x7bff);
    expect(encodeFloat16(65519.99)).toBe(0x7bff);
    expect(encodeFloat16(65520)).toBe(0x7c00);
    expect(encodeFloat16(-Infinity)).toBe(0xfc00);
    expect(encodeFloat16(Number.NaN)).toBe(0x7e00);
    expect(decodeFloat16(0x7e00)).toBeNaN();
    expect(Object.is(decodeFloat16(0x8000), -0)).toBe(true);
  });
});

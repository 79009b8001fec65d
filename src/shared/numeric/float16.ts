/**
 * IEEE 754 binary16 (float16): the one codec every layer uses, for quantized weights, runner and
 * board inputs and outputs, datasets and the simulator, so the same value gives the same bits
 * wherever it is encoded.
 *
 * Encoding rounds to nearest, ties to even, straight from the JS number (a float64), so a value
 * is rounded once: a float32 value (every weight, every Float32Array element) is a float64
 * exactly, so it rounds as numpy's `float32.astype(float16)` does, and any other number as
 * `float64.astype(float16)`. Subnormals (|x| < 2^-14, steps of 2^-24) are kept, values from
 * 65520 (halfway between 65504, the largest finite float16, and 2^16) up become ±Infinity, the
 * sign of zero is kept, and NaN becomes the quiet NaN 0x7e00 with its sign: a JS number does not
 * carry a float32's NaN payload reliably, so none is copied. Decoding is exact (every float16 is
 * a float32 and a float64). test/unit/numeric/float16.test.ts checks every bit pattern and
 * 300,000 float32 and float64 values against numpy.
 */

/** Bits of the largest finite float16, 65504. */
export const FLOAT16_MAX_BITS = 0x7bff;
const EXPONENT_MASK = 0x7c00;
const QUIET_NAN = 0x7e00;
const SIGN = 0x8000;
/** float16's exponent bias and mantissa width. */
const BIAS = 15;
const MANTISSA_BITS = 10;
/** The smallest normal float16, 2^-14; below it values are multiples of 2^-24. */
const MIN_NORMAL = 2 ** -14;
const SUBNORMAL_STEP = 2 ** -24;

// The float64's exponent is read from its bits (exact, unlike Math.log2 near powers of two).
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** x rounded to an integer, ties to the even one; x ≥ 0 and below 2^52, so x − ⌊x⌋ is exact. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/** The float16 bit pattern (0..0xffff) nearest to `value`, ties to even. */
export function encodeFloat16(value: number): number {
  if (Number.isNaN(value)) return signOfNaN(value) | QUIET_NAN;
  const sign = value < 0 || Object.is(value, -0) ? SIGN : 0;
  const magnitude = Math.abs(value);
  if (magnitude < MIN_NORMAL) {
    // Counting steps of 2^-24 is exact (a power-of-two scaling); 1024 steps is the smallest normal, which the bits agree with.
    return sign | roundHalfEven(magnitude / SUBNORMAL_STEP);
  }
  scratch[0] = magnitude;
  const exponent = (((scratchWords[HIGH_WORD] as number) >>> 20) & 0x7ff) - 1023;
  if (exponent + BIAS >= 0x1f) return sign | EXPONENT_MASK; // ≥ 2^16, or Infinity
  // The significand in steps of this binade's float16 spacing: 1024..2048, exact.
  const steps = roundHalfEven(magnitude * 2 ** (MANTISSA_BITS - exponent));
  // 2048 steps carries into the exponent, and from 65520 on into Infinity's pattern: both correct.
  return sign | (((exponent + BIAS) << MANTISSA_BITS) + steps - (1 << MANTISSA_BITS));
}

/** The sign bit of a NaN, as far as the engine keeps it. */
function signOfNaN(value: number): number {
  scratch[0] = value;
  return (scratchWords[HIGH_WORD] as number) >>> 31 === 1 ? SIGN : 0;
}

/** The value of float16 bits (exact). */
export function decodeFloat16(bits: number): number {
  const sign = bits & SIGN ? -1 : 1;
  const exponent = (bits & EXPONENT_MASK) >>> MANTISSA_BITS;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * SUBNORMAL_STEP;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - BIAS);
}

/** Every value as float16 bits, e.g. a float32 tensor's data as onnxruntime and the boards take float16 tensors. */
export function encodeFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = encodeFloat16(values[i] as number);
  return out;
}

/** All 65,536 float16 values by bit pattern, built on first use (256 KiB): decoding a tensor of millions is a lookup per value. */
let decodeTable: Float32Array | undefined;

/** float16 bit patterns as float32 values (exact). */
export function decodeFloat16Array(bits: ArrayLike<number>): Float32Array {
  if (decodeTable === undefined) {
    decodeTable = new Float32Array(0x10000);
    for (let pattern = 0; pattern < 0x10000; pattern += 1) decodeTable[pattern] = decodeFloat16(pattern);
  }
  const table = decodeTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i += 1) out[i] = table[(bits[i] as number) & 0xffff] as number;
  return out;
}

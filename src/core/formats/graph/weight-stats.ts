/**
 * Weight statistics for the model graph (min, max, mean, std, share of zeros), computed in one
 * pass straight over the bytes the file already holds. A streaming accumulator rather than
 * src/core/bench/stats.ts's array functions: a weight is read element by element from a view of
 * the file (raw_data, a TFLite buffer, a TF.js shard), so a 1 GB model is not copied into JS arrays
 * to be summarised. Welford's update keeps the variance exact enough over millions of elements,
 * where sum-of-squares would cancel.
 */
import type { WeightStats } from '../../../shared/model-graph';
import { decodeFloat16 } from '../../../shared/numeric/float16';

export class StatsAccumulator {
  private count = 0;
  private zeros = 0;
  private min = Infinity;
  private max = -Infinity;
  private meanValue = 0;
  private m2 = 0;
  /** NaN and ±Infinity are left out of the figures (a weight that holds them is broken, and one would poison them all). */
  private nonFinite = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) {
      this.nonFinite += 1;
      return;
    }
    this.count += 1;
    if (value === 0) this.zeros += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const delta = value - this.meanValue;
    this.meanValue += delta / this.count;
    this.m2 += delta * (value - this.meanValue);
  }

  /** undefined when no finite element was seen (an empty tensor). */
  result(): WeightStats | undefined {
    if (this.count === 0) return undefined;
    return {
      elements: this.count + this.nonFinite,
      min: this.min,
      max: this.max,
      mean: this.meanValue,
      // Population std: these are all the weight's values, not a sample of them.
      std: Math.sqrt(this.m2 / this.count),
      zeroShare: this.zeros / this.count,
    };
  }
}

/** How the bytes of one element turn into a number; `dequantize` maps a stored code (and its element index) to its real value. */
export type ElementKind =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool'
  | 'int4' | 'uint4';

const BYTES: Record<ElementKind, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4,
  int64: 8, uint64: 8, bool: 1, int4: 0.5, uint4: 0.5,
};

/** Bytes `elements` of this kind take (sub-byte kinds packed two to a byte). */
export function storedBytes(kind: ElementKind, elements: number): number {
  return Math.ceil(BYTES[kind] * elements);
}

const scratch = new DataView(new ArrayBuffer(4));

/**
 * Statistics of `elements` little-endian values of `kind` at `bytes` (a view of the file, not a
 * copy); `dequantize` turns each stored value into the real value it stands for. undefined when
 * the bytes are fewer than the elements need (the caller notes it) or there are no elements.
 */
export function statsOfBytes(
  bytes: Uint8Array,
  kind: ElementKind,
  elements: number,
  dequantize?: (stored: number, index: number) => number,
): WeightStats | undefined {
  if (elements === 0 || bytes.byteLength < storedBytes(kind, elements)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const acc = new StatsAccumulator();
  const read = reader(kind, view);
  for (let i = 0; i < elements; i += 1) {
    const stored = read(i);
    acc.add(dequantize ? dequantize(stored, i) : stored);
  }
  return acc.result();
}

/** Statistics of values the format already holds as numbers (ONNX float_data, a Constant's value_floats). */
export function statsOfValues(values: ArrayLike<number | bigint>, dequantize?: (stored: number, index: number) => number): WeightStats | undefined {
  const acc = new StatsAccumulator();
  for (let i = 0; i < values.length; i += 1) {
    const stored = Number(values[i]);
    acc.add(dequantize ? dequantize(stored, i) : stored);
  }
  return acc.result();
}

function reader(kind: ElementKind, view: DataView): (index: number) => number {
  switch (kind) {
    case 'float32': return (i) => view.getFloat32(i * 4, true);
    case 'float64': return (i) => view.getFloat64(i * 8, true);
    case 'float16': return (i) => decodeFloat16(view.getUint16(i * 2, true));
    case 'bfloat16':
      // bfloat16 is the top half of a float32.
      return (i) => {
        scratch.setUint32(0, view.getUint16(i * 2, true) << 16);
        return scratch.getFloat32(0);
      };
    case 'int8': return (i) => view.getInt8(i);
    case 'uint8': case 'bool': return (i) => view.getUint8(i);
    case 'int16': return (i) => view.getInt16(i * 2, true);
    case 'uint16': return (i) => view.getUint16(i * 2, true);
    case 'int32': return (i) => view.getInt32(i * 4, true);
    case 'uint32': return (i) => view.getUint32(i * 4, true);
    case 'int64': return (i) => Number(view.getBigInt64(i * 8, true));
    case 'uint64': return (i) => Number(view.getBigUint64(i * 8, true));
    // Packed low nibble first (onnx.proto and TFLite agree).
    case 'uint4': return (i) => (view.getUint8(i >> 1) >> ((i & 1) * 4)) & 0x0f;
    case 'int4':
      return (i) => {
        const nibble = (view.getUint8(i >> 1) >> ((i & 1) * 4)) & 0x0f;
        return nibble >= 8 ? nibble - 16 : nibble;
      };
  }
}

/** The ElementKind of a lower-case dtype name ('float32', 'int8'), or undefined when it has no numeric form (string, complex). */
export function elementKind(dtype: string | null): ElementKind | undefined {
  if (dtype === null) return undefined;
  return dtype in BYTES ? (dtype as ElementKind) : undefined;
}

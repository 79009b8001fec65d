/**
 * Weight quantization: symmetric int8 with zero point 0 and range [-127, 127], per tensor or
 * per channel, as onnxruntime's quantizer does for QInt8 weights (the -128 code is left out so
 * that w and -w quantize alike). Scales are float32 values, and every quantized value is
 * computed from the float32 scale the runtime will see.
 *
 * Reduced range is 7 bits, [-64, 64], onnxruntime's reduce_range for int8 weights: on x86 without
 * VNNI its u8s8 kernels multiply with VPMADDUBSW, which adds two u8×s8 products into a saturating
 * int16; 2 × 255 × 64 = 32640 fits, 2 × 255 × 127 = 64770 does not.
 */
import { aroundAxis } from '../formats/shape-math';
import { roundHalfEven } from './graph';

export const INT8_WEIGHT_MAX = 127;
export const REDUCED_WEIGHT_MAX = 64;

export interface QuantizedWeight {
  values: Int8Array;
  /** One scale per channel along `axis`, or a single scale. */
  scales: Float32Array;
  /** The channel axis, or undefined for per-tensor. */
  axis: number | undefined;
}

export function quantizeWeight(data: Float32Array, dims: number[], axis: number | undefined, reduced = false): QuantizedWeight {
  const max = reduced ? REDUCED_WEIGHT_MAX : INT8_WEIGHT_MAX;
  // A zero tensor still needs a usable scale; 1 is what onnxruntime picks.
  const scaleFor = (absMax: number): number => (absMax > 0 ? Math.fround(absMax / max) : 1);
  const clampInt8 = (v: number): number => Math.max(-max, Math.min(max, v));
  const values = new Int8Array(data.length);
  if (axis === undefined) {
    let absMax = 0;
    for (let i = 0; i < data.length; i += 1) absMax = Math.max(absMax, Math.abs(data[i] as number));
    const scale = scaleFor(absMax);
    for (let i = 0; i < data.length; i += 1) values[i] = clampInt8(roundHalfEven((data[i] as number) / scale));
    return { values, scales: new Float32Array([scale]), axis };
  }
  const { outer, channels, inner } = aroundAxis(dims, axis);
  const absMax = new Float64Array(channels);
  for (let o = 0; o < outer; o += 1)
    for (let c = 0; c < channels; c += 1)
      for (let i = 0; i < inner; i += 1) {
        const v = Math.abs(data[(o * channels + c) * inner + i] as number);
        if (v > (absMax[c] as number)) absMax[c] = v;
      }
  const scales = Float32Array.from(absMax, scaleFor);
  for (let o = 0; o < outer; o += 1)
    for (let c = 0; c < channels; c += 1) {
      const scale = scales[c] as number;
      for (let i = 0; i < inner; i += 1) {
        const at = (o * channels + c) * inner + i;
        values[at] = clampInt8(roundHalfEven((data[at] as number) / scale));
      }
    }
  return { values, scales, axis };
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

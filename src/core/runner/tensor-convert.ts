/**
 * Converting tensor data between the float32 values the evaluation protocol carries and the
 * element types models declare. Shared by every runtime's `infer`.
 */
import { StudioError } from '../../shared/errors';
import { decodeFloat16Array, encodeFloat16Array } from '../../shared/numeric/float16';
import type { InputArray } from './input-data';

/** A tensor as `LoadedModel.infer` takes and returns it: dims plus float32 values. */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

function clampRound(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * Float values as data of `dtype`. Integer types are rounded and clamped to their range (a
 * dataset's recipe usually did that already), bools are value ≠ 0, float16 becomes bit patterns.
 */
export function floatToDtype(inputName: string, dtype: string, data: Float32Array): InputArray {
  switch (dtype) {
    case 'float32':
      return data;
    case 'float64':
      return Float64Array.from(data);
    case 'float16':
      return encodeFloat16Array(data);
    case 'int8':
      return Int8Array.from(data, (v) => clampRound(v, -128, 127));
    case 'uint8':
      return Uint8Array.from(data, (v) => clampRound(v, 0, 255));
    case 'int16':
      return Int16Array.from(data, (v) => clampRound(v, -32768, 32767));
    case 'uint16':
      return Uint16Array.from(data, (v) => clampRound(v, 0, 65535));
    case 'int32':
      return Int32Array.from(data, (v) => clampRound(v, -2147483648, 2147483647));
    case 'uint32':
      return Uint32Array.from(data, (v) => clampRound(v, 0, 4294967295));
    case 'int64':
      return BigInt64Array.from(data, (v) => BigInt(Math.round(v)));
    case 'uint64':
      return BigUint64Array.from(data, (v) => BigInt(Math.max(0, Math.round(v))));
    case 'bool':
      return Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0));
    default:
      throw new StudioError('RUNTIME', `Input '${inputName}' has element type '${dtype}', which evaluation cannot feed from dataset values.`, {
        runnerCode: 'UNSUPPORTED_INPUT',
        input: inputName,
      });
  }
}

type NumericArray = ArrayLike<number> | BigInt64Array | BigUint64Array | ArrayLike<boolean>;

/**
 * An output's values as float32. `dtype` says how to read them: float16 outputs arrive as bit
 * patterns (Uint16Array) from onnxruntime, int64 as bigints, bool as booleans or 0/1.
 */
export function outputToFloat32(outputName: string, dtype: string, data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (dtype === 'float16' && data instanceof Uint16Array) return decodeFloat16Array(data);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data) || Array.isArray(data)) {
    const values = data as NumericArray;
    return Float32Array.from({ length: values.length }, (_, i) => Number(values[i]));
  }
  throw new StudioError('RUNTIME', `Output '${outputName}' (element type '${dtype}') is not a numeric tensor, so its values cannot be compared.`, {
    runnerCode: 'RUN_FAILED',
    output: outputName,
  });
}

/**
 * Input tensors for a board, as raw bytes in the model's dtype and layout: seeded random values
 * (the same settings give the same bytes, as the local runner's inputs do) or one constant.
 * Random floats are drawn from [0, 1): raw random bytes read as floats would hold NaNs and
 * denormals, which some kernels run at another speed.
 */
import { StudioError } from '../../../shared/errors';
import { encodeFloat16 } from '../../../shared/numeric/float16';
import { seededRandom } from '../../runner/input-data';

export type InputFill = { kind: 'constant'; value: number } | { kind: 'random'; seed: number };

/** Bytes of `elements` values of `dtype`, filled as asked. */
export function inputBytes(dtype: string, elements: number, fill: InputFill): Uint8Array {
  const next = fill.kind === 'random' ? seededRandom(fill.seed) : () => 0;
  const value = (draw: (r: number) => number): number => (fill.kind === 'constant' ? fill.value : draw(next()));
  const int = (low: number, high: number) => (r: number) => Math.floor(low + r * (high - low + 1));
  switch (dtype) {
    case 'float32':
      return bytesOf(Float32Array.from({ length: elements }, () => value((r) => r)));
    case 'float64':
      return bytesOf(Float64Array.from({ length: elements }, () => value((r) => r)));
    case 'float16':
      return bytesOf(Uint16Array.from({ length: elements }, () => encodeFloat16(value((r) => r))));
    case 'int8':
      return bytesOf(Int8Array.from({ length: elements }, () => value(int(-128, 127))));
    case 'uint8':
      return bytesOf(Uint8Array.from({ length: elements }, () => value(int(0, 255))));
    case 'bool':
      return bytesOf(Uint8Array.from({ length: elements }, () => (value(int(0, 1)) !== 0 ? 1 : 0)));
    case 'int16':
      return bytesOf(Int16Array.from({ length: elements }, () => value(int(-32768, 32767))));
    case 'uint16':
      return bytesOf(Uint16Array.from({ length: elements }, () => value(int(0, 65535))));
    case 'int32':
      return bytesOf(Int32Array.from({ length: elements }, () => value(int(-1000, 1000))));
    case 'uint32':
      return bytesOf(Uint32Array.from({ length: elements }, () => value(int(0, 1000))));
    case 'int64':
      return bytesOf(BigInt64Array.from({ length: elements }, () => BigInt(value(int(-1000, 1000)))));
    default:
      throw new StudioError('BAD_INPUT', `The studio cannot make input values of type '${dtype}' for a board; export the model with float32, int8 or uint8 inputs.`, { dtype });
  }
}

/** Elements of a tensor; symbolic or unknown dims take the size given in settings.shapes, else 1. */
export function elementCount(shape: ReadonlyArray<number | string | null> | null, given?: readonly number[]): number {
  const dims = given ?? (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  return dims.reduce((product, d) => product * d, 1);
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

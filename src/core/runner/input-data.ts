/**
 * Element data for benchmark inputs, shared by every runtime: seeded random values (so a run can
 * be reproduced) or one constant everywhere.
 */
import { StudioError } from '../../shared/errors';
import { remedy, say, worded } from '../../shared/remedies';
import { formatByteSize } from '../../shared/input-messages';
import { GUESSED_DIM_SIZE, MAX_INPUT_BYTES, bytesPerElement } from '../../shared/input-plan';
import { encodeFloat16 } from '../../shared/numeric/float16';
import type { InputFill, InputRequest, InputUsed } from './protocol';

export type InputArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Random integers stay this small (0..9) so they are valid for indices, token ids and class ids of small tables. */
const RANDOM_INT_LIMIT = 10;

/** mulberry32: a 32-bit state PRNG, plenty for filling tensors and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Makes the data for one input. Floats get uniform values in [0, 1), integers 0..9, bools 0/1;
 * a constant is truncated for integer types. float16 comes back as its bit patterns in a
 * Uint16Array (rounded to nearest even, as a board's inputs are), which is how onnxruntime takes float16 tensors.
 */
export function makeInputData(inputName: string, dtype: string, count: number, fill: InputFill): InputArray {
  // The parent refuses such shapes before a runner starts; this keeps V8's "Invalid typed array length" from any other path.
  if (count * bytesPerElement(dtype) > MAX_INPUT_BYTES) {
    throw new StudioError(
      'RUNTIME',
      worded`Input '${inputName}' would hold ${count.toLocaleString('en-US')} ${dtype} elements (${formatByteSize(count * bytesPerElement(dtype))}), more than the ${formatByteSize(MAX_INPUT_BYTES)} a runner builds for one input; ${say('give smaller sizes with', 'set smaller sizes under')} ${remedy('shape', `${inputName}=DIMS`)}.`,
      { runnerCode: 'UNSUPPORTED_INPUT', input: inputName },
    );
  }
  const next = fill.kind === 'random' ? seededRandom(fill.seed) : () => 0;
  const float = (): number => (fill.kind === 'constant' ? fill.value : next());
  const int = (): number => (fill.kind === 'constant' ? Math.trunc(fill.value) : Math.floor(next() * RANDOM_INT_LIMIT));
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: count }, float);
    case 'float64':
      return Float64Array.from({ length: count }, float);
    case 'float16':
      return Uint16Array.from({ length: count }, () => encodeFloat16(float()));
    case 'int8':
      return Int8Array.from({ length: count }, int);
    case 'uint8':
      return Uint8Array.from({ length: count }, int);
    case 'int16':
      return Int16Array.from({ length: count }, int);
    case 'uint16':
      return Uint16Array.from({ length: count }, int);
    case 'int32':
      return Int32Array.from({ length: count }, int);
    case 'uint32':
      return Uint32Array.from({ length: count }, int);
    case 'int64':
      return BigInt64Array.from({ length: count }, () => BigInt(int()));
    case 'uint64':
      return BigUint64Array.from({ length: count }, () => BigInt(Math.max(0, int())));
    case 'bool':
      return Uint8Array.from({ length: count }, () =>
        fill.kind === 'constant' ? (fill.value !== 0 ? 1 : 0) : next() < 0.5 ? 0 : 1,
      );
    default:
      throw new StudioError(
        'RUNTIME',
        `Input '${inputName}' has element type '${dtype}', which the benchmark cannot fill with generated data yet.`,
        { runnerCode: 'UNSUPPORTED_INPUT', input: inputName },
      );
  }
}

/**
 * The input a runtime builds, from what the model declares and what the parent asked. The parent
 * sends a full shape for every input whose rank the model declares (planned once, with one size
 * per named dim across inputs: src/shared/input-plan.ts), so the runtime's own fallback, symbolic
 * and unknown dims (strings, null) as GUESSED_DIM_SIZE, only serves inputs of unknown rank or
 * callers that ask for nothing (evaluation); the parent records those dims as guessed. Seeded
 * random values unless a fill was given, the seed differing per input so two inputs of one shape
 * do not get the same data.
 */
export function planInput(
  name: string,
  dtype: string,
  declaredShape: Array<number | string | null> | null,
  request: InputRequest | undefined,
  index: number,
): InputUsed {
  return {
    name,
    dtype,
    shape: request?.shape ?? (declaredShape ?? []).map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : GUESSED_DIM_SIZE)),
    fill: request?.fill ?? { kind: 'random', seed: index + 1 },
    declaredShape,
  };
}

/** Mixes the run's seed with the input's index so inputs of one run, and runs, get different data (--fresh-inputs). */
export function freshSeed(seed: number, index: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

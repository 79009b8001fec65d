/**
 * Seeded inputs for the quantization checks: the same values feed the float model and its
 * variant, and a calibration set (an .npz with one array per model input, named after it) is
 * drawn from the same distribution with another seed.
 */
import { zipSync } from 'fflate';
import ort from 'onnxruntime-node';
import { encodeNpy } from '../../src/core/datasets/npy-format';
import { seededRandom } from '../../src/core/runner/input-data';

/** One concrete model input: its name, element type, shape, a constant when the row gives one, and the range of its random floats. */
export interface ConcreteInput {
  name: string;
  dtype: string;
  shape: number[];
  constant?: number;
  floatRange: [number, number];
}

type Values = Float32Array | BigInt64Array | Int32Array | Uint8Array;

function elements(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Floats uniform in the input's range, integers 0..9, bools 0/1 (the studio's runners draw the same integers). */
function draw(input: ConcreteInput, count: number, random: () => number): Values {
  const [low, high] = input.floatRange;
  const value = (): number => (input.constant !== undefined ? input.constant : low + (high - low) * random());
  switch (input.dtype) {
    case 'float32':
      return Float32Array.from({ length: count }, value);
    case 'int64':
      return BigInt64Array.from({ length: count }, () => BigInt(input.constant ?? Math.floor(random() * 10)));
    case 'int32':
      return Int32Array.from({ length: count }, () => input.constant ?? Math.floor(random() * 10));
    case 'bool':
      return Uint8Array.from({ length: count }, () => (input.constant ?? (random() < 0.5 ? 0 : 1)) ? 1 : 0);
    default:
      throw new Error(`Input '${input.name}' has element type '${input.dtype}', which the real-model checks do not draw.`);
  }
}

/** onnxruntime feeds for one inference. */
export function seededFeeds(inputs: readonly ConcreteInput[], seed: number): Record<string, ort.Tensor> {
  const random = seededRandom(seed);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const data = draw(input, elements(input.shape), random);
    feeds[input.name] = input.dtype === 'bool' ? new ort.Tensor('bool', data as Uint8Array, input.shape) : new ort.Tensor(data as Float32Array, input.shape);
  }
  return feeds;
}

const NPY_DESCR = { float32: '<f4', int64: '<i8', int32: '<i4', bool: '|b1' } as const;

/** An .npz of `samples` samples: one array per input, named after it, shaped [samples, ...input shape]. */
export function calibrationNpz(inputs: readonly ConcreteInput[], samples: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const files: Record<string, Uint8Array> = {};
  for (const input of inputs) {
    const descr = NPY_DESCR[input.dtype as keyof typeof NPY_DESCR];
    if (!descr) throw new Error(`Input '${input.name}' has element type '${input.dtype}', which an .npz here cannot carry.`);
    files[`${input.name}.npy`] = encodeNpy(descr, [samples, ...input.shape], draw(input, samples * elements(input.shape), random));
  }
  return zipSync(files, { level: 0 });
}

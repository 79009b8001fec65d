/**
 * Runs a float model over calibration feeds in onnxruntime-node with chosen intermediate
 * tensors added as graph outputs (as onnxruntime's calibrator augments the graph), and gathers
 * per-tensor statistics. Sessions run single-threaded so the collected values, and therefore
 * the variant's bytes, do not depend on how work was split between threads.
 */
import * as ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors';
import { encodeOnnxModel, type OnnxModelSpec } from '../formats/onnx/onnx-writer';
import { OnnxDataType, toOnnxDataTypeCode } from '../formats/onnx/onnx-types';
import { GraphIndex } from './graph';
import type { CalibrationData, CalibrationMethod } from './recipe';
import { addToHistogram, histogramBins, histogramBounds, histogramOfAbs, type TensorStats } from './ranges';

type Feed = CalibrationData['inputs'][number];

function shapeText(shape: ReadonlyArray<number | string | null>): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Every feed must give each model input, float32, with dims that fit the declared shape. */
export function validateFeeds(spec: OnnxModelSpec, feeds: Feed[], what: string): void {
  const index = new GraphIndex(spec);
  const inputs = spec.inputs.filter((input) => index.graphInputs.has(input.name));
  feeds.forEach((feed, sample) => {
    for (const name of Object.keys(feed)) {
      if (!inputs.some((input) => input.name === name)) {
        throw new StudioError('BAD_INPUT', `${what} sample ${sample} has a tensor '${name}', but the model's inputs are ${inputs.map((i) => `'${i.name}'`).join(', ')}.`, { sample: String(sample), tensor: name });
      }
    }
    for (const input of inputs) {
      const tensor = feed[input.name];
      if (!tensor) {
        throw new StudioError('BAD_INPUT', `${what} sample ${sample} has no tensor for the model input '${input.name}'; give one per input.`, { sample: String(sample), tensor: input.name });
      }
      if (toOnnxDataTypeCode(input.elemType) !== OnnxDataType.FLOAT) {
        throw new StudioError('BAD_INPUT', `The model input '${input.name}' is not float32, so float32 ${what.toLowerCase()} cannot feed it.`, { tensor: input.name });
      }
      const declared = input.shape;
      const fits =
        declared === undefined ||
        (declared.length === tensor.dims.length && declared.every((d, i) => typeof d !== 'number' || d === tensor.dims[i]));
      const elements = tensor.dims.reduce((p, d) => p * d, 1);
      if (!fits || elements !== tensor.data.length) {
        const got = elements !== tensor.data.length ? `${shapeText(tensor.dims)} with ${tensor.data.length} values` : shapeText(tensor.dims);
        throw new StudioError(
          'BAD_INPUT',
          `${what} sample ${sample} gives input '${input.name}' the shape ${got}, but the model expects ${shapeText(declared ?? [])}; preprocess the dataset to the model's input shape.`,
          { sample: String(sample), tensor: input.name, expected: shapeText(declared ?? []), actual: shapeText(tensor.dims) },
        );
      }
    }
  });
}

/** The model with extra float32 graph outputs (types only; shapes are left to the runtime). */
export function withFloatOutputs(spec: OnnxModelSpec, names: string[]): OnnxModelSpec {
  const existing = new Set(spec.outputs.map((o) => o.name));
  const extra = names.filter((name) => !existing.has(name)).map((name) => ({ name, elemType: OnnxDataType.FLOAT }));
  return { ...spec, outputs: [...spec.outputs, ...extra] };
}

/** A session over the model with the named float tensors as extra outputs. */
export class ActivationSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly names: string[],
  ) {}

  static async open(spec: OnnxModelSpec, names: string[]): Promise<ActivationSession> {
    const bytes = encodeOnnxModel(withFloatOutputs(spec, names));
    try {
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
      return new ActivationSession(session, names);
    } catch (error) {
      throw new StudioError('RUNTIME', `onnxruntime could not load the model with its activations as outputs: ${(error as Error).message}`, {});
    }
  }

  async run(feed: Feed, sample: number): Promise<Map<string, Float32Array>> {
    const ortFeed: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feed)) ortFeed[name] = new ort.Tensor('float32', tensor.data, tensor.dims);
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(ortFeed, this.names);
    } catch (error) {
      throw new StudioError('RUNTIME', `onnxruntime failed on sample ${sample} while collecting activations: ${(error as Error).message}`, { sample: String(sample) });
    }
    const values = new Map<string, Float32Array>();
    for (const name of this.names) {
      const value = results[name];
      if (!value || !(value.data instanceof Float32Array)) {
        throw new StudioError('INTERNAL', `Tensor '${name}' did not come back as float32 from onnxruntime while collecting activations.`, { tensor: name });
      }
      values.set(name, value.data);
    }
    return values;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Runs the model on each feed, handing the named float outputs to `onSample`. */
export async function runFeeds(
  spec: OnnxModelSpec,
  names: string[],
  feeds: Feed[],
  onSample: (values: Map<string, Float32Array>, sample: number) => void,
): Promise<void> {
  const session = await ActivationSession.open(spec, names);
  try {
    for (let sample = 0; sample < feeds.length; sample += 1) onSample(await session.run(feeds[sample] as Feed, sample), sample);
  } finally {
    await session.release();
  }
}

/**
 * Min/max of each tensor over all feeds; with a histogram method, a second pass bins the values
 * over the range the first pass found.
 */
export async function collectStats(
  spec: OnnxModelSpec,
  names: string[],
  feeds: Feed[],
  method: CalibrationMethod,
  symmetric: boolean,
): Promise<Map<string, TensorStats>> {
  const stats = new Map<string, TensorStats>(names.map((name) => [name, { min: Infinity, max: -Infinity }]));
  await runFeeds(spec, names, feeds, (values) => {
    for (const [name, data] of values) {
      const s = stats.get(name) as TensorStats;
      for (let i = 0; i < data.length; i += 1) {
        const v = data[i] as number;
        if (v < s.min) s.min = v;
        if (v > s.max) s.max = v;
      }
    }
  });
  for (const s of stats.values()) {
    if (!Number.isFinite(s.min) || !Number.isFinite(s.max)) {
      // Empty tensors or all-NaN activations: fall back to a zero range rather than poisoning scales.
      s.min = Number.isFinite(s.min) ? s.min : 0;
      s.max = Number.isFinite(s.max) ? s.max : 0;
    }
  }
  if (method === 'minmax') return stats;
  const ofAbs = histogramOfAbs(method, symmetric);
  for (const s of stats.values()) {
    const { lo, hi } = histogramBounds(s, ofAbs);
    Object.assign(s, { lo, hi, histogram: new Float64Array(histogramBins(method)) });
  }
  await runFeeds(spec, names, feeds, (values) => {
    for (const [name, data] of values) {
      const s = stats.get(name) as TensorStats;
      addToHistogram(s.histogram as Float64Array, s.lo as number, s.hi as number, data, ofAbs, method === 'entropy');
    }
  });
  return stats;
}

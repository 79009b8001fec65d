/**
 * Runs a float model over calibration feeds in onnxruntime-node with chosen intermediate
 * tensors added as graph outputs (as onnxruntime's calibrator augments the graph; tensors inside
 * If/Loop/Scan bodies are brought up by surface.ts), and gathers per-tensor statistics. Sessions
 * run single-threaded so the collected values, and therefore the variant's bytes, do not depend
 * on how work was split between threads.
 */
import * as ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors';
import type { GraphProto, ModelProto } from '../formats/onnx/generated/onnx_pb';
import { elemTypeOf, shapeOf } from '../formats/onnx/onnx-attributes';
import { encodeModelProto } from '../formats/onnx/onnx-codec';
import { onnxDtypeName } from '../formats/onnx/onnx-types';
import { GraphIndex } from './graph';
import type { CalibrationData, CalibrationMethod, CalibrationTensor } from './recipe';
import { addToHistogram, histogramBins, histogramBounds, histogramOfAbs, type TensorStats } from './ranges';
import { type Probe, withProbes } from './surface';

type Feed = CalibrationData['inputs'][number];

function shapeText(shape: ReadonlyArray<number | string | null>): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** The onnxruntime tensor type of each typed array a feed may carry. */
export function ortType(data: CalibrationTensor['data']): ort.Tensor.Type {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int8Array) return 'int8';
  return 'uint8';
}

/** ModelInfo dtype names and onnxruntime's agree except for bool, which feeds carry as uint8. */
function dtypeFits(modelDtype: string, data: CalibrationTensor['data']): boolean {
  const type = ortType(data);
  return modelDtype === type || (modelDtype === 'bool' && type === 'uint8');
}

/** The model's real inputs (IR < 4 lists initializers among them). */
export function modelInputs(model: ModelProto): Array<{ name: string; dtype: string; shape: ReturnType<typeof shapeOf> }> {
  const graph = model.graph as GraphProto;
  const index = new GraphIndex(graph);
  return graph.input.filter((input) => index.graphInputs.has(input.name)).map((input) => ({ name: input.name, dtype: onnxDtypeName(elemTypeOf(input)), shape: shapeOf(input) }));
}

/** Every feed must give each model input, of its dtype, with dims that fit the declared shape. */
export function validateFeeds(model: ModelProto, feeds: Feed[], what: string): void {
  const inputs = modelInputs(model);
  const listed = inputs.map((i) => `'${i.name}'`).join(', ');
  feeds.forEach((feed, sample) => {
    for (const name of Object.keys(feed)) {
      if (!inputs.some((input) => input.name === name)) {
        throw new StudioError('BAD_INPUT', `${what} sample ${sample} has a tensor '${name}', but the model's inputs are ${listed}.`, { sample: String(sample), tensor: name });
      }
    }
    for (const input of inputs) {
      const tensor = feed[input.name];
      if (!tensor) {
        throw new StudioError(
          'BAD_INPUT',
          `${what} sample ${sample} has no tensor for the model input '${input.name}'; the model has ${inputs.length} input(s) (${listed}): ` +
            `give an .npz with one array per input, named after it, the first axis counting samples.`,
          { sample: String(sample), tensor: input.name },
        );
      }
      if (!dtypeFits(input.dtype, tensor.data)) {
        throw new StudioError('BAD_INPUT', `${what} sample ${sample} gives the model input '${input.name}' ${ortType(tensor.data)} values, but it takes ${input.dtype}; store that array as ${input.dtype}.`, {
          tensor: input.name,
        });
      }
      const declared = input.shape;
      const fits = declared === null || (declared.length === tensor.dims.length && declared.every((d, i) => typeof d !== 'number' || d === tensor.dims[i]));
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

/** A session over the model with the probed float tensors as extra outputs. */
export class ActivationSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** Output name per probe; undefined where the tensor could not be surfaced. */
    private readonly outputs: Array<string | undefined>,
  ) {}

  static async open(model: ModelProto, probes: Probe[]): Promise<ActivationSession> {
    const probed = withProbes(model, probes);
    try {
      const session = await ort.InferenceSession.create(encodeModelProto(probed.model), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
      return new ActivationSession(session, probed.outputs);
    } catch (error) {
      throw new StudioError('RUNTIME', `onnxruntime could not load the model with its activations as outputs: ${(error as Error).message}`, {});
    }
  }

  /** Values per probe, in probe order (an empty array for a probe that gave none). */
  async run(feed: Feed, sample: number): Promise<Float32Array[]> {
    const ortFeed: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feed)) ortFeed[name] = new ort.Tensor(ortType(tensor.data), tensor.data, tensor.dims);
    const wanted = [...new Set(this.outputs.filter((name): name is string => name !== undefined))];
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(ortFeed, wanted);
    } catch (error) {
      throw new StudioError('RUNTIME', `onnxruntime failed on sample ${sample} while collecting activations: ${(error as Error).message}`, { sample: String(sample) });
    }
    return this.outputs.map((name) => {
      if (name === undefined) return new Float32Array(0);
      const value = results[name];
      if (!value || !(value.data instanceof Float32Array)) {
        throw new StudioError('INTERNAL', `Tensor '${name}' did not come back as float32 from onnxruntime while collecting activations.`, { tensor: name });
      }
      return value.data;
    });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Runs the model on each feed, handing the probed values (in probe order) to `onSample`. */
export async function runFeeds(model: ModelProto, probes: Probe[], feeds: Feed[], onSample: (values: Float32Array[], sample: number) => void): Promise<void> {
  const session = await ActivationSession.open(model, probes);
  try {
    for (let sample = 0; sample < feeds.length; sample += 1) onSample(await session.run(feeds[sample] as Feed, sample), sample);
  } finally {
    await session.release();
  }
}

/**
 * Min/max of each probed tensor over all feeds; with a histogram method, a second pass bins the
 * values over the range the first pass found. Stats come back in probe order.
 */
export async function collectStats(model: ModelProto, probes: Probe[], feeds: Feed[], method: CalibrationMethod, symmetric: boolean): Promise<TensorStats[]> {
  const stats: TensorStats[] = probes.map(() => ({ min: Infinity, max: -Infinity, values: 0 }));
  await runFeeds(model, probes, feeds, (values) => {
    values.forEach((data, i) => {
      const s = stats[i] as TensorStats;
      s.values += data.length;
      for (let k = 0; k < data.length; k += 1) {
        const v = data[k] as number;
        if (v < s.min) s.min = v;
        if (v > s.max) s.max = v;
      }
    });
  });
  for (const s of stats) {
    if (!Number.isFinite(s.min) || !Number.isFinite(s.max)) {
      // Empty tensors or all-NaN activations: fall back to a zero range rather than poisoning scales.
      s.min = Number.isFinite(s.min) ? s.min : 0;
      s.max = Number.isFinite(s.max) ? s.max : 0;
    }
  }
  if (method === 'minmax') return stats;
  const ofAbs = histogramOfAbs(method, symmetric);
  for (const s of stats) {
    const { lo, hi } = histogramBounds(s, ofAbs);
    Object.assign(s, { lo, hi, histogram: new Float64Array(histogramBins(method)) });
  }
  await runFeeds(model, probes, feeds, (values) => {
    values.forEach((data, i) => {
      const s = stats[i] as TensorStats;
      addToHistogram(s.histogram as Float64Array, s.lo as number, s.hi as number, data, ofAbs, method === 'entropy');
    });
  });
  return stats;
}

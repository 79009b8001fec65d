/**
 * Calibration for full-integer TFLite quantization: the float model runs on the representative
 * samples with its intermediate tensors exposed, and each float activation's [min, max] is kept.
 *
 * Exposing: a copy of the flatbuffer whose subgraph lists every float activation as an output
 * (signature defs dropped, so LiteRT's default signature is the subgraph's own outputs, in order).
 * The copy runs in LiteRT.js in a worker process (src/core/workers/tflite-calibrate-process.ts),
 * so the studio and the CLI stay responsive, a crash in the runtime kills only the worker, and
 * an AbortSignal stops it at once. Samples reach it through a temporary file, not the pipe: 200
 * samples of a 256×256×3 image are 157 MB of float32.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { tensorBytes, encodeTfliteModelFile, type TfliteModel } from '../formats/tflite/tflite-model';
import { TensorType } from '../formats/tflite/tflite-schema';
import type { CalibrationData, CalibrationMethod } from '../quantize/recipe';
import { addToHistogram, histogramBins, histogramBounds, histogramOfAbs, type TensorStats } from '../quantize/ranges';
import { processEntryPath } from '../process-entries';
import { nodeForkSpawner } from '../runner/runner-spawner';
import type { CalibrateReply, CalibrateRequest } from './calibrate-protocol';
import { TfliteQuantRefusal } from './types';

export interface CalibrateOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** How activation ranges are chosen: min/max (one pass), or percentile or entropy over histograms built in a second pass (src/core/quantize/ranges.ts). */
  method?: CalibrationMethod;
  /** Tensors whose mean per channel (last axis) is wanted beside their range (the inputs of ops with weights, for bias correction). */
  channelMeansOf?: number[];
  /** The worker entry; default the built out/cli/tflite-calibrate.js or its source (process-entries.ts). Electron passes its own bundle's path. */
  workerPath?: string;
}

/** A tensor's calibration: its range and, when asked for, its mean per channel (last axis) over every sample and position. */
export interface TfliteTensorStats extends TensorStats {
  channelMeans?: Float64Array;
}

/** At most this many calibration workers, each with at least MIN_SAMPLES_PER_WORKER samples (a worker costs a LiteRT start and compile). */
const MAX_WORKERS = 4;
const MIN_SAMPLES_PER_WORKER = 16;

/** Tensors calibration observes: float32 tensors an operator computes (not constants). */
export function activationTensors(model: TfliteModel): number[] {
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) return [];
  const seen = new Set<number>();
  for (const op of subgraph.operators) {
    for (const t of op.outputs) {
      const tensor = subgraph.tensors[t];
      if (tensor !== undefined && tensor.type === TensorType.FLOAT32 && tensorBytes(model, tensor) === undefined) seen.add(t);
    }
  }
  return [...seen];
}

/** The model with `outputs` as its subgraph's outputs and no signature defs, encoded. */
export function exposeTensors(model: TfliteModel, outputs: number[]): Uint8Array {
  const [subgraph, ...rest] = model.subgraphs;
  if (subgraph === undefined) throw new StudioError('INTERNAL', 'The model has no subgraph to calibrate.');
  const copy: TfliteModel = { ...model, subgraphs: [{ ...subgraph, outputs }, ...rest] };
  delete copy.signatureDefs;
  return encodeTfliteModelFile(copy);
}

/** Feeds as float32, in the model's input order, checked against the inputs' names and sizes. */
function flattenFeeds(model: TfliteModel, calibration: CalibrationData): { bytes: Uint8Array; inputs: CalibrateRequest['inputs'] } {
  const subgraph = model.subgraphs[0];
  const specs = (subgraph?.inputs ?? []).map((t) => subgraph?.tensors[t]).filter((t) => t !== undefined);
  const inputs = specs.map((tensor, i) => {
    const name = tensor.name ?? `input_${i}`;
    const first = calibration.inputs[0]?.[name];
    if (first === undefined) {
      const given = Object.keys(calibration.inputs[0] ?? {}).join(', ') || 'none';
      throw new TfliteQuantRefusal(`The calibration samples have no values for the model's input '${name}' (they have: ${given}); give a dataset whose arrays are named after the model's inputs.`);
    }
    const dims = tensor.shape.map((d, k) => (d > 0 ? d : (first.dims[k] ?? 1)));
    return { name, dims, elements: dims.reduce((a, b) => a * b, 1) };
  });
  const perSample = inputs.reduce((sum, input) => sum + input.elements, 0);
  const all = new Float32Array(perSample * calibration.inputs.length);
  let at = 0;
  calibration.inputs.forEach((feed, sample) => {
    for (const input of inputs) {
      const tensor = feed[input.name];
      if (tensor === undefined || tensor.data.length !== input.elements) {
        const what = tensor === undefined ? 'no values' : `${tensor.data.length} values`;
        throw new TfliteQuantRefusal(`Calibration sample ${sample + 1} has ${what} for input '${input.name}', which takes ${input.elements} ([${input.dims.join(', ')}]); give samples in the model's own layout.`);
      }
      if (tensor.data instanceof BigInt64Array || tensor.data instanceof BigUint64Array) {
        for (let k = 0; k < tensor.data.length; k += 1) all[at + k] = Number(tensor.data[k]);
      } else all.set(tensor.data, at);
      at += input.elements;
    }
  });
  return { bytes: new Uint8Array(all.buffer), inputs };
}

/** min/max per observed tensor index, the model's inputs included (from the samples themselves), and the channel means asked for. */
export async function calibrateTflite(model: TfliteModel, calibration: CalibrationData, options: CalibrateOptions = {}): Promise<Map<number, TfliteTensorStats>> {
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) throw new StudioError('INTERNAL', 'The model has no subgraph to calibrate.');
  const { bytes, inputs } = flattenFeeds(model, calibration);
  const observed = activationTensors(model);
  const stats = new Map<number, TfliteTensorStats>();
  const wantMeans = new Set(options.channelMeansOf ?? []);
  // Input ranges come straight from the samples.
  const perSample = inputs.reduce((sum, input) => sum + input.elements, 0);
  const floats = new Float32Array(bytes.buffer);
  let offset = 0;
  inputs.forEach((input, i) => {
    let min = Infinity;
    let max = -Infinity;
    const t = subgraph.inputs[i];
    const channels = input.dims.at(-1) ?? 1;
    const sums = t !== undefined && wantMeans.has(t) && channels > 0 ? new Float64Array(channels) : undefined;
    for (let s = 0; s < calibration.inputs.length; s += 1) {
      const start = s * perSample + offset;
      for (let k = start; k < start + input.elements; k += 1) {
        const v = floats[k] as number;
        if (v < min) min = v;
        if (v > max) max = v;
        if (sums) sums[(k - start) % channels] = (sums[(k - start) % channels] as number) + v;
      }
    }
    offset += input.elements;
    const count = (input.elements / channels) * calibration.inputs.length;
    if (t !== undefined) stats.set(t, { min, max, values: input.elements * calibration.inputs.length, ...(sums ? { channelMeans: sums.map((v) => v / count) } : {}) });
  });

  const folder = mkdtempSync(join(tmpdir(), 'edgebench-tflite-calibrate-'));
  const method = options.method ?? 'minmax';
  const total = calibration.inputs.length;
  const passes = method === 'minmax' ? 1 : 2;
  try {
    const modelPath = join(folder, 'calibration.tflite');
    const feedsPath = join(folder, 'samples.f32');
    writeFileSync(modelPath, exposeTensors(model, observed));
    writeFileSync(feedsPath, bytes);
    // Samples are split over a few workers (each a LiteRT instance on one thread); the parent only waits.
    const workers = Math.max(1, Math.min(MAX_WORKERS, availableParallelism(), Math.floor(total / MIN_SAMPLES_PER_WORKER)));
    const shares = Array.from({ length: workers }, (_, w) => {
      const first = Math.floor((w * total) / workers);
      return { first, samples: Math.floor(((w + 1) * total) / workers) - first };
    });
    const channelMeans = observed.flatMap((t, position) => (wantMeans.has(t) ? [position] : []));
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    /** One pass over every sample, split over the workers; progress counts both passes of a histogram method. */
    const pass = (index: number, extra: Pick<CalibrateRequest, 'channelMeans' | 'histograms'>): Promise<WorkerResult[]> => {
      const done = new Array<number>(workers).fill(0);
      return Promise.all(
        shares.map((share, w) =>
          runCalibrationWorker({ modelPath, feedsPath, ...share, inputs, outputs: observed.length, ...extra }, {
            signal: controller.signal,
            onProgress: (count) => {
              done[w] = count;
              options.onProgress?.(index * total + done.reduce((a, b) => a + b, 0), passes * total);
            },
            ...(options.workerPath ? { workerPath: options.workerPath } : {}),
          }).catch((error: unknown) => {
            controller.abort(); // one failed: stop the others
            throw error;
          }),
        ),
      );
    };
    try {
      const results = await pass(0, { channelMeans });
      observed.forEach((t, i) => {
        let min = Infinity;
        let max = -Infinity;
        for (const { ranges } of results) {
          const range = ranges[i];
          if (range === null || range === undefined) continue;
          min = Math.min(min, range[0]);
          max = Math.max(max, range[1]);
        }
        if (Number.isFinite(min)) stats.set(t, { min, max, values: total });
      });
      // Each worker's means weigh as many samples as it ran.
      channelMeans.forEach((position, k) => {
        const t = observed[position] as number;
        let sum: Float64Array | undefined;
        results.forEach(({ means }, w) => {
          const mean = means?.[k];
          if (mean === null || mean === undefined) return;
          sum ??= new Float64Array(mean.length);
          const weight = (shares[w]?.samples ?? 0) / total;
          mean.forEach((v, c) => ((sum as Float64Array)[c] = ((sum as Float64Array)[c] as number) + v * weight));
        });
        const known = stats.get(t);
        if (known && sum) known.channelMeans = sum;
      });
      if (method !== 'minmax') {
        // Second pass: histograms over the ranges the first pass saw, as the ONNX quantizer builds them (ranges.ts).
        const ofAbs = histogramOfAbs(method, false);
        const skipZeros = method === 'entropy';
        const bins = histogramBins(method);
        const bounds = observed.map((t) => {
          const known = stats.get(t);
          return known === undefined ? null : { ...histogramBounds(known, ofAbs), ofAbs };
        });
        const second = await pass(1, { histograms: { bins, skipZeros, ranges: bounds } });
        observed.forEach((t, i) => {
          const known = stats.get(t);
          const range = bounds[i];
          if (known === undefined || range === null || range === undefined) return;
          const histogram = new Float64Array(bins);
          for (const { histograms } of second) histograms?.[i]?.forEach((count, b) => (histogram[b] = (histogram[b] as number) + count));
          Object.assign(known, { histogram, lo: range.lo, hi: range.hi });
        });
        // The model's inputs: their histograms from the samples themselves.
        inputHistograms(subgraph.inputs, inputs, floats, total, stats, { bins, ofAbs, skipZeros });
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    return stats;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Histograms of the model's inputs over their ranges, straight from the samples (the second pass's counterpart for inputs). */
function inputHistograms(
  inputTensors: number[],
  inputs: CalibrateRequest['inputs'],
  floats: Float32Array,
  samples: number,
  stats: Map<number, TfliteTensorStats>,
  spec: { bins: number; ofAbs: boolean; skipZeros: boolean },
): void {
  const perSample = inputs.reduce((sum, input) => sum + input.elements, 0);
  let offset = 0;
  inputs.forEach((input, i) => {
    const known = stats.get(inputTensors[i] ?? -1);
    if (known !== undefined) {
      const { lo, hi } = histogramBounds(known, spec.ofAbs);
      const histogram = new Float64Array(spec.bins);
      for (let s = 0; s < samples; s += 1) addToHistogram(histogram, lo, hi, floats.subarray(s * perSample + offset, s * perSample + offset + input.elements), spec.ofAbs, spec.skipZeros);
      Object.assign(known, { histogram, lo, hi });
    }
    offset += input.elements;
  });
}

type WorkerResult = Pick<Extract<CalibrateReply, { type: 'ranges' }>, 'ranges' | 'means' | 'histograms'>;

function runCalibrationWorker(request: CalibrateRequest, options: { signal: AbortSignal; onProgress: (done: number) => void; workerPath?: string }): Promise<WorkerResult> {
  const child = nodeForkSpawner({ runnerPath: options.workerPath ?? processEntryPath('tflite-calibrate') }).spawn();
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, result?: WorkerResult): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result ?? { ranges: [] });
    };
    const onAbort = (): void => finish(new StudioError('CANCELLED', 'Calibration was cancelled.'));
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.onLine('stderr', (line) => {
      log.push(line);
      if (log.length > 20) log.shift();
    });
    child.onLine('stdout', (line) => {
      let reply: CalibrateReply;
      try {
        reply = JSON.parse(line) as CalibrateReply;
      } catch {
        log.push(line);
        return;
      }
      if (reply.type === 'progress') options.onProgress(reply.done);
      else if (reply.type === 'ranges') finish(null, reply);
      else finish(new StudioError('RUNTIME', `Calibration in LiteRT failed: ${reply.message.replace(/\.$/, '')}.`, { runnerLog: log.join('\n') }));
    });
    void child.exited.then((exit) => {
      const how = exit.signal ? `with signal ${exit.signal}` : `with code ${exit.code}`;
      finish(new StudioError('RUNNER', `The calibration worker exited ${how} before answering; its last words: ${log.slice(-3).join(' | ') || '(none)'}`, { runnerLog: log.join('\n') }));
    });
    if (options.signal.aborted) onAbort();
    else child.send(JSON.stringify(request));
  });
}

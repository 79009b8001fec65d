/**
 * Worker process for TFLite full-integer calibration (src/core/quantize-tflite/calibrate-tflite.ts
 * starts it): runs the calibration copy of a model (every float activation listed as an output)
 * in LiteRT.js over the samples and reports each output's min and max. Inference runs here, not in
 * the studio or CLI process, so they stay responsive and a model that crashes LiteRT kills only
 * this process.
 *
 * Protocol, one JSON object a line: the parent sends one request; this process answers with
 * `progress` lines and one `ranges` or `error` line on stdout (everything else goes to stderr).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import type { Tensor } from '@litertjs/core';
import { toErrorData } from '../../shared/errors';
import { addToHistogram } from '../quantize/ranges';
import { openLiteRtModel } from '../runner/runtimes/litert';
import { floatToDtype } from '../runner/tensor-convert';
import type { CalibrateReply, CalibrateRequest } from '../quantize-tflite/calibrate-protocol';

const toStderr = (...args: unknown[]): void => void process.stderr.write(`${format(...args)}\n`);
console.log = toStderr;
console.info = toStderr;

const send = (reply: CalibrateReply): void => void process.stdout.write(`${JSON.stringify(reply)}\n`);

async function calibrate(request: CalibrateRequest): Promise<CalibrateReply> {
  const model = await openLiteRtModel(request.modelPath, 1);
  const feeds = readFileSync(request.feedsPath);
  const floatsPerSample = request.inputs.reduce((sum, input) => sum + input.elements, 0);
  const outputs = model.compiled.getOutputDetails().length;
  if (outputs !== request.outputs) {
    throw new Error(`the calibration copy has ${outputs} outputs in LiteRT, ${request.outputs} were listed`);
  }
  const min = new Array<number>(outputs).fill(Infinity);
  const max = new Array<number>(outputs).fill(-Infinity);
  // Per-channel sums (last axis) of the tensors bias correction needs, over every element of every sample.
  const meanAt = new Map((request.channelMeans ?? []).map((o, k) => [o, k]));
  const sums: Array<Float64Array | null> = (request.channelMeans ?? []).map(() => null);
  const counts = new Array<number>(sums.length).fill(0);
  const histogramSpec = request.histograms;
  const histograms = (histogramSpec?.ranges ?? []).map((range) => (range === null ? null : new Float64Array(histogramSpec?.bins ?? 0)));
  const { Tensor: TensorClass } = model.library;
  try {
    for (let sample = 0; sample < request.samples; sample += 1) {
      const tensors: Tensor[] = [];
      try {
        let at = (request.first + sample) * floatsPerSample * 4;
        for (const [i, input] of request.inputs.entries()) {
          const values = new Float32Array(feeds.buffer.slice(feeds.byteOffset + at, feeds.byteOffset + at + input.elements * 4));
          at += input.elements * 4;
          const dtype = model.inputs[i]?.dtype ?? 'float32';
          const data = floatToDtype(input.name, dtype, values) as Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;
          tensors.push(new TensorClass(data, input.dims));
        }
        const results = await model.compiled.run(tensors);
        results.forEach((result, o) => {
          const values = result.toTypedArray();
          const k = meanAt.get(o);
          const channels = k === undefined ? 0 : (result.type.layout.dimensions.at(-1) ?? 0);
          result.delete();
          let lo = min[o] as number;
          let hi = max[o] as number;
          if (k !== undefined && channels > 0 && values.length > 0) {
            // Range and channel sums in one pass, row by row (no i % channels per element): this runs over most activations of every sample.
            const sum = sums[k] ?? new Float64Array(channels);
            sums[k] = sum;
            for (let row = 0; row < values.length; row += channels) {
              for (let c = 0; c < channels; c += 1) {
                const v = values[row + c] as number;
                if (v < lo) lo = v;
                if (v > hi) hi = v;
                sum[c] = (sum[c] as number) + v;
              }
            }
            counts[k] = (counts[k] as number) + values.length / channels;
          } else {
            for (let i = 0; i < values.length; i += 1) {
              const v = values[i] as number;
              if (v < lo) lo = v;
              if (v > hi) hi = v;
            }
          }
          min[o] = lo;
          max[o] = hi;
          const histogram = histograms[o];
          const bounds = histogramSpec?.ranges[o];
          if (histogram && bounds) addToHistogram(histogram, bounds.lo, bounds.hi, values as Float32Array, bounds.ofAbs, histogramSpec?.skipZeros ?? false);
        });
      } finally {
        for (const tensor of tensors) tensor.delete();
      }
      send({ type: 'progress', done: sample + 1, total: request.samples });
    }
  } finally {
    model.compiled.delete();
  }
  // JSON has no Infinity: an output never seen (empty tensor) comes back as null.
  const ranges = min.map((lo, o): [number, number] | null => (Number.isFinite(lo) ? [lo, max[o] as number] : null));
  const means = sums.map((sum, k) => (sum === null ? null : Array.from(sum, (v) => v / (counts[k] as number))));
  return {
    type: 'ranges',
    ranges,
    ...(means.length > 0 ? { means } : {}),
    ...(histogramSpec ? { histograms: histograms.map((h) => (h === null ? null : Array.from(h))) } : {}),
  };
}

let started = false;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
// The parent keeps stdin open while it waits for the answer: closed means the parent is gone (killed,
// or its own Ctrl+C), and nobody will read the ranges, so this process must not outlive it.
lines.on('close', () => process.exit(1));
lines.on('line', (line) => {
  if (started) return;
  started = true;
  void (async () => {
    try {
      send(await calibrate(JSON.parse(line) as CalibrateRequest));
    } catch (error) {
      const data = toErrorData(error);
      send({ type: 'error', message: data.message });
    }
    process.stdout.write('', () => process.exit(0));
  })();
});

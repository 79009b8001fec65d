/**
 * The TFLite part of `npm run bench:quant` (issue 14's figure): full-integer int8 quantization of
 * a MediaPipe model from node_modules, calibrated on 200 seeded samples (its activations exposed as
 * outputs and run in LiteRT in a worker, src/core/quantize-tflite), timed end to end; the goal is
 * under 30 s. Also times dynamic range and fp16 on the same model, and prints each variant's size.
 * The parameter count printed is the model's own (its constants' elements), not a target.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeTfliteModel, encodeTfliteModelFile } from '../src/core/formats/tflite/tflite-model';
import { quantizeTflite, TfliteQuantRefusal } from '../src/core/quantize-tflite';
import { dropUnreadBuffers, foldFloat16Dequantize } from '../src/core/quantize-tflite/float-weights';
import { elementCount, seededRandom } from '../src/core/runner/input-data';

/** Goal of issue 14: calibration (200 samples) and quantization of a ~5 M-parameter model. */
const GOAL_SECONDS = 30;

export interface TfliteBenchOptions {
  /** A .tflite path, relative to the repository; default MediaPipe's pose_landmark_full (3.2 M parameters). */
  model: string;
  samples: number;
}

export const DEFAULT_TFLITE_BENCH_MODEL = 'node_modules/@mediapipe/pose/pose_landmark_full.tflite';

export async function benchTfliteQuant({ model: file, samples }: TfliteBenchOptions): Promise<void> {
  const fileBytes = new Uint8Array(readFileSync(path.resolve(file)));
  const model = decodeTfliteModel(fileBytes, path.basename(file));
  // MediaPipe stores float16 weights: every mode starts from the float32 model the file stands for, and sizes are against it.
  const folded = foldFloat16Dequantize(model).length;
  dropUnreadBuffers(model);
  const bytes = encodeTfliteModelFile(model);
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) throw new Error(`${file} has no subgraph.`);
  let parameters = 0;
  for (const tensor of subgraph.tensors) if ((model.buffers[tensor.buffer]?.data?.byteLength ?? 0) > 0) parameters += elementCount(tensor.shape);
  console.log(
    `\nTFLite: ${path.basename(file)}, ${(parameters / 1e6).toFixed(2)}M parameters, ${(bytes.byteLength / 1e6).toFixed(1)} MB as float32${folded > 0 ? ` (the file, ${(fileBytes.byteLength / 1e6).toFixed(1)} MB, stores them as float16)` : ''}`,
  );

  const inputs = subgraph.inputs.map((index) => subgraph.tensors[index]);
  // Seeded uniform [0, 1): what MediaPipe's image models are fed (normalized pixels).
  const calibration = {
    inputs: Array.from({ length: samples }, (_, sample) =>
      Object.fromEntries(
        inputs.map((tensor, i) => {
          const next = seededRandom(1000 + sample * 16 + i);
          const shape = tensor?.shape ?? [];
          return [tensor?.name ?? `input_${i}`, { dims: [...shape], data: Float32Array.from({ length: elementCount(shape) }, () => next()) }];
        }),
      ),
    ),
  };

  const modes = [
    { label: `int8 full integer, ${samples} calibration samples`, options: { mode: 'int8' as const, io: 'int8' as const, calibration } },
    { label: 'int8 dynamic range', options: { mode: 'dynamic' as const } },
    { label: 'fp16', options: { mode: 'fp16' as const } },
  ];
  console.log('Quantization time (full integer includes calibration in LiteRT):');
  for (const { label, options } of modes) {
    const start = performance.now();
    try {
      const result = await quantizeTflite(bytes, options);
      const seconds = (performance.now() - start) / 1000;
      const goal = options.mode === 'int8' ? `   goal < ${GOAL_SECONDS} s: ${seconds < GOAL_SECONDS ? 'met' : 'NOT met'}` : '';
      console.log(`  ${label.padEnd(44)} ${seconds.toFixed(2).padStart(6)} s   ${(result.bytes.byteLength / 1e6).toFixed(2).padStart(5)} MB (${((100 * result.bytes.byteLength) / bytes.byteLength).toFixed(1)}% of float32)${goal}`);
    } catch (error) {
      // Full integer is another part of issue 14; until it quantizes this model, say so instead of a figure.
      const why = error instanceof TfliteQuantRefusal ? error.message : error instanceof Error ? error.message : String(error);
      console.log(`  ${label.padEnd(44)} not available: ${why}`);
    }
  }
}

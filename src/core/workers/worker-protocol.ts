/**
 * Heavy one-shot tasks that run inference (quantization calibration, per-layer SQNR) run in a
 * worker process, like benchmarks run in a runner: a model that crashes onnxruntime kills the
 * worker, not the studio. Protocol: one request line on stdin (or Electron's parentPort), then
 * progress lines and one result or error line on stdout.
 */
import { z } from 'zod';
import { CalibrationMethod, PrunedLayer, PruneRecipe, QuantRecipe, TfliteIo } from '../../shared/variants';

export const WorkerRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('quantize'),
    modelPath: z.string(),
    outPath: z.string(),
    recipe: QuantRecipe,
    /** Calibration source (static mode): a dataset folder, or an .npz with one array per model input. */
    datasetDir: z.string().optional(),
    calibrationSamples: z.number().int().min(1).default(200),
    /** The CPU the variant is for (a target's probe), which resolves weightRange 'auto'; default the worker's machine. */
    targetCpu: z.object({ arch: z.string(), cpuFeatures: z.array(z.string()), label: z.string() }).optional(),
    /** File name of the variant's side file, when its parent keeps weights in external data; written next to outPath. */
    externalDataName: z.string().optional(),
  }),
  z.object({
    /** A TFLite variant (src/core/quantize-tflite): weight-only dynamic or fp16, or full-integer int8 calibrated on datasetDir. */
    type: z.literal('quantizeTflite'),
    modelPath: z.string(),
    outPath: z.string(),
    mode: z.enum(['dynamic', 'fp16', 'int8']),
    io: TfliteIo.optional(),
    exclude: z.array(z.string()).default([]),
    datasetDir: z.string().optional(),
    calibrationSamples: z.number().int().min(1).default(200),
    /** int8 mode's choices beyond the spec (TfliteQuantOptions): range method, per-channel dense weights, bias correction. */
    method: CalibrationMethod.optional(),
    percentile: z.number().gt(0).max(100).optional(),
    denseWeights: z.enum(['per-tensor', 'per-channel']).optional(),
    biasCorrection: z.boolean().optional(),
  }),
  z.object({
    /** A pruned variant (src/core/prune): weights zeroed or convolution channels removed; no inference, but large models take seconds. */
    type: z.literal('prune'),
    modelPath: z.string(),
    outPath: z.string(),
    recipe: PruneRecipe,
  }),
  z.object({
    type: z.literal('layerSqnr'),
    floatPath: z.string(),
    qdqPath: z.string(),
    datasetDir: z.string(),
    samples: z.number().int().min(1).default(50),
  }),
]);
export type WorkerRequest = z.input<typeof WorkerRequest>;

export const SkippedNode = z.object({ node: z.string(), opType: z.string(), reason: z.string() });

export const QuantizeOutcome = z.object({
  type: z.literal('quantized'),
  quantizedNodes: z.array(z.string()),
  skipped: z.array(SkippedNode),
  recipe: QuantRecipe,
  calibrationSamples: z.number().int(),
  opset: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
  notes: z.array(z.string()),
  /** The side file written next to outPath (its name as the variant's external data names it). */
  externalDataFile: z.string().optional(),
});
export type QuantizeOutcome = z.infer<typeof QuantizeOutcome>;

export const TfliteOpNote = z.object({ op: z.number().int(), opName: z.string(), reason: z.string() });

export const QuantizeTfliteOutcome = z.object({
  type: z.literal('quantizedTflite'),
  mode: z.enum(['dynamic', 'fp16', 'int8']),
  io: TfliteIo,
  quantizedOps: z.array(TfliteOpNote),
  keptFloat: z.array(TfliteOpNote),
  calibrationSamples: z.number().int(),
  notes: z.array(z.string()),
});
export type QuantizeTfliteOutcome = z.infer<typeof QuantizeTfliteOutcome>;

export const PruneOutcome = z.object({
  type: z.literal('pruned'),
  overall: z.number(),
  parameters: z.object({ before: z.number().int(), after: z.number().int() }),
  macs: z.object({ before: z.number(), after: z.number() }),
  layers: z.array(PrunedLayer),
  skipped: z.array(SkippedNode),
  speedup: z.array(z.object({ engine: z.string(), answer: z.enum(['yes', 'no']), reason: z.string() })),
  notes: z.array(z.string()),
});
export type PruneOutcome = z.infer<typeof PruneOutcome>;

export const LayerSqnrRow = z.object({ tensor: z.string(), node: z.string(), opType: z.string(), sqnrDb: z.number() });
export const LayerSqnrOutcome = z.object({ type: z.literal('layerSqnr'), layers: z.array(LayerSqnrRow) });

export const WorkerReply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), message: z.string() }),
  QuantizeOutcome,
  QuantizeTfliteOutcome,
  PruneOutcome,
  LayerSqnrOutcome,
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type WorkerReply = z.infer<typeof WorkerReply>;

/**
 * The TFLite quantizer's one interface (issue 14 item 1). Weight-only modes (dynamic range,
 * float16) live in weight-only.ts; full integer, with its calibration, in full-int8.ts; the
 * dispatcher `quantizeTflite` in index.ts picks one. Every mode reads and writes the model through
 * the schema-driven codec (src/core/formats/tflite/tflite-model.ts), so no table is lost.
 */
import type { CalibrationData, CalibrationMethod } from '../quantize/recipe';

/** dynamic: int8 weights, float activations (hybrid kernels); fp16: float16 weights; int8: full integer, calibrated. */
export type TfliteQuantMode = 'dynamic' | 'fp16' | 'int8';

/** Type of the model's inputs and outputs in full-integer mode (the converter's inference_input_type / inference_output_type). */
export type TfliteIoType = 'int8' | 'uint8' | 'float';

export interface TfliteQuantOptions {
  mode: TfliteQuantMode;
  /** int8 mode only; default 'float' (a QUANTIZE op after each input, a DEQUANTIZE before each output), as TFLite's converter does. */
  io?: TfliteIoType;
  /** Operator indices ("op:12"), tensor names or builtin op names ("SOFTMAX") kept in float (dynamic and fp16 modes only: full integer has no float islands). */
  exclude?: string[];
  /** int8 mode: representative samples, keyed by the model's input tensor names, in the float model's own layout (NHWC for images). */
  calibration?: CalibrationData;
  /** int8 mode: how activation ranges come from the samples; default 'minmax' (TFLite's converter's own). 'percentile' clips outliers, with a second calibration pass; 'entropy' is refused (full-int8.ts says why). */
  calibrationMethod?: CalibrationMethod;
  /** With 'percentile': the share of values kept, in percent (default 99.999, as the ONNX quantizer). */
  percentile?: number;
  /** int8 mode: FULLY_CONNECTED weights per tensor (the spec's, and every TFLite kernel's, default) or per output channel (TFLite 2.15+ and recent TFLite Micro kernels). */
  denseWeights?: 'per-tensor' | 'per-channel';
  /** int8 mode: fold the mean error of the int8 weights on the calibration samples into each bias (default true: measured with scripts/quantize-real-tflite.ts and quantize-converted-onnx.ts, it lowered the error clearly on the MediaPipe models and PaddleOCR's detector, and changed PaddleOCR's classifier and recogniser by about ±1 % either way). */
  biasCorrection?: boolean;
  signal?: AbortSignal;
  /** Called as work advances (calibration sample `done` of `total`, then the rewrite). */
  onProgress?: (progress: { stage: 'calibrate' | 'quantize'; done: number; total: number }) => void;
}

/** An operator that stays float (dynamic, fp16) or that makes full-integer mode refuse the model. */
export interface TfliteOpNote {
  /** Index of the operator in subgraph 0's operator list. */
  op: number;
  /** Builtin name as in the schema, e.g. "CONV_2D", or the custom code. */
  opName: string;
  reason: string;
}

export interface TfliteQuantResult {
  bytes: Uint8Array;
  mode: TfliteQuantMode;
  /** 'float' for the weight-only modes. */
  io: TfliteIoType;
  /** Operators whose weights (dynamic, fp16) or whose computation (int8) are now quantized, in order. */
  quantizedOps: TfliteOpNote[];
  /** Operators left float, each with why. Empty in int8 mode (it refuses instead). */
  keptFloat: TfliteOpNote[];
  calibrationSamples: number;
  /** One sentence per choice the options did not spell out (per-channel for convolutions, fixed Softmax output scale, ...). */
  notes: string[];
}

/**
 * Raised when a model cannot be quantized as asked; `message` is one sentence that names the op (or
 * the missing calibration) and says what to do. The CLI turns it into exit 2.
 */
export class TfliteQuantRefusal extends Error {
  constructor(
    message: string,
    readonly ops: TfliteOpNote[] = [],
  ) {
    super(message);
    this.name = 'TfliteQuantRefusal';
  }
}

/** Signature of full-int8.ts's entry point, so the dispatcher and the full-integer helper agree. */
export type QuantizeTfliteFullInt8 = (model: Uint8Array, options: TfliteQuantOptions & { mode: 'int8' }) => Promise<TfliteQuantResult>;
/** Signature of weight-only.ts's entry point. */
export type QuantizeTfliteWeightOnly = (model: Uint8Array, options: TfliteQuantOptions & { mode: 'dynamic' | 'fp16' }) => Promise<TfliteQuantResult>;

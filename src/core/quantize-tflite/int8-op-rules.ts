/**
 * Which builtin operators full-integer mode can quantize, and how, per TFLite's 8-bit
 * quantization specification (tensorflow/lite/g3doc/performance/quantization_spec.md):
 *  - weights int8, symmetric (zero point 0, [-127, 127]): per channel along dim 0 for CONV_2D and
 *    dim 3 for DEPTHWISE_CONV_2D, per tensor for FULLY_CONNECTED;
 *  - biases int32, scale input_scale × weight_scale (per channel where the weights are), zero point 0;
 *  - activations int8 per tensor, asymmetric ([-128, 127], any zero point);
 *  - 'shared': "input and outputs must all have same scale/zero_point" (pools, reshapes, pads,
 *    concatenation, resize, transpose...);
 *  - 'fixed': outputs whose parameters the spec sets (LOGISTIC and SOFTMAX 1/256 and -128; TANH
 *    and L2_NORMALIZATION 1/128 and 0; LOG_SOFTMAX 16/256 and 127).
 * An operator not in this table has no int8 kernel among TFLite's builtins as far as the studio
 * knows, so full-integer mode refuses the model and names it.
 *
 * `version` is the operator version TFLite's converter records for the op's int8 kernel
 * (tensorflow/lite/tools/versioning/op_version.cc); a model's own higher version is kept.
 */
import { BuiltinOperator } from '../formats/tflite/tflite-schema';

export type Int8OutputRule =
  | { kind: 'own' }
  | { kind: 'shared' }
  | { kind: 'fixed'; scale: number; zeroPoint: number };

export interface Int8OpRule {
  version: number;
  output: Int8OutputRule;
  /** Input index of the constant weights, and the channel axis (undefined: per tensor); `optionalAxis`: the axis when the user asks for per-channel weights where the spec's default is per tensor. */
  weight?: { input: number; axis: number | undefined; optionalAxis?: number };
  /** Input index of the optional bias (int32, scale input × weight). */
  bias?: number;
}

const own: Int8OutputRule = { kind: 'own' };
const shared: Int8OutputRule = { kind: 'shared' };
const fixed = (scale: number, zeroPoint: number): Int8OutputRule => ({ kind: 'fixed', scale, zeroPoint });

const B = BuiltinOperator;

export const INT8_OP_RULES: ReadonlyMap<number, Int8OpRule> = new Map<number, Int8OpRule>([
  [B.CONV_2D, { version: 3, output: own, weight: { input: 1, axis: 0 }, bias: 2 }],
  [B.DEPTHWISE_CONV_2D, { version: 3, output: own, weight: { input: 1, axis: 3 }, bias: 2 }],
  [B.FULLY_CONNECTED, { version: 4, output: own, weight: { input: 1, axis: undefined, optionalAxis: 0 }, bias: 2 }],
  [B.ADD, { version: 2, output: own }],
  [B.SUB, { version: 2, output: own }],
  [B.MUL, { version: 2, output: own }],
  [B.MEAN, { version: 2, output: own }],
  [B.SUM, { version: 2, output: own }],
  [B.RSQRT, { version: 2, output: own }],
  // Both operands are activations (attention's Q·Kᵀ and P·V): int8 per tensor, any zero point.
  [B.BATCH_MATMUL, { version: 2, output: own }],
  [B.RELU, { version: 2, output: own }],
  [B.RELU6, { version: 2, output: own }],
  [B.LEAKY_RELU, { version: 2, output: own }],
  [B.HARD_SWISH, { version: 1, output: own }],
  // The slope (alpha) is a constant quantized like an activation: int8 per tensor, asymmetric over its values (TFLite's operator_property.cc lists both inputs as plain tensors).
  [B.PRELU, { version: 1, output: own }],
  [B.LOGISTIC, { version: 2, output: fixed(1 / 256, -128) }],
  [B.SOFTMAX, { version: 2, output: fixed(1 / 256, -128) }],
  [B.TANH, { version: 2, output: fixed(1 / 128, 0) }],
  [B.L2_NORMALIZATION, { version: 2, output: fixed(1 / 128, 0) }],
  [B.LOG_SOFTMAX, { version: 2, output: fixed(16 / 256, 127) }],
  [B.AVERAGE_POOL_2D, { version: 2, output: shared }],
  [B.MAX_POOL_2D, { version: 2, output: shared }],
  [B.CONCATENATION, { version: 2, output: shared }],
  [B.RESHAPE, { version: 1, output: shared }],
  [B.SQUEEZE, { version: 1, output: shared }],
  [B.EXPAND_DIMS, { version: 1, output: shared }],
  [B.PAD, { version: 2, output: shared }],
  [B.PADV2, { version: 2, output: shared }],
  [B.TRANSPOSE, { version: 2, output: shared }],
  [B.RESIZE_BILINEAR, { version: 2, output: shared }],
  [B.RESIZE_NEAREST_NEIGHBOR, { version: 2, output: shared }],
  [B.SPACE_TO_DEPTH, { version: 2, output: shared }],
  [B.DEPTH_TO_SPACE, { version: 2, output: shared }],
  [B.BATCH_TO_SPACE_ND, { version: 2, output: shared }],
  [B.SPACE_TO_BATCH_ND, { version: 2, output: shared }],
  [B.SLICE, { version: 2, output: shared }],
  [B.STRIDED_SLICE, { version: 2, output: shared }],
  [B.GATHER, { version: 2, output: shared }],
  [B.SPLIT, { version: 2, output: shared }],
  [B.MAXIMUM, { version: 2, output: shared }],
  [B.MINIMUM, { version: 2, output: shared }],
]);

/** Ops that make full-integer mode refuse with a reason of their own (beside "no int8 kernel"). */
export function refusalReason(builtin: number, customCode: string | undefined): string | undefined {
  if (builtin === B.CUSTOM) return `custom operator '${customCode ?? ''}' has no builtin int8 kernel`;
  if (builtin === B.QUANTIZE || builtin === B.DEQUANTIZE) return 'the model is already (partly) quantized';
  // A DENSIFY of stored sparse weights is decoded before this check (densify.ts); one left reads something else.
  if (builtin === B.DENSIFY) return 'it densifies a tensor that is not stored sparse weights, which full-integer mode cannot decode';
  if (!INT8_OP_RULES.has(builtin)) return 'TFLite has no int8 kernel for it that the studio knows of';
  return undefined;
}

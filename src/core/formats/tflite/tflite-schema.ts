/**
 * What the studio reads from TFLite's schema, all of it from the generated field ids and enum
 * values (generated/tflite_schema.ts, `npm run gen:tflite` from scripts/schemas/tflite/schema.fbs);
 * this file only derives lookups from them and adds what the schema does not know.
 */
import { BuiltinOperator, TensorType } from './generated/tflite_schema';

export * from './generated/tflite_schema';

/** The BuiltinOperator enum under the shorter name the readers use. */
export const BuiltinOp = BuiltinOperator;

/** BuiltinOperator names, index = enum value. */
export const BUILTIN_OPERATOR_NAMES: readonly string[] = namesByValue(BuiltinOperator);

/** ModelInfo dtype names, index = TensorType value: the enum names in lower case ('float32', 'int8'...). */
const TENSOR_TYPE_NAMES: readonly string[] = namesByValue(TensorType).map((name) => name.toLowerCase());

/**
 * Custom ops whose MACs are known: MediaPipe's transposed convolution with bias
 * (mediapipe/util/tflite/operations/transpose_conv_bias), inputs [data NHWC, weights
 * [Cout, kh, kw, Cin], bias], the same arithmetic as TRANSPOSE_CONV.
 */
export const TRANSPOSED_CONV_CUSTOM_OPS: ReadonlySet<string> = new Set(['Convolution2DTransposeBias']);

/** Codes past the end of the schema are shown as BUILTIN_<code>, so a newer model still inspects. */
export function builtinOperatorName(code: number): string {
  return BUILTIN_OPERATOR_NAMES[code] ?? `BUILTIN_${code}`;
}

export function tensorTypeName(code: number): string {
  return TENSOR_TYPE_NAMES[code] ?? `tflite-type-${code}`;
}

/** The TensorType value of a ModelInfo dtype name, or undefined when TFLite has no such type. */
export function tensorTypeCode(dtype: string): number | undefined {
  const code = TENSOR_TYPE_NAMES.indexOf(dtype);
  return code < 0 ? undefined : code;
}

function namesByValue(enumeration: Readonly<Record<string, number>>): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(enumeration)) names[value] ??= name;
  return names;
}

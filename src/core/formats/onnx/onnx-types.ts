/**
 * ONNX enums shared by the ONNX reader and writer.
 * Values are TensorProto.DataType and AttributeProto.AttributeType of onnx/onnx.proto
 * (checked against onnx.proto as of ONNX 1.19, which added UINT2/INT2).
 */

export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
  UINT2: 25,
  INT2: 26,
} as const;

export type OnnxDataTypeName = keyof typeof OnnxDataType;
export type OnnxDataTypeCode = (typeof OnnxDataType)[OnnxDataTypeName];

/**
 * The lower-case dtype names ModelInfo uses (src/shared/model-info.ts), by ONNX code.
 * They follow numpy/onnxruntime spelling (float32, not "float") so that ONNX, TFLite and
 * TF.js tensors read the same in the UI.
 */
const DTYPE_BY_CODE: Record<number, string> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
  24: 'float8e8m0',
  25: 'uint2',
  26: 'int2',
};

/** ModelInfo dtype name for an ONNX DataType code; unknown codes become "onnx-type-<code>" so nothing is hidden. */
export function onnxDtypeName(code: number): string {
  return DTYPE_BY_CODE[code] ?? `onnx-type-${code}`;
}

/** Bytes per element for fixed-width types; undefined for STRING, sub-byte types and unknown codes. */
export function onnxElementSizeBytes(code: number): number | undefined {
  switch (code) {
    case OnnxDataType.FLOAT:
    case OnnxDataType.INT32:
    case OnnxDataType.UINT32:
      return 4;
    case OnnxDataType.UINT8:
    case OnnxDataType.INT8:
    case OnnxDataType.BOOL:
    case OnnxDataType.FLOAT8E4M3FN:
    case OnnxDataType.FLOAT8E4M3FNUZ:
    case OnnxDataType.FLOAT8E5M2:
    case OnnxDataType.FLOAT8E5M2FNUZ:
    case OnnxDataType.FLOAT8E8M0:
      return 1;
    case OnnxDataType.UINT16:
    case OnnxDataType.INT16:
    case OnnxDataType.FLOAT16:
    case OnnxDataType.BFLOAT16:
      return 2;
    case OnnxDataType.INT64:
    case OnnxDataType.UINT64:
    case OnnxDataType.DOUBLE:
    case OnnxDataType.COMPLEX64:
      return 8;
    case OnnxDataType.COMPLEX128:
      return 16;
    default:
      return undefined;
  }
}

/** AttributeProto.AttributeType. */
export const OnnxAttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export type OnnxAttributeTypeName = keyof typeof OnnxAttributeType;

/** Resolves a DataType given as a code or an upper-case name ("FLOAT", "INT8"). */
export function toOnnxDataTypeCode(value: number | OnnxDataTypeName): number {
  return typeof value === 'number' ? value : OnnxDataType[value];
}

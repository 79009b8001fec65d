/**
 * TensorProto data in and out: the elements of a tensor as the typed array its DataType is held
 * in (from raw_data or the typed *_data fields), and new tensors from typed arrays (always as
 * raw_data, little-endian, as onnx.proto prescribes).
 */
import { create } from '@bufbuild/protobuf';
import { StudioError } from '../../../shared/errors';
import { type TensorProto, TensorProtoSchema } from './generated/onnx_pb';
import { OnnxDataType, type OnnxDataTypeName, onnxElementSizeBytes, toOnnxDataTypeCode } from './onnx-types';
import type { OnnxTensorData, OnnxTensorSpec } from './onnx-writer';

/** TensorProto.DataLocation.EXTERNAL: the data lives in a side file (see onnx-external.ts). */
export const DATA_LOCATION_EXTERNAL = 1;

type TypedArrayCtor = {
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
  new (length: number): OnnxTensorData;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): OnnxTensorData;
};

/** Elements per byte of the packed sub-byte types (low bits first). */
const ELEMENTS_PER_BYTE: Partial<Record<number, number>> = {
  [OnnxDataType.UINT4]: 2,
  [OnnxDataType.INT4]: 2,
  [OnnxDataType.FLOAT4E2M1]: 2,
  [OnnxDataType.UINT2]: 4,
  [OnnxDataType.INT2]: 4,
};

const ARRAY_BY_TYPE: Partial<Record<OnnxDataTypeName, TypedArrayCtor>> = {
  FLOAT: Float32Array,
  COMPLEX64: Float32Array,
  DOUBLE: Float64Array,
  COMPLEX128: Float64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  UINT16: Uint16Array,
  FLOAT16: Uint16Array,
  BFLOAT16: Uint16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
  INT64: BigInt64Array,
  UINT64: BigUint64Array,
};

/** The typed array each DataType is carried in: fp16/bf16 as Uint16Array bits, byte and sub-byte types as Uint8Array. */
export function typedArrayFor(code: number): TypedArrayCtor | undefined {
  const entry = Object.entries(OnnxDataType).find(([, value]) => value === code);
  const direct = entry ? ARRAY_BY_TYPE[entry[0] as OnnxDataTypeName] : undefined;
  if (direct) return direct;
  return onnxElementSizeBytes(code) === 1 || ELEMENTS_PER_BYTE[code] ? Uint8Array : undefined;
}

export function dimsOf(tensor: TensorProto): number[] {
  return tensor.dims.map(Number);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * Math.max(d, 0), 1);
}

/** Array length the tensor's dims need: elements, ×2 for complex, packed for sub-byte types. */
function storedLength(code: number, elements: number): number {
  const perByte = ELEMENTS_PER_BYTE[code];
  if (perByte) return Math.ceil(elements / perByte);
  return code === OnnxDataType.COMPLEX64 || code === OnnxDataType.COMPLEX128 ? elements * 2 : elements;
}

export function isExternal(tensor: TensorProto): boolean {
  return tensor.dataLocation === DATA_LOCATION_EXTERNAL;
}

/**
 * The tensor's elements, copied into an aligned typed array. Throws MODEL_FORMAT for data that
 * does not match the dims, string tensors, and external data that was not loaded.
 */
export function tensorArray(tensor: TensorProto, fileName = 'model.onnx'): OnnxTensorData {
  const dims = dimsOf(tensor);
  const code = tensor.dataType;
  const fail = (why: string): never => {
    throw new StudioError('MODEL_FORMAT', `'${fileName}' has tensor '${tensor.name}' (data type ${code}, dims [${dims.join(', ')}]) that ${why}.`, {
      file: fileName,
      tensor: tensor.name,
    });
  };
  if (isExternal(tensor)) fail('keeps its data in an external file that was not loaded');
  const arrayClass = typedArrayFor(code);
  if (!arrayClass) return fail('has no numeric form (string or unknown data type)');
  const length = storedLength(code, elementCount(dims));
  const raw = tensor.rawData;
  if (raw.byteLength > 0 || length === 0) {
    if (raw.byteLength !== length * arrayClass.BYTES_PER_ELEMENT) fail(`has ${raw.byteLength} bytes of raw_data where its dims need ${length * arrayClass.BYTES_PER_ELEMENT}`);
    // A copy: raw_data inside the file is rarely aligned for a typed-array view.
    const copy = new Uint8Array(raw.byteLength);
    copy.set(raw);
    return new arrayClass(copy.buffer, 0, length);
  }
  if (ELEMENTS_PER_BYTE[code]) return fail('stores a sub-byte type outside raw_data');
  // onnx.proto: float/complex64 in float_data, double/complex128 in double_data, int64 in
  // int64_data, uint32/uint64 in uint64_data, every other type (int8..int32, bool, fp16 bits) in int32_data.
  const source: ArrayLike<number | bigint> =
    code === OnnxDataType.FLOAT || code === OnnxDataType.COMPLEX64
      ? tensor.floatData
      : code === OnnxDataType.DOUBLE || code === OnnxDataType.COMPLEX128
        ? tensor.doubleData
        : code === OnnxDataType.INT64
          ? tensor.int64Data
          : code === OnnxDataType.UINT64 || code === OnnxDataType.UINT32
            ? tensor.uint64Data
            : tensor.int32Data;
  if (source.length !== length) fail(`has ${source.length} typed values where its dims need ${length}`);
  const out = new arrayClass(length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < length; i += 1) {
    const value = source[i] as number | bigint;
    if (big) (out as BigInt64Array)[i] = BigInt(value);
    else (out as Float32Array)[i] = Number(value);
  }
  return out;
}

/** A FLOAT tensor's values, or undefined for any other type or unloaded external data. */
export function float32Values(tensor: TensorProto): Float32Array | undefined {
  if (tensor.dataType !== OnnxDataType.FLOAT || isExternal(tensor)) return undefined;
  return tensorArray(tensor) as Float32Array;
}

/** Values of a small INT64/INT32 tensor (shape operands), or undefined. */
export function smallIntValues(tensor: TensorProto, max = 1024): number[] | undefined {
  if ((tensor.dataType !== OnnxDataType.INT64 && tensor.dataType !== OnnxDataType.INT32) || isExternal(tensor)) return undefined;
  if (elementCount(dimsOf(tensor)) > max) return undefined;
  try {
    return Array.from(tensorArray(tensor) as Int32Array | BigInt64Array, Number);
  } catch {
    return undefined;
  }
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A TensorProto from a typed array, checked so that a wrong pairing (an Int32Array for FLOAT, a
 * length that does not match the dims) fails here and not in a runtime.
 */
export function tensorFromSpec(tensor: OnnxTensorSpec): TensorProto {
  const code = toOnnxDataTypeCode(tensor.dataType);
  const where = `ONNX tensor '${tensor.name}'`;
  const arrayClass = typedArrayFor(code);
  if (arrayClass === undefined) {
    throw new StudioError('INTERNAL', `The ${where} has data type ${tensor.dataType}, which the ONNX writer cannot store as raw_data.`);
  }
  if (!(tensor.data instanceof arrayClass)) {
    throw new StudioError('INTERNAL', `The ${where} has data type ${tensor.dataType} but its data is a ${tensor.data.constructor.name}; pass a ${arrayClass.name}.`);
  }
  if (tensor.dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new StudioError('INTERNAL', `The ${where} has dims [${tensor.dims.join(', ')}]; every dim must be a non-negative integer.`);
  }
  const expectedLength = storedLength(code, elementCount(tensor.dims));
  if (tensor.data.length !== expectedLength) {
    throw new StudioError('INTERNAL', `The ${where} has ${tensor.data.length} data elements but dims [${tensor.dims.join(', ')}] need ${expectedLength}.`);
  }
  if (!HOST_IS_LITTLE_ENDIAN && tensor.data.BYTES_PER_ELEMENT > 1) {
    throw new StudioError('INTERNAL', `Cannot write ${where}: ONNX raw_data is little-endian and this host is big-endian.`);
  }
  return create(TensorProtoSchema, {
    dims: tensor.dims.map(BigInt),
    dataType: code,
    name: tensor.name,
    rawData: new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength),
  });
}

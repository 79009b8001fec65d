/**
 * Wire-level helpers for the editable ONNX decoder (onnx-graph.ts): exact 64-bit integers,
 * packed or unpacked repeated fields, and the typed array each tensor DataType is held in.
 */
import { StudioError } from '../../../shared/errors';
import { WireReader, WireType } from '../protobuf/wire-reader';
import { OnnxDataType, type OnnxDataTypeName, onnxElementSizeBytes } from './onnx-types';
import type { OnnxTensorData } from './onnx-writer';

export function inferAttributeType(fields: { f?: number; i?: number | bigint; s?: string; t?: unknown; g?: unknown; floats: unknown[]; ints: unknown[]; strings: unknown[]; tensors: unknown[] }): number {
  if (fields.f !== undefined) return 1;
  if (fields.i !== undefined) return 2;
  if (fields.s !== undefined) return 3;
  if (fields.t !== undefined) return 4;
  if (fields.g !== undefined) return 5;
  if (fields.floats.length > 0) return 6;
  if (fields.ints.length > 0) return 7;
  if (fields.strings.length > 0) return 8;
  if (fields.tensors.length > 0) return 9;
  return 0;
}

export type TypedArrayCtor = {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): OnnxTensorData;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): OnnxTensorData;
};

export const SUB_BYTE: Partial<Record<number, number>> = {
  [OnnxDataType.UINT4]: 2,
  [OnnxDataType.INT4]: 2,
  [OnnxDataType.FLOAT4E2M1]: 2,
  [OnnxDataType.UINT2]: 4,
  [OnnxDataType.INT2]: 4,
};

/** The typed array the writer expects for each DataType (see onnx-writer expectedArrayClass). */
export function typedArrayFor(code: number): TypedArrayCtor | undefined {
  const byName: Partial<Record<OnnxDataTypeName, TypedArrayCtor>> = {
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
  const entry = Object.entries(OnnxDataType).find(([, value]) => value === code);
  const direct = entry ? byName[entry[0] as OnnxDataTypeName] : undefined;
  if (direct) return direct;
  return onnxElementSizeBytes(code) === 1 || SUB_BYTE[code] ? Uint8Array : undefined;
}

/** int64 varints exactly: numbers when safe, bigints beyond 2^53 (Slice's INT64_MAX ends). */
export function exactInt64(unsigned: bigint): number | bigint {
  const signed = BigInt.asIntN(64, unsigned);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
}

export function readInt64s(r: WireReader, wireType: number, out: (number | bigint)[]): void {
  if (wireType === WireType.VARINT) {
    out.push(exactInt64(r.uint64Big()));
    return;
  }
  r.expectWireType(wireType, WireType.LENGTH_DELIMITED);
  const sub = r.message();
  while (sub.more()) out.push(exactInt64(sub.uint64Big()));
}

export function readUint64s(r: WireReader, wireType: number, out: bigint[]): void {
  if (wireType === WireType.VARINT) {
    out.push(r.uint64Big());
    return;
  }
  r.expectWireType(wireType, WireType.LENGTH_DELIMITED);
  const sub = r.message();
  while (sub.more()) out.push(sub.uint64Big());
}

export function readDoubles(r: WireReader, wireType: number, out: number[]): void {
  if (wireType === WireType.FIXED64) {
    out.push(r.double());
    return;
  }
  r.expectWireType(wireType, WireType.LENGTH_DELIMITED);
  const sub = r.message();
  while (sub.more()) out.push(sub.double());
}

/** A tensor's elements from raw_data or its typed fields, in the typed array the writer expects. */
export function tensorData(
  fileName: string,
  name: string,
  dims: number[],
  dataType: number,
  raw: Uint8Array | undefined,
  typed: { floats: number[]; doubles: number[]; int32s: (number | bigint)[]; int64s: (number | bigint)[]; uint64s: bigint[] },
): OnnxTensorData {
  const fail = (why: string): never => {
    throw new StudioError('MODEL_FORMAT', `'${fileName}' has tensor '${name}' (data type ${dataType}, dims [${dims.join(', ')}]) that ${why}.`, {
      file: fileName,
      tensor: name,
    });
  };
  const elements = dims.reduce((product, d) => product * d, 1);
  const arrayClass = typedArrayFor(dataType);
  if (!arrayClass) return fail('the studio\'s ONNX editor cannot hold (strings and sub-byte types without raw_data are not supported)');
  const complex = dataType === OnnxDataType.COMPLEX64 || dataType === OnnxDataType.COMPLEX128 ? 2 : 1;
  const perByte = SUB_BYTE[dataType];
  const length = perByte ? Math.ceil(elements / perByte) : elements * complex;
  if (raw) {
    if (raw.byteLength !== length * arrayClass.BYTES_PER_ELEMENT) fail(`has ${raw.byteLength} bytes of raw_data where its dims need ${length * arrayClass.BYTES_PER_ELEMENT}`);
    // A copy: raw_data inside the file is rarely aligned for a typed-array view.
    const copy = new Uint8Array(raw.byteLength);
    copy.set(raw);
    return new arrayClass(copy.buffer, 0, length);
  }
  if (perByte) return fail('stores a sub-byte type outside raw_data');
  const source: ArrayLike<number | bigint> =
    dataType === OnnxDataType.FLOAT || dataType === OnnxDataType.COMPLEX64
      ? typed.floats
      : dataType === OnnxDataType.DOUBLE || dataType === OnnxDataType.COMPLEX128
        ? typed.doubles
        : dataType === OnnxDataType.INT64
          ? typed.int64s
          : dataType === OnnxDataType.UINT64 || dataType === OnnxDataType.UINT32
            ? typed.uint64s
            : typed.int32s;
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

/**
 * Encodes an ONNX ModelProto from a plain description. Used to build the demo model and, later,
 * quantized variants. Field numbers follow onnx/onnx.proto; fields are written in field-number
 * order and repeated scalars unpacked, which is how onnx.proto (proto2) serializes them.
 */
import { StudioError } from '../../../shared/errors';
import { ProtoWriter } from '../protobuf/wire-writer';
import {
  OnnxAttributeType,
  OnnxDataType,
  type OnnxDataTypeName,
  onnxElementSizeBytes,
  toOnnxDataTypeCode,
} from './onnx-types';

/** An ONNX DataType given as its code (1) or its name ("FLOAT"). */
export type OnnxElemType = number | OnnxDataTypeName;

export interface OnnxValueInfoSpec {
  name: string;
  elemType: OnnxElemType;
  /** Numbers are fixed dims, strings symbolic dims ("batch"), null an unknown dim; omit for unknown rank. */
  shape?: (number | string | null)[];
}

/** Typed arrays that carry a tensor's elements in raw_data (little-endian). fp16/bf16 go as Uint16Array bits, 4-bit types packed in Uint8Array. */
export type OnnxTensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface OnnxTensorSpec {
  name: string;
  dims: number[];
  dataType: OnnxElemType;
  data: OnnxTensorData;
}

/**
 * Attribute values. Bare numbers are INT (a non-integer throws) and number arrays INTS, because
 * integer attributes are far more common; floats must be wrapped: { float: 1.0 }, { floats: [...] }.
 */
export type OnnxAttributeValue =
  | number
  | bigint
  | number[]
  | string
  | { int: number | bigint }
  | { ints: (number | bigint)[] }
  | { float: number }
  | { floats: number[] }
  | { string: string }
  | { strings: string[] }
  | { tensor: OnnxTensorSpec }
  | { tensors: OnnxTensorSpec[] }
  | { graph: OnnxGraphSpec };

export interface OnnxNodeSpec {
  opType: string;
  /** Operator set domain; omit (or "") for the default ai.onnx domain. */
  domain?: string;
  name: string;
  /** Use "" for an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttributeValue>;
  docString?: string;
}

export interface OnnxGraphSpec {
  name: string;
  inputs: OnnxValueInfoSpec[];
  outputs: OnnxValueInfoSpec[];
  initializers: OnnxTensorSpec[];
  nodes: OnnxNodeSpec[];
  valueInfo?: OnnxValueInfoSpec[];
  docString?: string;
}

export interface OnnxModelSpec {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graphName: string;
  inputs: OnnxValueInfoSpec[];
  outputs: OnnxValueInfoSpec[];
  initializers: OnnxTensorSpec[];
  nodes: OnnxNodeSpec[];
  valueInfo?: OnnxValueInfoSpec[];
  docString?: string;
  modelVersion?: number;
  /** Free-form key/value metadata (ModelProto.metadata_props). */
  metadataProps?: Record<string, string>;
}

/** Serializes the model to ONNX protobuf bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  if (spec.opsetImports.length === 0) {
    throw new StudioError('INTERNAL', `ONNX model '${spec.graphName}' needs at least one opset import (e.g. { domain: '', version: 17 }).`);
  }
  const model = new ProtoWriter();
  model.varint(1, spec.irVersion);
  model.string(2, spec.producerName);
  model.string(3, spec.producerVersion);
  if (spec.modelVersion !== undefined) model.varint(5, spec.modelVersion);
  if (spec.docString) model.string(6, spec.docString);
  model.message(
    7,
    encodeGraph({
      name: spec.graphName,
      inputs: spec.inputs,
      outputs: spec.outputs,
      initializers: spec.initializers,
      nodes: spec.nodes,
      valueInfo: spec.valueInfo,
    }),
  );
  for (const opset of spec.opsetImports) {
    const entry = new ProtoWriter();
    if (opset.domain) entry.string(1, opset.domain);
    entry.varint(2, opset.version);
    model.message(8, entry);
  }
  for (const [key, value] of Object.entries(spec.metadataProps ?? {})) {
    model.message(14, new ProtoWriter().string(1, key).string(2, value));
  }
  return model.finish();
}

function encodeGraph(graph: OnnxGraphSpec): ProtoWriter {
  const out = new ProtoWriter();
  for (const node of graph.nodes) out.message(1, encodeNode(node));
  out.string(2, graph.name);
  for (const tensor of graph.initializers) out.message(5, encodeTensor(tensor));
  if (graph.docString) out.string(10, graph.docString);
  for (const input of graph.inputs) out.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) out.message(12, encodeValueInfo(output));
  for (const info of graph.valueInfo ?? []) out.message(13, encodeValueInfo(info));
  return out;
}

function encodeNode(node: OnnxNodeSpec): ProtoWriter {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.string(1, input);
  for (const output of node.outputs) out.string(2, output);
  out.string(3, node.name);
  out.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    out.message(5, encodeAttribute(node, name, value));
  }
  if (node.docString) out.string(6, node.docString);
  if (node.domain) out.string(7, node.domain);
  return out;
}

function encodeAttribute(node: OnnxNodeSpec, name: string, value: OnnxAttributeValue): ProtoWriter {
  const out = new ProtoWriter().string(1, name);
  const where = `attribute '${name}' of ONNX node '${node.name}' (${node.opType})`;
  const int = (v: number | bigint): number | bigint => {
    if (typeof v === 'number' && !Number.isInteger(v)) {
      throw new StudioError('INTERNAL', `The ${where} is ${v}, not an integer; wrap float attributes as { float: ${v} }.`);
    }
    return v;
  };
  let type: number;
  if (typeof value === 'number' || typeof value === 'bigint') {
    out.varint(3, int(value));
    type = OnnxAttributeType.INT;
  } else if (typeof value === 'string') {
    out.string(4, value);
    type = OnnxAttributeType.STRING;
  } else if (Array.isArray(value)) {
    for (const v of value) out.varint(8, int(v));
    type = OnnxAttributeType.INTS;
  } else if ('int' in value) {
    out.varint(3, int(value.int));
    type = OnnxAttributeType.INT;
  } else if ('ints' in value) {
    for (const v of value.ints) out.varint(8, int(v));
    type = OnnxAttributeType.INTS;
  } else if ('float' in value) {
    out.float(2, value.float);
    type = OnnxAttributeType.FLOAT;
  } else if ('floats' in value) {
    for (const v of value.floats) out.float(7, v);
    type = OnnxAttributeType.FLOATS;
  } else if ('string' in value) {
    out.string(4, value.string);
    type = OnnxAttributeType.STRING;
  } else if ('strings' in value) {
    for (const v of value.strings) out.string(9, v);
    type = OnnxAttributeType.STRINGS;
  } else if ('tensor' in value) {
    out.message(5, encodeTensor(value.tensor));
    type = OnnxAttributeType.TENSOR;
  } else if ('tensors' in value) {
    for (const t of value.tensors) out.message(10, encodeTensor(t));
    type = OnnxAttributeType.TENSORS;
  } else {
    out.message(6, encodeGraph(value.graph));
    type = OnnxAttributeType.GRAPH;
  }
  return out.varint(20, type);
}

function encodeValueInfo(info: OnnxValueInfoSpec): ProtoWriter {
  const tensorType = new ProtoWriter().varint(1, toOnnxDataTypeCode(info.elemType));
  if (info.shape) {
    const shape = new ProtoWriter();
    for (const dim of info.shape) {
      const d = new ProtoWriter();
      if (typeof dim === 'number') d.varint(1, dim);
      else if (typeof dim === 'string') d.string(2, dim);
      shape.message(1, d);
    }
    tensorType.message(2, shape);
  }
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, info.name).message(2, type);
}

/** Packed element counts per byte for sub-byte types (raw_data packs them, low nibble first). */
const ELEMENTS_PER_BYTE: Partial<Record<number, number>> = {
  [OnnxDataType.UINT4]: 2,
  [OnnxDataType.INT4]: 2,
  [OnnxDataType.FLOAT4E2M1]: 2,
  [OnnxDataType.UINT2]: 4,
  [OnnxDataType.INT2]: 4,
};

/** Which typed array must carry which DataType, so a wrong pairing fails here and not in a runtime. */
type TypedArrayClass = { readonly name: string; new (length: number): OnnxTensorData };

function expectedArrayClass(code: number): TypedArrayClass | undefined {
  switch (code) {
    case OnnxDataType.FLOAT:
      return Float32Array;
    case OnnxDataType.DOUBLE:
      return Float64Array;
    case OnnxDataType.INT8:
      return Int8Array;
    case OnnxDataType.INT16:
      return Int16Array;
    case OnnxDataType.UINT16:
    case OnnxDataType.FLOAT16:
    case OnnxDataType.BFLOAT16:
      return Uint16Array;
    case OnnxDataType.INT32:
      return Int32Array;
    case OnnxDataType.UINT32:
      return Uint32Array;
    case OnnxDataType.INT64:
      return BigInt64Array;
    case OnnxDataType.UINT64:
      return BigUint64Array;
    case OnnxDataType.COMPLEX64:
      return Float32Array;
    case OnnxDataType.COMPLEX128:
      return Float64Array;
    default:
      // UINT8, BOOL, the float8 family and packed sub-byte types are bytes.
      return onnxElementSizeBytes(code) === 1 || ELEMENTS_PER_BYTE[code] ? Uint8Array : undefined;
  }
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeTensor(tensor: OnnxTensorSpec): ProtoWriter {
  const code = toOnnxDataTypeCode(tensor.dataType);
  const where = `ONNX tensor '${tensor.name}'`;
  const arrayClass = expectedArrayClass(code);
  if (arrayClass === undefined) {
    throw new StudioError('INTERNAL', `The ${where} has data type ${tensor.dataType}, which the ONNX writer cannot store as raw_data.`);
  }
  if (!(tensor.data instanceof arrayClass)) {
    throw new StudioError('INTERNAL', `The ${where} has data type ${tensor.dataType} but its data is a ${tensor.data.constructor.name}; pass a ${arrayClass.name}.`);
  }
  if (tensor.dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new StudioError('INTERNAL', `The ${where} has dims [${tensor.dims.join(', ')}]; every dim must be a non-negative integer.`);
  }
  const elements = tensor.dims.reduce((product, d) => product * d, 1);
  const perByte = ELEMENTS_PER_BYTE[code];
  const complexFactor = code === OnnxDataType.COMPLEX64 || code === OnnxDataType.COMPLEX128 ? 2 : 1;
  const expectedLength = perByte ? Math.ceil(elements / perByte) : elements * complexFactor;
  if (tensor.data.length !== expectedLength) {
    throw new StudioError('INTERNAL', `The ${where} has ${tensor.data.length} data elements but dims [${tensor.dims.join(', ')}] need ${expectedLength}.`);
  }
  if (!HOST_IS_LITTLE_ENDIAN && tensor.data.BYTES_PER_ELEMENT > 1) {
    throw new StudioError('INTERNAL', `Cannot write ${where}: ONNX raw_data is little-endian and this host is big-endian.`);
  }
  const out = new ProtoWriter();
  for (const d of tensor.dims) out.varint(1, d);
  out.varint(2, code);
  out.string(8, tensor.name);
  out.bytes(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  return out;
}

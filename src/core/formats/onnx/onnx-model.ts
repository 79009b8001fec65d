import type { Dim } from '../../../shared/model-info';
import { WireReader, WireType } from '../protobuf/wire-reader';
import { OnnxDataType, onnxDtypeName } from './onnx-types';

/**
 * Decodes the parts of an ONNX ModelProto that inspection needs, straight from the wire
 * format. Field numbers are those of onnx/onnx.proto (ModelProto ir_version=1,
 * producer_name=2, producer_version=3, graph=7, opset_import=8; GraphProto node=1,
 * initializer=5, sparse_initializer=15, input=11, output=12, value_info=13; ...).
 * Tensor data is never copied: only small integer tensors (shapes for Reshape and
 * friends) are decoded.
 */

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  elementCount: number;
  /** Data lives in a file next to the model (TensorProto.data_location = EXTERNAL). */
  external: boolean;
  /** Decoded values of small INT64/INT32 tensors (shape operands); undefined otherwise. */
  intValues?: number[];
}

export interface OnnxAttribute {
  name: string;
  i?: number;
  f?: number;
  s?: string;
  ints?: number[];
  t?: OnnxTensor;
  /** Subgraphs (If/Loop/Scan bodies) are counted, not decoded. */
  graphCount: number;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  dtype: string;
  /** null when the rank is unknown. */
  shape: Dim[] | null;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  /** Elements of the non-zero values of sparse initializers. */
  sparseInitializerElements: number;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number | null;
  producerName: string;
  producerVersion: string;
  opsets: Array<{ domain: string; version: number }>;
  graph: OnnxGraph | null;
}

/** Integer tensors larger than this are shape-irrelevant weights, so their values are not decoded. */
const MAX_DECODED_INTS = 1024;

export function decodeModel(r: WireReader): OnnxModel {
  const model: OnnxModel = { irVersion: null, producerName: '', producerVersion: '', opsets: [], graph: null };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.VARINT) model.irVersion = r.int64();
    else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) model.producerName = r.string();
    else if (field === 3 && wireType === WireType.LENGTH_DELIMITED) model.producerVersion = r.string();
    else if (field === 7 && wireType === WireType.LENGTH_DELIMITED) model.graph = decodeGraph(r.message());
    else if (field === 8 && wireType === WireType.LENGTH_DELIMITED) model.opsets.push(decodeOpset(r.message()));
    else r.skip(wireType);
  }
  return model;
}

function decodeOpset(r: WireReader): { domain: string; version: number } {
  const opset = { domain: '', version: 0 };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.LENGTH_DELIMITED) opset.domain = r.string();
    else if (field === 2 && wireType === WireType.VARINT) opset.version = r.int64();
    else r.skip(wireType);
  }
  return opset;
}

function decodeGraph(r: WireReader): OnnxGraph {
  const graph: OnnxGraph = {
    nodes: [],
    initializers: [],
    sparseInitializerElements: 0,
    inputs: [],
    outputs: [],
    valueInfo: [],
  };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (wireType !== WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      continue;
    }
    if (field === 1) graph.nodes.push(decodeNode(r.message()));
    else if (field === 5) graph.initializers.push(decodeTensor(r.message()));
    else if (field === 15) graph.sparseInitializerElements += decodeSparseValueCount(r.message());
    else if (field === 11) graph.inputs.push(decodeValueInfo(r.message()));
    else if (field === 12) graph.outputs.push(decodeValueInfo(r.message()));
    else if (field === 13) graph.valueInfo.push(decodeValueInfo(r.message()));
    else r.skip(wireType);
  }
  return graph;
}

function decodeNode(r: WireReader): OnnxNode {
  const node: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (wireType !== WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      continue;
    }
    if (field === 1) node.inputs.push(r.string());
    else if (field === 2) node.outputs.push(r.string());
    else if (field === 3) node.name = r.string();
    else if (field === 4) node.opType = r.string();
    else if (field === 7) node.domain = r.string();
    else if (field === 5) {
      const attribute = decodeAttribute(r.message());
      node.attributes.set(attribute.name, attribute);
    } else r.skip(wireType);
  }
  return node;
}

function decodeAttribute(r: WireReader): OnnxAttribute {
  const attribute: OnnxAttribute = { name: '', graphCount: 0 };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.LENGTH_DELIMITED) attribute.name = r.string();
    else if (field === 2 && wireType === WireType.FIXED32) attribute.f = r.float();
    else if (field === 3 && wireType === WireType.VARINT) attribute.i = r.int64();
    else if (field === 4 && wireType === WireType.LENGTH_DELIMITED) attribute.s = r.string();
    else if (field === 5 && wireType === WireType.LENGTH_DELIMITED) attribute.t = decodeTensor(r.message());
    else if ((field === 6 || field === 11) && wireType === WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      attribute.graphCount += 1;
    } else if (field === 8) r.repeatedInt64(wireType, (attribute.ints ??= []));
    else r.skip(wireType);
  }
  return attribute;
}

function decodeTensor(r: WireReader): OnnxTensor {
  const tensor: OnnxTensor = { name: '', dims: [], dataType: OnnxDataType.UNDEFINED, elementCount: 1, external: false };
  let rawData: Uint8Array | undefined;
  let packedInts: { view: WireReader; wireType: number; bits: 32 | 64 } | undefined;
  const looseInts: number[] = [];
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1) r.repeatedInt64(wireType, tensor.dims);
    else if (field === 2 && wireType === WireType.VARINT) tensor.dataType = r.int64();
    else if (field === 8 && wireType === WireType.LENGTH_DELIMITED) tensor.name = r.string();
    else if (field === 9 && wireType === WireType.LENGTH_DELIMITED) rawData = r.bytesView();
    else if (field === 13 && wireType === WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      tensor.external = true;
    } else if (field === 14 && wireType === WireType.VARINT) tensor.external = r.int64() === 1 || tensor.external;
    else if ((field === 5 || field === 7) && wireType === WireType.LENGTH_DELIMITED) {
      packedInts = { view: r.message(), wireType, bits: field === 7 ? 64 : 32 };
    } else if ((field === 5 || field === 7) && wireType === WireType.VARINT) {
      const value = r.int64();
      if (looseInts.length < MAX_DECODED_INTS) looseInts.push(value);
    } else r.skip(wireType);
  }
  tensor.elementCount = tensor.dims.reduce((product, dim) => product * Math.max(dim, 0), 1);
  const isInt = tensor.dataType === OnnxDataType.INT64 || tensor.dataType === OnnxDataType.INT32;
  if (isInt && tensor.elementCount <= MAX_DECODED_INTS) {
    if (rawData) tensor.intValues = decodeRawInts(rawData, tensor.dataType, tensor.elementCount);
    else if (packedInts) {
      const values: number[] = [];
      while (packedInts.view.more() && values.length < MAX_DECODED_INTS) values.push(packedInts.view.int64());
      tensor.intValues = values;
    } else if (looseInts.length > 0) tensor.intValues = looseInts;
  }
  return tensor;
}

function decodeRawInts(raw: Uint8Array, dataType: number, count: number): number[] | undefined {
  const width = dataType === OnnxDataType.INT64 ? 8 : 4;
  if (raw.byteLength < count * width) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const values: number[] = [];
  for (let i = 0; i < count; i += 1) {
    values.push(width === 8 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true));
  }
  return values;
}

/** SparseTensorProto: values=1 (a TensorProto whose dims are [NNZ]). */
function decodeSparseValueCount(r: WireReader): number {
  let count = 0;
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.LENGTH_DELIMITED) count = decodeTensor(r.message()).elementCount;
    else r.skip(wireType);
  }
  return count;
}

function decodeValueInfo(r: WireReader): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', dtype: 'unknown', shape: null };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.LENGTH_DELIMITED) info.name = r.string();
    else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) Object.assign(info, decodeType(r.message()));
    else r.skip(wireType);
  }
  return info;
}

/** TypeProto: tensor_type=1, sequence_type=4, map_type=5, sparse_tensor_type=8, optional_type=9. */
function decodeType(r: WireReader): { dtype: string; shape: Dim[] | null } {
  let result: { dtype: string; shape: Dim[] | null } = { dtype: 'unknown', shape: null };
  while (r.more()) {
    const { field, wireType } = r.tag();
    if ((field === 1 || field === 8) && wireType === WireType.LENGTH_DELIMITED) result = decodeTensorType(r.message());
    else if (field === 4 && wireType === WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      result = { dtype: 'sequence', shape: null };
    } else if (field === 5 && wireType === WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      result = { dtype: 'map', shape: null };
    } else if (field === 9 && wireType === WireType.LENGTH_DELIMITED) {
      r.skip(wireType);
      result = { dtype: 'optional', shape: null };
    } else r.skip(wireType);
  }
  return result;
}

/** TypeProto.Tensor: elem_type=1, shape=2 (TensorShapeProto: dim=1 with dim_value=1 | dim_param=2). */
function decodeTensorType(r: WireReader): { dtype: string; shape: Dim[] | null } {
  let dtype = 'unknown';
  let shape: Dim[] | null = null;
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.VARINT) dtype = onnxDtypeName(r.int64());
    else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) {
      shape = [];
      const shapeReader = r.message();
      while (shapeReader.more()) {
        const dimTag = shapeReader.tag();
        if (dimTag.field === 1 && dimTag.wireType === WireType.LENGTH_DELIMITED) shape.push(decodeDim(shapeReader.message()));
        else shapeReader.skip(dimTag.wireType);
      }
    } else r.skip(wireType);
  }
  return { dtype, shape };
}

function decodeDim(r: WireReader): Dim {
  let dim: Dim = null;
  while (r.more()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WireType.VARINT) {
      const value = r.int64();
      dim = value >= 0 ? value : null;
    } else if (field === 2 && wireType === WireType.LENGTH_DELIMITED) {
      const name = r.string();
      dim = name === '' ? null : name;
    } else r.skip(wireType);
  }
  return dim;
}

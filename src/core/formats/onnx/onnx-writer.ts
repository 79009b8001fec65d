/**
 * Builds ONNX models from a plain description (OnnxModelSpec): the demo model, test models and
 * the nodes quantizers add. The description becomes the generated onnx.proto messages
 * (generated/onnx_pb.ts) and is serialized by protobuf-es, fields in field-number order and
 * repeated scalars unpacked, as proto2 onnx.proto prescribes. To edit an existing model, decode
 * it with decodeModelProto (onnx-codec.ts) instead: that keeps every field.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { StudioError } from '../../../shared/errors';
import {
  type AttributeProto,
  AttributeProtoSchema,
  type GraphProto,
  GraphProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from './generated/onnx_pb';
import { encodeModelProto } from './onnx-codec';
import { tensorFromSpec } from './onnx-tensors';
import { OnnxAttributeType, type OnnxDataTypeName, toOnnxDataTypeCode } from './onnx-types';

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
  return encodeModelProto(modelFromSpec(spec));
}

/** The ModelProto a spec describes. */
export function modelFromSpec(spec: OnnxModelSpec): ModelProto {
  if (spec.opsetImports.length === 0) {
    throw new StudioError('INTERNAL', `ONNX model '${spec.graphName}' needs at least one opset import (e.g. { domain: '', version: 17 }).`);
  }
  return create(ModelProtoSchema, {
    irVersion: BigInt(spec.irVersion),
    producerName: spec.producerName,
    producerVersion: spec.producerVersion,
    ...(spec.modelVersion !== undefined ? { modelVersion: BigInt(spec.modelVersion) } : {}),
    ...(spec.docString ? { docString: spec.docString } : {}),
    graph: graphFromSpec({
      name: spec.graphName,
      inputs: spec.inputs,
      outputs: spec.outputs,
      initializers: spec.initializers,
      nodes: spec.nodes,
      valueInfo: spec.valueInfo,
    }),
    opsetImport: spec.opsetImports.map((opset) => ({ ...(opset.domain ? { domain: opset.domain } : {}), version: BigInt(opset.version) })),
    metadataProps: Object.entries(spec.metadataProps ?? {}).map(([key, value]) => ({ key, value })),
  });
}

export function graphFromSpec(graph: OnnxGraphSpec): GraphProto {
  return create(GraphProtoSchema, {
    node: graph.nodes.map(nodeFromSpec),
    name: graph.name,
    initializer: graph.initializers.map(tensorFromSpec),
    ...(graph.docString ? { docString: graph.docString } : {}),
    input: graph.inputs.map(valueInfoFromSpec),
    output: graph.outputs.map(valueInfoFromSpec),
    valueInfo: (graph.valueInfo ?? []).map(valueInfoFromSpec),
  });
}

export function nodeFromSpec(node: OnnxNodeSpec): NodeProto {
  return create(NodeProtoSchema, {
    input: node.inputs,
    output: node.outputs,
    name: node.name,
    opType: node.opType,
    attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attributeFromSpec(node, name, value)),
    ...(node.docString ? { docString: node.docString } : {}),
    ...(node.domain ? { domain: node.domain } : {}),
  });
}

const utf8 = new TextEncoder();

export function attributeFromSpec(node: Pick<OnnxNodeSpec, 'name' | 'opType'>, name: string, value: OnnxAttributeValue): AttributeProto {
  const where = `attribute '${name}' of ONNX node '${node.name}' (${node.opType})`;
  const int = (v: number | bigint): bigint => {
    if (typeof v === 'number' && !Number.isInteger(v)) {
      throw new StudioError('INTERNAL', `The ${where} is ${v}, not an integer; wrap float attributes as { float: ${v} }.`);
    }
    return BigInt(v);
  };
  const make = (init: MessageInitShape<typeof AttributeProtoSchema>, type: number): AttributeProto => create(AttributeProtoSchema, { name, ...init, type });
  if (typeof value === 'number' || typeof value === 'bigint') return make({ i: int(value) }, OnnxAttributeType.INT);
  if (typeof value === 'string') return make({ s: utf8.encode(value) }, OnnxAttributeType.STRING);
  if (Array.isArray(value)) return make({ ints: value.map(int) }, OnnxAttributeType.INTS);
  if ('int' in value) return make({ i: int(value.int) }, OnnxAttributeType.INT);
  if ('ints' in value) return make({ ints: value.ints.map(int) }, OnnxAttributeType.INTS);
  if ('float' in value) return make({ f: value.float }, OnnxAttributeType.FLOAT);
  if ('floats' in value) return make({ floats: value.floats }, OnnxAttributeType.FLOATS);
  if ('string' in value) return make({ s: utf8.encode(value.string) }, OnnxAttributeType.STRING);
  if ('strings' in value) return make({ strings: value.strings.map((v) => utf8.encode(v)) }, OnnxAttributeType.STRINGS);
  if ('tensor' in value) return make({ t: tensorFromSpec(value.tensor) }, OnnxAttributeType.TENSOR);
  if ('tensors' in value) return make({ tensors: value.tensors.map(tensorFromSpec) }, OnnxAttributeType.TENSORS);
  return make({ g: graphFromSpec(value.graph) }, OnnxAttributeType.GRAPH);
}

export function valueInfoFromSpec(info: OnnxValueInfoSpec): ValueInfoProto {
  const shape = info.shape?.map((dim) =>
    typeof dim === 'number'
      ? { value: { case: 'dimValue' as const, value: BigInt(dim) } }
      : typeof dim === 'string'
        ? { value: { case: 'dimParam' as const, value: dim } }
        : {},
  );
  return create(ValueInfoProtoSchema, {
    name: info.name,
    type: { value: { case: 'tensorType', value: { elemType: toOnnxDataTypeCode(info.elemType), ...(shape ? { shape: { dim: shape } } : {}) } } },
  });
}

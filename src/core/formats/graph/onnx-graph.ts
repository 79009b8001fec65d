/**
 * An ONNX model's graph as ModelGraph: every node of the main graph and of every If/Loop/Scan body
 * (nested to any depth), through the existing codec (onnx-codec.ts) and its helpers. Tensors take
 * dtype and shape from the graph's inputs, outputs, value_info and initializers (no shape inference
 * is run: an activation the file does not describe has dtype and shape null); weights
 * (initializers, sparse initializers' values, Constant nodes) carry statistics read straight from
 * raw_data, external data included when its side file is given.
 */
import type { Dim } from '../../../shared/model-info';
import type { GraphTensor, ModelGraph, WeightStats } from '../../../shared/model-graph';
import type { ModelFileSet } from '../model-file';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/generated/onnx_pb';
import { elemTypeOf, nonTensorKind, opKey, shapeOf } from '../onnx/onnx-attributes';
import { attributeGraphs, decodeModelProto } from '../onnx/onnx-codec';
import { externalLocations, loadExternalData } from '../onnx/onnx-external';
import { dimsOf, elementCount, isExternal } from '../onnx/onnx-tensors';
import { OnnxAttributeType, OnnxDataType, onnxDtypeName } from '../onnx/onnx-types';
import { decodeFloat16 } from '../../../shared/numeric/float16';
import { GraphBuilder, Scope } from './graph-builder';
import { elementKind, statsOfBytes, statsOfValues } from './weight-stats';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readOnnxGraph(files: ModelFileSet): ModelGraph {
  const model = decodeModelProto(files.main.data, files.main.name);
  const builder = new GraphBuilder('onnx');
  loadSideFiles(model, files, builder);
  const graph = model.graph as GraphProto;
  addGraph(builder, graph, new Scope(null), true);
  if (model.functions.length > 0) {
    builder.notes.push(
      `The model defines ${model.functions.length} local function(s) (${model.functions.map((f) => f.name).join(', ')}); a node calling one is shown as one node, the function's own nodes are not.`,
    );
  }
  return builder.build();
}

/** External data is read when every side file it names was given; otherwise its weights have no statistics, and a note says why. */
function loadSideFiles(model: ModelProto, files: ModelFileSet, builder: GraphBuilder): void {
  const locations = externalLocations(model, files.main.name);
  if (locations.length === 0) return;
  const missing = locations.filter((location) => !files.companions.has(location));
  if (missing.length > 0) {
    builder.notes.push(`Weights kept in external data (${missing.join(', ')}) were not given, so they have no statistics.`);
    return;
  }
  loadExternalData(model, (location) => (files.companions.get(location) as { data: Uint8Array }).data, files.main.name);
}

function addGraph(builder: GraphBuilder, graph: GraphProto, scope: Scope, isMain: boolean): void {
  const initializers = new Set(graph.initializer.map((tensor) => tensor.name));
  for (const input of graph.input) builder.tensor(input.name, { ...valueFacts(input), role: isMain && !initializers.has(input.name) ? 'input' : 'activation' });
  for (const output of graph.output) builder.tensor(output.name, { ...valueFacts(output), role: isMain ? 'output' : 'activation' });
  for (const info of graph.valueInfo) builder.tensor(info.name, valueFacts(info));
  for (const tensor of graph.initializer) builder.tensor(tensor.name, weightFacts(tensor, builder));
  for (const sparse of graph.sparseInitializer) {
    const values = sparse.values;
    if (!values) continue;
    builder.tensor(values.name, { ...weightFacts(values, builder), shape: sparse.dims.map(Number) });
  }
  for (const node of graph.node) addNode(builder, node, scope);
}

function addNode(builder: GraphBuilder, node: NodeProto, scope: Scope): void {
  const op = opKey(node);
  const index = builder.addNode(scope, {
    name: node.name,
    op,
    inputs: [...node.input],
    outputs: [...node.output],
    attributes: Object.fromEntries(node.attribute.map((attribute) => [attribute.name, attributeText(op, attribute)])),
  });
  if (op === 'Constant') {
    const output = node.output[0];
    const facts = constantFacts(node, builder);
    if (output && facts) builder.tensor(output, facts);
  }
  markQuantized(builder, op, node);
  for (const attribute of node.attribute) {
    const graphs = attributeGraphs(attribute);
    graphs.forEach((sub, k) => {
      const name = graphs.length > 1 ? `${attribute.name}[${k}]` : attribute.name;
      addGraph(builder, sub, builder.ownedSubgraph(scope, index, name), false);
    });
  }
}

/** QDQ and QLinear ops say which of their tensors hold quantized codes (ModelGraph's `quantized`). */
function markQuantized(builder: GraphBuilder, op: string, node: NodeProto): void {
  const mark = (name: string | undefined) => {
    if (name) builder.tensor(name, { quantized: true });
  };
  if (op === 'QuantizeLinear' || op === 'DynamicQuantizeLinear' || op === 'com.microsoft.QuantizeLinear') mark(node.output[0]);
  else if (op === 'DequantizeLinear' || op === 'com.microsoft.DequantizeLinear') mark(node.input[0]);
  else if (op === 'QLinearConv' || op === 'QLinearMatMul') {
    mark(node.input[0]);
    mark(node.input[3]);
    mark(node.output[0]);
  } else if (op.startsWith('com.microsoft.QLinear')) {
    mark(node.input[0]);
    mark(node.output[0]);
  }
}

function valueFacts(info: ValueInfoProto): { dtype: string | null; shape: Dim[] | null } {
  const kind = nonTensorKind(info);
  if (kind) return { dtype: kind, shape: null };
  return { dtype: info.type ? onnxDtypeName(elemTypeOf(info)) : null, shape: shapeOf(info) };
}

function weightFacts(tensor: TensorProto, builder: GraphBuilder): Partial<GraphTensor> {
  const stats = tensorStats(tensor, builder);
  return { dtype: onnxDtypeName(tensor.dataType), shape: dimsOf(tensor), role: 'weight', ...(stats ? { stats } : {}) };
}

/** A Constant's value, whichever attribute holds it. */
function constantFacts(node: NodeProto, builder: GraphBuilder): Partial<GraphTensor> | undefined {
  for (const attribute of node.attribute) {
    switch (attribute.name) {
      case 'value':
        return attribute.t ? weightFacts(attribute.t, builder) : undefined;
      case 'sparse_value': {
        const sparse = attribute.sparseTensor;
        if (!sparse?.values) return undefined;
        return { ...weightFacts(sparse.values, builder), shape: sparse.dims.map(Number) };
      }
      case 'value_float':
        return { dtype: 'float32', shape: [], role: 'weight', ...withStats(statsOfValues([attribute.f])) };
      case 'value_floats':
        return { dtype: 'float32', shape: [attribute.floats.length], role: 'weight', ...withStats(statsOfValues(attribute.floats)) };
      case 'value_int':
        return { dtype: 'int64', shape: [], role: 'weight', ...withStats(statsOfValues([attribute.i])) };
      case 'value_ints':
        return { dtype: 'int64', shape: [attribute.ints.length], role: 'weight', ...withStats(statsOfValues(attribute.ints)) };
      case 'value_string':
        return { dtype: 'string', shape: [], role: 'weight' };
      case 'value_strings':
        return { dtype: 'string', shape: [attribute.strings.length], role: 'weight' };
    }
  }
  return undefined;
}

function withStats(stats: WeightStats | undefined): { stats?: WeightStats } {
  return stats ? { stats } : {};
}

/**
 * Statistics of a tensor's values from raw_data (a view of the file) or from its typed fields;
 * undefined for strings, complex numbers and external data that was not loaded.
 */
function tensorStats(tensor: TensorProto, builder: GraphBuilder): WeightStats | undefined {
  if (isExternal(tensor)) return undefined;
  const kind = elementKind(onnxDtypeName(tensor.dataType));
  if (!kind) return undefined;
  const elements = elementCount(dimsOf(tensor));
  if (tensor.rawData.byteLength > 0) {
    const stats = statsOfBytes(tensor.rawData, kind, elements);
    if (!stats && elements > 0) builder.notes.push(`Tensor '${tensor.name}' has ${tensor.rawData.byteLength} bytes of raw_data, fewer than its dims need; it has no statistics.`);
    return stats;
  }
  // onnx.proto's typed fields: float in float_data, double in double_data, int64 in int64_data,
  // uint32/uint64 in uint64_data, the rest (fp16 and bf16 as their bits) in int32_data.
  switch (tensor.dataType) {
    case OnnxDataType.FLOAT:
      return statsOfValues(tensor.floatData);
    case OnnxDataType.DOUBLE:
      return statsOfValues(tensor.doubleData);
    case OnnxDataType.INT64:
      return statsOfValues(tensor.int64Data);
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return statsOfValues(tensor.uint64Data);
    case OnnxDataType.FLOAT16:
      return statsOfValues(tensor.int32Data, decodeFloat16);
    case OnnxDataType.BFLOAT16:
      return statsOfValues(tensor.int32Data, (bits) => new Float32Array(new Uint32Array([bits << 16]).buffer)[0] as number);
    default:
      return kind === 'int4' || kind === 'uint4' ? undefined : statsOfValues(tensor.int32Data);
  }
}

const MAX_LISTED = 16;

function listText(values: ReadonlyArray<string>): string {
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED ? `[${shown}, … ${values.length} values]` : `[${shown}]`;
}

function tensorText(tensor: TensorProto): string {
  return `tensor ${onnxDtypeName(tensor.dataType)}[${dimsOf(tensor).join(', ')}]`;
}

function bytesText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return `${bytes.byteLength} bytes`;
  }
}

/** An attribute's value as text; Cast's `to` as the dtype it names ('float16'), since the number alone says nothing. */
export function attributeText(op: string, attribute: AttributeProto): string {
  if (attribute.refAttrName !== '') return `@${attribute.refAttrName}`;
  const type = attribute.type !== OnnxAttributeType.UNDEFINED ? attribute.type : guessedType(attribute);
  switch (type) {
    case OnnxAttributeType.FLOAT:
      return String(attribute.f);
    case OnnxAttributeType.INT:
      return (op === 'Cast' || op === 'CastLike') && attribute.name === 'to' ? onnxDtypeName(Number(attribute.i)) : String(attribute.i);
    case OnnxAttributeType.STRING:
      return bytesText(attribute.s);
    case OnnxAttributeType.TENSOR:
      return attribute.t ? tensorText(attribute.t) : 'tensor';
    case OnnxAttributeType.GRAPH:
      return `graph${attribute.g?.name ? ` '${attribute.g.name}'` : ''} (${attribute.g?.node.length ?? 0} nodes)`;
    case OnnxAttributeType.FLOATS:
      return listText(attribute.floats.map(String));
    case OnnxAttributeType.INTS:
      return listText(attribute.ints.map(String));
    case OnnxAttributeType.STRINGS:
      return listText(attribute.strings.map((s) => JSON.stringify(bytesText(s))));
    case OnnxAttributeType.TENSORS:
      return listText(attribute.tensors.map(tensorText));
    case OnnxAttributeType.GRAPHS:
      return `${attribute.graphs.length} graphs`;
    case OnnxAttributeType.SPARSE_TENSOR:
      return `sparse ${attribute.sparseTensor?.values ? tensorText(attribute.sparseTensor.values) : 'tensor'}`;
    case OnnxAttributeType.SPARSE_TENSORS:
      return `${attribute.sparseTensors.length} sparse tensors`;
    case OnnxAttributeType.TYPE_PROTO:
      return 'type';
    case OnnxAttributeType.TYPE_PROTOS:
      return `${attribute.typeProtos.length} types`;
    default:
      return '';
  }
}

/** Files before IR version 3 may leave `type` unset: the field that holds a value says which it is. */
function guessedType(attribute: AttributeProto): number {
  if (attribute.t) return OnnxAttributeType.TENSOR;
  if (attribute.g) return OnnxAttributeType.GRAPH;
  if (attribute.sparseTensor) return OnnxAttributeType.SPARSE_TENSOR;
  if (attribute.floats.length > 0) return OnnxAttributeType.FLOATS;
  if (attribute.ints.length > 0) return OnnxAttributeType.INTS;
  if (attribute.strings.length > 0) return OnnxAttributeType.STRINGS;
  if (attribute.tensors.length > 0) return OnnxAttributeType.TENSORS;
  if (attribute.graphs.length > 0) return OnnxAttributeType.GRAPHS;
  if (attribute.s.byteLength > 0) return OnnxAttributeType.STRING;
  if (attribute.f !== 0) return OnnxAttributeType.FLOAT;
  return OnnxAttributeType.INT;
}

/**
 * The ONNX codec: ModelProto bytes to the generated messages of onnx.proto and back
 * (generated/onnx_pb.ts, made by `npm run gen:onnx` with protoc-gen-es). Decoding keeps every
 * field, including fields newer than the schema (as unknown fields, written back as they came),
 * so decode → edit → encode changes only what the edit changes. Byte fields (raw_data) are views
 * of the input buffer, not copies.
 */
import { fromBinary, isFieldSet, toBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { StudioError } from '../../../shared/errors';
import {
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  type TensorProto,
} from './generated/onnx_pb';

export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from './generated/onnx_pb';

function formatError(fileName: string, reason: string): StudioError {
  return new StudioError('MODEL_FORMAT', `'${fileName}' is not a valid ONNX model: ${reason}. Re-export it or check the download.`, { file: fileName });
}

/**
 * Decodes ONNX ModelProto bytes. Throws StudioError('MODEL_FORMAT') naming the file for empty,
 * truncated or garbage input, and for a ModelProto without ir_version or graph.
 */
export function decodeModelProto(bytes: Uint8Array, fileName = 'model.onnx'): ModelProto {
  if (bytes.byteLength === 0) throw formatError(fileName, 'the file is empty');
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    // protobuf-es throws plain Errors ("premature EOF", "invalid wire type ...") for damaged input.
    const truncation = truncatedAt(bytes);
    if (truncation) {
      throw new StudioError(
        'MODEL_FORMAT',
        `'${fileName}' is not a valid ONNX model (truncated at byte ${truncation.end} of ${truncation.needed}). Re-export it or check the download.`,
        { file: fileName, offset: String(truncation.end) },
      );
    }
    throw formatError(fileName, `its protobuf does not parse (${(error as Error).message})`);
  }
  const hasIr = isFieldSet(model, ModelProtoSchema.field.irVersion);
  if (!hasIr || !model.graph) {
    throw formatError(fileName, `it has no ${hasIr ? 'graph' : 'ir_version'} field, so it is not a complete ONNX ModelProto (is it truncated?)`);
  }
  return model;
}

/** Where a cut-off file ends and where its last top-level field says it should, if that is what is wrong. */
function truncatedAt(bytes: Uint8Array): { end: number; needed: number } | undefined {
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      const [, wireType] = reader.tag();
      if (wireType === WireType.LengthDelimited) {
        const length = reader.uint32();
        if (reader.pos + length > bytes.length) return { end: bytes.length, needed: reader.pos + length };
        reader.pos += length;
      } else reader.skip(wireType);
    }
  } catch (error) {
    // A varint or fixed-size field cut off at the end; anything else is damage, not truncation.
    return /premature EOF/.test((error as Error).message) ? { end: bytes.length, needed: bytes.length + 1 } : undefined;
  }
  return undefined;
}

/** Serializes a ModelProto; fields come out in field-number order, unknown fields after them. */
export function encodeModelProto(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}

/** The graphs an attribute holds (If branches, Loop/Scan bodies). */
export function attributeGraphs(attribute: AttributeProto): GraphProto[] {
  return attribute.g ? [attribute.g, ...attribute.graphs] : attribute.graphs;
}

/** The subgraphs a node holds, with the attribute each comes from. */
export function nodeSubgraphs(node: NodeProto): Array<{ attribute: string; graph: GraphProto }> {
  return node.attribute.flatMap((attribute) => attributeGraphs(attribute).map((graph) => ({ attribute: attribute.name, graph })));
}

/** Visits a graph and every graph nested in its nodes, depth first, parents before children. */
export function forEachGraph(graph: GraphProto, visit: (graph: GraphProto, depth: number) => void, depth = 0): void {
  visit(graph, depth);
  for (const node of graph.node) for (const { graph: sub } of nodeSubgraphs(node)) forEachGraph(sub, visit, depth + 1);
}

/** Every node of the model: the main graph, its subgraphs, and the model's local functions. */
export function allNodes(model: ModelProto): NodeProto[] {
  const nodes: NodeProto[] = [];
  const collect = (list: NodeProto[]): void => {
    for (const node of list) {
      nodes.push(node);
      for (const { graph } of nodeSubgraphs(node)) collect(graph.node);
    }
  };
  if (model.graph) collect(model.graph.node);
  for (const fn of model.functions) collect(fn.node);
  return nodes;
}

/**
 * Every TensorProto the model holds, wherever it is: initializers, sparse initializers, Constant
 * and other TENSOR attributes, in the main graph, its subgraphs and the model's functions.
 */
export function allTensors(model: ModelProto): TensorProto[] {
  const tensors: TensorProto[] = [];
  const fromAttribute = (attribute: AttributeProto): void => {
    if (attribute.t) tensors.push(attribute.t);
    tensors.push(...attribute.tensors);
    for (const sparse of [...(attribute.sparseTensor ? [attribute.sparseTensor] : []), ...attribute.sparseTensors]) {
      if (sparse.values) tensors.push(sparse.values);
      if (sparse.indices) tensors.push(sparse.indices);
    }
  };
  const fromNodes = (nodes: NodeProto[]): void => {
    for (const node of nodes) {
      for (const attribute of node.attribute) {
        fromAttribute(attribute);
        for (const graph of attributeGraphs(attribute)) fromGraph(graph);
      }
    }
  };
  const fromGraph = (graph: GraphProto): void => {
    tensors.push(...graph.initializer);
    for (const sparse of graph.sparseInitializer) {
      if (sparse.values) tensors.push(sparse.values);
      if (sparse.indices) tensors.push(sparse.indices);
    }
    fromNodes(graph.node);
  };
  if (model.graph) fromGraph(model.graph);
  for (const fn of model.functions) fromNodes(fn.node);
  for (const info of model.trainingInfo) {
    if (info.initialization) fromGraph(info.initialization);
    if (info.algorithm) fromGraph(info.algorithm);
  }
  return tensors;
}

/** The version of the default-domain opset the model imports (0 if none). */
export function defaultOpsetVersion(model: ModelProto): number {
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return opset ? Number(opset.version) : 0;
}

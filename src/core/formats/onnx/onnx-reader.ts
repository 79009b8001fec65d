import { BinaryReader } from '@bufbuild/protobuf/wire';
import { StudioError } from '../../../shared/errors';
import type { TensorInfo } from '../../../shared/model-info';
import type { ModelFile, ModelReader, ModelReadout } from '../model-file';
import type { GraphProto, ValueInfoProto } from './generated/onnx_pb';
import { attributeOf, elemTypeOf, nonTensorKind, opKey, shapeOf } from './onnx-attributes';
import { decodeModelProto, defaultOpsetVersion, forEachGraph } from './onnx-codec';
import { externalLocations } from './onnx-external';
import { estimateOnnxMacs } from './onnx-shapes';
import { dimsOf, elementCount, isExternal } from './onnx-tensors';
import { onnxDtypeName } from './onnx-types';
import { MODEL_FORMATS } from '../../../shared/plugins/model-formats';

/** ModelProto fields and the wire type each must have; anything else at the top level means "not ONNX". */
const MODEL_FIELD_WIRE_TYPES: Record<number, number> = {
  1: 0, // ir_version (varint)
  2: 2, // producer_name (length-delimited)
  3: 2, // producer_version
  4: 2, // domain
  5: 0, // model_version
  6: 2, // doc_string
  7: 2, // graph
  8: 2, // opset_import
  14: 2, // metadata_props
  20: 2, // training_info
  25: 2, // functions
  26: 2, // configuration (ONNX 1.16)
};

/**
 * Content check: a ModelProto whose top-level fields all have the declared wire types,
 * with ir_version (1) and a graph (7). Walking the top level only touches a few tags.
 */
export function looksLikeOnnx(file: ModelFile): boolean {
  const reader = new BinaryReader(file.data);
  const seen = new Set<number>();
  try {
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (MODEL_FIELD_WIRE_TYPES[field] !== wireType) return false;
      seen.add(field);
      reader.skip(wireType);
    }
  } catch {
    // A damaged file is not recognised by content; the extension may still route it to read(), which explains.
    return false;
  }
  return seen.has(1) && seen.has(7);
}

function tensorInfo(info: ValueInfoProto): TensorInfo {
  const kind = nonTensorKind(info);
  return { name: info.name, dtype: kind ?? (info.type ? onnxDtypeName(elemTypeOf(info)) : 'unknown'), shape: kind ? null : shapeOf(info) };
}

/**
 * Elements of every weight a graph stores, its subgraphs included: initializers, the stored values
 * of sparse initializers, and Constant nodes' values (scripts/python/onnx_facts.py counts the same way).
 */
function countParameters(graph: GraphProto): number {
  let parameters = 0;
  forEachGraph(graph, (g) => {
    for (const tensor of g.initializer) parameters += elementCount(dimsOf(tensor));
    for (const sparse of g.sparseInitializer) parameters += sparse.values ? elementCount(dimsOf(sparse.values)) : 0;
    for (const node of g.node) {
      if (node.opType !== 'Constant' || opKey(node) !== 'Constant') continue;
      const value = attributeOf(node, 'value');
      const sparse = attributeOf(node, 'sparse_value')?.sparseTensor?.values;
      if (value?.t) parameters += elementCount(dimsOf(value.t));
      else if (sparse) parameters += elementCount(dimsOf(sparse));
      else if (attributeOf(node, 'value_float') || attributeOf(node, 'value_int')) parameters += 1;
      else parameters += (attributeOf(node, 'value_floats')?.floats.length ?? 0) + (attributeOf(node, 'value_ints')?.ints.length ?? 0);
    }
  });
  return parameters;
}

/** `options.inputShapes`: count MACs at these input sizes instead of symbolic dims = 1 (edgebench inspect --shape). */
export function readOnnx(file: ModelFile, options: { inputShapes?: ReadonlyMap<string, readonly number[]> } = {}): ModelReadout {
  const model = decodeModelProto(file.data, file.name);
  const graph = model.graph as GraphProto;
  const notes: string[] = [];

  const initializerNames = new Set(graph.initializer.map((tensor) => tensor.name));
  const inputs = graph.input.filter((input) => !initializerNames.has(input.name)).map(tensorInfo);
  const outputs = graph.output.map(tensorInfo);

  const ops: Record<string, number> = {};
  let subgraphs = 0;
  let external = 0;
  forEachGraph(graph, (g, depth) => {
    if (depth > 0) subgraphs += 1;
    for (const tensor of g.initializer) if (isExternal(tensor)) external += 1;
    for (const node of g.node) {
      const key = opKey(node);
      ops[key] = (ops[key] ?? 0) + 1;
    }
  });

  if (external > 0) {
    notes.push(`${external} initializer(s) keep their data in external files next to the model (${externalLocations(model, file.name).join(', ')}); their elements are counted from their shapes.`);
  }
  if (subgraphs > 0) notes.push(`The graph has ${subgraphs} subgraph(s) (If/Loop/Scan bodies); their ops, weights and MACs are counted with the main graph's.`);
  if (model.functions.length > 0) {
    notes.push(`The model defines ${model.functions.length} local function(s) (${model.functions.map((f) => f.name).join(', ')}); ops inside them are not counted.`);
  }
  const estimate = estimateOnnxMacs(graph, options.inputShapes);
  notes.push(...estimate.notes);

  const opset = defaultOpsetVersion(model);
  const irPart = `ir ${model.irVersion}`;
  const producer = `${model.producerName} ${model.producerVersion}`.trim();
  return {
    format: 'onnx',
    producer: producer === '' ? null : producer,
    formatVersion: opset > 0 ? `opset ${opset} (${irPart})` : irPart,
    inputs,
    outputs,
    ops,
    parameters: countParameters(graph),
    macs: estimate.macs,
    macsByOp: estimate.macsByOp,
    notes,
  };
}

/** The side files (external data) the model's tensors name; inspect and import read them with the model. */
function onnxCompanions(main: ModelFile): string[] {
  try {
    return externalLocations(decodeModelProto(main.data, main.name), main.name);
  } catch (error) {
    // A damaged model has no companions to find; read() reports the damage.
    if (error instanceof StudioError && error.code === 'MODEL_FORMAT' && !/external data/.test(error.message)) return [];
    throw error;
  }
}

export const onnxReader: ModelReader<'onnx'> = {
  format: 'onnx',
  extensions: MODEL_FORMATS.onnx.extensions,
  match: looksLikeOnnx,
  companions: onnxCompanions,
  read: (files) => readOnnx(files.main),
};

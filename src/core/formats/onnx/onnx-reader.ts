import { StudioError } from '../../../shared/errors';
import type { TensorInfo } from '../../../shared/model-info';
import type { ModelFile, ModelReader, ModelReadout } from '../model-file';
import { WireReader, WireType } from '../protobuf/wire-reader';
import { decodeModel, type OnnxNode } from './onnx-model';
import { estimateOnnxMacs } from './onnx-shapes';

const FORMAT_LABEL = 'ONNX model';

/** ModelProto fields and the wire type each must have; anything else at the top level means "not ONNX". */
const MODEL_FIELD_WIRE_TYPES: Record<number, number> = {
  1: WireType.VARINT, // ir_version
  2: WireType.LENGTH_DELIMITED, // producer_name
  3: WireType.LENGTH_DELIMITED, // producer_version
  4: WireType.LENGTH_DELIMITED, // domain
  5: WireType.VARINT, // model_version
  6: WireType.LENGTH_DELIMITED, // doc_string
  7: WireType.LENGTH_DELIMITED, // graph
  8: WireType.LENGTH_DELIMITED, // opset_import
  14: WireType.LENGTH_DELIMITED, // metadata_props
  20: WireType.LENGTH_DELIMITED, // training_info
  25: WireType.LENGTH_DELIMITED, // functions
  26: WireType.LENGTH_DELIMITED, // configuration
};

/**
 * Content check: a ModelProto whose top-level fields all have the declared wire types,
 * with ir_version (1) and a graph (7). Walking the top level only touches a few tags.
 */
export function looksLikeOnnx(file: ModelFile): boolean {
  const reader = new WireReader(file.data, { fileName: file.name, formatLabel: FORMAT_LABEL });
  const seen = new Set<number>();
  try {
    while (reader.more()) {
      const { field, wireType } = reader.tag();
      if (MODEL_FIELD_WIRE_TYPES[field] !== wireType) return false;
      seen.add(field);
      reader.skip(wireType);
    }
  } catch (error) {
    // A damaged file is not recognised by content; the extension may still route it to read(), which explains.
    if (error instanceof StudioError) return false;
    throw error;
  }
  return seen.has(1) && seen.has(7);
}

export function readOnnx(file: ModelFile): ModelReadout {
  const reader = new WireReader(file.data, { fileName: file.name, formatLabel: FORMAT_LABEL });
  if (file.data.byteLength === 0) throw reader.error(0, 'the file is empty');
  const model = decodeModel(reader);
  if (model.irVersion === null || model.graph === null) {
    const missing = model.irVersion === null ? 'ir_version' : 'graph';
    throw reader.error(0, `it has no ${missing} field, so it is not a complete ONNX ModelProto (is it truncated?)`);
  }
  const graph = model.graph;
  const notes: string[] = [];

  const initializerNames = new Set(graph.initializers.map((tensor) => tensor.name));
  const inputs: TensorInfo[] = graph.inputs
    .filter((input) => !initializerNames.has(input.name))
    .map(({ name, dtype, shape }) => ({ name, dtype, shape }));
  const outputs: TensorInfo[] = graph.outputs.map(({ name, dtype, shape }) => ({ name, dtype, shape }));

  const ops: Record<string, number> = {};
  let parameters = graph.sparseInitializerElements;
  let subgraphs = 0;
  for (const node of graph.nodes) {
    const key = opKey(node);
    ops[key] = (ops[key] ?? 0) + 1;
    for (const attribute of node.attributes.values()) subgraphs += attribute.graphCount;
    if (node.opType === 'Constant') parameters += node.attributes.get('value')?.t?.elementCount ?? 0;
  }
  const external = graph.initializers.filter((tensor) => tensor.external);
  for (const tensor of graph.initializers) parameters += tensor.elementCount;

  if (external.length > 0) {
    notes.push(
      `${external.length} initializer(s) keep their data in external files next to the model; ` +
        'their elements are counted from their shapes, and the size covers only the .onnx file.',
    );
  }
  if (subgraphs > 0) {
    notes.push(
      `The graph has ${subgraphs} subgraph(s) (If/Loop/Scan bodies); their ops, weights and MACs are not counted.`,
    );
  }
  const estimate = estimateOnnxMacs(graph);
  notes.push(...estimate.notes);

  const defaultOpset = model.opsets.find((opset) => opset.domain === '' || opset.domain === 'ai.onnx');
  const irPart = `ir ${model.irVersion}`;
  const producer = `${model.producerName} ${model.producerVersion}`.trim();
  return {
    format: 'onnx',
    producer: producer === '' ? null : producer,
    formatVersion: defaultOpset ? `opset ${defaultOpset.version} (${irPart})` : irPart,
    inputs,
    outputs,
    ops,
    parameters,
    macs: estimate.macs,
    macsByOp: estimate.macsByOp,
    notes,
  };
}

/** Ops of other domains carry their domain so "com.microsoft.QGemm" is not mistaken for an ONNX op. */
function opKey(node: OnnxNode): string {
  return node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}.${node.opType}`;
}

export const onnxReader: ModelReader = {
  format: 'onnx',
  extensions: ['.onnx'],
  match: looksLikeOnnx,
  companions: () => [],
  read: (files) => readOnnx(files.main),
};

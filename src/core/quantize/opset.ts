/**
 * The int8 ops need a minimum opset: QuantizeLinear/DequantizeLinear, MatMulInteger and
 * ConvInteger exist from opset 10, DynamicQuantizeLinear (and Round, see MIN_OPSET) from 11, and
 * DequantizeLinear's per-channel `axis` from 13. A model below what its mode needs gets its default-domain opset
 * raised to that minimum, when every op it uses means the same there. Between opset 9 and 11 the
 * ops whose form changed are listed in CHANGED_AT (facts from onnx's operator changelog, as
 * onnx.defs reports each op's since_version); three of them are rewritten to their new form:
 * Clip (min/max attributes → inputs, opset 11), Pad (pads/value attributes → inputs, 11) and
 * Slice (starts/ends/axes attributes → inputs, 10). Any other changed op stops the raise.
 * The opset is never raised past 11: opset 13 changes Softmax's meaning and turns the axes of
 * Squeeze, Unsqueeze and ReduceSum into inputs, so per-channel static weights need a model that
 * already imports opset 13.
 */
import { create } from '@bufbuild/protobuf';
import { StudioError } from '../../shared/errors';
import { type GraphProto, type ModelProto, type NodeProto, OperatorSetIdProtoSchema } from '../formats/onnx/generated/onnx_pb';
import { attributeOf, floatAttribute, intsAttribute, isDefaultDomain, stringAttribute } from '../formats/onnx/onnx-attributes';
import { defaultOpsetVersion, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { NameScope, newTensor, withIO } from './graph';
import { inferTensorTypes } from './tensor-types';

/**
 * The opset each mode needs: dynamic 11 (DynamicQuantizeLinear); static 11 too, though its
 * QuantizeLinear/DequantizeLinear exist from 10, because onnxruntime quantizes a Conv's float bias
 * when it loads a QDQ model with a Round node, which opset 10 lacks ("No Op registered for Round
 * with domain_version of 10", onnxruntime-node 1.30 on PP-OCR raised to opset 10).
 */
export const MIN_OPSET = { static: 11, dynamic: 11 } as const;
/** DequantizeLinear's axis (per-channel weights in static mode). */
export const PER_CHANNEL_QDQ_OPSET = 13;

/** Default-domain ops whose form changed at this opset, between 10 and 11 (the highest we raise to). */
const CHANGED_AT: Record<string, number> = {
  Slice: 10,
  TopK: 10,
  Upsample: 10,
  Clip: 11,
  Pad: 11,
  Resize: 11,
  Scatter: 11,
};
const REWRITTEN = new Set(['Slice', 'Clip', 'Pad']);

export interface OpsetChange {
  from: number;
  to: number;
  /** "Clip ×28" per rewritten op type. */
  rewritten: string[];
}

function walk(graph: GraphProto, visit: (node: NodeProto, graph: GraphProto) => void): void {
  for (const node of graph.node) {
    visit(node, graph);
    for (const { graph: body } of nodeSubgraphs(node)) walk(body, visit);
  }
}

/**
 * Raises the model's default opset to `target` in place (rewriting Clip, Pad and Slice), or throws
 * BAD_INPUT naming the op that stops it. Returns undefined when the model already imports `target`.
 */
export function raiseOpset(model: ModelProto, target: number, why: string): OpsetChange | undefined {
  const from = defaultOpsetVersion(model);
  if (from >= target) return undefined;
  const graph = model.graph as GraphProto;
  const blockers = new Set<string>();
  walk(graph, (node) => {
    const changed = isDefaultDomain(node) ? CHANGED_AT[node.opType] : undefined;
    if (changed !== undefined && changed > from && changed <= target && !REWRITTEN.has(node.opType)) blockers.add(node.opType);
  });
  if (blockers.size > 0) {
    const ops = [...blockers].sort().join(', ');
    throw new StudioError(
      'BAD_INPUT',
      `The model imports ONNX opset ${from}; ${why} needs opset ${target}, and its ${ops} op(s) mean something else there, so the studio cannot raise the opset. Re-export the model with opset ${target} or newer.`,
      { opset: String(from), ops },
    );
  }
  const names = new NameScope(model);
  const counts = new Map<string, number>();
  const rewriteGraph = (g: GraphProto, outer?: ReadonlyMap<string, number>): void => {
    const types = inferTensorTypes(g, outer);
    g.node = g.node.map((node) => {
      for (const { graph: body } of nodeSubgraphs(node)) rewriteGraph(body, types);
      if (!isDefaultDomain(node)) return node;
      const changed = CHANGED_AT[node.opType];
      if (changed === undefined || changed <= from || changed > target) return node;
      counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
      return rewriteNode(node, g, names, types);
    });
  };
  rewriteGraph(graph);
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (opset) opset.version = BigInt(target);
  else model.opsetImport.push(create(OperatorSetIdProtoSchema, { version: BigInt(target) }));
  // Opset 10 came with IR version 5, opset 11 with IR version 6.
  const minIr = BigInt(target - 5);
  if (model.irVersion < minIr) model.irVersion = minIr;
  return { from, to: target, rewritten: [...counts].map(([op, n]) => `${op} ×${n}`) };
}

/** One node in its new form; constants it needs become initializers of its graph. */
function rewriteNode(node: NodeProto, graph: GraphProto, names: NameScope, types: ReadonlyMap<string, number>): NodeProto {
  const label = node.name || node.output[0] || node.opType;
  const add = (suffix: string, dataType: 'FLOAT' | 'INT64', dims: number[], data: Float32Array | BigInt64Array): string => {
    const name = names.fresh(`${label}_${suffix}`);
    graph.initializer.push(newTensor({ name, dims, dataType, data }));
    return name;
  };
  const dropAttributes = (copy: NodeProto, names: string[]): NodeProto => {
    copy.attribute = copy.attribute.filter((a) => !names.includes(a.name));
    return copy;
  };
  const x = node.input[0] ?? '';
  if (node.opType === 'Clip') {
    const min = attributeOf(node, 'min') ? add('min', 'FLOAT', [], new Float32Array([floatAttribute(node, 'min', 0)])) : '';
    const max = attributeOf(node, 'max') ? add('max', 'FLOAT', [], new Float32Array([floatAttribute(node, 'max', 0)])) : '';
    const inputs = max ? [x, min, max] : min ? [x, min] : [x];
    return dropAttributes(withIO(node, inputs, [...node.output]), ['min', 'max']);
  }
  if (node.opType === 'Slice') {
    const list = (name: string): BigInt64Array | undefined => {
      const attribute = attributeOf(node, name);
      return attribute ? BigInt64Array.from(attribute.ints) : undefined;
    };
    const starts = list('starts') ?? new BigInt64Array(0);
    const ends = list('ends') ?? new BigInt64Array(0);
    const axes = list('axes');
    const inputs = [x, add('starts', 'INT64', [starts.length], starts), add('ends', 'INT64', [ends.length], ends)];
    if (axes) inputs.push(add('axes', 'INT64', [axes.length], axes));
    return dropAttributes(withIO(node, inputs, [...node.output]), ['starts', 'ends', 'axes']);
  }
  // Pad-2 → Pad-11: pads and the constant value become inputs; the value must have the data's type.
  if (types.get(x) !== OnnxDataType.FLOAT) {
    throw new StudioError('BAD_INPUT', `Pad '${label}' pads a tensor that is not known to be float32, so the studio cannot move its value attribute into an input while raising the opset. Re-export the model with opset 11 or newer.`, {
      node: label,
    });
  }
  const pads = BigInt64Array.from((intsAttribute(node, 'pads') ?? []).map(BigInt));
  const inputs = [x, add('pads', 'INT64', [pads.length], pads)];
  if (stringAttribute(node, 'mode', 'constant') === 'constant') inputs.push(add('value', 'FLOAT', [], new Float32Array([floatAttribute(node, 'value', 0)])));
  return dropAttributes(withIO(node, inputs, [...node.output]), ['pads', 'value']);
}

/**
 * The int8 ops need a minimum opset: QuantizeLinear/DequantizeLinear, MatMulInteger and
 * ConvInteger exist from opset 10, DynamicQuantizeLinear (and Round, see MIN_OPSET) from 11, and
 * DequantizeLinear's per-channel `axis` from 13. A model below what its mode needs gets its
 * default-domain opset raised to that minimum, when every op it uses means the same there.
 *
 * Between opset 9 and 13 the ops whose form or meaning changed are listed in CHANGED_AT (facts
 * from onnx's operator changelog, as python3-onnx's onnx.defs reports each schema's since_version,
 * inputs and attributes). Most are rewritten to their new form:
 *  - attributes that became inputs: Slice (starts/ends/axes, 10), Clip (min/max, 11), Pad
 *    (pads/value, 11), Dropout (ratio, 12), ReduceSum, Squeeze and Unsqueeze (axes, 13), Split
 *    (split, 13);
 *  - Softmax, LogSoftmax and Hardmax (13) work on one axis where they worked on the input coerced
 *    to 2-D at `axis` (default 1): the same when that axis is the last, else the old meaning is
 *    Flatten(axis) → op → Reshape back to the input's shape.
 * Any other changed op (TopK, Upsample, Resize below 11, Scatter, a Resize with
 * tf_half_pixel_for_nn, which opset 13 dropped) stops the raise.
 */
import { create } from '@bufbuild/protobuf';
import { StudioError } from '../../shared/errors';
import { type GraphProto, type ModelProto, type NodeProto, OperatorSetIdProtoSchema } from '../formats/onnx/generated/onnx_pb';
import { attributeOf, floatAttribute, intAttribute, intsAttribute, isDefaultDomain, shapeOf, stringAttribute } from '../formats/onnx/onnx-attributes';
import { defaultOpsetVersion, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { attributeFromSpec } from '../formats/onnx/onnx-writer';
import { makeNode, NameScope, newTensor, withIO } from './graph';
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
/** The highest opset the studio raises a model to. */
const HIGHEST_TARGET = 13;

/** Default-domain ops whose form or meaning changed at this opset, between 10 and 13. */
const CHANGED_AT: Record<string, number> = {
  Slice: 10,
  TopK: 10,
  Upsample: 10,
  Clip: 11,
  Pad: 11,
  Resize: 11,
  Scatter: 11,
  Dropout: 12,
  ReduceSum: 13,
  Split: 13,
  Squeeze: 13,
  Unsqueeze: 13,
  Softmax: 13,
  LogSoftmax: 13,
  Hardmax: 13,
};
const REWRITTEN = new Set(['Slice', 'Clip', 'Pad', 'Dropout', 'ReduceSum', 'Split', 'Squeeze', 'Unsqueeze', 'Softmax', 'LogSoftmax', 'Hardmax']);
/** Deprecated ops onnxruntime runs only up to the opset that deprecated them: any raise past it stops. */
const DEPRECATED_AT: Record<string, number> = { Upsample: 10, Scatter: 11 };

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

function changesBetween(node: NodeProto, from: number, to: number): boolean {
  const changed = isDefaultDomain(node) ? CHANGED_AT[node.opType] : undefined;
  return changed !== undefined && changed > from && changed <= to;
}

/**
 * Why each op stops a raise from the model's opset to `target`: op type → reason. Empty when the
 * raise can be made (or is not needed).
 */
export function opsetBlockers(model: ModelProto, target: number): Map<string, string> {
  const from = defaultOpsetVersion(model);
  const blockers = new Map<string, string>();
  if (from >= target) return blockers;
  walk(model.graph as GraphProto, (node) => {
    if (!isDefaultDomain(node)) return;
    const deprecated = DEPRECATED_AT[node.opType];
    if (deprecated !== undefined && target > deprecated) blockers.set(node.opType, `${node.opType} is deprecated from opset ${deprecated}`);
    else if (changesBetween(node, from, target) && !REWRITTEN.has(node.opType)) blockers.set(node.opType, `${node.opType} means something else from opset ${CHANGED_AT[node.opType]}`);
    else if (node.opType === 'Resize' && target >= 13 && stringAttribute(node, 'coordinate_transformation_mode', '') === 'tf_half_pixel_for_nn') {
      blockers.set('Resize', "Resize's coordinate mode tf_half_pixel_for_nn does not exist from opset 13");
    }
  });
  return blockers;
}

/**
 * Raises the model's default opset to `target` in place (rewriting the ops listed above), or throws
 * BAD_INPUT naming the ops that stop it. Returns undefined when the model already imports `target`.
 */
export function raiseOpset(model: ModelProto, target: number, why: string): OpsetChange | undefined {
  if (target > HIGHEST_TARGET) throw new StudioError('INTERNAL', `The studio raises opsets up to ${HIGHEST_TARGET}, not ${target}.`);
  const from = defaultOpsetVersion(model);
  if (from >= target) return undefined;
  const blockers = opsetBlockers(model, target);
  if (blockers.size > 0) {
    const ops = [...blockers.keys()].sort().join(', ');
    throw new StudioError(
      'BAD_INPUT',
      `The model imports ONNX opset ${from}; ${why} needs opset ${target}, and the studio cannot raise it there (${[...blockers.values()].join('; ')}). Re-export the model with opset ${target} or newer.`,
      { opset: String(from), ops },
    );
  }
  const graph = model.graph as GraphProto;
  const names = new NameScope(model);
  const counts = new Map<string, number>();
  const rewriteGraph = (g: GraphProto, outer?: ReadonlyMap<string, number>): void => {
    const types = inferTensorTypes(g, outer);
    const ranks = declaredRanks(g);
    g.node = g.node.flatMap((node) => {
      for (const { graph: body } of nodeSubgraphs(node)) rewriteGraph(body, types);
      if (!changesBetween(node, from, target)) return [node];
      counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
      return rewriteNode(node, g, names, types, ranks);
    });
  };
  rewriteGraph(graph);
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (opset) opset.version = BigInt(target);
  else model.opsetImport.push(create(OperatorSetIdProtoSchema, { version: BigInt(target) }));
  // Opset 10 came with IR version 5, opset 11 with 6, opsets 12 to 14 with 7.
  const minIr = BigInt(Math.min(target - 5, 7));
  if (model.irVersion < minIr) model.irVersion = minIr;
  return { from, to: target, rewritten: [...counts].map(([op, n]) => `${op} ×${n}`) };
}

/** Ranks the graph declares for its tensors (inputs, outputs, value_info). */
function declaredRanks(graph: GraphProto): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const info of [...graph.input, ...graph.output, ...graph.valueInfo]) {
    const shape = shapeOf(info);
    if (shape) ranks.set(info.name, shape.length);
  }
  return ranks;
}

/** One node in its new form (one or more nodes); constants it needs become initializers of its graph. */
function rewriteNode(node: NodeProto, graph: GraphProto, names: NameScope, types: ReadonlyMap<string, number>, ranks: ReadonlyMap<string, number>): NodeProto[] {
  const label = node.name || node.output[0] || node.opType;
  const add = (suffix: string, dataType: 'FLOAT' | 'INT64', dims: number[], data: Float32Array | BigInt64Array): string => {
    const name = names.fresh(`${label}_${suffix}`);
    graph.initializer.push(newTensor({ name, dims, dataType, data }));
    return name;
  };
  const ints = (values: ReadonlyArray<number | bigint>): BigInt64Array => BigInt64Array.from(values, (v) => BigInt(v));
  const dropAttributes = (copy: NodeProto, attributes: string[]): NodeProto => {
    copy.attribute = copy.attribute.filter((a) => !attributes.includes(a.name));
    return copy;
  };
  /** An attribute list moved into an input at `slot` (absent attribute: the input stays absent). */
  const attributeToInput = (attribute: string, slot: number): NodeProto => {
    const values = attributeOf(node, attribute)?.ints;
    const inputs = [...node.input];
    if (values) {
      while (inputs.length < slot) inputs.push('');
      inputs[slot] = add(attribute, 'INT64', [values.length], ints(values));
    }
    return dropAttributes(withIO(node, inputs, [...node.output]), [attribute]);
  };
  const x = node.input[0] ?? '';
  switch (node.opType) {
    case 'Clip': {
      const min = attributeOf(node, 'min') ? add('min', 'FLOAT', [], new Float32Array([floatAttribute(node, 'min', 0)])) : '';
      const max = attributeOf(node, 'max') ? add('max', 'FLOAT', [], new Float32Array([floatAttribute(node, 'max', 0)])) : '';
      const inputs = max ? [x, min, max] : min ? [x, min] : [x];
      return [dropAttributes(withIO(node, inputs, [...node.output]), ['min', 'max'])];
    }
    case 'Slice': {
      const list = (name: string): BigInt64Array | undefined => {
        const attribute = attributeOf(node, name);
        return attribute ? ints(attribute.ints) : undefined;
      };
      const starts = list('starts') ?? new BigInt64Array(0);
      const ends = list('ends') ?? new BigInt64Array(0);
      const axes = list('axes');
      const inputs = [x, add('starts', 'INT64', [starts.length], starts), add('ends', 'INT64', [ends.length], ends)];
      if (axes) inputs.push(add('axes', 'INT64', [axes.length], axes));
      return [dropAttributes(withIO(node, inputs, [...node.output]), ['starts', 'ends', 'axes'])];
    }
    case 'Dropout': {
      // Dropout-12 takes its ratio as an input; inference ignores it either way.
      const inputs = attributeOf(node, 'ratio') ? [x, add('ratio', 'FLOAT', [], new Float32Array([floatAttribute(node, 'ratio', 0.5)]))] : [x];
      return [dropAttributes(withIO(node, inputs, [...node.output]), ['ratio'])];
    }
    case 'ReduceSum':
    case 'Squeeze':
    case 'Unsqueeze':
      return [attributeToInput('axes', 1)];
    case 'Split':
      return [attributeToInput('split', 1)];
    case 'Softmax':
    case 'LogSoftmax':
    case 'Hardmax':
      return coercedSoftmax(node, label, names, ranks);
    default:
      break;
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
  return [dropAttributes(withIO(node, inputs, [...node.output]), ['pads', 'value'])];
}

/**
 * Softmax-1/11 (and LogSoftmax, Hardmax) in opset-13 form. They coerce the input to 2-D at `axis`
 * (default 1) and normalize each row; opset 13 normalizes along `axis` alone (default -1). When
 * the axis is the last, both are the same and only the attribute is spelled out; otherwise
 * Flatten(axis) gives the old rows, the op normalizes them along axis 1, and Reshape restores the shape.
 */
function coercedSoftmax(node: NodeProto, label: string, names: NameScope, ranks: ReadonlyMap<string, number>): NodeProto[] {
  const x = node.input[0] ?? '';
  const axis = intAttribute(node, 'axis', 1);
  const rank = ranks.get(x) ?? ranks.get(node.output[0] ?? '');
  const withAxis = (copy: NodeProto, value: number): NodeProto => {
    copy.attribute = [...copy.attribute.filter((a) => a.name !== 'axis'), attributeFromSpec({ name: label, opType: node.opType }, 'axis', value)];
    return copy;
  };
  if (axis === -1 || (rank !== undefined && axis === rank - 1)) return [withAxis(withIO(node, [...node.input], [...node.output]), -1)];
  const rows = names.fresh(`${label}_rows`);
  const normalized = names.fresh(`${label}_normalized`);
  const shape = names.fresh(`${label}_shape`);
  return [
    makeNode('Flatten', names.fresh(`${label}_flatten`), [x], [rows], { axis }),
    withAxis(withIO(node, [rows], [normalized]), 1),
    makeNode('Shape', names.fresh(`${label}_shape_of`), [x], [shape]),
    makeNode('Reshape', names.fresh(`${label}_reshape`), [normalized, shape], [...node.output]),
  ];
}

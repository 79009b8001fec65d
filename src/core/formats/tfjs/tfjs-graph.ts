import type { Dim, TensorInfo } from '../../../shared/model-info';
import { broadcast, convOutput, matMulShapes, product } from '../shape-math';
import { readInt32Weight, type WeightLocation } from './tfjs-manifest';
import { asArray, asRecord, asString, tfDtypeName, type TfjsEstimate } from './tfjs-common';

/**
 * TF.js graph models: modelTopology is a TensorFlow GraphDef in JSON
 * ({ node: [{ name, op, input, attr }] }), int64 attributes arrive as strings and
 * string attributes as base64.
 */

interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  attr: Record<string, unknown>;
}

const PASS_THROUGH = new Set([
  'Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Identity', 'BiasAdd', 'LeakyRelu',
  'FusedBatchNorm', 'FusedBatchNormV3', 'Cast', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Neg', 'Abs', 'Prelu', 'StopGradient',
]);
const ELEMENTWISE = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum', 'Pow', 'SquaredDifference']);
const CONVS = new Set(['Conv2D', '_FusedConv2D']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const MATMULS = new Set(['MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2']);

export function readGraphNodes(topology: Record<string, unknown>): GraphNode[] {
  return asArray(topology.node).map((value) => {
    const node = asRecord(value);
    return {
      name: asString(node.name),
      op: asString(node.op),
      inputs: asArray(node.input).map(asString).filter((input) => !input.startsWith('^')),
      attr: asRecord(node.attr),
    };
  });
}

/** Inputs and outputs from `signature`, else Placeholder nodes and nodes nobody consumes. */
export function graphEndpoints(nodes: GraphNode[], signature: unknown): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  const sig = asRecord(signature);
  const fromSignature = (side: unknown): TensorInfo[] =>
    Object.entries(asRecord(side)).map(([key, value]) => {
      const entry = asRecord(value);
      return { name: key, dtype: tfDtypeName(asString(entry.dtype)), shape: tensorShape(entry.tensorShape) };
    });
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const inputs = Object.keys(asRecord(sig.inputs)).length > 0
    ? fromSignature(sig.inputs)
    : nodes.filter((node) => node.op === 'Placeholder').map((node) => placeholderInfo(node));
  let outputs = fromSignature(sig.outputs);
  if (outputs.length === 0) {
    const consumed = new Set(nodes.flatMap((node) => node.inputs.map((input) => input.replace(/:\d+$/, ''))));
    outputs = nodes
      .filter((node) => !consumed.has(node.name) && node.op !== 'Const' && node.op !== 'NoOp' && node.op !== 'Placeholder')
      .map((node) => ({ name: node.name, dtype: tfDtypeName(asString(asRecord(byName.get(node.name)?.attr.T).type)), shape: null }));
  }
  return { inputs, outputs };
}

function placeholderInfo(node: GraphNode): TensorInfo {
  return {
    name: node.name,
    dtype: tfDtypeName(asString(asRecord(node.attr.dtype).type)),
    shape: tensorShape(asRecord(node.attr.shape).shape),
  };
}

/** TensorShapeProto JSON: { dim: [{ size: "-1" }], unknownRank }; -1 becomes "batch" first, then "d<i>". */
export function tensorShape(value: unknown): Dim[] | null {
  const shape = asRecord(value);
  if (shape.unknownRank === true) return null;
  return asArray(shape.dim).map((dim, index) => {
    const size = Number(asRecord(dim).size ?? 0);
    return size >= 0 ? size : index === 0 ? 'batch' : `d${index}`;
  });
}

export function estimateGraphMacs(
  nodes: GraphNode[],
  inputs: TensorInfo[],
  weights: Map<string, WeightLocation>,
): TfjsEstimate {
  const shapes = new Map<string, number[]>();
  const numeric = (shape: Dim[]): number[] => shape.map((dim) => (typeof dim === 'number' ? dim : 1));
  for (const [name, location] of weights) shapes.set(name, location.entry.shape);
  for (const input of inputs) if (input.shape) shapes.set(input.name.replace(/:0$/, ''), numeric(input.shape));
  const estimate: TfjsEstimate = { macs: 0, macsByOp: {}, skipped: [] };
  const shapeOf = (input: string | undefined): number[] | undefined => {
    if (input === undefined) return undefined;
    const [name, index] = input.split(':');
    return index === undefined || index === '0' ? shapes.get(name as string) : undefined;
  };

  for (const node of nodes) {
    if (node.op === 'Placeholder') {
      const shape = tensorShape(asRecord(node.attr.shape).shape);
      if (shape && !shapes.has(node.name)) shapes.set(node.name, numeric(shape));
      continue;
    }
    if (node.op === 'Const') {
      const shape = tensorShape(asRecord(asRecord(node.attr.value).tensor).tensorShape);
      if (shape && !shapes.has(node.name)) shapes.set(node.name, numeric(shape));
      continue;
    }
    const x = shapeOf(node.inputs[0]);
    const isMac = CONVS.has(node.op) || DEPTHWISE.has(node.op) || MATMULS.has(node.op);
    const result = isMac ? macNode(node, x, shapeOf(node.inputs[1])) : undefined;
    if (isMac && !result) estimate.skipped.push(`${node.op} '${node.name}'`);
    if (result) {
      estimate.macs += result.macs;
      estimate.macsByOp[node.op] = (estimate.macsByOp[node.op] ?? 0) + result.macs;
    }
    const output = result?.output ?? inferShape(node, x, shapeOf, (name) => readInt32Weight(weights.get(name)));
    if (output) shapes.set(node.name, output);
  }
  return estimate;
}

function macNode(node: GraphNode, x: number[] | undefined, w: number[] | undefined): { macs: number; output: number[] } | undefined {
  if (!x || !w) return undefined;
  if (MATMULS.has(node.op)) {
    const transposeA = boolAttr(node, 'transpose_a') || boolAttr(node, 'adj_x');
    const transposeB = boolAttr(node, 'transpose_b') || boolAttr(node, 'adj_y');
    return matMulShapes(x, w, transposeA, transposeB);
  }
  if (x.length !== 4 || w.length !== 4) return undefined;
  const nchw = stringAttr(node, 'data_format') === 'NCHW';
  const [n, c] = nchw ? [x[0] as number, x[1] as number] : [x[0] as number, x[3] as number];
  const spatial = window(node, nchw ? x.slice(2) : x.slice(1, 3), w.slice(0, 2), nchw);
  if (!spatial) return undefined;
  const [kh, kw, , last] = w as [number, number, number, number];
  const channels = DEPTHWISE.has(node.op) ? c * last : last;
  const output = nchw ? [n, channels, ...spatial] : [n, ...spatial, channels];
  // Conv2D filter [kh, kw, Cin, Cout]: kh*kw*Cin MACs per output element; depthwise [kh, kw, Cin, mult]: kh*kw.
  const perOutput = DEPTHWISE.has(node.op) ? kh * kw : kh * kw * (w[2] as number);
  return { macs: product(output) * perOutput, output };
}

function inferShape(
  node: GraphNode,
  x: number[] | undefined,
  shapeOf: (input: string | undefined) => number[] | undefined,
  constOf: (name: string) => number[] | undefined,
): number[] | undefined {
  if (PASS_THROUGH.has(node.op)) return x;
  if (ELEMENTWISE.has(node.op)) {
    const all = node.inputs.map(shapeOf);
    return all.every((shape): shape is number[] => shape !== undefined) ? broadcast(all) : undefined;
  }
  if (!x) return undefined;
  if (node.op === 'MaxPool' || node.op === 'AvgPool') {
    const nchw = stringAttr(node, 'data_format') === 'NCHW';
    const ksize = intsAttr(node, 'ksize');
    const spatial = window(node, nchw ? x.slice(2) : x.slice(1, 3), nchw ? ksize.slice(2) : ksize.slice(1, 3), nchw);
    if (!spatial || x.length !== 4) return undefined;
    return nchw ? [x[0] as number, x[1] as number, ...spatial] : [x[0] as number, ...spatial, x[3] as number];
  }
  if (node.op === 'Reshape') {
    const target = node.inputs[1] ? constOf(node.inputs[1]) : undefined;
    if (!target) return undefined;
    const known = product(target.filter((dim) => dim !== -1));
    return target.map((dim) => (dim === -1 && known > 0 ? Math.floor(product(x) / known) : dim));
  }
  if (node.op === 'Squeeze') {
    const dims = intsAttr(node, 'squeeze_dims').map((axis) => (axis < 0 ? axis + x.length : axis));
    return dims.length === 0 ? x.filter((dim) => dim !== 1) : x.filter((_, index) => !dims.includes(index));
  }
  if (node.op === 'Mean' || node.op === 'Max' || node.op === 'Sum') {
    const axes = node.inputs[1] ? constOf(node.inputs[1]) : undefined;
    if (!axes) return undefined;
    const reduced = new Set(axes.map((axis) => (axis < 0 ? axis + x.length : axis)));
    const keep = boolAttr(node, 'keep_dims');
    return x.flatMap((dim, index) => (reduced.has(index) ? (keep ? [1] : []) : [dim]));
  }
  return undefined;
}

function window(node: GraphNode, input: number[], kernel: number[], nchw: boolean): number[] | undefined {
  const strides = intsAttr(node, 'strides');
  const dilations = intsAttr(node, 'dilations');
  const pick = (values: number[]): number[] | undefined =>
    values.length === 4 ? (nchw ? values.slice(2) : values.slice(1, 3)) : undefined;
  const explicit = intsAttr(node, 'explicit_paddings');
  const pads = explicit.length === 8 ? explicitPads(explicit, nchw) : undefined;
  return convOutput(input, {
    kernel,
    strides: pick(strides),
    dilations: pick(dilations),
    pads,
    autoPad: stringAttr(node, 'padding') || 'VALID',
    ceilMode: false,
  });
}

/** explicit_paddings is [before, after] per dimension; convOutput wants all befores then all afters. */
function explicitPads(values: number[], nchw: boolean): number[] {
  const [h, w] = nchw ? [2, 3] : [1, 2];
  return [values[2 * h] ?? 0, values[2 * w] ?? 0, values[2 * h + 1] ?? 0, values[2 * w + 1] ?? 0];
}

function intsAttr(node: GraphNode, name: string): number[] {
  return asArray(asRecord(asRecord(node.attr[name]).list).i).map(Number);
}

function boolAttr(node: GraphNode, name: string): boolean {
  return asRecord(node.attr[name]).b === true;
}

/** String attributes are base64 of the bytes (GraphDef JSON). */
function stringAttr(node: GraphNode, name: string): string {
  const encoded = asRecord(node.attr[name]).s;
  return typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : '';
}

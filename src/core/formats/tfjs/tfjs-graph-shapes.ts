import { broadcast, convOutput, product } from '../shape-math';
import { asArray, asRecord } from './tfjs-common';
import type { GraphNode } from './tfjs-graph';

/**
 * Static output shapes of the TensorFlow ops converted graph models are made of, as far as the
 * inspector needs them to reach the MAC ops (Conv2D, MatMul...) with known shapes. Shapes are plain
 * numbers (symbolic dims already 1); an op whose shape depends on runtime values (Shape → Slice,
 * NonMaxSuppression, loops) yields undefined and everything downstream stays unknown.
 */

export type ShapeOf = (input: string | undefined) => number[] | undefined;
/** int32 values of a small constant, by tensor name (Reshape targets, paddings, axes). */
export type ConstOf = (input: string | undefined) => number[] | undefined;

/** One input, same shape out. */
const UNARY = new Set([
  'Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Identity', 'BiasAdd', 'LeakyRelu',
  'FusedBatchNorm', 'FusedBatchNormV3', 'Cast', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Neg', 'Abs', 'Prelu', 'StopGradient',
  'Softplus', 'Floor', 'Ceil', 'Round', 'Log', 'Log1p', 'Reciprocal', 'Sign', 'Sin', 'Cos', 'Erf', 'ClipByValue',
  'Snapshot', 'LogicalNot', 'OnesLike', 'ZerosLike', 'IsNan', 'Swish', 'HardSwish', 'Mish', 'EnsureShape',
]);
/** Numpy broadcasting over all inputs. */
const BROADCAST = new Set([
  'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Div', 'DivNoNan', 'Maximum', 'Minimum', 'Pow', 'SquaredDifference',
  'FloorDiv', 'FloorMod', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Equal', 'NotEqual', 'LogicalAnd',
  'LogicalOr', 'AddN', 'Select', 'SelectV2',
]);
const REDUCTIONS = new Set(['Mean', 'Max', 'Min', 'Sum', 'Prod', 'All', 'Any']);

/** Ops whose every output has the shape inferShape gives for the first (Unpack's slices, Split's equal parts). */
export function sameShapeOutputs(node: GraphNode): number {
  if (node.op === 'Unpack') return intAttr(node, 'num') ?? 1;
  if (node.op === 'Split') return intAttr(node, 'num_split') ?? 1;
  return 1;
}

export function inferShape(node: GraphNode, shapeOf: ShapeOf, constOf: ConstOf): number[] | undefined {
  const x = shapeOf(node.inputs[0]);
  if (UNARY.has(node.op)) return x;
  if (BROADCAST.has(node.op)) {
    const all = node.inputs.map(shapeOf);
    return all.every((shape): shape is number[] => shape !== undefined) ? broadcast(all) : undefined;
  }
  if (node.op === 'ConcatV2' || node.op === 'Concat') return concat(node, shapeOf, constOf);
  if (node.op === 'Pack') return pack(node, shapeOf);
  if (node.op === 'TensorListStack') {
    // A TensorArray stacked back into a tensor: its length and element shape are written in the graph.
    const element = constOf(node.inputs[1]);
    const count = intAttr(node, 'num_elements');
    return element && count !== undefined && count > 0 && element.every((dim) => dim >= 0) ? [count, ...element] : undefined;
  }
  if (node.op === 'Split') {
    const [axis] = constOf(node.inputs[0]) ?? [];
    const value = shapeOf(node.inputs[1]);
    const parts = intAttr(node, 'num_split');
    if (axis === undefined || !value || !parts) return undefined;
    const at = normalizeAxis(axis, value.length);
    return value.map((dim, i) => (i === at ? dim / parts : dim));
  }
  if (!x) return undefined;
  const axisArg = (): number[] | undefined => constOf(node.inputs[1]);
  switch (node.op) {
    case 'MaxPool':
    case 'AvgPool': {
      if (x.length !== 4) return undefined;
      const nchw = stringAttr(node, 'data_format') === 'NCHW';
      const ksize = intsAttr(node, 'ksize');
      const spatial = windowOutput(node, nchw ? x.slice(2) : x.slice(1, 3), nchw ? ksize.slice(2) : ksize.slice(1, 3), nchw);
      if (!spatial) return undefined;
      return nchw ? [x[0] as number, x[1] as number, ...spatial] : [x[0] as number, ...spatial, x[3] as number];
    }
    case 'Reshape': {
      const target = axisArg();
      if (!target) return undefined;
      const known = product(target.filter((dim) => dim !== -1));
      return target.map((dim) => (dim === -1 && known > 0 ? Math.floor(product(x) / known) : dim));
    }
    case 'Squeeze': {
      const dims = intsAttr(node, 'squeeze_dims').map((axis) => normalizeAxis(axis, x.length));
      return dims.length === 0 ? x.filter((dim) => dim !== 1) : x.filter((_, index) => !dims.includes(index));
    }
    case 'ExpandDims': {
      const [axis] = axisArg() ?? [];
      if (axis === undefined) return undefined;
      const at = normalizeAxis(axis, x.length + 1);
      return [...x.slice(0, at), 1, ...x.slice(at)];
    }
    case 'Pad':
    case 'PadV2':
    case 'MirrorPad': {
      const pads = axisArg();
      if (!pads || pads.length !== 2 * x.length) return undefined;
      return x.map((dim, i) => dim + (pads[2 * i] as number) + (pads[2 * i + 1] as number));
    }
    case 'Transpose': {
      const perm = axisArg();
      if (!perm || perm.length !== x.length) return undefined;
      return perm.map((axis) => x[axis] as number);
    }
    case 'ResizeBilinear':
    case 'ResizeNearestNeighbor': {
      const size = axisArg();
      if (!size || size.length !== 2 || x.length !== 4) return undefined;
      return [x[0] as number, size[0] as number, size[1] as number, x[3] as number];
    }
    case 'Tile': {
      const multiples = axisArg();
      if (!multiples || multiples.length !== x.length) return undefined;
      return x.map((dim, i) => dim * (multiples[i] as number));
    }
    case 'Slice': {
      const begin = axisArg();
      const size = constOf(node.inputs[2]);
      if (!begin || !size || size.length !== x.length) return undefined;
      return size.map((dim, i) => (dim === -1 ? (x[i] as number) - (begin[i] as number) : dim));
    }
    case 'Unpack': {
      const at = normalizeAxis(intAttr(node, 'axis') ?? 0, x.length);
      return x.filter((_, i) => i !== at);
    }
    case 'ArgMax':
    case 'ArgMin': {
      const [axis] = axisArg() ?? [];
      if (axis === undefined) return undefined;
      const at = normalizeAxis(axis, x.length);
      return x.filter((_, i) => i !== at);
    }
    case 'DepthToSpace':
    case 'SpaceToDepth': {
      const block = intAttr(node, 'block_size');
      if (x.length !== 4 || block === undefined) return undefined;
      const [n, h, w, c] = x as [number, number, number, number];
      return node.op === 'DepthToSpace' ? [n, h * block, w * block, c / (block * block)] : [n, h / block, w / block, c * block * block];
    }
    default:
      if (REDUCTIONS.has(node.op)) {
        const axes = axisArg();
        if (!axes) return undefined;
        const reduced = new Set(axes.map((axis) => normalizeAxis(axis, x.length)));
        const keep = boolAttr(node, 'keep_dims');
        return x.flatMap((dim, index) => (reduced.has(index) ? (keep ? [1] : []) : [dim]));
      }
      return undefined;
  }
}

function concat(node: GraphNode, shapeOf: ShapeOf, constOf: ConstOf): number[] | undefined {
  // ConcatV2: values..., axis; the old Concat: axis, values...
  const v2 = node.op === 'ConcatV2';
  const values = v2 ? node.inputs.slice(0, -1) : node.inputs.slice(1);
  const [axis] = constOf(v2 ? node.inputs[node.inputs.length - 1] : node.inputs[0]) ?? [];
  const shapes = values.map(shapeOf);
  const first = shapes[0];
  if (axis === undefined || !first || !shapes.every((shape): shape is number[] => shape?.length === first.length)) return undefined;
  const at = normalizeAxis(axis, first.length);
  return first.map((dim, i) => (i === at ? shapes.reduce((sum, shape) => sum + (shape[i] as number), 0) : dim));
}

function pack(node: GraphNode, shapeOf: ShapeOf): number[] | undefined {
  const first = shapeOf(node.inputs[0]);
  if (!first) return undefined;
  const at = normalizeAxis(intAttr(node, 'axis') ?? 0, first.length + 1);
  return [...first.slice(0, at), node.inputs.length, ...first.slice(at)];
}

function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Output spatial size of a TensorFlow window op (conv or pool) over NHWC or NCHW spatial dims. */
export function windowOutput(node: GraphNode, input: number[], kernel: number[], nchw: boolean): number[] | undefined {
  const pick = (values: number[]): number[] | undefined =>
    values.length === 4 ? (nchw ? values.slice(2) : values.slice(1, 3)) : undefined;
  const explicit = intsAttr(node, 'explicit_paddings');
  return convOutput(input, {
    kernel,
    strides: pick(intsAttr(node, 'strides')),
    dilations: pick(intsAttr(node, 'dilations')),
    pads: explicit.length === 8 ? explicitPads(explicit, nchw) : undefined,
    autoPad: stringAttr(node, 'padding') || 'VALID',
    ceilMode: false,
  });
}

/** explicit_paddings is [before, after] per dimension; convOutput wants all befores then all afters. */
function explicitPads(values: number[], nchw: boolean): number[] {
  const [h, w] = nchw ? [2, 3] : [1, 2];
  return [values[2 * h] ?? 0, values[2 * w] ?? 0, values[2 * h + 1] ?? 0, values[2 * w + 1] ?? 0];
}

/** GraphDef JSON: int64 values arrive as strings, lists under `list.i`. */
export function intsAttr(node: GraphNode, name: string): number[] {
  return asArray(asRecord(asRecord(node.attr[name]).list).i).map(Number);
}

function intAttr(node: GraphNode, name: string): number | undefined {
  const value = asRecord(node.attr[name]).i;
  return value === undefined ? undefined : Number(value);
}

export function boolAttr(node: GraphNode, name: string): boolean {
  return asRecord(node.attr[name]).b === true;
}

/** String attributes are base64 of the bytes (GraphDef JSON). */
export function stringAttr(node: GraphNode, name: string): string {
  const encoded = asRecord(node.attr[name]).s;
  return typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : '';
}

import type { Dim } from '../../../shared/model-info';
import type { OnnxGraph, OnnxNode } from './onnx-model';
import { broadcast, convOutput, matMulShapes, product } from '../shape-math';

/**
 * Just enough shape inference through an ONNX graph to count multiply-accumulates of
 * Conv, ConvInteger, QLinearConv, Gemm, MatMul, MatMulInteger and QLinearMatMul.
 * Symbolic dims count as 1 (the schema's rule for MACs). Where a node's input shapes
 * cannot be known, its MACs are skipped and listed in a note rather than guessed.
 */

export interface MacEstimate {
  macs: number;
  macsByOp: Record<string, number>;
  notes: string[];
}

type Shape = number[];

const PASS_THROUGH = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Celu', 'Gelu',
  'Mish', 'Softplus', 'Softsign', 'Clip', 'Erf', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Reciprocal', 'Floor',
  'Ceil', 'Round', 'Sign', 'Not', 'Identity', 'Cast', 'Dropout', 'Softmax', 'LogSoftmax', 'LRN',
  'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'QuantizeLinear', 'DequantizeLinear',
  'DynamicQuantizeLinear',
]);
const ELEMENTWISE = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Greater', 'Less', 'GreaterOrEqual',
  'LessOrEqual', 'And', 'Or', 'Xor', 'Where', 'Mod', 'BitShift',
]);
const POOLS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);

/** Where each MAC op keeps its data and weight operands. */
const MAC_OPERANDS: Record<string, [number, number]> = {
  Conv: [0, 1],
  ConvInteger: [0, 1],
  QLinearConv: [0, 3],
  Gemm: [0, 1],
  MatMul: [0, 1],
  MatMulInteger: [0, 1],
  QLinearMatMul: [0, 3],
};

export function estimateOnnxMacs(graph: OnnxGraph): MacEstimate {
  const shapes = new Map<string, Shape>();
  const consts = new Map<string, number[]>();
  const declared = new Map<string, Shape>();
  for (const info of [...graph.valueInfo, ...graph.outputs, ...graph.inputs]) {
    if (info.shape) declared.set(info.name, info.shape.map(numericDim));
  }
  for (const input of graph.inputs) {
    if (input.shape) shapes.set(input.name, input.shape.map(numericDim));
  }
  for (const tensor of graph.initializers) {
    shapes.set(tensor.name, tensor.dims);
    if (tensor.intValues) consts.set(tensor.name, tensor.intValues);
  }

  const estimate: MacEstimate = { macs: 0, macsByOp: {}, notes: [] };
  const skipped: string[] = [];
  for (const node of graph.nodes) {
    const isDefaultDomain = node.domain === '' || node.domain === 'ai.onnx';
    const operands = isDefaultDomain ? MAC_OPERANDS[node.opType] : undefined;
    let outputs: Array<Shape | undefined> = [];
    if (operands) {
      const data = shapeOf(node.inputs[operands[0]]);
      const weight = shapeOf(node.inputs[operands[1]]);
      const result = data && weight ? macNode(node, data, weight) : undefined;
      if (result) {
        estimate.macs += result.macs;
        estimate.macsByOp[node.opType] = (estimate.macsByOp[node.opType] ?? 0) + result.macs;
        outputs = [result.output];
      } else {
        skipped.push(`${node.opType} '${node.name || node.outputs[0] || '?'}'`);
      }
    } else if (isDefaultDomain) {
      outputs = inferOutputs(node, shapeOf, (name) => consts.get(name));
      if (node.opType === 'Constant') {
        const tensor = node.attributes.get('value')?.t;
        const ints = node.attributes.get('value_ints')?.ints;
        const values = tensor?.intValues ?? ints;
        if (values && node.outputs[0]) consts.set(node.outputs[0], values);
      }
    }
    node.outputs.forEach((name, index) => {
      const shape = outputs[index] ?? declared.get(name);
      if (shape) shapes.set(name, shape);
    });
  }
  if (skipped.length > 0) {
    const listed = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? `, and ${skipped.length - 5} more` : '');
    estimate.notes.push(
      `MACs of ${skipped.length} node(s) are not counted because their shapes could not be inferred: ${listed}.`,
    );
  }
  return estimate;

  function shapeOf(name: string | undefined): Shape | undefined {
    if (name === undefined || name === '') return undefined;
    return shapes.get(name) ?? declared.get(name);
  }
}

function numericDim(dim: Dim): number {
  return typeof dim === 'number' ? dim : 1;
}

function macNode(node: OnnxNode, data: Shape, weight: Shape): { macs: number; output: Shape } | undefined {
  if (node.opType === 'Gemm') {
    if (data.length !== 2 || weight.length !== 2) return undefined;
    const transA = intAttr(node, 'transA', 0) !== 0;
    const transB = intAttr(node, 'transB', 0) !== 0;
    const [m, k] = transA ? [data[1], data[0]] : [data[0], data[1]];
    const n = transB ? weight[0] : weight[1];
    if (m === undefined || k === undefined || n === undefined) return undefined;
    return { macs: m * n * k, output: [m, n] };
  }
  if (node.opType.startsWith('MatMul') || node.opType === 'QLinearMatMul') return matMulShapes(data, weight);
  // Conv family: W is [M, C/group, k1, k2, ...]; each output element needs C/group * prod(k) MACs.
  if (data.length < 3 || weight.length !== data.length) return undefined;
  const spatial = convOutput(data.slice(2), {
    kernel: intsAttr(node, 'kernel_shape') ?? weight.slice(2),
    strides: intsAttr(node, 'strides'),
    dilations: intsAttr(node, 'dilations'),
    pads: intsAttr(node, 'pads'),
    autoPad: node.attributes.get('auto_pad')?.s ?? 'NOTSET',
    ceilMode: false,
  });
  if (!spatial) return undefined;
  const output = [data[0] as number, weight[0] as number, ...spatial];
  return { macs: product(output) * product(weight.slice(1)), output };
}

function inferOutputs(
  node: OnnxNode,
  shapeOf: (name: string | undefined) => Shape | undefined,
  constOf: (name: string) => number[] | undefined,
): Array<Shape | undefined> {
  const x = shapeOf(node.inputs[0]);
  const op = node.opType;
  if (op === 'Constant') return [node.attributes.get('value')?.t?.dims];
  if (PASS_THROUGH.has(op)) return op === 'DynamicQuantizeLinear' ? [x, [], []] : [x];
  if (ELEMENTWISE.has(op)) {
    const inputs = node.inputs.map(shapeOf);
    return inputs.every((shape): shape is Shape => shape !== undefined) ? [broadcast(inputs)] : [];
  }
  if (!x) return [];
  if (op === 'Flatten') {
    const axis = normalizeAxis(intAttr(node, 'axis', 1), x.length);
    return [[product(x.slice(0, axis)), product(x.slice(axis))]];
  }
  if (op === 'Reshape') {
    const target = node.inputs[1] ? constOf(node.inputs[1]) : undefined;
    return [target ? reshape(x, target, intAttr(node, 'allowzero', 0) !== 0) : undefined];
  }
  if (op === 'Transpose') {
    const perm = intsAttr(node, 'perm') ?? x.map((_, index) => x.length - 1 - index);
    return [perm.map((axis) => x[axis] ?? 1)];
  }
  if (GLOBAL_POOLS.has(op)) return [[...x.slice(0, 2), ...x.slice(2).map(() => 1)]];
  if (POOLS.has(op)) {
    const kernel = intsAttr(node, 'kernel_shape');
    if (!kernel) return [];
    const spatial = convOutput(x.slice(2), {
      kernel,
      strides: intsAttr(node, 'strides'),
      dilations: intsAttr(node, 'dilations'),
      pads: intsAttr(node, 'pads'),
      autoPad: node.attributes.get('auto_pad')?.s ?? 'NOTSET',
      ceilMode: intAttr(node, 'ceil_mode', 0) !== 0,
    });
    return [spatial ? [...x.slice(0, 2), ...spatial] : undefined];
  }
  if (op === 'Concat') {
    const inputs = node.inputs.map(shapeOf);
    if (!inputs.every((shape): shape is Shape => shape !== undefined)) return [];
    const axis = normalizeAxis(intAttr(node, 'axis', 0), x.length);
    const out = [...x];
    out[axis] = inputs.reduce((sum, shape) => sum + (shape[axis] ?? 0), 0);
    return [out];
  }
  if (op === 'Squeeze' || op === 'Unsqueeze') {
    const axes = intsAttr(node, 'axes') ?? (node.inputs[1] ? constOf(node.inputs[1]) : undefined);
    if (op === 'Squeeze') {
      if (!axes) return [x.filter((dim) => dim !== 1)];
      const drop = new Set(axes.map((axis) => normalizeAxis(axis, x.length)));
      return [x.filter((_, index) => !drop.has(index))];
    }
    if (!axes) return [];
    const rank = x.length + axes.length;
    const insert = new Set(axes.map((axis) => normalizeAxis(axis, rank)));
    const rest = [...x];
    return [Array.from({ length: rank }, (_, index) => (insert.has(index) ? 1 : (rest.shift() ?? 1)))];
  }
  if (op === 'Shape') return [[x.length]];
  return [];
}

function reshape(input: Shape, target: number[], allowZero: boolean): Shape | undefined {
  const out = target.map((dim, index) => (dim === 0 && !allowZero ? (input[index] ?? 0) : dim));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const known = product(out.filter((_, index) => index !== inferred));
    if (known === 0) return undefined;
    out[inferred] = Math.floor(product(input) / known);
  }
  return out.some((dim) => dim < 0) ? undefined : out;
}

function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function intAttr(node: OnnxNode, name: string, fallback: number): number {
  return node.attributes.get(name)?.i ?? fallback;
}

function intsAttr(node: OnnxNode, name: string): number[] | undefined {
  return node.attributes.get(name)?.ints;
}

import type { GraphProto, NodeProto } from './generated/onnx_pb';
import { attributeOf, intAttribute, intsAttribute, isDefaultDomain, shapeOf, stringAttribute, tensorAttribute } from './onnx-attributes';
import { nodeSubgraphs } from './onnx-codec';
import { dimsOf, elementCount, float32Values, smallIntValues } from './onnx-tensors';
import { broadcast, convOutput, matMulShapes, product } from '../shape-math';

/**
 * Just enough shape inference through an ONNX graph to count multiply-accumulates of
 * Conv, ConvInteger, QLinearConv, Gemm, MatMul, MatMulInteger and QLinearMatMul, in the main
 * graph and in If/Loop/Scan bodies (which see the outer graph's shapes). Symbolic dims count as 1
 * (the schema's rule for MACs). An If whose condition follows from the shapes (PyTorch's "squeeze
 * this dim if it is 1") counts the branch it takes, any other If its costlier branch; a Loop or
 * Scan body counts once per iteration when the iteration count is a constant, once otherwise (and
 * says so). Small integer constants are followed through the shape arithmetic exporters write
 * (Shape, Gather, Slice with steps, Transpose, Reshape, Concat, ConstantOfShape, comparisons), so
 * a Pad whose sizes PyTorch computes (silero VAD) has a shape. Where a node's input shapes cannot
 * be known, its MACs are skipped and listed in a note rather than guessed.
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
  'Ceil', 'Round', 'Sign', 'Not', 'Identity', 'Cast', 'CastLike', 'Dropout', 'Softmax', 'LogSoftmax', 'LRN',
  'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'QuantizeLinear', 'DequantizeLinear',
  'DynamicQuantizeLinear', 'Sin', 'Cos', 'Tan', 'IsNaN', 'IsInf', 'CumSum', 'Hardmax',
]);
const ELEMENTWISE = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Greater', 'Less', 'GreaterOrEqual',
  'LessOrEqual', 'And', 'Or', 'Xor', 'Where', 'Mod', 'BitShift',
]);
const REDUCE = new Set([
  'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin',
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

/** Shapes and small integer constants visible in one graph, falling back to the enclosing graph's. */
class Scope {
  readonly shapes = new Map<string, Shape>();
  readonly declared = new Map<string, Shape>();
  readonly consts = new Map<string, number[]>();
  /** Small float constants (Resize scales). */
  readonly floats = new Map<string, number[]>();

  constructor(readonly parent?: Scope) {}

  shape(name: string | undefined): Shape | undefined {
    if (name === undefined || name === '') return undefined;
    return this.shapes.get(name) ?? this.declared.get(name) ?? this.parent?.shape(name);
  }

  constant(name: string): number[] | undefined {
    return this.consts.get(name) ?? this.parent?.constant(name);
  }

  floatConstant(name: string): number[] | undefined {
    return this.floats.get(name) ?? this.parent?.floatConstant(name);
  }
}

interface Tally {
  macs: number;
  macsByOp: Record<string, number>;
  skipped: string[];
  notes: string[];
  /** Shapes of the graph's outputs, where known (a body's outputs become its node's). */
  outputs: Array<Shape | undefined>;
}

function emptyTally(): Tally {
  return { macs: 0, macsByOp: {}, skipped: [], notes: [], outputs: [] };
}

function addTally(into: Tally, from: Tally, times = 1): void {
  into.macs += from.macs * times;
  for (const [op, macs] of Object.entries(from.macsByOp)) into.macsByOp[op] = (into.macsByOp[op] ?? 0) + macs * times;
  into.skipped.push(...from.skipped);
  into.notes.push(...from.notes);
}

/** `inputShapes`: sizes given for the graph's inputs (edgebench inspect --shape); without them symbolic dims count as 1. */
export function estimateOnnxMacs(graph: GraphProto, inputShapes?: ReadonlyMap<string, readonly number[]>): MacEstimate {
  const tally = estimateGraph(graph, new Scope(), inputShapes);
  const notes = [...tally.notes];
  if (tally.skipped.length > 0) {
    const listed = tally.skipped.slice(0, 5).join(', ') + (tally.skipped.length > 5 ? `, and ${tally.skipped.length - 5} more` : '');
    notes.push(`MACs of ${tally.skipped.length} node(s) are not counted because their shapes could not be inferred: ${listed}.`);
  }
  return { macs: tally.macs, macsByOp: tally.macsByOp, notes };
}

function estimateGraph(graph: GraphProto, scope: Scope, inputShapes?: ReadonlyMap<string, readonly number[]>): Tally {
  for (const info of [...graph.valueInfo, ...graph.output, ...graph.input]) {
    const shape = shapeOf(info);
    if (shape) scope.declared.set(info.name, shape.map(numericDim));
  }
  for (const input of graph.input) {
    const shape = inputShapes?.get(input.name) ?? shapeOf(input)?.map(numericDim);
    if (shape) scope.shapes.set(input.name, [...shape]);
  }
  for (const tensor of graph.initializer) {
    scope.shapes.set(tensor.name, dimsOf(tensor));
    const ints = smallIntValues(tensor);
    if (ints) scope.consts.set(tensor.name, ints);
    const floats = elementCount(dimsOf(tensor)) <= 16 ? float32Values(tensor) : undefined;
    if (floats) scope.floats.set(tensor.name, Array.from(floats));
  }

  const tally = emptyTally();
  for (const node of graph.node) {
    const isDefault = isDefaultDomain(node);
    const operands = isDefault ? MAC_OPERANDS[node.opType] : undefined;
    let outputs: Array<Shape | undefined> = [];
    if (operands) {
      const data = scope.shape(node.input[operands[0]]);
      const weight = scope.shape(node.input[operands[1]]);
      const result = data && weight ? macNode(node, data, weight) : undefined;
      if (result) {
        tally.macs += result.macs;
        tally.macsByOp[node.opType] = (tally.macsByOp[node.opType] ?? 0) + result.macs;
        outputs = [result.output];
      } else {
        tally.skipped.push(`${node.opType} '${node.name || node.output[0] || '?'}'`);
      }
    } else if (isDefault && nodeSubgraphs(node).length > 0) {
      const flow = estimateControlFlow(node, scope);
      addTally(tally, flow);
      outputs = flow.outputs;
    } else if (isDefault) {
      outputs = inferOutputs(node, scope);
      const out = node.output[0];
      if (node.opType === 'Constant' && out) {
        const tensor = tensorAttribute(node, 'value');
        const values = tensor ? smallIntValues(tensor) : intsAttribute(node, 'value_ints');
        if (values) scope.consts.set(out, values);
        const floats = tensor && elementCount(dimsOf(tensor)) <= 16 ? float32Values(tensor) : undefined;
        if (floats) scope.floats.set(out, Array.from(floats));
      } else if (out) {
        const values = propagateConstant(node, scope);
        if (values) scope.consts.set(out, values);
      }
    }
    node.output.forEach((name, index) => {
      const shape = outputs[index] ?? scope.declared.get(name);
      if (shape) scope.shapes.set(name, shape);
    });
  }
  tally.outputs = graph.output.map((output) => scope.shape(output.name));
  return tally;
}

/** If: the costlier branch; Loop/Scan: the body times its iterations when they are constant. */
function estimateControlFlow(node: NodeProto, scope: Scope): Tally {
  const bodies = nodeSubgraphs(node).map(({ attribute, graph }) => ({ attribute, tally: estimateGraph(graph, new Scope(scope)) }));
  const out = emptyTally();
  const label = `${node.opType} '${node.name || node.output[0] || '?'}'`;
  if (node.opType === 'If') {
    // A condition known from the shapes (PyTorch's "squeeze if this dim is 1") picks the branch that runs.
    const condition = scope.constant(node.input[0] ?? '');
    if (condition?.length === 1) {
      const taken = bodies.find((body) => body.attribute === (condition[0] !== 0 ? 'then_branch' : 'else_branch'));
      if (taken) {
        addTally(out, taken.tally);
        out.outputs = taken.tally.outputs;
        return out;
      }
    }
    const costlier = bodies.reduce((best, body) => (body.tally.macs > best.tally.macs ? body : best));
    addTally(out, costlier.tally);
    // An output's shape is known when every branch gives it the same one.
    out.outputs = node.output.map((_, i) => {
      const shapes = bodies.map((body) => body.tally.outputs[i]);
      const first = shapes[0];
      return first && shapes.every((shape) => shape !== undefined && shape.join(',') === first.join(',')) ? first : undefined;
    });
    for (const body of bodies) if (body !== costlier) out.skipped.push(...body.tally.skipped);
    if (bodies.some((body) => body.tally.macs !== costlier.tally.macs)) {
      out.notes.push(`${label} counts the MACs of its costlier branch (${costlier.attribute}); one branch runs per inference.`);
    }
    return out;
  }
  let iterations: number | undefined;
  if (node.opType === 'Loop') iterations = scope.constant(node.input[0] ?? '')?.[0];
  if (node.opType === 'Scan') {
    const stateCount = node.input.length - intAttribute(node, 'num_scan_inputs', 0);
    const axis = intsAttribute(node, 'scan_input_axes')?.[0] ?? 0;
    const first = scope.shape(node.input[stateCount]);
    iterations = first ? first[axis < 0 ? axis + first.length : axis] : undefined;
  }
  for (const body of bodies) addTally(out, body.tally, iterations ?? 1);
  if (iterations === undefined && bodies.some((body) => body.tally.macs > 0)) {
    out.notes.push(`${label} runs its body a number of times only known at run time; its MACs are counted for one iteration.`);
  }
  return out;
}

function numericDim(dim: number | string | null): number {
  return typeof dim === 'number' ? dim : 1;
}

function macNode(node: NodeProto, data: Shape, weight: Shape): { macs: number; output: Shape } | undefined {
  if (node.opType === 'Gemm') {
    if (data.length !== 2 || weight.length !== 2) return undefined;
    const transA = intAttribute(node, 'transA', 0) !== 0;
    const transB = intAttribute(node, 'transB', 0) !== 0;
    const [m, k] = transA ? [data[1], data[0]] : [data[0], data[1]];
    const n = transB ? weight[0] : weight[1];
    if (m === undefined || k === undefined || n === undefined) return undefined;
    return { macs: m * n * k, output: [m, n] };
  }
  if (node.opType.startsWith('MatMul') || node.opType === 'QLinearMatMul') return matMulShapes(data, weight);
  // Conv family: W is [M, C/group, k1, k2, ...]; each output element needs C/group * prod(k) MACs.
  if (data.length < 3 || weight.length !== data.length) return undefined;
  const spatial = convOutput(data.slice(2), windowOptions(node, weight.slice(2), false));
  if (!spatial) return undefined;
  const output = [data[0] as number, weight[0] as number, ...spatial];
  return { macs: product(output) * product(weight.slice(1)), output };
}

function windowOptions(node: NodeProto, kernel: number[], ceilMode: boolean) {
  return {
    kernel: intsAttribute(node, 'kernel_shape') ?? kernel,
    strides: intsAttribute(node, 'strides'),
    dilations: intsAttribute(node, 'dilations'),
    pads: intsAttribute(node, 'pads'),
    autoPad: stringAttribute(node, 'auto_pad', 'NOTSET'),
    ceilMode,
  };
}

function inferOutputs(node: NodeProto, scope: Scope): Array<Shape | undefined> {
  const x = scope.shape(node.input[0]);
  const op = node.opType;
  const constOf = (index: number): number[] | undefined => (node.input[index] ? scope.constant(node.input[index] as string) : undefined);
  if (op === 'Constant') {
    const tensor = tensorAttribute(node, 'value');
    if (tensor) return [dimsOf(tensor)];
    const list = attributeOf(node, 'value_ints') ?? attributeOf(node, 'value_floats');
    if (list) return [[list.ints.length + list.floats.length]];
    return [[]];
  }
  if (PASS_THROUGH.has(op)) return op === 'DynamicQuantizeLinear' ? [x, [], []] : [x];
  if (op === 'ConstantOfShape') {
    const shape = constOf(0);
    return shape ? [shape] : [];
  }
  if (ELEMENTWISE.has(op)) {
    const inputs = node.input.map((name) => scope.shape(name));
    return inputs.every((shape): shape is Shape => shape !== undefined) ? [broadcast(inputs)] : [];
  }
  if (!x) return [];
  if (REDUCE.has(op)) {
    const axes = intsAttribute(node, 'axes') ?? (op.startsWith('Reduce') ? constOf(1) : undefined);
    const single = op === 'ArgMax' || op === 'ArgMin' ? [intAttribute(node, 'axis', 0)] : undefined;
    const keep = intAttribute(node, 'keepdims', 1) !== 0;
    const reduced = new Set((single ?? axes ?? x.map((_, i) => i)).map((axis) => normalizeAxis(axis, x.length)));
    return [keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i))];
  }
  if (op === 'Flatten') {
    const axis = normalizeAxis(intAttribute(node, 'axis', 1), x.length);
    return [[product(x.slice(0, axis)), product(x.slice(axis))]];
  }
  if (op === 'Reshape') {
    const target = constOf(1);
    return [target ? reshape(x, target, intAttribute(node, 'allowzero', 0) !== 0) : undefined];
  }
  if (op === 'Transpose') {
    const perm = intsAttribute(node, 'perm') ?? x.map((_, index) => x.length - 1 - index);
    return [perm.map((axis) => x[axis] ?? 1)];
  }
  if (GLOBAL_POOLS.has(op)) return [[...x.slice(0, 2), ...x.slice(2).map(() => 1)]];
  if (POOLS.has(op)) {
    const kernel = intsAttribute(node, 'kernel_shape');
    if (!kernel) return [];
    const spatial = convOutput(x.slice(2), windowOptions(node, kernel, intAttribute(node, 'ceil_mode', 0) !== 0));
    return [spatial ? [...x.slice(0, 2), ...spatial] : undefined];
  }
  if (op === 'Concat') {
    const inputs = node.input.map((name) => scope.shape(name));
    if (!inputs.every((shape): shape is Shape => shape !== undefined)) return [];
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), x.length);
    const out = [...x];
    out[axis] = inputs.reduce((sum, shape) => sum + (shape[axis] ?? 0), 0);
    return [out];
  }
  if (op === 'Squeeze' || op === 'Unsqueeze') {
    const axes = intsAttribute(node, 'axes') ?? constOf(1);
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
  if (op === 'Resize' || op === 'Upsample') {
    // Resize (opset 11+): X, roi, scales, sizes; Upsample and Resize-10: X, scales.
    const sizes = op === 'Resize' ? constOf(3) : undefined;
    if (sizes && sizes.length === x.length) return [sizes];
    const scalesName = node.input.length >= 3 && op === 'Resize' ? node.input[2] : node.input[1];
    const scales = scalesName ? scope.floatConstant(scalesName) : undefined;
    if (scales && scales.length === x.length) return [x.map((d, i) => Math.floor(d * (scales[i] as number)))];
    return [];
  }
  if (op === 'ConvTranspose') {
    const weight = scope.shape(node.input[1]);
    if (!weight || weight.length !== x.length) return [];
    const spatial = x.slice(2).map((size, i) => {
      const stride = intsAttribute(node, 'strides')?.[i] ?? 1;
      const dilation = intsAttribute(node, 'dilations')?.[i] ?? 1;
      const kernel = intsAttribute(node, 'kernel_shape')?.[i] ?? (weight[i + 2] as number);
      const pads = intsAttribute(node, 'pads') ?? [];
      const extra = intsAttribute(node, 'output_padding')?.[i] ?? 0;
      return stride * (size - 1) + extra + (kernel - 1) * dilation + 1 - (pads[i] ?? 0) - (pads[i + x.length - 2] ?? 0);
    });
    return [[x[0] as number, (weight[1] as number) * intAttribute(node, 'group', 1), ...spatial]];
  }
  if (op === 'Pad') {
    const pads = intsAttribute(node, 'pads') ?? constOf(1);
    return pads && pads.length === 2 * x.length ? [x.map((d, i) => d + (pads[i] as number) + (pads[i + x.length] as number))] : [];
  }
  if (op === 'Slice') {
    const starts = intsAttribute(node, 'starts') ?? constOf(1);
    const ends = intsAttribute(node, 'ends') ?? constOf(2);
    if (!starts || !ends) return [];
    const axes = intsAttribute(node, 'axes') ?? constOf(3) ?? starts.map((_, i) => i);
    const steps = constOf(4) ?? starts.map(() => 1);
    const out = [...x];
    axes.forEach((a, i) => {
      const axis = normalizeAxis(a, x.length);
      const dim = x[axis] as number;
      const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
      const step = steps[i] ?? 1;
      const start = clamp(starts[i] as number, 0, step > 0 ? dim : dim - 1);
      const end = clamp(ends[i] as number, step > 0 ? 0 : -1, dim);
      out[axis] = Math.max(0, Math.ceil((end - start) / step));
    });
    return [out];
  }
  if (op === 'Gather') {
    const indices = scope.shape(node.input[1]);
    if (!indices) return [];
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), x.length);
    return [[...x.slice(0, axis), ...indices, ...x.slice(axis + 1)]];
  }
  if (op === 'Shape') return [[x.length]];
  if ((op === 'LSTM' || op === 'GRU' || op === 'RNN') && x.length === 3) {
    // X is [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1); Y adds the directions axis.
    const hidden = intAttribute(node, 'hidden_size', 0);
    const directions = stringAttribute(node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
    if (hidden <= 0) return [];
    const batchFirst = intAttribute(node, 'layout', 0) === 1;
    const [seq, batch] = batchFirst ? [x[1] as number, x[0] as number] : [x[0] as number, x[1] as number];
    const y = batchFirst ? [batch, seq, directions, hidden] : [seq, directions, batch, hidden];
    const state = batchFirst ? [batch, directions, hidden] : [directions, batch, hidden];
    return [y, state, state];
  }
  return [];
}

/**
 * Small integer values computed from shapes (Shape → Gather/Slice/Concat/Unsqueeze → Reshape), as
 * exporters build Reshape targets; symbolic dims are 1 here too.
 */
function propagateConstant(node: NodeProto, scope: Scope): number[] | undefined {
  const op = node.opType;
  const value = (i: number): number[] | undefined => (node.input[i] ? scope.constant(node.input[i] as string) : undefined);
  if (op === 'Shape') {
    const shape = scope.shape(node.input[0]);
    if (!shape) return undefined;
    const start = intAttribute(node, 'start', 0);
    const end = attributeOf(node, 'end') ? intAttribute(node, 'end', shape.length) : shape.length;
    return shape.slice(normalizeAxis(start, shape.length), normalizeAxis(end, shape.length) || shape.length);
  }
  if (op === 'Cast' || op === 'Identity' || op === 'Squeeze' || op === 'Unsqueeze' || op === 'Reshape' || op === 'Flatten') return value(0);
  if (op === 'Concat') {
    const parts = node.input.map((_, i) => value(i));
    return parts.every((p): p is number[] => p !== undefined) ? parts.flat() : undefined;
  }
  if (op === 'Gather') {
    const data = value(0);
    const indices = value(1);
    return data && indices ? indices.map((i) => data[normalizeAxis(i, data.length)] as number) : undefined;
  }
  if (op === 'Size') {
    const shape = scope.shape(node.input[0]);
    return shape ? [product(shape)] : undefined;
  }
  // Comparisons as exporters build their conditions (PyTorch: squeeze a dim only if it is 1), as 1/0.
  if (op === 'Equal' || op === 'Greater' || op === 'Less') {
    const a = value(0);
    const b = value(1);
    if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => {
      const x = a[a.length === 1 ? 0 : i] as number;
      const y = b[b.length === 1 ? 0 : i] as number;
      return (op === 'Equal' ? x === y : op === 'Greater' ? x > y : x < y) ? 1 : 0;
    });
  }
  if (op === 'Not') return value(0)?.map((v) => (v === 0 ? 1 : 0));
  if (op === 'ConstantOfShape') {
    const shape = value(0);
    const tensor = tensorAttribute(node, 'value');
    const fill = tensor ? smallIntValues(tensor)?.[0] : 0;
    if (!shape || fill === undefined || product(shape) > 1024) return undefined;
    return new Array<number>(product(shape)).fill(fill);
  }
  if (op === 'Slice') {
    const data = value(0);
    const shape = scope.shape(node.input[0]) ?? (data ? [data.length] : undefined);
    const starts = intsAttribute(node, 'starts') ?? value(1);
    const ends = intsAttribute(node, 'ends') ?? value(2);
    if (!data || !shape || !starts || !ends || product(shape) !== data.length) return undefined;
    const axes = intsAttribute(node, 'axes') ?? value(3) ?? starts.map((_, i) => i);
    const steps = value(4) ?? starts.map(() => 1);
    return sliceValues(data, shape, starts, ends, axes, steps);
  }
  if (op === 'Transpose') {
    const data = value(0);
    const shape = scope.shape(node.input[0]);
    if (!data || !shape || product(shape) !== data.length) return undefined;
    const perm = intsAttribute(node, 'perm') ?? shape.map((_, i) => shape.length - 1 - i);
    return transposeValues(data, shape, perm);
  }
  if (op === 'Add' || op === 'Sub' || op === 'Mul' || op === 'Div') {
    const a = value(0);
    const b = value(1);
    if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => {
      const x = a[a.length === 1 ? 0 : i] as number;
      const y = b[b.length === 1 ? 0 : i] as number;
      return op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : y === 0 ? 0 : Math.trunc(x / y);
    });
  }
  return undefined;
}

/** Row-major strides of a shape. */
function strides(shape: Shape): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i -= 1) out[i] = (out[i + 1] as number) * (shape[i + 1] as number);
  return out;
}

/** ONNX Slice of small constant values (negative and past-the-end bounds clamped, negative steps walk back). */
function sliceValues(data: number[], shape: Shape, starts: number[], ends: number[], axes: number[], steps: number[]): number[] | undefined {
  const ranges = shape.map((dim) => ({ start: 0, step: 1, count: dim }));
  for (let i = 0; i < axes.length; i += 1) {
    const axis = normalizeAxis(axes[i] as number, shape.length);
    const dim = shape[axis];
    const step = steps[i] ?? 1;
    if (dim === undefined || step === 0) return undefined;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? clamp(starts[i] as number, 0, dim) : clamp(starts[i] as number, -1, dim - 1);
    const end = step > 0 ? clamp(ends[i] as number, 0, dim) : clamp(ends[i] as number, -1, dim - 1);
    ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  }
  const stride = strides(shape);
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(data[offset] as number);
      return;
    }
    const { start, step, count } = ranges[axis] as { start: number; step: number; count: number };
    for (let k = 0; k < count; k += 1) walk(axis + 1, offset + (start + k * step) * (stride[axis] as number));
  };
  walk(0, 0);
  return out;
}

/** ONNX Transpose of small constant values. */
function transposeValues(data: number[], shape: Shape, perm: number[]): number[] | undefined {
  if (perm.length !== shape.length) return undefined;
  const stride = strides(shape);
  const outShape = perm.map((axis) => shape[axis] as number);
  const out: number[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === outShape.length) {
      out.push(data[offset] as number);
      return;
    }
    for (let k = 0; k < (outShape[axis] as number); k += 1) walk(axis + 1, offset + k * (stride[perm[axis] as number] as number));
  };
  walk(0, 0);
  return out;
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

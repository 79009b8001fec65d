/**
 * Element-wise, matrix and tensor-shaping ops of the ONNX → TFLite converter. Binary ops broadcast
 * as ONNX does (TFLite's ADD/SUB/MUL/DIV broadcast the same way once both operands have the same
 * rank and layout: constants are reshaped and permuted here, once, at conversion time). Ops that
 * name axes (Concat, Split, Slice, Softmax, Reduce*, Gather) map them onto the NHWC tensor instead of
 * transposing it; ops that reorder bytes (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, MatMul)
 * work on the ONNX order and get a TRANSPOSE only when their input is NHWC with C > 1 and H·W > 1.
 */
import { floatAttribute, intAttribute, intsAttribute } from '../formats/onnx/onnx-attributes';
import { elementCount } from '../formats/onnx/onnx-tensors';
import { broadcastShapes, intsFrom, reshapeDims, sliceRange, squeezeDims, unsqueezeDims } from './onnx-constants';
import type { ConvertContext, OpHandler } from './onnx-to-tflite-context';
import type { TfliteBuiltinOpName } from '../formats/tflite/tflite-writer';
import type { BuiltinOptions } from '../formats/tflite/tflite-schema';
import { NCHW_TO_NHWC, NHWC_AXIS, type Value } from './tflite-graph';

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Input i as a tensor of rank `rank` in layout `nhwc` (constants laid out, activations moved). */
function operand(c: ConvertContext, i: number, rank: number, nhwc: boolean, name: string): string {
  const t = c.constant(i);
  if (t) return c.g.operandConst(name, t.dims, t.values, rank, nhwc);
  let v = c.value(i);
  if (nhwc) {
    if (v.shape.length < 4) v = c.g.reshape(v.tensor, `${v.tensor}.r4`, [...new Array<number>(4 - v.shape.length).fill(1), ...v.shape]);
    return c.g.asNhwc(v).tensor;
  }
  return c.g.asPlain(v).tensor;
}

function inputShape(c: ConvertContext, i: number): number[] {
  return c.constant(i)?.dims ?? c.value(i).shape;
}

const BINARY: Record<string, [TfliteBuiltinOpName, (keyof typeof BuiltinOptions) | undefined]> = {
  Add: ['ADD', 'AddOptions'], Sub: ['SUB', 'SubOptions'], Mul: ['MUL', 'MulOptions'], Div: ['DIV', 'DivOptions'],
  Max: ['MAXIMUM', 'MaximumMinimumOptions'], Min: ['MINIMUM', 'MaximumMinimumOptions'], Pow: ['POW', 'PowOptions'],
};

/**
 * x · relu6(x + 3) / 6 (how Paddle2ONNX and older PyTorch exports write HardSwish: Add, Clip,
 * Mul, Div) becomes one HARD_SWISH, which also has an int8 kernel where DIV has none.
 */
function hardSwishPattern(c: ConvertContext): boolean {
  const three = c.constant(1);
  if (c.node.opType !== 'Add' || c.isConst(0) || three?.values.length !== 1 || three.values[0] !== 3) return false;
  const x = c.node.input[0] as string;
  const clipNode = c.onlyConsumer(c.node.output[0] as string);
  if (clipNode?.opType !== 'Clip') return false;
  const bounds = clipBounds({ node: clipNode, has: (i) => Boolean(clipNode.input[i]), constant: (i) => (clipNode.input[i] ? c.constantOf(clipNode.input[i] as string) : undefined) });
  if (bounds?.[0] !== 0 || bounds[1] !== 6) return false;
  const mulNode = c.onlyConsumer(clipNode.output[0] as string);
  if (mulNode?.opType !== 'Mul' || !mulNode.input.includes(x) || !mulNode.input.includes(clipNode.output[0] as string)) return false;
  const divNode = c.onlyConsumer(mulNode.output[0] as string);
  const divisor = divNode?.opType === 'Div' && divNode.input[0] === mulNode.output[0] ? c.constantOf(divNode.input[1] as string) : undefined;
  if (!divNode || divisor?.values.length !== 1 || divisor.values[0] !== 6) return false;
  for (const n of [clipNode, mulNode, divNode]) c.absorb(n);
  const v = c.value(0);
  const y = c.output(v.shape, v.nhwc);
  c.define(y, divNode.output[0] as string);
  c.g.op('HARD_SWISH', [v.tensor], [y.tensor]);
  c.note(`'${c.node.name}' … '${divNode.name}'`, 'x·relu6(x+3)/6 (Add, Clip, Mul, Div) became one HARD_SWISH');
  return true;
}

const binary: OpHandler = (c) => {
  if (hardSwishPattern(c)) return;
  const op = c.node.opType;
  if (c.node.input.length !== 2) c.fail(`has ${c.node.input.length} inputs; only two-operand ${op} is converted.`);
  const exponent = op === 'Pow' ? c.constant(1) : undefined;
  if (exponent && exponent.values.length === 1) {
    const e = exponent.values[0] as number;
    const x = c.value(0);
    const y = c.output(x.shape, x.nhwc);
    if (e === 2) c.g.op('MUL', [x.tensor, x.tensor], [y.tensor], 'MulOptions');
    else if (e === 0.5) c.g.op('SQRT', [x.tensor], [y.tensor]);
    else if (e === 1) c.g.op('RESHAPE', [x.tensor], [y.tensor], 'ReshapeOptions', { newShape: c.g.storedShape(y) });
    else c.g.op('POW', [x.tensor, c.g.floatConst(`${y.tensor}.exponent`, [1], [e])], [y.tensor], 'PowOptions');
    return;
  }
  if (op === 'Pow' && !exponent) c.fail('raises to an exponent computed at run time; only a constant exponent is converted.');
  const shape = broadcastShapes(inputShape(c, 0), inputShape(c, 1)) ?? c.fail(`has operands of shapes [${inputShape(c, 0).join(', ')}] and [${inputShape(c, 1).join(', ')}] that do not broadcast.`);
  const nhwc = shape.length === 4 && [0, 1].some((i) => !c.isConst(i) && c.value(i).nhwc);
  const name = c.node.name || (c.node.output[0] as string);
  const a = operand(c, 0, shape.length, nhwc, `${name}.a`);
  let [tflOp, table] = BINARY[op] as [TfliteBuiltinOpName, keyof typeof BuiltinOptions];
  const divisor = op === 'Div' ? c.constant(1) : undefined;
  let b: string;
  if (divisor) {
    // Division by a constant is a multiplication by its reciprocal (MUL has int8 kernels, DIV has none).
    [tflOp, table] = ['MUL', 'MulOptions'];
    b = c.g.operandConst(`${name}.reciprocal`, divisor.dims, Array.from(divisor.values, (v) => 1 / v), shape.length, nhwc);
  } else b = operand(c, 1, shape.length, nhwc, `${name}.b`);
  const fusable = op === 'Add' || op === 'Sub' || op === 'Mul' || op === 'Div';
  const { act, out } = fusable ? c.fuseActivation(c.node.output[0] as string) : { act: 'NONE' as const, out: c.node.output[0] as string };
  const y = c.output(shape, nhwc);
  c.define(y, out);
  c.g.op(tflOp, [a, b], [y.tensor], table, fusable ? { fusedActivationFunction: ACTIVATION_CODE[act] } : {});
};

/** ActivationFunctionType values (schema): NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3. */
const ACTIVATION_CODE: Record<string, number> = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3 };

const UNARY: Record<string, TfliteBuiltinOpName> = {
  Relu: 'RELU', Sigmoid: 'LOGISTIC', Tanh: 'TANH', HardSwish: 'HARD_SWISH', Sqrt: 'SQRT', Exp: 'EXP', Neg: 'NEG', Abs: 'ABS',
  Log: 'LOG', Sin: 'SIN', Cos: 'COS', Floor: 'FLOOR', Ceil: 'CEIL', Elu: 'ELU', Reciprocal: 'DIV',
};

/**
 * a / sqrt(b) (LayerNorm as exporters write it: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div)
 * becomes a · rsqrt(b): RSQRT and MUL have int8 kernels, SQRT and DIV do not.
 */
function reciprocalSqrtPattern(c: ConvertContext): boolean {
  const root = c.node.output[0] as string;
  const div = c.onlyConsumer(root);
  if (c.node.opType !== 'Sqrt' || div?.opType !== 'Div' || div.input[1] !== root || div.input[0] === root) return false;
  const numerator = div.input[0] as string;
  if (!c.hasValue(numerator)) return false; // a constant, or computed after the Sqrt: plain SQRT and DIV then
  c.absorb(div);
  const x = c.value(0);
  const inverse = c.g.activation(`${root}.rsqrt`, x.shape, x.nhwc);
  c.g.op('RSQRT', [x.tensor], [inverse.tensor]);
  c.define(inverse, root);
  const a = c.valueOf(numerator);
  const shape = broadcastShapes(a.shape, x.shape) ?? c.fail(`feeds Div '${div.name}' with shapes that do not broadcast.`);
  const nhwc = shape.length === 4 && (a.nhwc || x.nhwc);
  const lift = (v: Value): string => (nhwc ? c.g.asNhwc(v.shape.length < 4 ? c.g.reshape(v.tensor, `${v.tensor}.r4`, [...new Array<number>(4 - v.shape.length).fill(1), ...v.shape]) : v).tensor : c.g.asPlain(v).tensor);
  const y = c.output(shape, nhwc);
  c.define(y, div.output[0] as string);
  c.g.op('MUL', [lift(a), lift(inverse)], [y.tensor], 'MulOptions');
  c.note(`'${c.node.name}' and '${div.name}'`, 'a / sqrt(b) became a · rsqrt(b) (RSQRT and MUL)');
  return true;
}

const unary: OpHandler = (c) => {
  if (reciprocalSqrtPattern(c)) return;
  const x = c.value(0);
  const y = c.output(x.shape, x.nhwc);
  const op = UNARY[c.node.opType] as TfliteBuiltinOpName;
  if (c.node.opType === 'Reciprocal') c.g.op('DIV', [c.g.floatConst(`${y.tensor}.one`, [1], [1]), x.tensor], [y.tensor], 'DivOptions');
  else if (c.node.opType === 'Elu' && floatAttribute(c.node, 'alpha', 1) !== 1) c.fail('has alpha other than 1, which TFLite ELU has no form of.');
  else c.g.op(op, [x.tensor], [y.tensor]);
};

const leakyRelu: OpHandler = (c) => {
  const x = c.value(0);
  const y = c.output(x.shape, x.nhwc);
  c.g.op('LEAKY_RELU', [x.tensor], [y.tensor], 'LeakyReluOptions', { alpha: floatAttribute(c.node, 'alpha', 0.01) });
};

/** Clip's bounds (attributes before opset 11, inputs after); ±Infinity when absent. */
export function clipBounds(c: Pick<ConvertContext, 'node' | 'constant' | 'has'>): [number, number] | undefined {
  if (c.has(1) && !c.constant(1)) return undefined;
  if (c.has(2) && !c.constant(2)) return undefined;
  return [c.constant(1)?.values[0] ?? floatAttribute(c.node, 'min', -Infinity), c.constant(2)?.values[0] ?? floatAttribute(c.node, 'max', Infinity)];
}

const clip: OpHandler = (c) => {
  const x = c.value(0);
  const bounds = clipBounds(c) ?? c.fail('has bounds computed at run time; only constant bounds are converted.');
  const [lo, hi] = bounds;
  const y = c.output(x.shape, x.nhwc);
  if (lo === 0 && hi === 6) c.g.op('RELU6', [x.tensor], [y.tensor]);
  else if (lo === 0 && hi === Infinity) c.g.op('RELU', [x.tensor], [y.tensor]);
  else if (lo === -1 && hi === 1) c.g.op('RELU_N1_TO_1', [x.tensor], [y.tensor]);
  else {
    const mid = c.g.activation(`${y.tensor}.lo`, x.shape, x.nhwc);
    c.g.op('MAXIMUM', [x.tensor, c.g.floatConst(`${y.tensor}.min`, [1], [Math.max(lo, -3.4e38)])], [mid.tensor], 'MaximumMinimumOptions');
    c.g.op('MINIMUM', [mid.tensor, c.g.floatConst(`${y.tensor}.max`, [1], [Math.min(hi, 3.4e38)])], [y.tensor], 'MaximumMinimumOptions');
  }
};

/** HardSigmoid = max(0, min(1, αx + β)) = relu6(6αx + 6β) / 6: MUL, ADD with RELU6 fused, MUL. */
const hardSigmoid: OpHandler = (c) => {
  const x = c.value(0);
  const alpha = floatAttribute(c.node, 'alpha', 0.2);
  const beta = floatAttribute(c.node, 'beta', 0.5);
  const name = c.node.name || (c.node.output[0] as string);
  const scaled = c.g.activation(`${name}.scaled`, x.shape, x.nhwc);
  c.g.op('MUL', [x.tensor, c.g.floatConst(`${name}.alpha6`, [1], [6 * alpha])], [scaled.tensor], 'MulOptions');
  const clipped = c.g.activation(`${name}.relu6`, x.shape, x.nhwc);
  c.g.op('ADD', [scaled.tensor, c.g.floatConst(`${name}.beta6`, [1], [6 * beta])], [clipped.tensor], 'AddOptions', { fusedActivationFunction: ACTIVATION_CODE.RELU6 });
  const y = c.output(x.shape, x.nhwc);
  c.g.op('MUL', [clipped.tensor, c.g.floatConst(`${name}.sixth`, [1], [1 / 6])], [y.tensor], 'MulOptions');
};

const passThrough: OpHandler = (c) => {
  if (c.node.opType === 'Cast') {
    const to = intAttribute(c.node, 'to', 1);
    if (to !== 1) c.fail(`casts an activation to ONNX type ${to}; only float activations are converted.`);
  }
  c.define(c.value(0));
};

/** A RESHAPE of the value's bytes in ONNX order to `shape` (output plain). */
function reshapeTo(c: ConvertContext, v: Value, shape: number[]): void {
  const source = c.g.plainBytes(v);
  const y = c.output(shape, false);
  c.g.op('RESHAPE', [source], [y.tensor], 'ReshapeOptions', { newShape: shape });
}

const reshape: OpHandler = (c) => {
  const v = c.value(0);
  const target = c.constant(1) ?? c.fail('reshapes to a shape computed at run time that could not be folded; fix the input sizes with --input-shape.');
  const shape = reshapeDims(v.shape, Array.from(target.values), intAttribute(c.node, 'allowzero', 0) === 1) ?? c.fail(`cannot reshape [${v.shape.join(', ')}] to [${Array.from(target.values).join(', ')}].`);
  reshapeTo(c, v, shape);
};

const flatten: OpHandler = (c) => {
  const v = c.value(0);
  const axis = norm(intAttribute(c.node, 'axis', 1), v.shape.length);
  const shape = [elementCount(v.shape.slice(0, axis)), elementCount(v.shape.slice(axis))];
  const out = c.node.output[0] as string;
  const readers = c.consumersOf(out);
  const gemmOnly = readers.length > 0 && readers.every((n) => (n.opType === 'Gemm' || n.opType === 'MatMul') && n.input[0] === out && c.constantOf(n.input[1] as string) !== undefined);
  if (v.nhwc && axis === 1 && gemmOnly && !(v.shape[1] === 1 || (v.shape[2] as number) * (v.shape[3] as number) === 1)) {
    // The flattened values stay in NHWC order; the Gemm reading them permutes its weight rows instead.
    const y = c.output(shape, false);
    c.g.op('RESHAPE', [v.tensor], [y.tensor], 'ReshapeOptions', { newShape: shape });
    c.flattenedFrom.set(out, v.shape);
    return;
  }
  reshapeTo(c, v, shape);
};

const squeeze: OpHandler = (c) => {
  const v = c.value(0);
  reshapeTo(c, v, squeezeDims(v.shape, intsFrom(c.node, 'axes', c.constant(1))));
};

const unsqueeze: OpHandler = (c) => {
  const v = c.value(0);
  const axes = intsFrom(c.node, 'axes', c.constant(1)) ?? c.fail('has no constant axes.');
  reshapeTo(c, v, unsqueezeDims(v.shape, axes));
};

const transpose: OpHandler = (c) => {
  const v = c.value(0);
  const rank = v.shape.length;
  const perm = intsAttribute(c.node, 'perm') ?? v.shape.map((_, i) => rank - 1 - i);
  const shape = perm.map((p) => v.shape[p] as number);
  // Stored axis of each output axis: through the NHWC placement when the input is NHWC.
  const q = v.nhwc ? perm.map((p) => NHWC_AXIS[p] as number) : perm;
  if (q.every((p, i) => p === i)) {
    c.define({ tensor: v.tensor, shape, nhwc: false });
    return;
  }
  const y = c.output(shape, false);
  c.g.op('TRANSPOSE', [v.tensor, c.g.intConst(`${y.tensor}.perm`, [rank], q)], [y.tensor]);
};

/** Whether the op should work on the NHWC tensors (rank 4 and some activation input NHWC). */
function nhwcOperands(c: ConvertContext, rank: number): boolean {
  return rank === 4 && c.node.input.some((name, i) => name !== '' && !c.isConst(i) && c.value(i).nhwc);
}

const storedAxis = (axis: number, nhwc: boolean): number => (nhwc ? (NHWC_AXIS[axis] as number) : axis);

const concat: OpHandler = (c) => {
  const shapes = c.node.input.map((_, i) => inputShape(c, i));
  const rank = (shapes[0] as number[]).length;
  const axis = norm(intAttribute(c.node, 'axis', 0), rank);
  const nhwc = nhwcOperands(c, rank);
  const shape = [...(shapes[0] as number[])];
  shape[axis] = shapes.reduce((sum, s) => sum + (s[axis] as number), 0);
  const name = c.node.name || (c.node.output[0] as string);
  const inputs = c.node.input.map((_, i) => operand(c, i, rank, nhwc, `${name}.in${i}`));
  const y = c.output(shape, nhwc);
  c.g.op('CONCATENATION', inputs, [y.tensor], 'ConcatenationOptions', { axis: storedAxis(axis, nhwc) });
};

const split: OpHandler = (c) => {
  const v = c.value(0);
  const axis = norm(intAttribute(c.node, 'axis', 0), v.shape.length);
  const count = c.node.output.length;
  const size = v.shape[axis] as number;
  const sizes = intsFrom(c.node, 'split', c.constant(1)) ?? new Array<number>(count).fill(Math.ceil(size / count)).map((s, i) => (i === count - 1 ? size - s * (count - 1) : s));
  const outs = sizes.map((s, i) => {
    const shape = [...v.shape];
    shape[axis] = s;
    return c.output(shape, v.nhwc, i).tensor;
  });
  const name = c.node.name || (c.node.output[0] as string);
  c.g.op('SPLIT_V', [v.tensor, c.g.intConst(`${name}.sizes`, [sizes.length], sizes), c.g.intConst(`${name}.axis`, [], [storedAxis(axis, v.nhwc)])], outs, 'SplitVOptions', { numSplits: count });
};

const slice: OpHandler = (c) => {
  const v = c.value(0);
  const rank = v.shape.length;
  const starts = intsFrom(c.node, 'starts', c.constant(1)) ?? c.fail('has starts that are not constant.');
  const ends = intsFrom(c.node, 'ends', c.constant(2)) ?? c.fail('has ends that are not constant.');
  const axes = intsAttribute(c.node, 'axes') ?? (c.constant(3) ? Array.from(c.constant(3)!.values) : starts.map((_, i) => i));
  const steps = c.constant(4) ? Array.from(c.constant(4)!.values) : starts.map(() => 1);
  if (steps.some((s) => s <= 0)) c.fail('slices with a negative or zero step, which is not converted.');
  const begin = new Array<number>(rank).fill(0);
  const end = [...v.shape];
  const stride = new Array<number>(rank).fill(1);
  axes.forEach((raw, k) => {
    const a = norm(raw, rank);
    const [from, to] = sliceRange(starts[k] as number, ends[k] as number, v.shape[a] as number);
    begin[a] = from; end[a] = Math.max(to, from); stride[a] = steps[k] as number;
  });
  const shape = v.shape.map((_, a) => Math.ceil(((end[a] as number) - (begin[a] as number)) / (stride[a] as number)));
  const order = v.nhwc ? NCHW_TO_NHWC : v.shape.map((_, i) => i);
  const y = c.output(shape, v.nhwc);
  const pick = (xs: number[]): number[] => order.map((a) => xs[a] as number);
  c.g.op('STRIDED_SLICE', [v.tensor, c.g.intConst(`${y.tensor}.begin`, [rank], pick(begin)), c.g.intConst(`${y.tensor}.end`, [rank], pick(end)), c.g.intConst(`${y.tensor}.strides`, [rank], pick(stride))], [y.tensor], 'StridedSliceOptions');
};

const gather: OpHandler = (c) => {
  const indices = c.constant(1) ?? c.fail('gathers with indices computed at run time; only constant indices are converted.');
  let v = c.value(0);
  const axis = norm(intAttribute(c.node, 'axis', 0), v.shape.length);
  const size = v.shape[axis] as number;
  const shape = [...v.shape.slice(0, axis), ...indices.dims, ...v.shape.slice(axis + 1)];
  const keepsLayout = v.nhwc && indices.dims.length === 1;
  if (!keepsLayout) v = c.g.asPlain(v);
  const y = c.output(shape, keepsLayout);
  const idx = Array.from(indices.values, (i) => (i < 0 ? i + size : i));
  c.g.op('GATHER', [v.tensor, c.g.intConst(`${y.tensor}.indices`, indices.dims, idx)], [y.tensor], 'GatherOptions', { axis: storedAxis(axis, keepsLayout), batchDims: 0 });
};

const softmax: OpHandler = (c) => {
  let v = c.value(0);
  const rank = v.shape.length;
  const axis = norm(intAttribute(c.node, 'axis', c.opset < 13 ? 1 : -1), rank);
  const name = c.node.name || (c.node.output[0] as string);
  if (c.opset < 13 && axis !== rank - 1) {
    // Before opset 13 Softmax normalises over all axes from `axis` on: a 2-D softmax between reshapes.
    const flat = c.g.reshape(c.g.plainBytes(v), `${name}.2d`, [elementCount(v.shape.slice(0, axis)), elementCount(v.shape.slice(axis))]);
    const sm = c.g.activation(`${name}.sm`, flat.shape, false);
    c.g.push({ op: 'SOFTMAX', options: { beta: 1 }, inputs: [flat.tensor], outputs: [sm.tensor] });
    const y = c.output(v.shape, false);
    c.g.op('RESHAPE', [sm.tensor], [y.tensor], 'ReshapeOptions', { newShape: v.shape });
    return;
  }
  const stored = storedAxis(axis, v.nhwc);
  if (stored === rank - 1) {
    const y = c.output(v.shape, v.nhwc);
    c.g.push({ op: 'SOFTMAX', options: { beta: 1 }, inputs: [v.tensor], outputs: [y.tensor] });
    return;
  }
  // Softmax over an inner axis: move it last, softmax, move it back (in ONNX order).
  v = c.g.asPlain(v);
  const perm = [...v.shape.map((_, i) => i).filter((i) => i !== axis), axis];
  const moved = c.g.transpose(v.tensor, `${name}.moved`, perm, perm.map((p) => v.shape[p] as number));
  const sm = c.g.activation(`${name}.sm`, moved.shape, false);
  c.g.push({ op: 'SOFTMAX', options: { beta: 1 }, inputs: [moved.tensor], outputs: [sm.tensor] });
  const back = perm.map((_, i) => perm.indexOf(i));
  const y = c.output(v.shape, false);
  c.g.op('TRANSPOSE', [sm.tensor, c.g.intConst(`${name}.back`, [rank], back)], [y.tensor]);
  c.g.transposes++;
};

const REDUCE: Record<string, TfliteBuiltinOpName> = { ReduceMean: 'MEAN', ReduceMax: 'REDUCE_MAX', ReduceMin: 'REDUCE_MIN', ReduceSum: 'SUM', ReduceProd: 'REDUCE_PROD' };

const reduce: OpHandler = (c) => {
  let v = c.value(0);
  const rank = v.shape.length;
  const given = intsFrom(c.node, 'axes', c.constant(1));
  if ((!given || given.length === 0) && intAttribute(c.node, 'noop_with_empty_axes', 0) === 1) { c.define(v); return; }
  const axes = (given && given.length > 0 ? given : v.shape.map((_, i) => i)).map((a) => norm(a, rank));
  const keep = intAttribute(c.node, 'keepdims', 1) === 1;
  const shape = keep ? v.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : v.shape.filter((_, i) => !axes.includes(i));
  if (v.nhwc && !keep) {
    // Without keepdims the remaining axes must be in ONNX order in the NHWC tensor too, else go plain first.
    const remainingStored = NCHW_TO_NHWC.filter((a) => !axes.includes(a));
    const remainingPlain = [0, 1, 2, 3].filter((a) => !axes.includes(a));
    if (remainingStored.join() !== remainingPlain.join()) v = c.g.asPlain(v);
  }
  const y = c.output(shape, v.nhwc && keep);
  const storedAxes = axes.map((a) => storedAxis(a, v.nhwc));
  c.g.op(REDUCE[c.node.opType] as TfliteBuiltinOpName, [v.tensor, c.g.intConst(`${y.tensor}.axes`, [storedAxes.length], storedAxes)], [y.tensor], 'ReducerOptions', { keepDims: keep });
};

/** Flattened NCHW [c, h, w] rows of a [out, in] weight → the NHWC [h, w, c] order the TFLite activations have. */
function permuteFlattenedColumns(w: Float32Array, outF: number, [, ch, h, wd]: number[]): Float32Array {
  const C = ch as number; const H = h as number; const W = wd as number;
  const inF = C * H * W;
  const out = new Float32Array(w.length);
  for (let o = 0; o < outF; o++) for (let ci = 0; ci < C; ci++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    out[o * inF + (y * W + x) * C + ci] = w[o * inF + (ci * H + y) * W + x] as number;
  }
  return out;
}

/** Gemm, and MatMul by a constant 2-D matrix: FULLY_CONNECTED (weights [out, in]). Other MatMuls: BATCH_MATMUL. */
const matmul: OpHandler = (c) => {
  const isGemm = c.node.opType === 'Gemm';
  const b = c.constant(1);
  if (!isGemm && (!b || b.dims.length !== 2 || c.isConst(0))) {
    batchMatmul(c);
    return;
  }
  if (!b || b.kind !== 'float') return c.fail('needs its weights (input 2) as a float constant; weights computed at run time are not converted.');
  let x = c.value(0);
  if (isGemm && x.shape.length !== 2) c.fail(`multiplies a ${x.shape.length}-D input; Gemm takes 2-D inputs.`);
  if (isGemm && intAttribute(c.node, 'transA', 0) !== 0) c.fail('uses transA; re-export as a plain linear layer.');
  const transB = isGemm ? intAttribute(c.node, 'transB', 0) : 0;
  const alpha = isGemm ? floatAttribute(c.node, 'alpha', 1) : 1;
  const beta = isGemm ? floatAttribute(c.node, 'beta', 1) : 1;
  const [inF, outF] = transB ? [b.dims[1] as number, b.dims[0] as number] : [b.dims[0] as number, b.dims[1] as number];
  let w: Float32Array = new Float32Array(outF * inF);
  for (let o = 0; o < outF; o++) for (let k = 0; k < inF; k++) w[o * inF + k] = alpha * (b.values[transB ? o * inF + k : k * outF + o] as number);
  const from = c.flattenedFrom.get(c.node.input[0] as string);
  if (from) w = permuteFlattenedColumns(w, outF, from);
  else x = c.g.asPlain(x);
  let bias = new Float32Array(outF);
  if (isGemm && c.has(2)) {
    const t = c.constant(2) ?? c.fail('has a bias computed at run time; only a constant bias is converted.');
    if (t.values.length !== outF && t.values.length !== 1) c.fail('has a bias that is not one value per output; only per-output biases are converted.');
    bias = Float32Array.from({ length: outF }, (_, o) => beta * (t.values[t.values.length === 1 ? 0 : o] as number));
  }
  const { act, out } = c.fuseActivation(c.node.output[0] as string);
  const shape = [...x.shape.slice(0, -1), outF];
  const y = c.output(shape, false);
  c.define(y, out);
  const name = c.node.name || (c.node.output[0] as string);
  c.g.push({ op: 'FULLY_CONNECTED', options: { activation: act, keepNumDims: shape.length > 2 }, inputs: [x.tensor, c.g.floatConst(`${name}.weights`, [outF, inF], w), c.g.floatConst(`${name}.bias`, [outF], bias)], outputs: [y.tensor] });
};

function batchMatmul(c: ConvertContext): void {
  const [sa, sb] = [inputShape(c, 0), inputShape(c, 1)];
  if (sa.length < 2 || sb.length < 2) c.fail('multiplies a vector; only matrices (rank ≥ 2) are converted.');
  const batch = broadcastShapes(sa.slice(0, -2), sb.slice(0, -2)) ?? c.fail(`has batch shapes [${sa.join(', ')}] and [${sb.join(', ')}] that do not broadcast.`);
  const shape = [...batch, sa[sa.length - 2] as number, sb[sb.length - 1] as number];
  const name = c.node.name || (c.node.output[0] as string);
  const side = (i: number, s: number[]): string => {
    const t = c.constant(i);
    return t ? c.g.floatConst(`${name}.${i}`, s, t.values) : c.g.asPlain(c.value(i)).tensor;
  };
  const y = c.output(shape, false);
  c.g.op('BATCH_MATMUL', [side(0, sa), side(1, sb)], [y.tensor], 'BatchMatMulOptions', { adjX: false, adjY: false });
}

export const TENSOR_HANDLERS: Record<string, OpHandler> = {
  ...Object.fromEntries(Object.keys(BINARY).map((op) => [op, binary])),
  ...Object.fromEntries(Object.keys(UNARY).map((op) => [op, unary])),
  ...Object.fromEntries(Object.keys(REDUCE).map((op) => [op, reduce])),
  LeakyRelu: leakyRelu,
  Clip: clip,
  HardSigmoid: hardSigmoid,
  Identity: passThrough,
  Dropout: passThrough,
  Cast: passThrough,
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Softmax: softmax,
  Gemm: matmul,
  MatMul: matmul,
};

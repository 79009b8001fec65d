/**
 * Constant folding for the ONNX → TFLite converter. Exporters (PyTorch's above all, Paddle2ONNX
 * too) compute reshape targets at run time from the input's shape: Shape → Gather → Unsqueeze →
 * Concat → Reshape, with Cast and Slice between. Once the input sizes are fixed every such chain
 * is a constant, so it is evaluated here and never reaches the TFLite graph. Weights pass through
 * here as well (initializers and Constant nodes), so an op reads a weight that a small chain of
 * constants computed (a Transpose of a constant, a Mul by a scale) exactly like an initializer.
 *
 * Values are held as float64 with a kind ('float' or 'int'); float constants were float32 in the
 * file and go back to float32 when written, which is exact for values that were not computed.
 */
import type { NodeProto, TensorProto } from '../formats/onnx/onnx-codec';
import { floatAttribute, intAttribute, intsAttribute, tensorAttribute } from '../formats/onnx/onnx-attributes';
import { dimsOf, elementCount, tensorArray } from '../formats/onnx/onnx-tensors';
import { OnnxDataType } from '../formats/onnx/onnx-types';

export interface ConstTensor {
  dims: number[];
  values: Float64Array | Float32Array;
  kind: 'float' | 'int' | 'bool';
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([OnnxDataType.FLOAT, OnnxDataType.DOUBLE, OnnxDataType.FLOAT16]);

/** A TensorProto as a ConstTensor, or undefined for types the converter has no use for (strings...). */
export function constFromTensor(tensor: TensorProto): ConstTensor | undefined {
  const dims = dimsOf(tensor);
  if (tensor.dataType === OnnxDataType.FLOAT16) return undefined; // fp16 weights: not converted (yet)
  let array: ArrayLike<number | bigint>;
  try {
    array = tensorArray(tensor);
  } catch {
    return undefined;
  }
  const kind = FLOAT_TYPES.has(tensor.dataType) ? 'float' : tensor.dataType === OnnxDataType.BOOL ? 'bool' : 'int';
  if (array instanceof Float32Array) return { dims, values: array, kind };
  const values = new Float64Array(array.length);
  for (let i = 0; i < array.length; i++) values[i] = Number(array[i]);
  return { dims, values, kind };
}

export function constOf(dims: number[], values: ArrayLike<number>, kind: ConstTensor['kind']): ConstTensor {
  return { dims, values: Float64Array.from(values), kind };
}

/** Numpy-style broadcast of two shapes; undefined when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) out[i] = (out[i + 1] as number) * (dims[i + 1] as number);
  return out;
}

/** Values of `t` broadcast to `shape` (which must be a broadcast of t's dims). */
export function broadcastTo(t: ConstTensor, shape: readonly number[]): Float64Array {
  const count = elementCount([...shape]);
  const out = new Float64Array(count);
  const rank = shape.length;
  const dims = [...new Array<number>(rank - t.dims.length).fill(1), ...t.dims];
  const srcStrides = strides(dims);
  const outStrides = strides(shape);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let src = 0;
    for (let d = 0; d < rank; d++) {
      const coord = Math.floor(rest / (outStrides[d] as number));
      rest -= coord * (outStrides[d] as number);
      if ((dims[d] as number) !== 1) src += coord * (srcStrides[d] as number);
    }
    out[i] = t.values[src] as number;
  }
  return out;
}

/** Transposes constant values: out axis i is input axis perm[i]. */
export function transposeValues(values: ArrayLike<number>, dims: readonly number[], perm: readonly number[]): { values: Float64Array; dims: number[] } {
  const outDims = perm.map((p) => dims[p] as number);
  const inStrides = strides(dims);
  const outStrides = strides(outDims);
  const count = elementCount([...dims]);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let src = 0;
    for (let d = 0; d < outDims.length; d++) {
      const coord = Math.floor(rest / (outStrides[d] as number));
      rest -= coord * (outStrides[d] as number);
      src += coord * (inStrides[perm[d] as number] as number);
    }
    out[i] = values[src] as number;
  }
  return { values: out, dims: outDims };
}

const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Start/end/step of ONNX Slice on one axis, clamped as the spec clamps them (positive steps only). */
export function sliceRange(start: number, end: number, size: number): [number, number] {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  return [clamp(start), clamp(end)];
}

type Inputs = Array<ConstTensor | undefined>;

const binary: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
  Equal: (a, b) => (a === b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
};

const unary: Record<string, (a: number) => number> = {
  Sqrt: Math.sqrt, Neg: (a) => -a, Floor: Math.floor, Ceil: Math.ceil, Abs: Math.abs, Reciprocal: (a) => 1 / a, Relu: (a) => Math.max(a, 0), Exp: Math.exp,
};

/** Opsets moved some attributes to inputs; read either (an attribute first, else the constant input). */
export function intsFrom(node: NodeProto, attribute: string, input: ConstTensor | undefined): number[] | undefined {
  return intsAttribute(node, attribute) ?? (input ? Array.from(input.values) : undefined);
}

/**
 * Folds one node whose inputs are all constants; undefined when the op is not foldable here (the
 * converter then treats it as a graph op). Integer division truncates as ONNX's int Div does.
 */
export function foldNode(node: NodeProto, inputs: Inputs): ConstTensor[] | undefined {
  const [a, b] = inputs;
  const op = node.opType;
  if (binary[op] && a && b) {
    const dims = broadcastShapes(a.dims, b.dims);
    if (!dims) return undefined;
    const x = broadcastTo(a, dims);
    const y = broadcastTo(b, dims);
    const f = binary[op] as (p: number, q: number) => number;
    const isInt = a.kind !== 'float' && b.kind !== 'float';
    const out = x.map((v, i) => {
      const r = f(v, y[i] as number);
      return isInt && op === 'Div' ? Math.trunc(r) : r;
    });
    const kind = ['Equal', 'Less', 'Greater'].includes(op) ? 'bool' : a.kind;
    return [{ dims, values: out, kind }];
  }
  if (unary[op] && a) return [{ dims: a.dims, values: Float64Array.from(a.values, unary[op] as (v: number) => number), kind: a.kind }];
  switch (op) {
    case 'Identity':
      return a ? [a] : undefined;
    case 'Cast': {
      if (!a) return undefined;
      const to = intAttribute(node, 'to', OnnxDataType.FLOAT);
      const kind = FLOAT_TYPES.has(to) ? 'float' : to === OnnxDataType.BOOL ? 'bool' : 'int';
      return [{ dims: a.dims, values: kind === 'float' ? a.values : Float64Array.from(a.values, (v) => (kind === 'bool' ? (v !== 0 ? 1 : 0) : Math.trunc(v))), kind }];
    }
    case 'Unsqueeze': {
      if (!a) return undefined;
      const axes = intsFrom(node, 'axes', b);
      if (!axes) return undefined;
      return [{ ...a, dims: unsqueezeDims(a.dims, axes) }];
    }
    case 'Squeeze': {
      if (!a) return undefined;
      return [{ ...a, dims: squeezeDims(a.dims, intsFrom(node, 'axes', b)) }];
    }
    case 'Reshape': {
      if (!a || !b) return undefined;
      const dims = reshapeDims(a.dims, Array.from(b.values), intAttribute(node, 'allowzero', 0) === 1);
      return dims ? [{ ...a, dims }] : undefined;
    }
    case 'Flatten': {
      if (!a) return undefined;
      const axis = normAxis(intAttribute(node, 'axis', 1), a.dims.length);
      return [{ ...a, dims: [elementCount(a.dims.slice(0, axis)), elementCount(a.dims.slice(axis))] }];
    }
    case 'Concat': {
      if (inputs.some((t) => !t) || !a) return undefined;
      const all = inputs as ConstTensor[];
      const axis = normAxis(intAttribute(node, 'axis', 0), a.dims.length);
      const dims = [...a.dims];
      dims[axis] = all.reduce((sum, t) => sum + (t.dims[axis] ?? 1), 0);
      const outer = elementCount(a.dims.slice(0, axis));
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const t of all) {
          const inner = elementCount(t.dims.slice(axis));
          for (let k = 0; k < inner; k++) values.push(t.values[o * inner + k] as number);
        }
      }
      return [{ dims, values: Float64Array.from(values), kind: a.kind }];
    }
    case 'Gather': {
      if (!a || !b) return undefined;
      const axis = normAxis(intAttribute(node, 'axis', 0), a.dims.length);
      const size = a.dims[axis] as number;
      const outer = elementCount(a.dims.slice(0, axis));
      const inner = elementCount(a.dims.slice(axis + 1));
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const raw of b.values) {
          const index = raw < 0 ? raw + size : raw;
          for (let k = 0; k < inner; k++) values.push(a.values[(o * size + index) * inner + k] as number);
        }
      }
      return [{ dims: [...a.dims.slice(0, axis), ...b.dims, ...a.dims.slice(axis + 1)], values: Float64Array.from(values), kind: a.kind }];
    }
    case 'Slice': {
      if (!a) return undefined;
      const starts = intsFrom(node, 'starts', inputs[1]);
      const ends = intsFrom(node, 'ends', inputs[2]);
      if (!starts || !ends) return undefined;
      const axes = intsAttribute(node, 'axes') ?? (inputs[3] ? Array.from(inputs[3].values) : starts.map((_, i) => i));
      const steps = inputs[4] ? Array.from(inputs[4].values) : starts.map(() => 1);
      if (steps.some((s) => s !== 1)) return undefined;
      let current: ConstTensor = a;
      axes.forEach((rawAxis, i) => {
        const axis = normAxis(rawAxis, current.dims.length);
        const size = current.dims[axis] as number;
        const [from, to] = sliceRange(starts[i] as number, ends[i] as number, size);
        const outer = elementCount(current.dims.slice(0, axis));
        const inner = elementCount(current.dims.slice(axis + 1));
        const values: number[] = [];
        for (let o = 0; o < outer; o++) for (let s = from; s < to; s++) for (let k = 0; k < inner; k++) values.push(current.values[(o * size + s) * inner + k] as number);
        const dims = [...current.dims];
        dims[axis] = Math.max(to - from, 0);
        current = { dims, values: Float64Array.from(values), kind: current.kind };
      });
      return [current];
    }
    case 'Transpose': {
      if (!a) return undefined;
      const perm = intsAttribute(node, 'perm') ?? a.dims.map((_, i) => a.dims.length - 1 - i);
      const t = transposeValues(a.values, a.dims, perm);
      return [{ ...t, kind: a.kind }];
    }
    case 'ConstantOfShape': {
      if (!a) return undefined;
      const value = tensorAttribute(node, 'value');
      const fill = value ? constFromTensor(value) : undefined;
      const dims = Array.from(a.values);
      return [{ dims, values: new Float64Array(elementCount(dims)).fill(fill?.values[0] ?? 0), kind: fill?.kind ?? 'float' }];
    }
    case 'Range': {
      const [start, limit, delta] = inputs.map((t) => t?.values[0]);
      if (start === undefined || limit === undefined || delta === undefined || delta === 0) return undefined;
      const values: number[] = [];
      for (let v = start; delta > 0 ? v < limit : v > limit; v += delta) values.push(v);
      return [{ dims: [values.length], values: Float64Array.from(values), kind: a?.kind ?? 'int' }];
    }
    case 'Where': {
      const [c, x, y] = inputs;
      if (!c || !x || !y) return undefined;
      const dims = broadcastShapes(broadcastShapes(c.dims, x.dims) ?? [], y.dims);
      if (!dims) return undefined;
      const cv = broadcastTo(c, dims); const xv = broadcastTo(x, dims); const yv = broadcastTo(y, dims);
      return [{ dims, values: cv.map((v, i) => (v !== 0 ? (xv[i] as number) : (yv[i] as number))), kind: x.kind }];
    }
    case 'Expand': {
      if (!a || !b) return undefined;
      const dims = broadcastShapes(a.dims, Array.from(b.values));
      return dims ? [{ dims, values: broadcastTo(a, dims), kind: a.kind }] : undefined;
    }
    case 'Clip': {
      if (!a) return undefined;
      const lo = inputs[1]?.values[0] ?? floatAttribute(node, 'min', -Infinity);
      const hi = inputs[2]?.values[0] ?? floatAttribute(node, 'max', Infinity);
      return [{ ...a, values: Float64Array.from(a.values, (v) => Math.min(Math.max(v, lo), hi)) }];
    }
    default:
      return undefined;
  }
}

export function unsqueezeDims(dims: readonly number[], axes: readonly number[]): number[] {
  const rank = dims.length + axes.length;
  const normalized = new Set(axes.map((x) => normAxis(x, rank)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(normalized.has(i) ? 1 : (dims[k++] as number));
  return out;
}

export function squeezeDims(dims: readonly number[], axes: readonly number[] | undefined): number[] {
  if (!axes || axes.length === 0) return dims.filter((d) => d !== 1);
  const normalized = new Set(axes.map((x) => normAxis(x, dims.length)));
  return dims.filter((_, i) => !normalized.has(i));
}

/** ONNX Reshape's target: 0 copies the input's dim (unless allowzero), one -1 is inferred. */
export function reshapeDims(input: readonly number[], target: readonly number[], allowZero: boolean): number[] | undefined {
  const dims = target.map((d, i) => (d === 0 && !allowZero ? (input[i] as number) : d));
  const known = dims.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const total = elementCount([...input]);
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) return undefined;
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) return undefined;
    return dims.map((d) => (d === -1 ? total / known : d));
  }
  return known === total ? dims : undefined;
}

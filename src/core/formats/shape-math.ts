/**
 * Shape arithmetic shared by the readers' MAC estimates. Shapes here are plain numbers:
 * symbolic or dynamic dims have already been replaced by 1.
 */

export function product(dims: readonly number[]): number {
  return dims.reduce((acc, dim) => acc * dim, 1);
}

/** Numpy broadcasting; mismatched dims (an invalid model) take the larger so estimation can go on. */
export function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((shape) => shape.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i += 1) {
    let dim = 1;
    for (const shape of shapes) {
      const value = shape[shape.length - rank + i];
      if (value !== undefined && value !== 1) dim = dim === 1 ? value : Math.max(dim, value);
    }
    out.push(dim);
  }
  return out;
}

export interface WindowOptions {
  kernel: readonly number[];
  strides?: readonly number[] | undefined;
  dilations?: readonly number[] | undefined;
  /** ONNX layout: all begins, then all ends. */
  pads?: readonly number[] | undefined;
  /** ONNX auto_pad (NOTSET, SAME_UPPER, SAME_LOWER, VALID) or TensorFlow padding (SAME, VALID). */
  autoPad: string;
  ceilMode: boolean;
}

/** Output spatial size of a convolution or pooling window; undefined when the attributes do not fit the input. */
export function convOutput(input: readonly number[], options: WindowOptions): number[] | undefined {
  const rank = input.length;
  if (options.kernel.length !== rank) return undefined;
  const out: number[] = [];
  for (let i = 0; i < rank; i += 1) {
    const size = input[i] as number;
    const stride = options.strides?.[i] ?? 1;
    const dilation = options.dilations?.[i] ?? 1;
    const extent = dilation * ((options.kernel[i] as number) - 1) + 1;
    if (stride <= 0) return undefined;
    let dim: number;
    if (options.autoPad.startsWith('SAME')) dim = Math.ceil(size / stride);
    else if (options.autoPad === 'VALID') dim = Math.floor((size - extent) / stride) + 1;
    else {
      const padded = size + (options.pads?.[i] ?? 0) + (options.pads?.[i + rank] ?? 0) - extent;
      dim = (options.ceilMode ? Math.ceil(padded / stride) : Math.floor(padded / stride)) + 1;
    }
    if (!(dim > 0)) return undefined;
    out.push(dim);
  }
  return out;
}

/**
 * Numpy matmul: [..., M, K] x [..., K, N] (1-D operands promoted and dropped again).
 * MACs = batch * M * N * K.
 */
export function matMulShapes(
  a: readonly number[],
  b: readonly number[],
  transposeA = false,
  transposeB = false,
): { macs: number; output: number[] } | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const left = a.length === 1 ? [1, a[0] as number] : [...a];
  const right = b.length === 1 ? [b[0] as number, 1] : [...b];
  if (transposeA) swapLast(left);
  if (transposeB) swapLast(right);
  const m = left[left.length - 2] as number;
  const k = left[left.length - 1] as number;
  const n = right[right.length - 1] as number;
  const batch = broadcast([left.slice(0, -2), right.slice(0, -2)]);
  const output = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { macs: product(batch) * m * n * k, output };
}

function swapLast(shape: number[]): void {
  const last = shape.length - 1;
  [shape[last - 1], shape[last]] = [shape[last] as number, shape[last - 1] as number];
}

/** A tensor of `dims` viewed as [outer, channels, inner] around one axis (per-channel scales, channel pruning). */
export function aroundAxis(dims: readonly number[], axis: number): { outer: number; channels: number; inner: number } {
  return { outer: product(dims.slice(0, axis)), channels: dims[axis] ?? 1, inner: product(dims.slice(axis + 1)) };
}

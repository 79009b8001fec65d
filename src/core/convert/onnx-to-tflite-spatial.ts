/**
 * Spatial ops of the ONNX → TFLite converter (2-D, NCHW in ONNX, NHWC in TFLite): Conv (plain,
 * depthwise, grouped) with BatchNormalization folded and Relu/Relu6 fused, ConvTranspose, max and
 * average pooling (global too), Pad, Resize/Upsample, and BatchNormalization on its own.
 * Padding ONNX gives explicitly becomes TFLite's SAME or VALID when one of them gives exactly
 * those pads, else an explicit PAD (or PADV2 with the lowest float for max pooling) before a VALID op.
 */
import { floatAttribute, intAttribute, intsAttribute, stringAttribute } from '../formats/onnx/onnx-attributes';
import type { NodeProto } from '../formats/onnx/onnx-codec';
import type { ConvertContext, OpHandler } from './onnx-to-tflite-context';
import { NHWC_AXIS, type Value } from './tflite-graph';

type PadMode = 'SAME' | 'VALID';

/** TFLite's SAME pads [before, after] for one spatial dim. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const k = (kernel - 1) * dilation + 1;
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** ONNX pads [top, left, bottom, right] for this node (auto_pad resolved). */
function onnxPads(c: ConvertContext, inHw: number[], kernel: number[], strides: number[], dilations: number[]): number[] {
  const auto = stringAttribute(c.node, 'auto_pad', 'NOTSET');
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const [h, w] = [0, 1].map((d) => samePads(inHw[d] as number, kernel[d] as number, strides[d] as number, dilations[d] as number));
    // SAME_LOWER puts the extra pad first.
    const [[t, b], [l, r]] = auto === 'SAME_UPPER' ? [h as number[], w as number[]] : [[h![1], h![0]], [w![1], w![0]]];
    return [t as number, l as number, b as number, r as number];
  }
  const raw = intsAttribute(c.node, 'pads');
  // A 1-D op (lifted to a height of 1) has pads [begin, end].
  const pads = raw?.length === 2 ? [0, raw[0] as number, 0, raw[1] as number] : raw ?? [0, 0, 0, 0];
  if (pads.length !== 4) c.fail(`has ${pads.length} pads; only 1-D and 2-D ops are converted.`);
  return pads;
}

/** A 2-value spatial attribute (strides, dilations, kernel_shape); a 1-D op's single value gets a height of 1. */
function pair(c: ConvertContext, name: string): number[] | undefined {
  const v = intsAttribute(c.node, name);
  return v?.length === 1 ? [1, v[0] as number] : v;
}

/**
 * The TFLite padding for these ONNX pads: SAME or VALID when exact, else VALID after an explicit
 * pad of the input (the input returned is then the padded one).
 */
function padInput(c: ConvertContext, x: Value, pads: number[], kernel: number[], strides: number[], dilations: number[], padValue: number, allowSame = true): { x: Value; mode: PadMode } {
  if (pads.every((p) => p === 0)) return { x, mode: 'VALID' };
  const inHw = [x.shape[2], x.shape[3]] as number[];
  const same = [0, 1].map((d) => samePads(inHw[d] as number, kernel[d] as number, strides[d] as number, dilations[d] as number));
  if (allowSame && pads[0] === same[0]![0] && pads[2] === same[0]![1] && pads[1] === same[1]![0] && pads[3] === same[1]![1]) return { x, mode: 'SAME' };
  if (pads.some((p) => p < 0)) c.fail(`has negative pads [${pads.join(', ')}], which crop; re-export without them.`);
  return { x: explicitPad(c, x, [[0, 0], [pads[0]!, pads[2]!], [pads[1]!, pads[3]!], [0, 0]], padValue, `${x.tensor}.padded`), mode: 'VALID' };
}

/** An explicit PAD of an NHWC value; `paddings` per stored (NHWC) axis. */
function explicitPad(c: ConvertContext, x: Value, paddings: number[][], padValue: number, name: string): Value {
  const shape = x.shape.map((d, a) => d + paddings[NHWC_AXIS[a] as number]![0]! + paddings[NHWC_AXIS[a] as number]![1]!);
  const out = c.g.activation(name, shape, true);
  const p = c.g.intConst(`${name}.paddings`, [4, 2], paddings.flat());
  if (padValue === 0) c.g.op('PAD', [x.tensor, p], [out.tensor], 'PadOptions');
  else c.g.op('PADV2', [x.tensor, p, c.g.floatConst(`${name}.value`, [1], [padValue])], [out.tensor], 'PadV2Options');
  return out;
}

function outHw(inHw: number[], kernel: number[], strides: number[], dilations: number[], mode: PadMode): number[] {
  return [0, 1].map((d) => mode === 'SAME'
    ? Math.ceil((inHw[d] as number) / (strides[d] as number))
    : Math.floor(((inHw[d] as number) - (((kernel[d] as number) - 1) * (dilations[d] as number) + 1)) / (strides[d] as number)) + 1);
}

/** ONNX filter [O, I, kh, kw] → TFLite [O, kh, kw, I] (depthwise: [1, kh, kw, O]). */
function permuteFilter(w: ArrayLike<number>, dims: number[], depthwise: boolean): Float32Array {
  const [o, i, kh, kw] = dims as [number, number, number, number];
  const out = new Float32Array(o * i * kh * kw);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    const src = ((a * i + b) * kh + y) * kw + x;
    const dst = depthwise ? (y * kw + x) * o + a : ((a * kh + y) * kw + x) * i + b;
    out[dst] = w[src] as number;
  }
  return out;
}

function requireImage(c: ConvertContext, index = 0): Value {
  const v = c.value(index);
  if (v.shape.length !== 4) c.fail(`has a ${v.shape.length}-D input; only 2-D spatial ops (4-D NCHW inputs) are converted. Re-export 1-D convolutions as 2-D with a height of 1.`);
  return c.g.asNhwc(v);
}

function weightsOf(c: ConvertContext, index: number, what: string): { values: ArrayLike<number>; dims: number[] } {
  const t = c.constant(index);
  if (!t || t.kind !== 'float') c.fail(`needs its ${what} (input ${index + 1}) as a float constant; weights computed at run time are not converted.`);
  return { values: t.values, dims: t.dims };
}

const conv: OpHandler = (c) => {
  // A 1-D convolution [N, C, L] runs as a 2-D one of height 1 (layout changes around it as needed).
  const oneD = c.value(0).shape.length === 3;
  const x0 = oneD ? c.g.asNhwc(c.g.reshape(c.value(0).tensor, `${c.value(0).tensor}.h1`, [...c.value(0).shape.slice(0, 2), 1, c.value(0).shape[2] as number])) : requireImage(c);
  const weights = weightsOf(c, 1, 'weights');
  const values = weights.values;
  const dims = oneD && weights.dims.length === 3 ? [...weights.dims.slice(0, 2), 1, weights.dims[2] as number] : weights.dims;
  if (dims.length !== 4) c.fail(`has ${dims.length}-D weights; only 1-D and 2-D convolutions are converted.`);
  const [o, i, kh, kw] = dims as [number, number, number, number];
  const group = intAttribute(c.node, 'group', 1);
  const channels = x0.shape[1] as number;
  const w: Float64Array | Float32Array = Float64Array.from(values);
  const bias = c.has(2) ? Float64Array.from(weightsOf(c, 2, 'bias').values) : new Float64Array(o);
  let outName = c.node.output[0] as string;
  outName = foldBatchNorm(c, outName, w, bias, o);
  // Per-channel constants of a 1-D result are [C, 1]; foldAffine reads the 2-D form [C, 1, 1] only.
  if (!oneD) outName = foldAffine(c, outName, w, bias, o);
  const strides = pair(c, 'strides') ?? [1, 1];
  const dilations = pair(c, 'dilations') ?? [1, 1];
  const inHw = [x0.shape[2], x0.shape[3]] as number[];
  const { x, mode } = padInput(c, x0, onnxPads(c, inHw, [kh, kw], strides, dilations), [kh, kw], strides, dilations, 0);
  const { act, out } = c.fuseActivation(outName);
  /** The conv's 4-D NHWC result; a 1-D conv's is reshaped back to [N, O, L'] (ONNX order). */
  const result = (shape: number[]): Value => {
    if (!oneD) {
      const y = c.output(shape, true);
      c.define(y, out);
      return y;
    }
    const y4 = c.g.activation(`${out}.h1`, shape, true);
    const y = c.output([shape[0] as number, shape[1] as number, shape[3] as number], false);
    c.define(y, out);
    pendingReshape = () => c.g.op('RESHAPE', [c.g.plainBytes(y4)], [y.tensor], 'ReshapeOptions', { newShape: y.shape });
    return y4;
  };
  let pendingReshape: (() => void) | undefined;
  const [oh, ow] = outHw([x.shape[2], x.shape[3]] as number[], [kh, kw], strides, dilations, mode);
  const outShape = [x.shape[0] as number, o, oh as number, ow as number];
  const options = { padding: mode, strideH: strides[0] as number, strideW: strides[1] as number, dilationH: dilations[0] as number, dilationW: dilations[1] as number, activation: act };
  const name = c.node.name || out;
  if (group > 1 && group === channels && i === 1) {
    const y = result(outShape);
    const filter = c.g.floatConst(`${name}.filter`, [1, kh, kw, o], permuteFilter(w, dims, true));
    c.g.push({ op: 'DEPTHWISE_CONV_2D', options: { ...options, depthMultiplier: o / channels }, inputs: [x.tensor, filter, c.g.floatConst(`${name}.bias`, [o], bias)], outputs: [y.tensor], version: 2 });
    pendingReshape?.();
    return;
  }
  if (group === 1) {
    const y = result(outShape);
    const filter = c.g.floatConst(`${name}.filter`, [o, kh, kw, i], permuteFilter(w, dims, false));
    c.g.push({ op: 'CONV_2D', options, inputs: [x.tensor, filter, c.g.floatConst(`${name}.bias`, [o], bias)], outputs: [y.tensor], version: dilations.some((d) => d !== 1) ? 2 : 1 });
    pendingReshape?.();
    return;
  }
  // Grouped: split the channels, one CONV_2D per group, concatenate (TFLite's grouped CONV_2D is not in every kernel set).
  if (channels % group !== 0 || o % group !== 0 || i * group !== channels) c.fail(`has group ${group} that does not divide its ${channels} input and ${o} output channels.`);
  const parts = Array.from({ length: group }, (_, k) => c.g.activation(`${name}.in${k}`, [x.shape[0] as number, i, x.shape[2] as number, x.shape[3] as number], true));
  c.g.op('SPLIT', [c.g.intConst(`${name}.axis`, [], [3]), x.tensor], parts.map((p) => p.tensor), 'SplitOptions', { numSplits: group });
  const perGroup = o / group;
  const outs = parts.map((part, k) => {
    const gy = c.g.activation(`${name}.out${k}`, [outShape[0] as number, perGroup, oh as number, ow as number], true);
    const slice = w.subarray(k * perGroup * i * kh * kw, (k + 1) * perGroup * i * kh * kw);
    const filter = c.g.floatConst(`${name}.filter${k}`, [perGroup, kh, kw, i], permuteFilter(slice, [perGroup, i, kh, kw], false));
    c.g.push({ op: 'CONV_2D', options, inputs: [part.tensor, filter, c.g.floatConst(`${name}.bias${k}`, [perGroup], bias.subarray(k * perGroup, (k + 1) * perGroup))], outputs: [gy.tensor] });
    return gy.tensor;
  });
  const y = result(outShape);
  c.g.op('CONCATENATION', outs, [y.tensor], 'ConcatenationOptions', { axis: 3 });
  pendingReshape?.();
  c.note(`Grouped convolution '${name}' (group ${group}) became ${group} convolutions and a concatenation`, 'grouped convolution split into one convolution per group and a concatenation');
};

/**
 * A Mul and then an Add by per-channel (or single) constants right after a convolution (a learnable
 * scale and shift, as MobileOne-style blocks export them) folded into its weights and bias, in
 * place. Returns the ONNX name the convolution's result now goes by.
 */
function foldAffine(c: ConvertContext, name: string, w: Float64Array, bias: Float64Array, channels: number): string {
  const perChannel = (node: NodeProto, from: string): Float64Array | undefined => {
    if (node.input.length !== 2 || node.input[0] === node.input[1]) return undefined;
    const other = node.input[0] === from ? node.input[1] : node.input[0];
    const t = other === undefined ? undefined : c.constantOf(other);
    if (!t || t.kind !== 'float') return undefined;
    const n = t.values.length;
    // [C, 1, 1] or [1, C, 1, 1] scale channels; a [C] would broadcast over the width instead.
    const channelShaped = n === channels && t.dims.length >= 3 && t.dims.length <= 4 && t.dims[t.dims.length - 3] === channels;
    if (n !== 1 && !channelShaped) return undefined;
    return Float64Array.from({ length: channels }, (_, k) => t.values[n === 1 ? 0 : k] as number);
  };
  let current = name;
  let folded = false;
  const mul = c.onlyConsumer(current);
  const scale = mul?.opType === 'Mul' ? perChannel(mul, current) : undefined;
  if (mul && scale) {
    const per = w.length / channels;
    for (let ch = 0; ch < channels; ch++) {
      for (let k = 0; k < per; k++) w[ch * per + k] = (w[ch * per + k] as number) * (scale[ch] as number);
      bias[ch] = (bias[ch] as number) * (scale[ch] as number);
    }
    c.absorb(mul);
    current = mul.output[0] as string;
    folded = true;
  }
  const add = c.onlyConsumer(current);
  const shift = add?.opType === 'Add' ? perChannel(add, current) : undefined;
  if (add && shift) {
    for (let ch = 0; ch < channels; ch++) bias[ch] = (bias[ch] as number) + (shift[ch] as number);
    c.absorb(add);
    current = add.output[0] as string;
    folded = true;
  }
  if (folded) c.note(`'${c.node.name}'`, 'constant scale and/or shift after a convolution folded into its weights and bias');
  return current;
}

function bnParameters(c: ConvertContext, bn: NonNullable<ReturnType<ConvertContext['absorbNext']>>): ArrayLike<number>[] {
  return [1, 2, 3, 4].map((k) => {
    const t = c.constantOf(bn.input[k] as string);
    if (!t) c.fail(`is followed by BatchNormalization '${bn.name}' whose parameters are not constants.`);
    return t.values;
  });
}

/**
 * A BatchNormalization that is the only reader of `name` (a convolution's result), folded into the
 * weights (laid out [channel][...]) and bias in place; returns the name the result now goes by.
 */
function foldBatchNorm(c: ConvertContext, name: string, w: Float64Array, bias: Float64Array, channels: number): string {
  const bn = c.absorbNext(name, 'BatchNormalization');
  if (!bn) return name;
  const [scale, shift, mean, variance] = bnParameters(c, bn) as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const eps = floatAttribute(bn, 'epsilon', 1e-5);
  const per = w.length / channels;
  for (let ch = 0; ch < channels; ch++) {
    const f = (scale[ch] as number) / Math.sqrt((variance[ch] as number) + eps);
    for (let k = 0; k < per; k++) w[ch * per + k] = (w[ch * per + k] as number) * f;
    bias[ch] = ((bias[ch] as number) - (mean[ch] as number)) * f + (shift[ch] as number);
  }
  c.note(`BatchNormalization '${bn.name}' folded into convolution '${c.node.name}'`, 'BatchNormalization folded into the convolution before it');
  return bn.output[0] as string;
}

/**
 * A transposed convolution whose stride equals its square kernel, unpadded (a learned 2×
 * upsampling): every input pixel writes its own k×k block, so it is exactly a 1×1 convolution to
 * k·k·Cout channels and a DEPTH_TO_SPACE (both with int8 kernels; TRANSPOSE_CONV's int8 kernel is
 * not in every kernel set). A bias Add, a BatchNormalization and a Relu after it are folded in too.
 */
function convTransposeAsDepthToSpace(c: ConvertContext, x: Value, values: ArrayLike<number>, cin: number, cout: number, k: number): void {
  // ONNX [Cin, Cout, k, k] → [Cout][Cin, k, k], the layout the folds expect.
  const w = new Float64Array(values.length);
  for (let a = 0; a < cin; a++) for (let b = 0; b < cout; b++) for (let t = 0; t < k * k; t++) w[(b * cin + a) * k * k + t] = values[(a * cout + b) * k * k + t] as number;
  const bias = c.has(2) ? Float64Array.from(weightsOf(c, 2, 'bias').values) : new Float64Array(cout);
  let outName = foldAffine(c, c.node.output[0] as string, w, bias, cout);
  outName = foldBatchNorm(c, outName, w, bias, cout);
  const { act, out } = c.fuseActivation(outName);
  // DEPTH_TO_SPACE reads channel (i·k + j)·Cout + c into pixel (i, j) of the block.
  const filter = new Float32Array(k * k * cout * cin);
  const blockBias = new Float32Array(k * k * cout);
  for (let t = 0; t < k * k; t++) for (let b = 0; b < cout; b++) {
    blockBias[t * cout + b] = bias[b] as number;
    for (let a = 0; a < cin; a++) filter[(t * cout + b) * cin + a] = w[(b * cin + a) * k * k + t] as number;
  }
  const name = c.node.name || (c.node.output[0] as string);
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const blocks = c.g.activation(`${name}.blocks`, [n, k * k * cout, h, wd], true);
  c.g.push({ op: 'CONV_2D', options: { padding: 'VALID', strideH: 1, strideW: 1, activation: act }, inputs: [x.tensor, c.g.floatConst(`${name}.filter`, [k * k * cout, 1, 1, cin], filter), c.g.floatConst(`${name}.bias`, [k * k * cout], blockBias)], outputs: [blocks.tensor] });
  const y = c.output([n, cout, h * k, wd * k], true);
  c.define(y, out);
  c.g.op('DEPTH_TO_SPACE', [blocks.tensor], [y.tensor], 'DepthToSpaceOptions', { blockSize: k });
  c.note(`'${name}'`, 'transposed convolution with stride equal to its kernel became a 1×1 convolution and DEPTH_TO_SPACE');
}

const convTranspose: OpHandler = (c) => {
  const x = requireImage(c);
  const { values, dims } = weightsOf(c, 1, 'weights');
  const [cin, coutPerGroup, kh, kw] = dims as [number, number, number, number];
  if (intAttribute(c.node, 'group', 1) !== 1) c.fail('is a grouped transposed convolution; only group 1 is converted.');
  if ((intsAttribute(c.node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) c.fail('is a dilated transposed convolution, which TFLite TRANSPOSE_CONV has no form of.');
  if ((intsAttribute(c.node, 'output_padding') ?? [0, 0]).some((d) => d !== 0) || intsAttribute(c.node, 'output_shape')) c.fail('sets output_padding or output_shape; re-export with plain pads.');
  const strides = intsAttribute(c.node, 'strides') ?? [1, 1];
  const pads = intsAttribute(c.node, 'pads') ?? [0, 0, 0, 0];
  if (kh === kw && strides[0] === kh && strides[1] === kw && pads.every((p) => p === 0) && stringAttribute(c.node, 'auto_pad', 'NOTSET') === 'NOTSET') {
    convTransposeAsDepthToSpace(c, x, values, cin, coutPerGroup, kh);
    return;
  }
  const [h, w] = [x.shape[2] as number, x.shape[3] as number];
  const full = [(h - 1) * (strides[0] as number) + kh, (w - 1) * (strides[1] as number) + kw];
  // TFLite filter [Cout, kh, kw, Cin] from ONNX [Cin, Cout, kh, kw].
  const filter = new Float32Array(values.length);
  for (let a = 0; a < cin; a++) for (let b = 0; b < coutPerGroup; b++) for (let y = 0; y < kh; y++) for (let z = 0; z < kw; z++) {
    filter[((b * kh + y) * kw + z) * cin + a] = values[((a * coutPerGroup + b) * kh + y) * kw + z] as number;
  }
  const name = c.node.name || (c.node.output[0] as string);
  const cropped = pads.some((p) => p !== 0);
  const fullShape = [x.shape[0] as number, coutPerGroup, full[0] as number, full[1] as number];
  const bias = c.has(2) ? weightsOf(c, 2, 'bias').values : undefined;
  const last = !cropped && !bias;
  const y0 = last ? c.output(fullShape, true) : c.g.activation(`${name}.full`, fullShape, true);
  const outputShape = c.g.intConst(`${name}.output_shape`, [4], [fullShape[0] as number, full[0] as number, full[1] as number, coutPerGroup]);
  c.g.op('TRANSPOSE_CONV', [outputShape, c.g.floatConst(`${name}.filter`, [coutPerGroup, kh, kw, cin], filter), x.tensor], [y0.tensor], 'TransposeConvOptions', { padding: 1, strideH: strides[0] as number, strideW: strides[1] as number });
  let y = y0;
  if (cropped) {
    const shape = [fullShape[0] as number, coutPerGroup, (full[0] as number) - pads[0]! - pads[2]!, (full[1] as number) - pads[1]! - pads[3]!];
    y = bias ? c.g.activation(`${name}.cropped`, shape, true) : c.output(shape, true);
    c.g.op('SLICE', [y0.tensor, c.g.intConst(`${name}.begin`, [4], [0, pads[0]!, pads[1]!, 0]), c.g.intConst(`${name}.size`, [4], [shape[0]!, shape[2]!, shape[3]!, coutPerGroup])], [y.tensor], 'SliceOptions');
  }
  if (bias) {
    const out = c.output(y.shape, true);
    c.g.push({ op: 'ADD', inputs: [y.tensor, c.g.floatConst(`${name}.bias`, [coutPerGroup], bias)], outputs: [out.tensor] });
  }
};

const pool: OpHandler = (c) => {
  const op = c.node.opType;
  const isMax = op.includes('Max');
  const raw = c.value(0);
  if (raw.shape.length === 3) {
    if (op.startsWith('Global')) {
      const y = c.output([raw.shape[0] as number, raw.shape[1] as number, 1], false);
      c.g.op(isMax ? 'REDUCE_MAX' : 'MEAN', [raw.tensor, c.g.intConst(`${y.tensor}.axes`, [1], [2])], [y.tensor], 'ReducerOptions', { keepDims: true });
      return;
    }
    // A 1-D pool [N, C, L] runs as a 2-D one of height 1, its result reshaped back.
    const lifted = c.g.asNhwc(c.g.reshape(raw.tensor, `${raw.tensor}.h1`, [raw.shape[0] as number, raw.shape[1] as number, 1, raw.shape[2] as number]));
    const y4 = pool2d(c, lifted, isMax, (shape) => c.g.activation(`${c.node.output[0]}.h1`, shape, true));
    const y = c.output([y4.shape[0] as number, y4.shape[1] as number, y4.shape[3] as number], false);
    c.define(y, y4.fusedOut);
    c.g.op('RESHAPE', [c.g.plainBytes(y4.value)], [y.tensor], 'ReshapeOptions', { newShape: y.shape });
    return;
  }
  const x0 = requireImage(c);
  const inHw = [x0.shape[2], x0.shape[3]] as number[];
  if (op.startsWith('Global')) {
    const y = c.output([x0.shape[0] as number, x0.shape[1] as number, 1, 1], true);
    if (isMax) c.g.push({ op: 'MAX_POOL_2D', options: { padding: 'VALID', strideH: 1, strideW: 1, filterH: inHw[0] as number, filterW: inHw[1] as number }, inputs: [x0.tensor], outputs: [y.tensor] });
    else c.g.op('MEAN', [x0.tensor, c.g.intConst(`${y.tensor}.axes`, [2], [1, 2])], [y.tensor], 'ReducerOptions', { keepDims: true });
    return;
  }
  const y = pool2d(c, x0, isMax, (shape) => c.output(shape, true));
  c.define(y.value, y.fusedOut);
};

/** A 2-D max or average pool of an NHWC value; `make` creates its output tensor. */
function pool2d(c: ConvertContext, x0: Value, isMax: boolean, make: (shape: number[]) => Value): { value: Value; shape: number[]; fusedOut: string } {
  const inHw = [x0.shape[2], x0.shape[3]] as number[];
  const kernel = pair(c, 'kernel_shape') ?? c.fail('has no kernel_shape.');
  const strides = pair(c, 'strides') ?? [1, 1];
  if ((intsAttribute(c.node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) c.fail('is a dilated pool, which TFLite has no form of.');
  const pads = onnxPads(c, inHw, kernel, strides, [1, 1]);
  if (intAttribute(c.node, 'ceil_mode', 0) !== 0) {
    // ceil_mode: the last window may start inside the padded input; extra end padding gives the same windows.
    for (const d of [0, 1]) {
      const span = (inHw[d] as number) + pads[d]! + pads[d + 2]! - (kernel[d] as number);
      const extra = (Math.ceil(span / (strides[d] as number)) * (strides[d] as number)) - span;
      if (extra > 0 && !isMax) c.fail('uses ceil_mode 1 with a window past the input, which TFLite AVERAGE_POOL_2D cannot count; re-export with ceil_mode 0.');
      pads[d + 2] = pads[d + 2]! + extra;
    }
  }
  const includePad = intAttribute(c.node, 'count_include_pad', 0) !== 0;
  // TFLite's SAME average leaves padding out of the count, as count_include_pad 0 does; counting it
  // (count_include_pad 1) is an explicit zero PAD before a VALID average.
  const { x, mode } = padInput(c, x0, pads, kernel, strides, [1, 1], isMax ? -3.4e38 : 0, isMax || !includePad);
  if (!isMax && x !== x0 && !includePad) c.fail(`averages with pads [${pads.join(', ')}] that TFLite's SAME padding does not give, without counting them (count_include_pad 0); re-export with symmetric 'same' pads or none.`);
  const [oh, ow] = outHw([x.shape[2], x.shape[3]] as number[], kernel, strides, [1, 1], mode);
  const { act, out } = c.fuseActivation(c.node.output[0] as string);
  const shape = [x.shape[0] as number, x.shape[1] as number, oh as number, ow as number];
  const y = make(shape);
  c.g.push({ op: isMax ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D', options: { padding: mode, strideH: strides[0] as number, strideW: strides[1] as number, filterH: kernel[0] as number, filterW: kernel[1] as number, activation: act }, inputs: [x.tensor], outputs: [y.tensor] });
  return { value: y, shape, fusedOut: out };
}

const pad: OpHandler = (c) => {
  const v = c.value(0);
  const pads = intsAttribute(c.node, 'pads') ?? (c.constant(1) ? Array.from(c.constant(1)!.values) : c.fail('has pads that are not constant.'));
  const mode = stringAttribute(c.node, 'mode', 'constant');
  const padValue = c.constant(2)?.values[0] ?? floatAttribute(c.node, 'value', 0);
  if (c.has(3)) c.fail('pads only some axes (the axes input); re-export padding every axis.');
  const rank = v.shape.length;
  const perAxis = v.shape.map((_, a) => [pads[a]!, pads[a + rank]!]);
  if (perAxis.flat().some((p) => p < 0)) c.fail('has negative pads, which crop; re-export with a Slice instead.');
  const stored = v.nhwc ? [0, 1, 2, 3].map((s) => perAxis[[0, 2, 3, 1][s] as number]!) : perAxis;
  const y = c.output(v.shape.map((d, a) => d + perAxis[a]![0]! + perAxis[a]![1]!), v.nhwc);
  const paddings = c.g.intConst(`${y.tensor}.paddings`, [rank, 2], stored.flat());
  if (mode === 'reflect') c.g.op('MIRROR_PAD', [v.tensor, paddings], [y.tensor], 'MirrorPadOptions', { mode: 0 });
  else if (mode === 'constant' && padValue === 0) c.g.op('PAD', [v.tensor, paddings], [y.tensor], 'PadOptions');
  else if (mode === 'constant') c.g.op('PADV2', [v.tensor, paddings, c.g.floatConst(`${y.tensor}.value`, [1], [padValue])], [y.tensor], 'PadV2Options');
  else c.fail(`pads in mode '${mode}', which TFLite has no form of (constant and reflect are converted).`);
};

const resize: OpHandler = (c) => {
  const x = requireImage(c);
  const mode = stringAttribute(c.node, 'mode', 'nearest');
  const opset = c.opset;
  const coord = stringAttribute(c.node, 'coordinate_transformation_mode', opset < 11 ? 'asymmetric' : 'half_pixel');
  const nearestMode = stringAttribute(c.node, 'nearest_mode', opset < 11 ? 'floor' : 'round_prefer_floor');
  // Upsample and Resize-10: scales at input 1; Resize-11+: roi, scales, sizes at 1, 2, 3.
  const scalesAt = c.node.opType === 'Upsample' || opset < 11 ? 1 : 2;
  const sizes = c.node.opType === 'Resize' && opset >= 11 ? c.constant(3) : undefined;
  const scales = c.constant(scalesAt);
  const outSize: number[] = sizes && sizes.values.length === 4 ? Array.from(sizes.values)
    : scales && scales.values.length === 4 ? x.shape.map((d, a) => Math.floor(d * (scales.values[a] as number)))
    : c.fail('has scales or sizes that are not constant 4-value tensors; fix the input size with --input-shape, or re-export with constant scales.');
  if (outSize[0] !== x.shape[0] || outSize[1] !== x.shape[1]) c.fail('resizes the batch or channel axis; only height and width are converted.');
  let alignCorners = false;
  let halfPixelCenters = false;
  if (mode === 'nearest') {
    if (coord === 'asymmetric' && nearestMode === 'floor') { /* TFLite's default */ }
    else if (coord === 'tf_half_pixel_for_nn') halfPixelCenters = true;
    else if (coord === 'align_corners' && nearestMode === 'round_prefer_ceil') alignCorners = true;
    else c.fail(`uses nearest with coordinate_transformation_mode '${coord}' and nearest_mode '${nearestMode}', which TFLite's RESIZE_NEAREST_NEIGHBOR does not compute; re-export with asymmetric/floor.`);
  } else if (mode === 'linear') {
    if (coord === 'half_pixel' || coord === 'pytorch_half_pixel') halfPixelCenters = true;
    else if (coord === 'align_corners') alignCorners = true;
    else if (coord !== 'asymmetric') c.fail(`uses linear with coordinate_transformation_mode '${coord}', which TFLite's RESIZE_BILINEAR does not compute.`);
    if (coord === 'pytorch_half_pixel' && (outSize[2] === 1 || outSize[3] === 1)) c.fail('resizes to a size of 1 with pytorch_half_pixel, which TFLite computes differently.');
  } else c.fail(`uses mode '${mode}'; only nearest and linear are converted.`);
  const y = c.output(outSize, true);
  const size = c.g.intConst(`${y.tensor}.size`, [2], [outSize[2]!, outSize[3]!]);
  if (mode === 'nearest') c.g.op('RESIZE_NEAREST_NEIGHBOR', [x.tensor, size], [y.tensor], 'ResizeNearestNeighborOptions', { alignCorners, halfPixelCenters }, halfPixelCenters ? 3 : 1);
  else c.g.op('RESIZE_BILINEAR', [x.tensor, size], [y.tensor], 'ResizeBilinearOptions', { alignCorners, halfPixelCenters }, halfPixelCenters ? 3 : 1);
};

const batchNorm: OpHandler = (c) => {
  const v = c.value(0);
  const [scale, shift, mean, variance] = [1, 2, 3, 4].map((k) => c.constant(k)?.values ?? c.fail('has parameters that are not constants.'));
  const eps = floatAttribute(c.node, 'epsilon', 1e-5);
  const channels = v.shape[1] as number;
  const mul = new Float64Array(channels);
  const add = new Float64Array(channels);
  for (let ch = 0; ch < channels; ch++) {
    mul[ch] = (scale![ch] as number) / Math.sqrt((variance![ch] as number) + eps);
    add[ch] = (shift![ch] as number) - (mean![ch] as number) * (mul[ch] as number);
  }
  // Per-channel constants of shape [C, 1, ...] in ONNX terms, laid out like the input.
  const dims = [channels, ...new Array<number>(v.shape.length - 2).fill(1)];
  const name = c.node.name || (c.node.output[0] as string);
  const scaled = c.g.activation(`${name}.scaled`, v.shape, v.nhwc);
  c.g.op('MUL', [v.tensor, c.g.operandConst(`${name}.mul`, dims, mul, v.shape.length, v.nhwc)], [scaled.tensor], 'MulOptions');
  const { act, out } = c.fuseActivation(c.node.output[0] as string);
  const y = c.output(v.shape, v.nhwc);
  c.define(y, out);
  c.g.push({ op: 'ADD', options: { activation: act }, inputs: [scaled.tensor, c.g.operandConst(`${name}.add`, dims, add, v.shape.length, v.nhwc)], outputs: [y.tensor] });
};

export const SPATIAL_HANDLERS: Record<string, OpHandler> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: pool,
  GlobalMaxPool: pool,
  Pad: pad,
  Resize: resize,
  Upsample: resize,
  BatchNormalization: batchNorm,
};

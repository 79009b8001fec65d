/**
 * ONNX → TFLite (issue 14, item 2), first slice: the ops the current TFLite writer can encode.
 * The graph is walked in ONNX order; every 4-D activation is carried NHWC on the TFLite side
 * (inputs that are NCHW images become NHWC inputs, reported), so no TRANSPOSE is needed:
 * conv filters are permuted once, and a Flatten of an NHWC map feeding a Gemm permutes the
 * Gemm's weight columns instead of the activations. BatchNormalization after a Conv is folded
 * into its weights; a Relu/Relu6/Clip(0,6) after a Conv, Gemm or Add is fused as its activation.
 * An op outside the set stops the conversion with its node named.
 */
import { StudioError } from '../../shared/errors';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../formats/onnx/onnx-codec';
import { floatAttribute, intAttribute, intsAttribute, shapeOf, tensorAttribute } from '../formats/onnx/onnx-attributes';
import { dimsOf, float32Values } from '../formats/onnx/onnx-tensors';
import { encodeTfliteModel, type TfliteModelSpec, type TfliteOperatorSpec, type TfliteTensorSpec } from '../formats/tflite/tflite-writer';

type Activation = 'NONE' | 'RELU' | 'RELU6';

export interface ConversionReport {
  /** One line per thing the user should know (layout changes, folds, fusions). */
  notes: string[];
  operatorCount: number;
}

export interface ConvertedModel {
  bytes: Uint8Array;
  report: ConversionReport;
  /** Per graph input: true when it was NCHW and is now NHWC (callers transpose the data they feed). */
  nhwcInputs: Map<string, boolean>;
  /** Inputs and outputs in ONNX terms (NCHW shapes), with whether the TFLite side is NHWC. */
  inputs: Array<{ name: string; shape: number[]; nhwc: boolean }>;
  outputs: Array<{ name: string; shape: number[]; nhwc: boolean }>;
}

interface Value {
  /** The TFLite tensor carrying it. */
  tensor: string;
  /** Shape in ONNX (NCHW) terms. */
  shape: number[];
  /** True when the TFLite tensor holds a 4-D value as NHWC. */
  nhwc: boolean;
}

const SUPPORTED = 'Constant, Conv, BatchNormalization (after Conv), Relu, Clip(0,6), Sigmoid, Add, MaxPool, AveragePool, GlobalAveragePool, Flatten, Gemm, Softmax, Identity, Dropout';

function nodeLabel(node: NodeProto): string {
  return `Node '${node.name || node.output[0] || '?'}' (op ${node.opType})`;
}

function fail(node: NodeProto, what: string): never {
  throw new StudioError('BAD_INPUT', `${nodeLabel(node)} ${what}`);
}

/** NCHW [O, I, kh, kw] → TFLite [O, kh, kw, I] (depthwise: [1, kh, kw, O]). */
function permuteFilter(w: Float32Array, dims: number[], depthwise: boolean): Float32Array {
  const [o, i, kh, kw] = dims as [number, number, number, number];
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    const src = ((a * i + b) * kh + y) * kw + x;
    const dst = depthwise ? (y * kw + x) * o + a : ((a * kh + y) * kw + x) * i + b;
    out[dst] = w[src] as number;
  }
  return out;
}

/** ONNX pads [top, left, bottom, right] → TFLite SAME or VALID, when one of them gives exactly these pads. */
function paddingMode(node: NodeProto, inHw: number[], kernel: number[], strides: number[], dilations: number[]): 'SAME' | 'VALID' {
  const autoPad = node.attribute.find((a) => a.name === 'auto_pad');
  const autoText = autoPad?.s ? new TextDecoder().decode(autoPad.s) : 'NOTSET';
  if (autoText === 'SAME_UPPER') return 'SAME';
  if (autoText === 'VALID') return 'VALID';
  const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
  if (pads.every((p) => p === 0)) return 'VALID';
  const same = [0, 1].map((d) => {
    const size = inHw[d] as number; const s = strides[d] as number; const k = ((kernel[d] as number) - 1) * (dilations[d] as number) + 1;
    const outSize = Math.ceil(size / s);
    const total = Math.max((outSize - 1) * s + k - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  if (pads[0] === same[0]![0] && pads[2] === same[0]![1] && pads[1] === same[1]![0] && pads[3] === same[1]![1]) return 'SAME';
  return fail(node, `has pads [${pads.join(', ')}] that neither SAME nor VALID padding gives; explicit PAD is not in this converter yet, so re-export the model with symmetric 'same' padding or none.`);
}

function outHw(inHw: number[], kernel: number[], strides: number[], dilations: number[], mode: 'SAME' | 'VALID'): number[] {
  return [0, 1].map((d) => mode === 'SAME'
    ? Math.ceil((inHw[d] as number) / (strides[d] as number))
    : Math.floor(((inHw[d] as number) - (((kernel[d] as number) - 1) * (dilations[d] as number) + 1)) / (strides[d] as number)) + 1);
}

export function convertOnnxToTflite(model: ModelProto, options: { fileName?: string; inputShapes?: ReadonlyMap<string, readonly number[]> } = {}): ConvertedModel {
  const graph = model.graph as GraphProto;
  const initializers = new Map<string, TensorProto>(graph.initializer.map((t) => [t.name, t]));
  const values = new Map<string, Value>();
  const tensors: TfliteTensorSpec[] = [];
  const operators: TfliteOperatorSpec[] = [];
  const notes: string[] = [];
  const nhwcInputs = new Map<string, boolean>();
  let counter = 0;
  /** Flatten outputs whose values are in NHWC order, with the NCHW shape they came from. */
  const flattenedFrom = new Map<string, number[]>();
  const constant = (name: string, shape: number[], data: Float32Array): string => {
    const tensorName = `${name}#${counter++}`;
    tensors.push({ name: tensorName, type: 'float32', shape, data });
    return tensorName;
  };
  const activation = (name: string, shape: number[], nhwc: boolean): Value => {
    const tflShape = nhwc ? [shape[0], shape[2], shape[3], shape[1]] as number[] : shape;
    tensors.push({ name, type: 'float32', shape: tflShape });
    const value = { tensor: name, shape, nhwc };
    values.set(name, value);
    return value;
  };
  const weights = (node: NodeProto, index: number): { data: Float32Array; dims: number[] } => {
    const name = node.input[index];
    const t = name ? initializers.get(name) : undefined;
    const data = t ? float32Values(t) : undefined;
    if (!t || !data) fail(node, `needs input ${index + 1} as a float32 constant (initializer); computed weights are not converted yet.`);
    return { data, dims: dimsOf(t) };
  };
  const input = (node: NodeProto, index = 0): Value => {
    const v = values.get(node.input[index] ?? '');
    if (!v) fail(node, `reads '${node.input[index]}', which this converter did not produce (a constant or unsupported input).`);
    return v;
  };

  for (const gi of graph.input) {
    if (initializers.has(gi.name)) continue;
    const given = options.inputShapes?.get(gi.name);
    const dims = given ? [...given] : (shapeOf(gi) ?? []).map((d, i) => {
      if (typeof d === 'number' && d > 0) return d;
      if (i === 0) return 1;
      throw new StudioError('BAD_INPUT', `Input '${gi.name}' has a dynamic size at dimension ${i}; give the model fixed input sizes before converting.`);
    });
    const image = dims.length === 4;
    activation(gi.name, dims, image);
    nhwcInputs.set(gi.name, image);
    if (image) notes.push(`Input '${gi.name}' was NCHW [${dims.join(', ')}]; the TFLite model takes it NHWC [${[dims[0], dims[2], dims[3], dims[1]].join(', ')}].`);
  }

  // Consumers, for folding BN and fusing activations into the op before them.
  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const absorbed = new Set<NodeProto>();
  const only = (name: string): NodeProto | undefined => {
    const c = consumers.get(name);
    return c?.length === 1 && !graph.output.some((o) => o.name === name) ? c[0] : undefined;
  };
  const fusedActivation = (name: string): { act: Activation; out: string } => {
    const next = only(name);
    if (next?.opType === 'Relu') { absorbed.add(next); return { act: 'RELU', out: next.output[0] as string }; }
    if (next?.opType === 'Clip' && isRelu6(next, initializers)) { absorbed.add(next); return { act: 'RELU6', out: next.output[0] as string }; }
    return { act: 'NONE', out: name };
  };

  for (const node of graph.node) {
    if (absorbed.has(node)) continue;
    const out0 = node.output[0] as string;
    switch (node.opType) {
      case 'Constant': {
        // Folded: a Constant's tensor is read like an initializer by the ops that use it.
        const value = tensorAttribute(node, 'value') ?? fail(node, 'holds something other than a tensor (value_float, value_ints, …); only tensor constants are converted yet.');
        initializers.set(out0, value);
        break;
      }
      case 'Identity':
      case 'Dropout':
        values.set(out0, input(node));
        break;
      case 'Conv': {
        const x = input(node);
        if (!x.nhwc) fail(node, 'needs a 4-D NCHW input; only 2-D convolutions are converted.');
        const { data, dims } = weights(node, 0 + 1);
        const [o, i, kh, kw] = dims as [number, number, number, number];
        const group = intAttribute(node, 'group', 1);
        const channels = x.shape[1] as number;
        const depthwise = group > 1 && group === channels && i === 1;
        if (group > 1 && !depthwise) fail(node, `is a grouped convolution (group ${group} of ${channels} channels); only group 1 and depthwise are converted yet.`);
        let w = data;
        let bias = node.input[2] ? weights(node, 2).data : new Float32Array(o);
        let outName = out0;
        const bnNode = only(out0);
        if (bnNode?.opType === 'BatchNormalization') {
          const [scale, shift, mean, variance] = [1, 2, 3, 4].map((k) => weights(bnNode, k).data) as [Float32Array, Float32Array, Float32Array, Float32Array];
          const eps = floatAttribute(bnNode, 'epsilon', 1e-5);
          w = new Float32Array(w);
          bias = new Float32Array(bias);
          const per = w.length / o;
          for (let c = 0; c < o; c++) {
            const f = (scale[c] as number) / Math.sqrt((variance[c] as number) + eps);
            for (let k = 0; k < per; k++) w[c * per + k] = (w[c * per + k] as number) * f;
            bias[c] = ((bias[c] as number) - (mean[c] as number)) * f + (shift[c] as number);
          }
          absorbed.add(bnNode);
          outName = bnNode.output[0] as string;
          notes.push(`BatchNormalization '${bnNode.name}' folded into convolution '${node.name}'.`);
        }
        const strides = intsAttribute(node, 'strides') ?? [1, 1];
        const dilations = intsAttribute(node, 'dilations') ?? [1, 1];
        const inHw = [x.shape[2], x.shape[3]] as number[];
        const mode = paddingMode(node, inHw, [kh, kw], strides, dilations);
        const { act, out } = fusedActivation(outName);
        const [oh, ow] = outHw(inHw, [kh, kw], strides, dilations, mode);
        const y = activation(out, [x.shape[0] as number, o, oh as number, ow as number], true);
        const filter = constant(`${node.input[1]}`, depthwise ? [1, kh, kw, o] : [o, kh, kw, i], permuteFilter(w, dims, depthwise));
        const b = constant(`${node.name}.bias`, [o], bias);
        const conv = { padding: mode, strideH: strides[0] as number, strideW: strides[1] as number, dilationH: dilations[0] as number, dilationW: dilations[1] as number, activation: act };
        operators.push(depthwise
          ? { op: 'DEPTHWISE_CONV_2D', options: { ...conv, depthMultiplier: 1 }, inputs: [x.tensor, filter, b], outputs: [y.tensor], version: 2 }
          : { op: 'CONV_2D', options: conv, inputs: [x.tensor, filter, b], outputs: [y.tensor], version: dilations.some((d) => d !== 1) ? 2 : 1 });
        break;
      }
      case 'Relu':
      case 'Sigmoid':
      case 'Clip': {
        const x = input(node);
        const op = node.opType === 'Relu' ? 'RELU' : node.opType === 'Sigmoid' ? 'LOGISTIC' : isRelu6(node, initializers) ? 'RELU6' : fail(node, 'clips to a range other than [0, 6]; only Relu6-style Clip is converted yet.');
        const y = activation(out0, x.shape, x.nhwc);
        operators.push({ op, inputs: [x.tensor], outputs: [y.tensor] });
        break;
      }
      case 'Add': {
        const a = input(node, 0);
        const b = input(node, 1);
        if (a.shape.join() !== b.shape.join() || a.nhwc !== b.nhwc) fail(node, 'adds tensors of different shapes; broadcasting Add is not converted yet.');
        const { act, out } = fusedActivation(out0);
        const y = activation(out, a.shape, a.nhwc);
        operators.push({ op: 'ADD', options: { activation: act }, inputs: [a.tensor, b.tensor], outputs: [y.tensor] });
        break;
      }
      case 'MaxPool':
      case 'AveragePool':
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const x = input(node);
        if (!x.nhwc) fail(node, 'needs a 4-D NCHW input.');
        const inHw = [x.shape[2], x.shape[3]] as number[];
        const global = node.opType.startsWith('Global');
        const kernel = global ? inHw : (intsAttribute(node, 'kernel_shape') ?? fail(node, 'has no kernel_shape.'));
        const strides = global ? [1, 1] : (intsAttribute(node, 'strides') ?? [1, 1]);
        if (!global && intAttribute(node, 'ceil_mode', 0) !== 0) fail(node, 'uses ceil_mode 1, which TFLite pooling has no form of; re-export with ceil_mode 0.');
        const mode = global ? 'VALID' : paddingMode(node, inHw, kernel, strides, [1, 1]);
        if (node.opType === 'AveragePool' && mode === 'SAME' && intAttribute(node, 'count_include_pad', 0) !== 0) fail(node, 'counts padding in its average (count_include_pad 1), which TFLite AVERAGE_POOL_2D does not; re-export with count_include_pad 0.');
        const [oh, ow] = outHw(inHw, kernel, strides, [1, 1], mode);
        const y = activation(out0, [x.shape[0] as number, x.shape[1] as number, oh as number, ow as number], true);
        operators.push({
          op: node.opType.includes('Max') ? 'MAX_POOL_2D' : 'AVERAGE_POOL_2D',
          options: { padding: mode, strideH: strides[0] as number, strideW: strides[1] as number, filterH: kernel[0] as number, filterW: kernel[1] as number },
          inputs: [x.tensor], outputs: [y.tensor],
        });
        break;
      }
      case 'Flatten': {
        const x = input(node);
        if (intAttribute(node, 'axis', 1) !== 1) fail(node, 'flattens from an axis other than 1; only axis 1 is converted yet.');
        const size = x.shape.slice(1).reduce((p, d) => p * d, 1);
        const y = activation(out0, [x.shape[0] as number, size], false);
        operators.push({ op: 'RESHAPE', options: { newShape: [x.shape[0] as number, size] }, inputs: [x.tensor], outputs: [y.tensor] });
        // Remember how the flattened values are ordered (NHWC), so a Gemm reading them permutes its weights.
        if (x.nhwc) flattenedFrom.set(out0, x.shape);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        const x = input(node);
        if (x.shape.length !== 2) fail(node, `multiplies a ${x.shape.length}-D input; only 2-D [batch, features] inputs are converted yet.`);
        const transB = node.opType === 'Gemm' ? intAttribute(node, 'transB', 0) : 0;
        if (node.opType === 'Gemm' && (intAttribute(node, 'transA', 0) !== 0 || floatAttribute(node, 'alpha', 1) !== 1 || floatAttribute(node, 'beta', 1) !== 1)) fail(node, 'uses transA, alpha or beta other than the defaults; re-export as a plain linear layer.');
        const { data, dims } = weights(node, 1);
        const [inF, outF] = transB ? [dims[1] as number, dims[0] as number] : [dims[0] as number, dims[1] as number];
        // TFLite FULLY_CONNECTED weights are [out, in].
        let w: Float32Array = new Float32Array(outF * inF);
        for (let o = 0; o < outF; o++) for (let k = 0; k < inF; k++) w[o * inF + k] = data[transB ? o * inF + k : k * outF + o] as number;
        const from = flattenedFrom.get(node.input[0] as string);
        if (from) w = permuteFlattenedColumns(w, outF, from);
        const bias = node.opType === 'Gemm' && node.input[2] ? weights(node, 2).data : new Float32Array(outF);
        if (bias.length !== outF) fail(node, 'has a bias that is not one value per output; only per-output biases are converted.');
        const { act, out } = fusedActivation(out0);
        const y = activation(out, [x.shape[0] as number, outF], false);
        operators.push({ op: 'FULLY_CONNECTED', options: { activation: act }, inputs: [x.tensor, constant(`${node.input[1]}`, [outF, inF], w), constant(`${node.name}.bias`, [outF], bias)], outputs: [y.tensor] });
        break;
      }
      case 'Softmax': {
        const x = input(node);
        const axis = intAttribute(node, 'axis', -1);
        if (x.nhwc || (axis !== -1 && axis !== x.shape.length - 1)) fail(node, 'is over an axis other than the last of a non-image tensor; only last-axis Softmax is converted yet.');
        const y = activation(out0, x.shape, false);
        operators.push({ op: 'SOFTMAX', options: { beta: 1 }, inputs: [x.tensor], outputs: [y.tensor] });
        break;
      }
      default:
        fail(node, `has no TFLite conversion here; the converter handles ${SUPPORTED}. Replace or remove that op in the source model, or convert it with another tool.`);
    }
  }

  const outputValues = graph.output.map((o) => {
    const v = values.get(o.name);
    if (!v) throw new StudioError('BAD_INPUT', `Output '${o.name}' is not produced by any converted node.`);
    if (v.nhwc) notes.push(`Output '${o.name}' is NHWC in the TFLite model (NCHW in the ONNX one).`);
    return { name: o.name, value: v };
  });
  const outputs = outputValues.map((o) => o.value.tensor);
  const spec: TfliteModelSpec = {
    description: `Converted by EdgeBench Studio from ${options.fileName ?? 'an ONNX model'}`,
    subgraphName: graph.name || 'main',
    tensors,
    inputs: [...nhwcInputs.keys()],
    outputs,
    operators,
  };
  return {
    bytes: encodeTfliteModel(spec),
    report: { notes, operatorCount: operators.length },
    nhwcInputs,
    inputs: [...nhwcInputs].map(([name, nhwc]) => ({ name, shape: (values.get(name) as Value).shape, nhwc })),
    outputs: outputValues.map((o) => ({ name: o.name, shape: o.value.shape, nhwc: o.value.nhwc })),
  };
}

/** Flattened NCHW [c, h, w] column order → the NHWC [h, w, c] order the TFLite activations have. */
function permuteFlattenedColumns(w: Float32Array, outF: number, [, c, h, wd]: number[]): Float32Array {
  const C = c as number; const H = h as number; const W = wd as number;
  const inF = C * H * W;
  const out = new Float32Array(w.length);
  for (let o = 0; o < outF; o++) for (let ci = 0; ci < C; ci++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    out[o * inF + (y * W + x) * C + ci] = w[o * inF + (ci * H + y) * W + x] as number;
  }
  return out;
}

function isRelu6(node: NodeProto, initializers: Map<string, TensorProto>): boolean {
  const bound = (index: number, attr: string): number | undefined => {
    const name = node.input[index];
    if (name) { const t = initializers.get(name); const v = t ? float32Values(t) : undefined; return v?.[0]; }
    const a = node.attribute.find((x) => x.name === attr);
    return a ? a.f ?? undefined : undefined;
  };
  return bound(1, 'min') === 0 && bound(2, 'max') === 6;
}

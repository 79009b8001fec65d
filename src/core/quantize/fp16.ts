/**
 * float16: weights stored as float16 and ops computed in float16, with Casts at the graph's
 * inputs and outputs so its I/O stays float32, and Casts around every op left in float32.
 *
 * Ops convert only when they are in FLOAT16_OPS: each was built as a one-node float16 model
 * and loaded and run by onnxruntime-node's CPU EP (test/unit/quantize/fp16-ops.test.ts keeps
 * checking that). Everything else stays float32 between Casts, as onnxconverter-common's
 * float16 converter does with its block list.
 */
import type { OnnxModelSpec, OnnxNodeSpec, OnnxTensorSpec } from '../formats/onnx/onnx-writer';
import { OnnxDataType, toOnnxDataTypeCode } from '../formats/onnx/onnx-types';
import type { QuantContext } from './context';
import { isDefaultDomain } from './graph';

/** Ops that load and run in float16 on onnxruntime's CPU EP (all their float inputs and outputs float16). */
export const FLOAT16_OPS: ReadonlySet<string> = new Set([
  'Abs', 'Add', 'AveragePool', 'BatchNormalization', 'Ceil', 'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Div', 'Elu', 'Equal', 'Erf',
  'Exp', 'Flatten', 'Floor', 'Gemm', 'GlobalAveragePool', 'GlobalMaxPool', 'Greater', 'HardSigmoid', 'HardSwish', 'Identity',
  'LayerNormalization', 'LeakyRelu', 'Less', 'Log', 'LogSoftmax', 'MatMul', 'Max', 'MaxPool', 'Mean', 'Min', 'Mul', 'Neg', 'Pow',
  'PRelu', 'Reciprocal', 'ReduceMax', 'ReduceMean', 'ReduceSum', 'Relu', 'Reshape', 'Round', 'Selu', 'Shape', 'Sigmoid', 'Sign', 'Softmax',
  'Softplus', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tanh', 'Transpose', 'Unsqueeze',
]);

/** Ops whose extra outputs (training statistics) keep a float32 type whatever the input type. */
const SINGLE_OUTPUT_ONLY = new Set(['BatchNormalization', 'LayerNormalization']);

const F32 = OnnxDataType.FLOAT;
const F16 = OnnxDataType.FLOAT16;

/** IEEE 754 binary16 bits of a number, rounding to nearest even (overflow → ±Inf, NaN kept). */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

export function toFloat16Bits(value: number): number {
  scratchFloat[0] = value;
  const bits = scratchBits[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let rounded = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && (rounded & 1) === 1)) rounded += 1;
    return sign | rounded;
  }
  let out = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (out & 1) === 1)) out += 1; // may carry into the exponent, which is correct
  return sign | out;
}

function toFloat16Array(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i += 1) out[i] = toFloat16Bits(data[i] as number);
  return out;
}

function subgraphReads(nodes: OnnxNodeSpec[], out: Set<string>, inside = false): void {
  for (const node of nodes) {
    if (inside) for (const input of node.inputs) out.add(input);
    for (const value of Object.values(node.attributes ?? {})) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'graph' in value) subgraphReads(value.graph.nodes, out, true);
    }
  }
}

export function convertFloat16(ctx: QuantContext): OnnxModelSpec {
  const { spec, index } = ctx;
  // Tensors read inside If/Loop/Scan bodies must keep their type: the bodies are not rewritten.
  const readBySubgraphs = new Set<string>();
  subgraphReads(spec.nodes, readBySubgraphs);

  const half = new Set<OnnxNodeSpec>();
  for (const node of spec.nodes) {
    // Constants stay as written; a Cast after them folds away when the runtime loads the model.
    if (!ctx.touchesFloat(node) || (node.opType === 'Constant' && isDefaultDomain(node))) continue;
    const tensors = [...node.inputs, ...node.outputs].filter((name) => name !== '');
    let reason: string | undefined;
    if (ctx.isExcluded(node)) reason = 'excluded by the recipe.';
    else if (!isDefaultDomain(node)) reason = `it is a custom op of domain '${node.domain}'; it runs in float32 between Casts.`;
    else if (!FLOAT16_OPS.has(node.opType)) reason = `${node.opType} is not in the list of ops checked to run in float16 on onnxruntime's CPU EP; it runs in float32 between Casts.`;
    else if (SINGLE_OUTPUT_ONLY.has(node.opType) && node.outputs.length > 1) reason = `${node.opType} with training outputs keeps float32 statistics; it runs in float32.`;
    else if (tensors.some((name) => !ctx.types.has(name))) reason = 'the type of one of its tensors is unknown, so it runs in float32.';
    else if (node.outputs.some((name) => readBySubgraphs.has(name))) reason = 'a subgraph reads its output, so it runs in float32.';
    if (reason) ctx.skip(node, reason);
    else {
      half.add(node);
      ctx.quantized.push(ctx.label(node));
    }
  }

  // Where each float tensor lives: float16 when a float16 node makes it, or for a weight some float16 node reads.
  const home = new Map<string, number>();
  for (const node of spec.nodes) for (const output of node.outputs) if (ctx.isFloat(output)) home.set(output, half.has(node) ? F16 : F32);
  for (const tensor of spec.initializers) {
    if (!ctx.isFloat(tensor.name) || !index.constant(tensor.name)) continue;
    const readers = index.consumers.get(tensor.name) ?? [];
    home.set(tensor.name, readers.some((n) => half.has(n)) && !readBySubgraphs.has(tensor.name) ? F16 : F32);
  }

  // Graph outputs made in float16 get an internal name and a final Cast back to float32 under their own name.
  const renamed = new Map<string, string>();
  for (const output of spec.outputs) if (home.get(output.name) === F16) renamed.set(output.name, ctx.names.fresh(`${output.name}_fp16`));
  const internal = (name: string): string => renamed.get(name) ?? name;

  const nodes: OnnxNodeSpec[] = [];
  const casts = new Map<string, string>();
  const castTo = (tensor: string, to: number): string => {
    const key = `${tensor}|${to}`;
    const done = casts.get(key);
    if (done) return done;
    const suffix = to === F16 ? 'fp16' : 'fp32';
    const name = ctx.names.fresh(`${tensor}_${suffix}`);
    nodes.push({ opType: 'Cast', name: ctx.names.fresh(`${tensor}_cast_${suffix}`), inputs: [internal(tensor)], outputs: [name], attributes: { to } });
    casts.set(key, name);
    return name;
  };
  for (const node of spec.nodes) {
    const need = half.has(node) ? F16 : F32;
    const inputs = node.inputs.map((name) => {
      if (!ctx.isFloat(name)) return name;
      const at = home.get(name) ?? F32;
      return at === need ? internal(name) : castTo(name, need);
    });
    const outputs = node.outputs.map(internal);
    nodes.push({ ...node, inputs, outputs });
  }
  for (const [name, inner] of renamed) {
    nodes.push({ opType: 'Cast', name: ctx.names.fresh(`${name}_cast_fp32`), inputs: [inner], outputs: [name], attributes: { to: F32 } });
  }

  const initializers: OnnxTensorSpec[] = spec.initializers.map((tensor) => {
    if (home.get(tensor.name) !== F16 || !(tensor.data instanceof Float32Array)) return tensor;
    return { ...tensor, dataType: 'FLOAT16', data: toFloat16Array(tensor.data) };
  });
  const valueInfo = spec.valueInfo?.map((info) =>
    home.get(info.name) === F16 && toOnnxDataTypeCode(info.elemType) === F32 ? { ...info, name: internal(info.name), elemType: F16 } : info,
  );
  return ctx.finish(nodes, { initializers, ...(valueInfo ? { valueInfo } : {}) });
}

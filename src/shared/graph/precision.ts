/**
 * Which nodes of a model run quantized, which in float16 and which stay float, read from its graph
 * (src/shared/model-graph.ts) alone: what the graph view's precision overlay and a variant's diff show.
 *
 * ONNX: QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear convert; the integer ops
 * (QLinearConv, QLinearMatMul, the com.microsoft QLinear* ops, MatMulInteger, ConvInteger...) run on
 * their integer inputs; in the QDQ format a node whose float inputs all come from DequantizeLinear, or
 * one fed by some and whose outputs all go to QuantizeLinear, is the pattern onnxruntime fuses into
 * an integer kernel. TFLite: QUANTIZE / DEQUANTIZE convert, and an operator with quantized int8 /
 * uint8 tensors (a hybrid one with int8 weights beside float activations included) runs integer
 * kernels. Everywhere: float16 tensors mean fp16, and a node with only integer or boolean tensors
 * (shape arithmetic, indices) has no float data to quantize.
 *
 * Where the file states no dtype for a tensor (ONNX activations without value_info, TF.js op
 * outputs), the type is followed from its producer: a Cast's `to`, Shape's int64, a comparison's
 * bool, a DequantizeLinear's float, otherwise the op's T attribute or its first typed input (the
 * type-preserving ops). A node none of whose tensors has a type, even so, is reported float and
 * its reason says the types are not in the file.
 */
import type { GraphNode, GraphTensor, ModelGraph } from '../model-graph';

export type NodePrecision = 'int8' | 'uint8' | 'fp16' | 'float' | 'int (no float data)' | 'quantize/dequantize';

export interface NodePrecisionInfo {
  precision: NodePrecision;
  /** One sentence: what in the graph says so. */
  reason: string;
}

const CONVERT_OPS = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'com.microsoft.QuantizeLinear', 'com.microsoft.DequantizeLinear', 'QUANTIZE', 'DEQUANTIZE']);
const QUANTIZE_OPS = new Set(['QuantizeLinear', 'com.microsoft.QuantizeLinear']);
const DEQUANTIZE_OPS = new Set(['DequantizeLinear', 'com.microsoft.DequantizeLinear']);
/** ONNX ops that compute on integer codes, and the input that holds their activations' codes. */
const INTEGER_OPS: Readonly<Record<string, number>> = {
  QLinearConv: 0,
  QLinearMatMul: 0,
  MatMulInteger: 0,
  ConvInteger: 0,
  'com.microsoft.QGemm': 0,
  'com.microsoft.MatMulIntegerToFloat': 0,
  'com.microsoft.DynamicQuantizeMatMul': 1,
  'com.microsoft.QAttention': 0,
};
const INT64_OUTPUT_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'Shape_', 'SHAPE']);
/** Ops that read only their input's shape, never its values. */
const SHAPE_ONLY_OPS = new Set(['Shape', 'Size', 'SHAPE', 'Rank', 'RANK']);
const BOOL_OUTPUT_OPS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);

const FLOAT32 = new Set(['float32', 'float64', 'float']);
const FLOAT16 = new Set(['float16', 'bfloat16']);
const isFloat = (dtype: string | null | undefined): boolean => dtype !== null && dtype !== undefined && (FLOAT32.has(dtype) || FLOAT16.has(dtype) || dtype.startsWith('float8'));

export function nodePrecisions(graph: ModelGraph): Map<string, NodePrecisionInfo> {
  const dtypes = effectiveDtypes(graph);
  const producers = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    for (const output of node.outputs) if (output !== '' && !producers.has(output)) producers.set(output, node);
    for (const input of node.inputs) if (input !== '') (consumers.get(input) ?? consumers.set(input, []).get(input))?.push(node);
  }
  const out = new Map<string, NodePrecisionInfo>();
  for (const node of graph.nodes) out.set(node.id, classify(graph, node, dtypes, producers, consumers));
  return out;
}

/** How many nodes have each precision (the overlay's legend). */
export function precisionCounts(precisions: ReadonlyMap<string, NodePrecisionInfo>): Record<NodePrecision, number> {
  const counts: Record<NodePrecision, number> = { int8: 0, uint8: 0, fp16: 0, float: 0, 'int (no float data)': 0, 'quantize/dequantize': 0 };
  for (const info of precisions.values()) counts[info.precision] += 1;
  return counts;
}

function classify(
  graph: ModelGraph,
  node: GraphNode,
  dtypes: ReadonlyMap<string, string>,
  producers: ReadonlyMap<string, GraphNode>,
  consumers: ReadonlyMap<string, GraphNode[]>,
): NodePrecisionInfo {
  const dtype = (name: string) => dtypes.get(name);
  const tensor = (name: string): GraphTensor | undefined => graph.tensors[name];
  const inputs = node.inputs.filter((name) => name !== '');
  const outputs = node.outputs.filter((name) => name !== '');

  if (CONVERT_OPS.has(node.op)) {
    const from = dtype(inputs[0] ?? '') ?? 'an unstated type';
    const to = dtype(outputs[0] ?? '') ?? 'an unstated type';
    return { precision: 'quantize/dequantize', reason: `Converts ${from} to ${to}.` };
  }
  const integerInput = INTEGER_OPS[node.op];
  if (integerInput !== undefined || node.op.startsWith('com.microsoft.QLinear')) {
    const codes = dtype(inputs[integerInput ?? 0] ?? '');
    const weights = node.op === 'MatMulInteger' || node.op === 'ConvInteger' ? dtype(inputs[1] ?? '') : node.op === 'QLinearConv' || node.op === 'QLinearMatMul' ? dtype(inputs[3] ?? '') : undefined;
    const precision = codes === 'uint8' ? 'uint8' : 'int8';
    const withWeights = weights && weights !== codes ? ` with ${weights} weights` : '';
    return { precision, reason: `${node.op} computes on ${codes ?? 'integer'} codes${withWeights}.` };
  }

  // A float weight beside dequantized inputs (a Conv's or Gemm's float bias) does not keep the node float: the fused kernel quantizes it.
  const floatInputs = inputs.filter((name) => DEQUANTIZE_OPS.has(producers.get(name)?.op ?? '') || (isFloat(dtype(name)) && tensor(name)?.role !== 'weight'));
  const fromDequantize = floatInputs.filter((name) => DEQUANTIZE_OPS.has(producers.get(name)?.op ?? ''));
  if (graph.format === 'onnx' && fromDequantize.length === 0) {
    // A node that moves codes between QuantizeLinear and DequantizeLinear (Flatten, Reshape, MaxPool in QDQ) works on them as they are.
    const codes = inputs.filter((name) => tensor(name)?.quantized && (dtype(name) === 'int8' || dtype(name) === 'uint8'));
    if (codes.length > 0) {
      const type = dtype(codes[0] as string) as 'int8' | 'uint8';
      return { precision: type, reason: `It works on the ${type} codes QuantizeLinear makes (${codes.join(', ')}).` };
    }
  }
  if (fromDequantize.length > 0) {
    const toQuantize = outputs.length > 0 && outputs.every((name) => {
      const readers = consumers.get(name) ?? [];
      return readers.length > 0 && readers.every((reader) => QUANTIZE_OPS.has(reader.op));
    });
    const codes = dequantizedType(fromDequantize[0] as string, producers, dtypes);
    if (fromDequantize.length === floatInputs.length || toQuantize) {
      const where = fromDequantize.length === floatInputs.length ? `its float inputs (${fromDequantize.join(', ')}) come from DequantizeLinear` : `it reads ${fromDequantize.join(', ')} from DequantizeLinear and its outputs go to QuantizeLinear`;
      return { precision: codes === 'uint8' ? 'uint8' : 'int8', reason: `QDQ: ${where}, so it runs on ${codes ?? 'int8'} codes.` };
    }
    const others = floatInputs.filter((name) => !fromDequantize.includes(name));
    return { precision: 'float', reason: `Weights ${fromDequantize.join(', ')} are stored as ${codes ?? 'integers'} (DequantizeLinear), but ${others.join(', ')} stay float, so it computes in float.` };
  }

  const all = [...inputs, ...outputs];
  const quantizedTensors = all.filter((name) => tensor(name)?.quantized && (dtype(name) === 'int8' || dtype(name) === 'uint8' || dtype(name) === 'int16' || dtype(name) === 'int4'));
  if (graph.format === 'tflite' && quantizedTensors.length > 0) {
    const activations = all.filter((name) => tensor(name)?.role !== 'weight');
    const floatActivations = activations.filter((name) => isFloat(dtype(name)));
    const codes = quantizedTensors.map(dtype).includes('uint8') ? 'uint8' : 'int8';
    const hybrid = floatActivations.length > 0 ? ` (hybrid: ${floatActivations.join(', ')} stay float and are quantized on the fly)` : '';
    return { precision: codes, reason: `Its tensors ${quantizedTensors.slice(0, 3).join(', ')}${quantizedTensors.length > 3 ? ', …' : ''} are quantized ${codes}${hybrid}.` };
  }

  if (SHAPE_ONLY_OPS.has(node.op)) {
    return { precision: 'int (no float data)', reason: `Reads only the shape of ${inputs[0] ?? 'its input'}: no float data to quantize.` };
  }
  const typed = all.filter((name) => dtype(name) !== undefined);
  if (typed.length === 0) {
    return { precision: 'float', reason: 'The file states no type for its tensors and none follows from its inputs; counted as float.' };
  }
  const half = typed.filter((name) => FLOAT16.has(dtype(name) as string));
  const single = typed.filter((name) => isFloat(dtype(name)) && !FLOAT16.has(dtype(name) as string));
  if (node.op === 'Cast' && half.length > 0 && single.length > 0) {
    return { precision: 'quantize/dequantize', reason: `Casts ${dtype(inputs[0] ?? '')} to ${dtype(outputs[0] ?? '')}.` };
  }
  if (half.length > 0 && single.length === 0) {
    return { precision: 'fp16', reason: `Its tensors are ${[...new Set(half.map((name) => dtype(name)))].join(' and ')} (${half.slice(0, 3).join(', ')}${half.length > 3 ? ', …' : ''}).` };
  }
  if (single.length > 0) {
    const stored = all.map(tensor).filter((t): t is GraphTensor => t?.storedAs !== undefined);
    const storage = stored.length > 0 ? ` Weights ${stored.map((t) => t.name).slice(0, 3).join(', ')} are stored as ${stored[0]?.storedAs} and dequantized when the model loads.` : '';
    // TFLite's float16 and weight-only variants store weights small and DEQUANTIZE them to float32 before the op.
    const dequantized = inputs.filter((name) => producers.get(name)?.op === 'DEQUANTIZE');
    const fromStored = dequantized.length > 0 ? ` ${dequantized.slice(0, 3).join(', ')} ${dequantized.length === 1 ? 'is' : 'are'} stored as ${dequantizedType(dequantized[0] as string, producers, dtypes) ?? 'a smaller type'} and dequantized by DEQUANTIZE before it.` : '';
    const halfPart = half.length > 0 ? ` (${half.join(', ')} ${half.length === 1 ? 'is' : 'are'} float16)` : '';
    const what = inputs.length === 0 ? `Holds ${dtype(single[0] as string)} values` : `Computes in ${dtype(single[0] as string)}`;
    return { precision: 'float', reason: `${what}${halfPart}.${storage}${fromStored}` };
  }
  return { precision: 'int (no float data)', reason: `Its tensors are ${[...new Set(typed.map((name) => dtype(name)))].join(', ')}: no float data to quantize.` };
}

/** The code type a DequantizeLinear reads (its input 0), where the graph says. */
function dequantizedType(tensorName: string, producers: ReadonlyMap<string, GraphNode>, dtypes: ReadonlyMap<string, string>): string | undefined {
  const dq = producers.get(tensorName);
  return dq ? dtypes.get(dq.inputs[0] ?? '') : undefined;
}

/**
 * Every tensor's dtype: the file's, else followed from its producer in node order (producers come
 * before consumers in every format's node list; two passes cover a body read before its owner's
 * outputs are typed).
 */
export function effectiveDtypes(graph: ModelGraph): Map<string, string> {
  const dtypes = new Map<string, string>();
  for (const [name, tensor] of Object.entries(graph.tensors)) if (tensor.dtype !== null && tensor.dtype !== 'unknown') dtypes.set(name, tensor.dtype);
  for (let pass = 0; pass < 2; pass += 1) {
    for (const node of graph.nodes) {
      node.outputs.forEach((output, index) => {
        if (output === '' || dtypes.has(output)) return;
        const inferred = outputDtype(node, index, dtypes);
        if (inferred !== undefined) dtypes.set(output, inferred);
      });
    }
  }
  return dtypes;
}

function outputDtype(node: GraphNode, index: number, dtypes: ReadonlyMap<string, string>): string | undefined {
  const input = (i: number) => dtypes.get(node.inputs[i] ?? '');
  const op = node.op;
  if (op === 'Cast' || op === 'CastLike') return op === 'CastLike' ? input(1) : node.attributes.to;
  if (INT64_OUTPUT_OPS.has(op)) return 'int64';
  if (BOOL_OUTPUT_OPS.has(op)) return 'bool';
  if (DEQUANTIZE_OPS.has(op)) return input(1) ?? 'float32';
  if (QUANTIZE_OPS.has(op)) return input(2) ?? 'uint8';
  if (op === 'DynamicQuantizeLinear') return index === 1 ? 'float32' : 'uint8';
  if (op === 'MatMulInteger' || op === 'ConvInteger') return 'int32';
  if (op === 'QLinearConv' || op === 'QLinearMatMul') return input(7) ?? input(0);
  if (op === 'Where') return input(1);
  if (op === 'ConstantOfShape') return /^tensor (\S+?)\[/.exec(node.attributes.value ?? '')?.[1] ?? 'float32';
  if (op === 'If' || op === 'Loop' || op === 'Scan') return undefined;
  // TF.js ops name their element type in T (DstT for Cast, out_type for Shape-like ops).
  const stated = node.attributes.DstT ?? node.attributes.out_type ?? node.attributes.T ?? node.attributes.dtype;
  if (stated !== undefined && /^(float|int|uint|bool|bfloat)/.test(stated)) return stated;
  for (let i = 0; i < node.inputs.length; i += 1) {
    const known = input(i);
    if (known !== undefined) return known;
  }
  return undefined;
}

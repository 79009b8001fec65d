/**
 * The precision a node computes in, as far as a model diff needs it. Interim: helper C's
 * src/shared/graph/precision.ts is the one definition of which nodes are quantized, float or fp16;
 * once it lands, `nodePrecisions` should call it and this file go.
 *
 * A node is int8 when it is an integer kernel (QLinearConv, ConvInteger, MatMulInteger...), reads
 * a DequantizeLinear's output (QDQ: the runtime fuses DQ → op → Q into an integer kernel), a
 * QuantizeLinear's (an op the quantizer passes int8 through, such as Reshape or Relu) or reads
 * or writes a tensor the model quantizes (TFLite); fp16 when a float tensor it touches is
 * float16; float when it touches float32 tensors; null when none of those (Shape, integer index ops).
 */
import type { GraphNode, ModelGraph } from '../model-graph';

export type NodePrecision = 'int8' | 'fp16' | 'float';

const INTEGER_KERNEL = /^(com\.microsoft\.)?(QLinear\w+|\w+Integer|QGemm)$/;
const QDQ = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'com.microsoft.QuantizeLinear', 'com.microsoft.DequantizeLinear', 'QUANTIZE', 'DEQUANTIZE']);
/** What an int8 node reads: a DequantizeLinear's output (QDQ) or, for a pass-through op (Relu, Reshape), a QuantizeLinear's. */
const QDQ_READS = new Set(['DequantizeLinear', 'QuantizeLinear', 'com.microsoft.DequantizeLinear', 'com.microsoft.QuantizeLinear']);
const INT_DTYPES = new Set(['int8', 'uint8', 'int16', 'int4', 'uint4']);

/** Ops whose output is an index or a size whatever they read. */
const INDEX_OUTPUT_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'SHAPE', 'ARG_MAX', 'ARG_MIN']);

export function nodePrecisions(graph: ModelGraph): Map<string, NodePrecision> {
  const producer = new Map<string, GraphNode>();
  for (const node of graph.nodes) for (const out of node.outputs) if (out !== '' && !producer.has(out)) producer.set(out, node);
  // Most activations carry no dtype in the file (no shape inference is run): an op's outputs are
  // taken to have its first typed input's dtype (a Cast's `to`), in file order (which ONNX keeps topological).
  const dtypes = new Map<string, string | null>(Object.entries(graph.tensors).map(([name, t]) => [name, t.dtype]));
  for (const node of graph.nodes) {
    const known = node.inputs.map((t) => dtypes.get(t) ?? null).find((d) => d !== null) ?? null;
    const carried = INDEX_OUTPUT_OPS.has(node.op) ? 'int64' : node.op === 'Cast' ? (node.attributes.to ?? null) : node.op === 'CAST' ? null : known;
    for (const out of node.outputs) if (out !== '' && (dtypes.get(out) ?? null) === null) dtypes.set(out, carried);
  }
  const result = new Map<string, NodePrecision>();
  for (const node of graph.nodes) {
    if (QDQ.has(node.op)) continue;
    const names = [...node.inputs, ...node.outputs].filter((t) => t !== '');
    const kinds = names.map((t) => dtypes.get(t) ?? null);
    const readsDequantized = node.inputs.some((t) => QDQ_READS.has(producer.get(t)?.op ?? ''));
    const quantizedTensor = names.some((t) => graph.tensors[t]?.quantized === true && INT_DTYPES.has(graph.tensors[t]?.dtype ?? ''));
    if (INTEGER_KERNEL.test(node.op) || readsDequantized || quantizedTensor) result.set(node.id, 'int8');
    else if (kinds.includes('float16')) result.set(node.id, 'fp16');
    else if (kinds.includes('float32') || kinds.includes('float')) result.set(node.id, 'float');
  }
  return result;
}

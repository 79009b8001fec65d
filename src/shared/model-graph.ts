/**
 * A model's graph as data, the same for every format: what `models.graph` returns, what
 * `edgebench inspect MODEL --graph --json` prints, and what the studio's graph view lays out.
 *
 * Nodes are the format's own operators (ONNX NodeProto, TFLite Operator, TF.js graph node or
 * layer), subgraphs included: an ONNX If/Loop/Scan body's nodes carry the id of the subgraph
 * they belong to, and so do a TFLite model's further subgraphs. Edges join a tensor's producer
 * to each of its consumers; a graph input or a weight is not a node, so it makes no edge (its
 * name is in the consumer's `inputs`, and the tensor table says what it is).
 */
import { z } from 'zod';
import { Dim } from './model-info';
import { ModelFormat } from './plugins/model-formats';

/** Statistics of a weight tensor's values (float, or dequantized when it carries scale and zero point). */
export const WeightStats = z.object({
  elements: z.number().int(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  std: z.number(),
  /** Share of elements that are exactly zero (a pruned variant's sparsity). */
  zeroShare: z.number(),
});
export type WeightStats = z.infer<typeof WeightStats>;

export const GraphTensor = z.object({
  name: z.string(),
  /** Lower-case element type as the format names it; null when the model does not say. */
  dtype: z.string().nullable(),
  /** null when the model does not say (no shape inference is run for the graph). */
  shape: z.array(Dim).nullable(),
  /** 'weight': an initializer, a constant buffer, a TF.js weight; 'input'/'output': the graph's own. */
  role: z.enum(['input', 'output', 'weight', 'activation']),
  /** For a weight whose values the reader could see. */
  stats: WeightStats.optional(),
  /** Quantization parameters the tensor carries (TFLite), or that a QDQ pair gives it (ONNX). */
  quantized: z.boolean().default(false),
  /**
   * How the file stores a weight's values when not as `dtype`: a TF.js manifest's 'uint8', 'uint16'
   * or 'float16' (values dequantized when the model loads, so the model computes in `dtype`).
   */
  storedAs: z.string().optional(),
});
export type GraphTensor = z.infer<typeof GraphTensor>;

export const GraphNode = z.object({
  /** Unique in the graph; stable for the same file (the node's name, or a generated one when unnamed). */
  id: z.string(),
  /** The node's name in the file ('' when it has none). */
  name: z.string(),
  /** Op type: 'Conv', 'CONV_2D', 'Conv2D', a layer's class name. */
  op: z.string(),
  /** Tensor names, in the operator's order ('' for an omitted optional input). */
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
  /** Attribute name → its value as text (a tensor attribute as its dtype and shape). */
  attributes: z.record(z.string(), z.string()),
  /** The subgraph the node belongs to (an id in `subgraphs`); null for the main graph. */
  subgraph: z.string().nullable(),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const GraphEdge = z.object({
  from: z.string(),
  to: z.string(),
  tensor: z.string(),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphSubgraph = z.object({
  id: z.string(),
  /** 'then_branch of If_3', 'subgraph 1'. */
  label: z.string(),
  /** The node that owns it (ONNX If/Loop/Scan), null for a TFLite subgraph. */
  ownerNode: z.string().nullable(),
});
export type GraphSubgraph = z.infer<typeof GraphSubgraph>;

export const ModelGraph = z.object({
  format: ModelFormat,
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
  subgraphs: z.array(GraphSubgraph),
  /** Every tensor a node names, by name (a subgraph's tensors prefixed by nothing: names are unique per file in practice; a clash keeps the first). */
  tensors: z.record(z.string(), GraphTensor),
  /** What the reader could not account for (an unknown op's outputs, a TF.js layer it does not know). */
  notes: z.array(z.string()),
});
export type ModelGraph = z.infer<typeof ModelGraph>;

/**
 * A diff of two model graphs (float against its int8 variant, or two versions of one network):
 * which node of A is which node of B, and for each pair what changed. Pure; works on ModelGraph
 * of any format.
 *
 * Nodes are matched in three passes, each only among nodes still unmatched:
 *  1. by name, where the name is unique on both sides (a quantizer keeps the names it rewrites);
 *  2. by the tensor a node writes, where unique (a re-export that renamed nodes but kept tensors);
 *  3. by op and position: per op family, the nodes of A and of B in topological order are aligned
 *     by a longest common subsequence whose pairs must have compatible input and output shapes, so
 *     a renamed model's third Conv meets the other's third Conv, not its first;
 *  4. by neighbours: a node next to a pair (its producer's or reader's counterpart) meets the one
 *     unpaired node of its op family there, repeated until nothing more pairs.
 * Ops compare by family (QLinearConv and ConvInteger are a Conv), and tensors compare after
 * looking through QuantizeLinear/DequantizeLinear (a Conv reading `x_dq` reads `x`), so a float
 * model and its QDQ variant line up node for node. What the variant inserted to quantize
 * (QuantizeLinear/DequantizeLinear, the Cast and Mul around a dynamic MatMulInteger, TFLite
 * QUANTIZE/DEQUANTIZE) is reported as added for quantization, and a float node the quantizer
 * folded away (a Relu, a BatchNormalization) names the node that now writes its output.
 */
import type { Dim } from '../model-info';
import type { GraphNode, GraphTensor, ModelGraph } from '../model-graph';
import { nodePrecisions, type NodePrecision } from './node-precision';

export type NodeDiffStatus = 'same' | 'changed' | 'added' | 'removed';

export type NodeChange =
  | { kind: 'op'; from: string; to: string }
  | { kind: 'attribute'; name: string; from: string | null; to: string | null }
  /** `position` is the input (or output) index in the node's own order. */
  | { kind: 'shape'; side: 'input' | 'output'; position: number; tensor: string; from: Dim[]; to: Dim[] }
  | { kind: 'dtype'; side: 'input' | 'output'; position: number; tensor: string; from: string; to: string }
  | { kind: 'precision'; from: NodePrecision; to: NodePrecision };

export interface NodeDiff {
  status: NodeDiffStatus;
  /** Node id in A (null: added in B). */
  a: string | null;
  /** Node id in B (null: removed from A). */
  b: string | null;
  /** The node's name (A's where both have one), else its id. */
  name: string;
  /** A's op (B's for an added node); `changes` says when B's differs. */
  op: string;
  /** How the pair was found; null for an added or removed node. */
  matchedBy: 'name' | 'output' | 'position' | 'neighbour' | null;
  changes: NodeChange[];
  /** An added (or, from an int8 model to its float one, removed) node that quantizes or dequantizes for its neighbours: not a change of the network. */
  forQuantization: boolean;
  /**
   * A removed node whose work a node of B took over, that node's id: 'folded' when B's node writes
   * its output (a Relu or BatchNormalization folded into a Conv), 'weight' when it was a Constant
   * weight that B's reader now takes from an int8 weight instead.
   */
  foldedInto: string | null;
  foldKind: 'folded' | 'weight' | null;
}

export interface DiffSide {
  graph: ModelGraph;
  /** From the model's inspection (ModelInfo.parameters / sizeBytes); null when unknown. */
  parameters: number | null;
  sizeBytes: number | null;
}

export interface ModelDiffSummary {
  same: number;
  changed: number;
  /** Added nodes, those for quantization included. */
  added: number;
  addedForQuantization: number;
  removed: number;
  /** Removed nodes that only quantized for their neighbours (A is the int8 model; counted in `removed` too). */
  removedForQuantization: number;
  /** Removed nodes whose work a node of B took over (counted in `removed` too). */
  folded: number;
  /** Pairs whose precision changed (float → int8...). */
  precisionChanged: number;
  nodesA: number;
  nodesB: number;
  /** B minus A; null when either side is unknown. */
  parametersDelta: number | null;
  sizeDeltaBytes: number | null;
}

export interface ModelDiff {
  /** Every node of A and of B exactly once: pairs in A's order, then B's added nodes in B's order. */
  nodes: NodeDiff[];
  summary: ModelDiffSummary;
  /** A's node id → B's (pairs only). */
  aToB: ReadonlyMap<string, string>;
  bToA: ReadonlyMap<string, string>;
}

/** Ops that only move values between float and int8 for their neighbours. */
const QUANTIZE_OPS = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'com.microsoft.QuantizeLinear',
  'com.microsoft.DequantizeLinear',
  'QUANTIZE',
  'DEQUANTIZE',
]);
/** Integer kernels whose float result is rebuilt by Cast and Mul/Add after them (dynamic quantization). */
const INTEGER_OP = /^(com\.microsoft\.)?(QLinear\w+|\w+Integer|QGemm|DynamicQuantize\w+)$/;
/** Float ops a quantizer adds around an integer kernel to rescale its result. */
const RESCALE_OPS = new Set(['Cast', 'Mul', 'Add']);
/** Above this many cells, the positional pass aligns greedily instead of by LCS (memory stays bounded). */
const MAX_LCS_CELLS = 4_000_000;

export function isQuantizeOp(op: string): boolean {
  return QUANTIZE_OPS.has(op);
}

/** An op's family: QLinearConv, ConvInteger and com.microsoft.QLinearConv are all a Conv. */
export function opFamily(op: string): string {
  const bare = op.replace(/^com\.microsoft\./, '');
  const family = bare.replace(/^QLinear(?=[A-Z])/, '').replace(/Integer$/, '');
  if (family === 'QGemm') return 'Gemm';
  return family;
}

interface NodeShapes {
  inputs: Array<Dim[] | null>;
  outputs: Array<Dim[] | null>;
  /** Per input: a weight (initializer, Constant output), whose shape a counterpart must share. */
  weights: boolean[];
}

/** One graph prepared for matching: topological order, producers, and QDQ looked through. */
class Side {
  readonly byId: Map<string, GraphNode>;
  readonly producer = new Map<string, GraphNode>();
  readonly consumers = new Map<string, GraphNode[]>();
  /** Node id → position in topological order (per graph, subgraphs after the main one). */
  readonly order = new Map<string, number>();
  readonly precision: ReadonlyMap<string, NodePrecision>;

  constructor(readonly graph: ModelGraph) {
    this.byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const node of graph.nodes) {
      for (const out of node.outputs) if (out !== '' && !this.producer.has(out)) this.producer.set(out, node);
      for (const input of node.inputs) {
        if (input === '') continue;
        const readers = this.consumers.get(input);
        if (readers) readers.push(node);
        else this.consumers.set(input, [node]);
      }
    }
    topologicalOrder(graph).forEach((id, index) => this.order.set(id, index));
    this.precision = nodePrecisions(graph);
  }

  /** The tensor a node really reads or writes: through any QuantizeLinear/DequantizeLinear chain back to its source. */
  resolve(tensor: string): string {
    let current = tensor;
    for (let step = 0; step < 4; step += 1) {
      const producer = this.producer.get(current);
      if (!producer || !isQuantizeOp(producer.op) || !producer.inputs[0]) break;
      current = producer.inputs[0];
    }
    return current;
  }

  tensor(name: string): GraphTensor | undefined {
    return this.graph.tensors[name];
  }

  private readonly shapeCache = new Map<string, NodeShapes>();

  /** A node's input and output shapes, QDQ looked through (null where unknown); cached, since the positional pass asks n × m times. */
  shapes(node: GraphNode): NodeShapes {
    let known = this.shapeCache.get(node.id);
    if (!known) {
      const of = (t: string): Dim[] | null => (t === '' ? null : (this.tensor(this.resolve(t))?.shape ?? null));
      const isWeight = (t: string): boolean => t !== '' && (this.tensor(this.resolve(t))?.role === 'weight' || this.producer.get(this.resolve(t))?.op === 'Constant');
      known = { inputs: node.inputs.map(of), outputs: node.outputs.map(of), weights: node.inputs.map(isWeight) };
      this.shapeCache.set(node.id, known);
    }
    return known;
  }

  /** The subgraph a node belongs to, by the owner's name so it matches across files ('' for the main graph). */
  scopeOf(node: GraphNode): string {
    if (node.subgraph === null) return '';
    const sub = this.graph.subgraphs.find((s) => s.id === node.subgraph);
    return sub?.label ?? node.subgraph;
  }
}

/** Kahn's order, ties broken by file order, so a file already in order keeps it. */
function topologicalOrder(graph: ModelGraph): string[] {
  const indexOf = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const pending = new Map(graph.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!indexOf.has(edge.from) || !indexOf.has(edge.to)) continue;
    pending.set(edge.to, (pending.get(edge.to) ?? 0) + 1);
    const after = next.get(edge.from);
    if (after) after.push(edge.to);
    else next.set(edge.from, [edge.to]);
  }
  // A small binary heap keyed by file position: O(n log n) on 5,000-node graphs.
  const heap: number[] = [];
  const push = (value: number): void => {
    heap.push(value);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= value) break;
      heap[i] = heap[parent] as number;
      heap[parent] = value;
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0] as number;
    const last = heap.pop() as number;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && (heap[l] as number) < (heap[m] as number)) m = l;
        if (r < heap.length && (heap[r] as number) < (heap[m] as number)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m] as number, heap[i] as number];
        i = m;
      }
    }
    return top;
  };
  graph.nodes.forEach((n, i) => {
    if ((pending.get(n.id) ?? 0) === 0) push(i);
  });
  const out: string[] = [];
  while (heap.length > 0) {
    const node = graph.nodes[pop()] as GraphNode;
    out.push(node.id);
    for (const to of next.get(node.id) ?? []) {
      const left = (pending.get(to) ?? 0) - 1;
      pending.set(to, left);
      if (left === 0) push(indexOf.get(to) as number);
    }
  }
  // A cycle (not valid ONNX, but a file may have one): the rest in file order.
  if (out.length < graph.nodes.length) {
    const seen = new Set(out);
    for (const n of graph.nodes) if (!seen.has(n.id)) out.push(n.id);
  }
  return out;
}

const sameDims = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Whether two dims could be the same: equal, or either unknown or symbolic. */
const dimsCompatible = (a: readonly Dim[] | null | undefined, b: readonly Dim[] | null | undefined): boolean =>
  !a || !b || (a.length === b.length && a.every((d, i) => d === b[i] || typeof d !== 'number' || typeof b[i] !== 'number'));

/**
 * Shapes of the node's outputs, and of its weights when both nodes have the same op, agree wherever
 * both are known. An activation input may differ (an explicit Pad in front of a VALID Conv where the
 * other export pads SAME): that is then reported as a change of the pair, not as two unrelated nodes.
 */
function shapesCompatible(sa: Side, a: GraphNode, sb: Side, b: GraphNode): boolean {
  if (a.outputs.length !== b.outputs.length) return false;
  const x = sa.shapes(a);
  const y = sb.shapes(b);
  if (!x.outputs.every((shape, i) => dimsCompatible(shape, y.outputs[i]))) return false;
  if (a.op !== b.op) return true;
  return x.inputs.every((shape, i) => i >= y.inputs.length || !x.weights[i] || dimsCompatible(shape, y.inputs[i]));
}

/** Names that occur once among `nodes`, by `key`. */
function uniqueBy(nodes: readonly GraphNode[], key: (n: GraphNode) => string | undefined): Map<string, GraphNode> {
  const seen = new Map<string, GraphNode | null>();
  for (const node of nodes) {
    const k = key(node);
    if (!k) continue;
    seen.set(k, seen.has(k) ? null : node);
  }
  return new Map([...seen].filter((entry): entry is [string, GraphNode] => entry[1] !== null));
}

/** Longest common subsequence of two lists under `fits`: pairs (i, j), in order. Greedy past MAX_LCS_CELLS. */
function alignInOrder<T>(a: readonly T[], b: readonly T[], fits: (x: T, y: T) => boolean): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return [];
  if (n * m > MAX_LCS_CELLS) {
    const pairs: Array<[number, number]> = [];
    let j = 0;
    for (let i = 0; i < n && j < m; i += 1) {
      for (let k = j; k < Math.min(m, j + 64); k += 1) {
        if (fits(a[i] as T, b[k] as T)) {
          pairs.push([i, k]);
          j = k + 1;
          break;
        }
      }
    }
    return pairs;
  }
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      const here = i * width + j;
      table[here] = fits(a[i] as T, b[j] as T) ? (table[here + width + 1] as number) + 1 : Math.max(table[here + width] as number, table[here + 1] as number);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    const here = i * width + j;
    if (fits(a[i] as T, b[j] as T) && table[here] === (table[here + width + 1] as number) + 1) {
      pairs.push([i, j]);
      i += 1;
      j += 1;
    } else if ((table[here + width] as number) >= (table[here + 1] as number)) i += 1;
    else j += 1;
  }
  return pairs;
}

/** What differs between a matched pair. */
function changesOf(sa: Side, a: GraphNode, sb: Side, b: GraphNode): NodeChange[] {
  const changes: NodeChange[] = [];
  if (a.op !== b.op) changes.push({ kind: 'op', from: a.op, to: b.op });
  const names = new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)]);
  for (const name of [...names].sort()) {
    const from = a.attributes[name] ?? null;
    const to = b.attributes[name] ?? null;
    if (from !== to) changes.push({ kind: 'attribute', name, from, to });
  }
  const tensors = (side: 'input' | 'output'): void => {
    const listA = side === 'input' ? a.inputs : a.outputs;
    const listB = side === 'input' ? b.inputs : b.outputs;
    // An integer kernel's extra inputs (scales, zero points) are not the float op's; compare the shared positions.
    for (let position = 0; position < Math.min(listA.length, listB.length); position += 1) {
      const ta = listA[position] as string;
      const tb = listB[position] as string;
      if (ta === '' || tb === '') continue;
      const fa = sa.tensor(sa.resolve(ta));
      const fb = sb.tensor(sb.resolve(tb));
      if (fa?.shape && fb?.shape && !sameDims(fa.shape, fb.shape)) changes.push({ kind: 'shape', side, position, tensor: ta, from: fa.shape, to: fb.shape });
      if (fa?.dtype && fb?.dtype && fa.dtype !== fb.dtype) changes.push({ kind: 'dtype', side, position, tensor: ta, from: fa.dtype, to: fb.dtype });
    }
  };
  tensors('input');
  tensors('output');
  const pa = sa.precision.get(a.id) ?? null;
  const pb = sb.precision.get(b.id) ?? null;
  if (pa !== null && pb !== null && pa !== pb) changes.push({ kind: 'precision', from: pa, to: pb });
  return changes;
}

/** Added nodes that only serve quantization: Q/DQ ops, Cast/Mul/Add rescaling an integer kernel's result, Casts to and from float16. */
function quantizationHelpers(sb: Side, added: ReadonlySet<string>): Set<string> {
  const helpers = new Set<string>();
  // A Cast between float32 and float16 at the edge of an fp16 variant converts precision the same way.
  const castsPrecision = (node: GraphNode): boolean =>
    node.op === 'Cast' && (node.attributes.to === 'float16' || (node.attributes.to === 'float32' && sb.precision.get(sb.producer.get(node.inputs[0] ?? '')?.id ?? '') === 'fp16'));
  for (const id of added) {
    const node = sb.byId.get(id) as GraphNode;
    if (isQuantizeOp(node.op) || castsPrecision(node)) helpers.add(id);
  }
  const servesInteger = (node: GraphNode): boolean =>
    node.inputs.some((t) => {
      const producer = sb.producer.get(t);
      return producer !== undefined && (INTEGER_OP.test(producer.op) || helpers.has(producer.id));
    });
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of added) {
      const node = sb.byId.get(id) as GraphNode;
      if (helpers.has(id) || !RESCALE_OPS.has(node.op) || !servesInteger(node)) continue;
      helpers.add(id);
      grew = true;
    }
  }
  return helpers;
}

/** Matches the nodes of A and B and says, for each, what changed. */
export function diffModels(a: DiffSide, b: DiffSide): ModelDiff {
  const sa = new Side(a.graph);
  const sb = new Side(b.graph);
  const aToB = new Map<string, string>();
  const bToA = new Map<string, string>();
  const how = new Map<string, NodeDiff['matchedBy']>();
  const pair = (x: GraphNode, y: GraphNode, by: NodeDiff['matchedBy']): void => {
    aToB.set(x.id, y.id);
    bToA.set(y.id, x.id);
    how.set(x.id, by);
  };
  const freeA = (): GraphNode[] => a.graph.nodes.filter((n) => !aToB.has(n.id));
  // Q/DQ nodes of B are never a float node's counterpart, unless A had them too (two int8 versions).
  const freeB = (): GraphNode[] => b.graph.nodes.filter((n) => !bToA.has(n.id));

  const byKey = (key: (side: Side, n: GraphNode) => string | undefined, by: NodeDiff['matchedBy']): void => {
    const inB = uniqueBy(freeB(), (n) => key(sb, n));
    const inA = uniqueBy(freeA(), (n) => key(sa, n));
    for (const [k, x] of inA) {
      const y = inB.get(k);
      if (y && isQuantizeOp(x.op) === isQuantizeOp(y.op)) pair(x, y, by);
    }
  };
  byKey((side, n) => (n.name ? `${side.scopeOf(n)}\u0000${n.name}` : undefined), 'name');
  byKey((side, n) => {
    const out = n.outputs.find((t) => t !== '');
    return out ? `${side.scopeOf(n)}\u0000${opFamily(n.op)}\u0000${out}` : undefined;
  }, 'output');

  // Positional pass, per scope and op family, in topological order.
  const groups = (side: Side, nodes: GraphNode[]): Map<string, GraphNode[]> => {
    const map = new Map<string, GraphNode[]>();
    for (const n of [...nodes].sort((x, y) => (side.order.get(x.id) ?? 0) - (side.order.get(y.id) ?? 0))) {
      const key = `${side.scopeOf(n)}\u0000${opFamily(n.op)}`;
      const group = map.get(key);
      if (group) group.push(n);
      else map.set(key, [n]);
    }
    return map;
  };
  const groupsB = groups(sb, freeB());
  for (const [key, listA] of groups(sa, freeA())) {
    const listB = groupsB.get(key);
    if (!listB) continue;
    for (const [i, j] of alignInOrder(listA, listB, (x, y) => shapesCompatible(sa, x, sb, y))) pair(listA[i] as GraphNode, listB[j] as GraphNode, 'position');
  }

  // Neighbours: a node whose producer (or reader) is paired meets the one unpaired node of its op
  // family at the same place in B, so a converter that reordered the graph still lines up.
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of freeA()) {
      const candidates = new Set<GraphNode>();
      const near = (neighboursA: readonly GraphNode[], step: (partner: GraphNode) => GraphNode[]): void => {
        for (const neighbour of neighboursA) {
          const partner = sb.byId.get(aToB.get(neighbour.id) ?? '');
          if (!partner) continue;
          for (const y of step(partner)) if (!bToA.has(y.id) && opFamily(y.op) === opFamily(x.op) && isQuantizeOp(y.op) === isQuantizeOp(x.op) && shapesCompatible(sa, x, sb, y)) candidates.add(y);
        }
      };
      // Q/DQ between two nodes of B are stepped over: a float node's neighbour is what the QDQ feeds.
      const readersOf = (node: GraphNode): GraphNode[] => node.outputs.flatMap((t) => sb.consumers.get(t) ?? []).flatMap((n) => (isQuantizeOp(n.op) && !isQuantizeOp(x.op) ? n.outputs.flatMap((t) => sb.consumers.get(t) ?? []) : [n]));
      const producersOf = (node: GraphNode): GraphNode[] => node.inputs.map((t) => sb.producer.get(sb.resolve(t)) ?? sb.producer.get(t)).filter((n): n is GraphNode => n !== undefined);
      near(x.inputs.map((t) => sa.producer.get(t)).filter((n): n is GraphNode => n !== undefined), readersOf);
      near(x.outputs.flatMap((t) => sa.consumers.get(t) ?? []), producersOf);
      const [only, ...others] = candidates;
      if (only && others.length === 0) {
        pair(x, only, 'neighbour');
        grew = true;
      }
    }
  }

  const added = new Set(freeB().map((n) => n.id));
  const helpers = quantizationHelpers(sb, added);
  const removedHelpers = quantizationHelpers(sa, new Set(freeA().map((n) => n.id)));
  const absorbed = absorbers(sa, sb, aToB, bToA);
  const nodes: NodeDiff[] = [];
  for (const x of a.graph.nodes) {
    const yId = aToB.get(x.id);
    if (yId === undefined) {
      const taker = absorbed.get(x.id);
      nodes.push({ status: 'removed', a: x.id, b: null, name: x.name || x.id, op: x.op, matchedBy: null, changes: [], forQuantization: removedHelpers.has(x.id), foldedInto: taker?.id ?? null, foldKind: taker?.kind ?? null });
      continue;
    }
    const y = sb.byId.get(yId) as GraphNode;
    const changes = changesOf(sa, x, sb, y);
    nodes.push({
      status: changes.length === 0 ? 'same' : 'changed',
      a: x.id,
      b: y.id,
      name: x.name || y.name || x.id,
      op: x.op,
      matchedBy: how.get(x.id) ?? null,
      changes,
      forQuantization: false,
      foldedInto: null,
      foldKind: null,
    });
  }
  for (const y of b.graph.nodes) {
    if (!added.has(y.id)) continue;
    nodes.push({ status: 'added', a: null, b: y.id, name: y.name || y.id, op: y.op, matchedBy: null, changes: [], forQuantization: helpers.has(y.id), foldedInto: null, foldKind: null });
  }
  return { nodes, summary: summarize(nodes, a, b), aToB, bToA };
}

type Absorber = { id: string; kind: 'folded' | 'weight' };

/**
 * For each unmatched node of A, the node of B that took over its work: one that writes its output
 * under the same name (folded: a Relu or BatchNormalization into a Conv), or, for an activation,
 * the counterpart of its producer when that fused it (TFLite's fused_activation_function); for a Constant, the
 * counterpart of its reader when that now reads a weight tensor at the same input (the quantizer
 * stored the values as int8 in an initializer); and a node whose every reader went into one node
 * went there too (a BatchNormalization before a folded Relu, a folded BatchNormalization's scale).
 */
function absorbers(sa: Side, sb: Side, aToB: ReadonlyMap<string, string>, bToA: ReadonlyMap<string, string>): Map<string, Absorber> {
  const result = new Map<string, Absorber>();
  const unmatched = sa.graph.nodes.filter((n) => !aToB.has(n.id));
  for (const x of unmatched) {
    const writer = x.outputs.map((t) => (t === '' ? undefined : sb.producer.get(t))).find((n) => n !== undefined && bToA.has(n.id));
    if (writer) {
      result.set(x.id, { id: writer.id, kind: 'folded' });
      continue;
    }
    // An activation the other file fused into its producer (TFLite's fused_activation_function).
    const producer = sa.producer.get(x.inputs[0] ?? '');
    const fusedInto = producer ? sb.byId.get(aToB.get(producer.id) ?? '') : undefined;
    const fused = fusedInto?.attributes.fused_activation_function;
    if (fusedInto && fused !== undefined && fused !== 'NONE' && opFamily(x.op).toUpperCase().startsWith(fused.replace(/_.*$/, ''))) result.set(x.id, { id: fusedInto.id, kind: 'folded' });
  }
  for (const x of unmatched) {
    if (x.op !== 'Constant' || result.has(x.id)) continue;
    const out = x.outputs[0] ?? '';
    const readers = sa.consumers.get(out) ?? [];
    for (const reader of readers) {
      const counterpart = sb.byId.get(aToB.get(reader.id) ?? '');
      const now = counterpart?.inputs[reader.inputs.indexOf(out)];
      if (counterpart && now !== undefined && sb.tensor(sb.resolve(now))?.role === 'weight') {
        result.set(x.id, { id: counterpart.id, kind: 'weight' });
        break;
      }
    }
  }
  // A node (or Constant) whose every reader went into the same node of B went there with them.
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of unmatched) {
      if (result.has(x.id)) continue;
      const takers = x.outputs.flatMap((t) => sa.consumers.get(t) ?? []).map((reader) => result.get(reader.id) ?? (aToB.has(reader.id) ? null : undefined));
      const first = takers[0];
      if (!first || !takers.every((t) => t?.id === first.id)) continue;
      result.set(x.id, { id: first.id, kind: 'folded' });
      grew = true;
    }
  }
  return result;
}

function summarize(nodes: readonly NodeDiff[], a: DiffSide, b: DiffSide): ModelDiffSummary {
  const count = (test: (n: NodeDiff) => boolean): number => nodes.reduce((sum, n) => sum + (test(n) ? 1 : 0), 0);
  return {
    same: count((n) => n.status === 'same'),
    changed: count((n) => n.status === 'changed'),
    added: count((n) => n.status === 'added'),
    addedForQuantization: count((n) => n.status === 'added' && n.forQuantization),
    removedForQuantization: count((n) => n.status === 'removed' && n.forQuantization),
    removed: count((n) => n.status === 'removed'),
    folded: count((n) => n.foldedInto !== null),
    precisionChanged: count((n) => n.changes.some((c) => c.kind === 'precision')),
    nodesA: a.graph.nodes.length,
    nodesB: b.graph.nodes.length,
    parametersDelta: a.parameters === null || b.parameters === null ? null : b.parameters - a.parameters,
    sizeDeltaBytes: a.sizeBytes === null || b.sizeBytes === null ? null : b.sizeBytes - a.sizeBytes,
  };
}

const shapeText = (dims: readonly Dim[]): string => `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** One change as a short phrase: 'op Conv → QLinearConv', 'precision float → int8', 'input 1 dtype float32 → int8'. */
export function describeChange(change: NodeChange): string {
  switch (change.kind) {
    case 'op':
      return `op ${change.from} → ${change.to}`;
    case 'attribute':
      if (change.from === null) return `attribute ${change.name} added (${change.to ?? ''})`;
      if (change.to === null) return `attribute ${change.name} removed (was ${change.from})`;
      return `attribute ${change.name} ${change.from} → ${change.to}`;
    case 'shape':
      return `${change.side} ${change.position} shape ${shapeText(change.from)} → ${shapeText(change.to)}`;
    case 'dtype':
      return `${change.side} ${change.position} dtype ${change.from} → ${change.to}`;
    case 'precision':
      return `precision ${change.from} → ${change.to}`;
  }
}

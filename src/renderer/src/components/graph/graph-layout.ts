/**
 * Lays out a model graph in topological bands, each band laid out on its own and stacked below
 * the one before: a chain as one column (chain-layout.ts), any other band in layers
 * (layered-layout.ts), and only a band with a cycle (a TF.js loop) by elkjs. elkjs's layered
 * algorithm recurses along long paths (it overflows the stack on a 5,000-deep chain) and costs
 * about a millisecond per node when cold, which is why bands were first cut for it: a big graph is
 * cut into bands of at most BAND_NODES nodes, the bands are stacked top to bottom, and an edge
 * between two bands is drawn straight from its producer's bottom to its consumer's top (a band
 * only holds nodes after every band above it, so such edges point down).
 *
 * Pure: the elk instance is passed in (the layout worker's own, or one a test makes in Node).
 */
import type { ModelGraph } from '../../../../shared/model-graph';
import { chainOrder, layoutChain } from './chain-layout';
import { layoutLayered } from './layered-layout';

export const BAND_NODES = 300;
/**
 * Layers (topological depths) per band at most: elk's layered cost grows faster than the node
 * count along a path (measured in Node, warm: a 300-node chain 3 to 5 ms per node, a 100-node
 * chain 0.6, a 40- to 100-node chain about 0.25), so a deep graph is cut into shallow bands.
 */
export const BAND_DEPTH = 80;
/**
 * The first band of a graph is smaller: it is what the user sees first, and the first band a
 * worker lays out runs on elk code not yet optimised by the JIT (several times slower per node),
 * so a small one is drawn soon and the rest stream in below it.
 */
export const FIRST_BAND_NODES = 80;
const FIRST_BAND_DEPTH = 40;
/** Vertical space between two bands, for the edges that cross them. */
export const BAND_GAP = 48;
export const NODE_HEIGHT = 50;
const MIN_NODE_WIDTH = 88;
const MAX_NODE_WIDTH = 220;
/** Width of one character of the node's 11 px label font, with room to spare. */
const CHAR_WIDTH = 6.6;
const NODE_PADDING = 18;

/** The node label's second line: long names are cut to this many characters. */
export const NAME_CHARS = 30;

/** The elk options for a band elk lays out (one with a cycle): the cheapest settings that still give a layered drawing. */
export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'SIMPLE',
  'elk.layered.compaction.postCompaction.strategy': 'NONE',
  'elk.edgeRouting': 'POLYLINE',
  'elk.spacing.nodeNode': '20',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
};

/** The part of elkjs's API the layout uses (ELK from elkjs/lib/elk.bundled.js satisfies it). */
export interface ElkLike {
  layout(graph: ElkGraphIn, args?: unknown): Promise<ElkGraphOut>;
}
export interface ElkGraphIn {
  id: string;
  layoutOptions: Record<string, string>;
  children: Array<{ id: string; width: number; height: number }>;
  edges: Array<{ id: string; sources: string[]; targets: string[] }>;
}
interface ElkPoint {
  x: number;
  y: number;
}
export interface ElkGraphOut {
  width?: number;
  height?: number;
  children?: Array<{ id: string; x?: number; y?: number; width?: number; height?: number }>;
  edges?: Array<{ id: string; sections?: Array<{ startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }> }>;
}

/** One graph to lay out: the main graph, or one subgraph (an If/Loop body, a TFLite subgraph). */
export interface LayoutInput {
  /** 'main' or the subgraph's id. */
  key: string;
  nodes: Array<{ id: string; width: number; height: number }>;
  /** Between nodes of this graph only. */
  edges: Array<{ from: string; to: string; tensor: string }>;
}

export interface PlacedNode {
  id: string;
  /** Top-left corner, in layout units (1 unit = 1 px at zoom 1). */
  x: number;
  y: number;
  width: number;
  height: number;
  band: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  tensor: string;
  /** A polyline from the producer's border to the consumer's border. */
  points: Array<[number, number]>;
}

export interface GraphLayout {
  key: string;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /**
   * The drawing spans x from `left` to `left + width` (0 when not given). Bands are centred on
   * x = 0, so a band that arrives later, wider than those before, moves none of them.
   */
  left?: number;
  width: number;
  height: number;
  /** Each band's vertical extent, top to bottom. */
  bands: Array<{ y: number; height: number; nodes: number }>;
}

/** The text a node box shows: its op, and its name cut to NAME_CHARS. */
export function nodeLabel(node: { op: string; name: string; id: string }): { op: string; name: string } {
  const name = node.name || node.id;
  return { op: node.op, name: name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}…` : name };
}

export function nodeWidth(node: { op: string; name: string; id: string }): number {
  const label = nodeLabel(node);
  const chars = Math.max(label.op.length, label.name.length);
  return Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, Math.ceil(chars * CHAR_WIDTH + NODE_PADDING)));
}

/** One LayoutInput per graph in the model (main first, then each subgraph), with edges kept inside their graph. */
export function layoutInputs(graph: ModelGraph): LayoutInput[] {
  const keyOf = new Map<string, string>();
  const inputs = new Map<string, LayoutInput>();
  const input = (key: string): LayoutInput => {
    let found = inputs.get(key);
    if (!found) {
      found = { key, nodes: [], edges: [] };
      inputs.set(key, found);
    }
    return found;
  };
  input('main');
  for (const sub of graph.subgraphs) input(sub.id);
  for (const node of graph.nodes) {
    const key = node.subgraph ?? 'main';
    keyOf.set(node.id, key);
    input(key).nodes.push({ id: node.id, width: nodeWidth(node), height: NODE_HEIGHT });
  }
  for (const edge of graph.edges) {
    const from = keyOf.get(edge.from);
    // An edge from the outer graph into a body (an outer-scope value) joins two drawings: not drawn.
    if (from === undefined || from !== keyOf.get(edge.to) || edge.from === edge.to) continue;
    input(from).edges.push(edge);
  }
  return [...inputs.values()];
}

/**
 * Each node's band: nodes in topological order (Kahn's algorithm, file order among equals) cut
 * into runs of at most `bandNodes` nodes and BAND_DEPTH depths (the first run smaller, FIRST_BAND_NODES and 40 depths), at a change of depth where one
 * falls in the run's last quarter, a source moved down to its first consumer (pullSourcesDown). A cycle (not valid ONNX
 * or TFLite, but a TF.js loop or a damaged file has one) is broken where the order gets stuck, at its first node in file order.
 */
export function assignBands(input: LayoutInput, bandNodes = BAND_NODES): string[][] {
  const index = new Map(input.nodes.map((n, i) => [n.id, i]));
  const indegree = new Array<number>(input.nodes.length).fill(0);
  const next: number[][] = input.nodes.map(() => []);
  for (const edge of input.edges) {
    const a = index.get(edge.from);
    const b = index.get(edge.to);
    if (a === undefined || b === undefined) continue;
    next[a]!.push(b);
    indegree[b]! += 1;
  }
  const depth = new Array<number>(input.nodes.length).fill(0);
  // A queue ordered by depth, then file order: a min-heap is not needed, depth-ordered buckets do it.
  const buckets: number[][] = [];
  const push = (i: number): void => {
    (buckets[depth[i]!] ??= []).push(i);
  };
  input.nodes.forEach((_, i) => indegree[i] === 0 && push(i));
  const order: number[] = [];
  const placed = new Uint8Array(input.nodes.length);
  let unplacedFrom = 0;
  for (let d = 0; d < buckets.length || order.length < input.nodes.length; d++) {
    // Nothing ready and nodes left: they wait on a cycle, broken at the first of them in file order.
    if (d >= buckets.length) {
      while (placed[unplacedFrom]) unplacedFrom += 1;
      depth[unplacedFrom] = d;
      indegree[unplacedFrom] = 0;
      push(unplacedFrom);
    }
    const bucket = buckets[d]!;
    bucket.sort((a, b) => a - b);
    for (let k = 0; k < bucket.length; k++) {
      const i = bucket[k]!;
      order.push(i);
      placed[i] = 1;
      for (const j of next[i]!) {
        if (placed[j]) continue;
        depth[j] = Math.max(depth[j]!, d + 1);
        indegree[j]! -= 1;
        if (indegree[j] === 0) push(j);
      }
    }
  }
  const firstConsumer = pullSourcesDown(order, next, depth);
  const bands: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const first = current[0];
    const maxNodes = bands.length === 0 ? Math.min(bandNodes, FIRST_BAND_NODES) : bandNodes;
    const maxDepth = bands.length === 0 ? FIRST_BAND_DEPTH : BAND_DEPTH;
    const full = current.length >= maxNodes || (first !== undefined && depth[i]! - depth[first]! >= maxDepth);
    const niceCut = current.length >= maxNodes * 0.75 && depth[current[current.length - 1]!] !== depth[i];
    if (full || niceCut) {
      bands.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) bands.push(current);
  // A source the cut left at the bottom of a band, its first consumer at the top of the next, moves down with it.
  const bandOf = new Int32Array(input.nodes.length);
  bands.forEach((members, b) => members.forEach((i) => (bandOf[i] = b)));
  const joining: number[][] = bands.map(() => []);
  const kept = bands.map((members, b) =>
    members.filter((i) => {
      const to = firstConsumer[i]! >= 0 ? bandOf[firstConsumer[i]!]! : b;
      if (to > b) joining[to]!.push(i);
      return to <= b;
    }),
  );
  return kept.map((members, b) => [...joining[b]!, ...members].map((k) => input.nodes[k]!.id));
}

/**
 * Moves each source that feeds others (a Constant, a weight, a DEQUANTIZE) to the depth just above
 * its first consumer, and re-sorts `order` (depth, then file order): left at depth 0 with every
 * other source, a model's hundreds of constants would fill its first bands with unjoined boxes,
 * each with an edge across every band between. Still a topological order, since all of a source's
 * consumers lie deeper than the new depth. Consumers on a cycle (not in `order`) are not counted.
 */
function pullSourcesDown(order: number[], next: readonly number[][], depth: number[]): Int32Array {
  const hasProducer = new Uint8Array(depth.length);
  for (const i of order) for (const j of next[i]!) hasProducer[j] = 1;
  const firstConsumer = new Int32Array(depth.length).fill(-1);
  let moved = false;
  for (const i of order) {
    if (hasProducer[i]) continue;
    for (const j of next[i]!) if (firstConsumer[i]! < 0 || depth[j]! < depth[firstConsumer[i]!]!) firstConsumer[i] = j;
    const first = firstConsumer[i]!;
    if (first >= 0 && depth[first]! - 1 > depth[i]!) {
      depth[i] = depth[first]! - 1;
      moved = true;
    }
  }
  if (moved) order.sort((a, b) => depth[a]! - depth[b]! || a - b);
  return firstConsumer;
}

/** One band of one graph, as elk lays it out: its nodes and the edges between them. */
export interface BandJob {
  graphKey: string;
  band: number;
  elk: ElkGraphIn;
}

/** The elk graphs of every band of `input`, top to bottom; edge `e<k>` is `input.edges[k]`. */
export function planBands(input: LayoutInput, bandNodes = BAND_NODES): BandJob[] {
  const bands = assignBands(input, bandNodes);
  const bandOf = new Map<string, number>();
  bands.forEach((ids, b) => ids.forEach((id) => bandOf.set(id, b)));
  const sizeOf = new Map(input.nodes.map((n) => [n.id, n]));
  const edgesOf: ElkGraphIn['edges'][] = bands.map(() => []);
  input.edges.forEach((e, k) => {
    const b = bandOf.get(e.from);
    if (b !== undefined && b === bandOf.get(e.to)) edgesOf[b]!.push({ id: `e${k}`, sources: [e.from], targets: [e.to] });
  });
  return bands.map((ids, band) => ({
    graphKey: input.key,
    band,
    elk: {
      id: `${input.key}/band-${band}`,
      layoutOptions: ELK_OPTIONS,
      children: ids.map((id) => ({ id, width: sizeOf.get(id)!.width, height: sizeOf.get(id)!.height })),
      edges: edgesOf[band]!,
    },
  }));
}

/** What the layout worker sends back for a band: positions and edge routes only. */
export function bandResult(out: ElkGraphOut): ElkGraphOut {
  return {
    width: out.width ?? 0,
    height: out.height ?? 0,
    children: (out.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 })),
    edges: (out.edges ?? []).map((e) => ({ id: e.id, sections: e.sections })),
  };
}

/** A band laid out without elk: as a chain (chain-layout.ts) or in layers (layered-layout.ts); null on a cycle or a self-loop, elk's job. */
export function bandWithoutElk(job: BandJob): ElkGraphOut | null {
  const order = chainOrder(job.elk);
  return order ? layoutChain(job.elk, order) : layoutLayered(job.elk);
}

/** Lays out one graph band by band in this thread (tests; the view uses the worker pool). */
export async function layoutGraph(elk: ElkLike, input: LayoutInput, bandNodes = BAND_NODES): Promise<GraphLayout> {
  const outs: ElkGraphOut[] = [];
  for (const job of planBands(input, bandNodes)) outs.push(bandWithoutElk(job) ?? bandResult(await elk.layout(job.elk)));
  return stackBands(input, outs);
}

/**
 * Stacks a graph's laid-out bands (in planBands' order) top to bottom, each centred on x = 0, and
 * draws the edges between bands. Given the first bands only (the rest still in the workers), it
 * gives the top of the drawing exactly as the whole will have it.
 */
export function stackBands(input: LayoutInput, laid: readonly ElkGraphOut[]): GraphLayout {
  const width = Math.max(0, ...laid.map((out) => out.width ?? 0));
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const byId = new Map<string, PlacedNode>();
  const bands: GraphLayout['bands'] = [];
  let top = 0;
  const drawn = new Set<number>();
  laid.forEach((out, b) => {
    const dx = -(out.width ?? 0) / 2;
    for (const child of out.children ?? []) {
      const node = { id: child.id, x: (child.x ?? 0) + dx, y: (child.y ?? 0) + top, width: child.width ?? 0, height: child.height ?? 0, band: b };
      nodes.push(node);
      byId.set(node.id, node);
    }
    for (const edge of out.edges ?? []) {
      const section = edge.sections?.[0];
      const k = Number(edge.id.slice(1));
      const source = input.edges[k];
      if (!section || !source) continue;
      drawn.add(k);
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p): [number, number] => [p.x + dx, p.y + top]);
      edges.push({ ...source, points });
    }
    const height = out.height ?? 0;
    bands.push({ y: top, height, nodes: out.children?.length ?? 0 });
    top += height + BAND_GAP;
  });
  // Edges that cross bands: straight down from the producer's bottom to the consumer's top.
  input.edges.forEach((edge, k) => {
    if (drawn.has(k)) return;
    const a = byId.get(edge.from);
    const c = byId.get(edge.to);
    if (!a || !c) return;
    edges.push({ ...edge, points: [[a.x + a.width / 2, a.y + a.height], [c.x + c.width / 2, c.y]] });
  });
  return { key: input.key, nodes, edges, left: -width / 2, width, height: Math.max(0, top - BAND_GAP), bands };
}

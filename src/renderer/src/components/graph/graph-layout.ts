/**
 * Lays out a model graph in topological bands, each band laid out on its own and stacked below
 * the one before: a chain as one column (chain-layout.ts), any other band in layers, cycles
 * included (layered-layout.ts). Bands were first cut for elkjs, whose layered algorithm recurses
 * along long paths (it overflows the stack on a 5,000-deep chain) and costs about a millisecond
 * per node when cold; they still let the top of a graph be drawn first. A big graph is cut into
 * bands of at most BAND_NODES nodes, stacked top to bottom. An edge between two bands runs
 * through lanes each band keeps free for it (planBands plans them, the band layouts route them,
 * stackBands joins them across the gaps between bands), so it passes no node: down from its
 * producer to its band's bottom, through every band between, and down into its consumer. A band
 * only holds nodes after every band above it, so such edges point down, but for those that close
 * a cycle, drawn up the same way.
 *
 * Pure.
 */
import type { ModelGraph } from '../../../../shared/model-graph';
import { chainOrder, layoutChain } from './chain-layout';
import { layoutLayered } from './layered-layout';

/**
 * Band limits, set when elk laid bands out (its layered cost grew faster than the node count
 * along a path: a 300-node chain 3 to 5 ms per node, a 100-node chain 0.6, in Node, warm) and
 * kept without elk: a band is what one layered layout orders and places at a time, and its
 * sweeps and passes stay a few milliseconds a band at this size.
 */
export const BAND_NODES = 300;
/** Layers (topological depths) per band at most. */
export const BAND_DEPTH = 80;
/** The first band of a graph is smaller (once so elk's cold first band was drawn soon). */
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

/**
 * A band's options, in elk's terms (band graphs keep elk's shape, ElkGraphIn, from when elk laid
 * bands out): the space between layers, which both direct layouts read.
 */
export const BAND_OPTIONS: Record<string, string> = {
  'elk.spacing.nodeNode': '20',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
};

export interface ElkGraphIn {
  id: string;
  layoutOptions: Record<string, string>;
  children: Array<{ id: string; width: number; height: number }>;
  /** `back`: LayoutInput's (not elk's): the edge closes a loop. */
  edges: Array<{ id: string; sources: string[]; targets: string[]; back?: boolean }>;
}
export interface ElkPoint {
  x: number;
  y: number;
}
export interface ElkGraphOut {
  width?: number;
  height?: number;
  children?: Array<{ id: string; x?: number; y?: number; width?: number; height?: number }>;
  /** `back`: the edge closes a cycle and is drawn against the layers (the layered layout's own; elk does not set it). */
  edges?: Array<{ id: string; back?: boolean; sections?: Array<{ startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }> }>;
  /** The route of each of the band's lanes (BandLanes), by lane id, top to bottom. Not elk's. */
  lanes?: Record<string, ElkPoint[]>;
}

/**
 * The lanes a band keeps free for the edges between bands: each a column of passing slots, so an
 * edge from one band to another never runs through a node. Ids are unique within a band.
 */
export interface BandLanes {
  /** From a node of this band down to the band's bottom (one per producer: its edges to later bands share it). */
  exits: Array<{ id: string; node: string }>;
  /** From the band's top down to a node of this band (one per edge). */
  entries: Array<{ id: string; node: string }>;
  /** From the band's top to its bottom, for edges between a band above and one below (one per producer). */
  through: string[];
}

/** One graph to lay out: the main graph, or one subgraph (an If/Loop body, a TFLite subgraph). */
export interface LayoutInput {
  /** 'main' or the subgraph's id. */
  key: string;
  nodes: Array<{ id: string; width: number; height: number }>;
  /**
   * Between nodes of this graph only. `back`: the edge closes a loop by the format's own account
   * (TF's NextIteration → Merge), so the layout cuts the cycle there (LOOP_BACK_OPS).
   */
  edges: Array<{ from: string; to: string; tensor: string; back?: boolean }>;
}

/**
 * Ops whose output edges close a loop: TF v1 control flow's NextIteration feeds the loop's Merge
 * the next iteration's value. A graph's cycles are cut at these edges first: a depth-first search
 * alone cuts a loop wherever it first meets it (its condition, when the search comes in from a
 * constant the condition reads), and the loop would be drawn upside down.
 */
const LOOP_BACK_OPS = new Set(['NextIteration', 'RefNextIteration']);

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
  /** The edge closes a cycle (a TF.js loop's NextIteration → Merge) and runs up the drawing. */
  back?: boolean;
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
  const loopBack = new Set(graph.nodes.filter((n) => LOOP_BACK_OPS.has(n.op)).map((n) => n.id));
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
    input(from).edges.push(loopBack.has(edge.from) ? { ...edge, back: true } : edge);
  }
  return [...inputs.values()];
}

/**
 * Each node's band: nodes in topological order (Kahn's algorithm, file order among equals) cut
 * into runs of at most `bandNodes` nodes and BAND_DEPTH depths (the first run smaller, FIRST_BAND_NODES and 40 depths), at a change of depth where one
 * falls in the run's last quarter, a source moved down to its first consumer (pullSourcesDown). A loop's closing
 * edge (`back`) is not followed; any other cycle (not valid ONNX or TFLite, but a damaged file has one) is
 * broken where the order gets stuck, at its first node in file order.
 */
export function assignBands(input: LayoutInput, bandNodes = BAND_NODES): string[][] {
  const index = new Map(input.nodes.map((n, i) => [n.id, i]));
  const indegree = new Array<number>(input.nodes.length).fill(0);
  const next: number[][] = input.nodes.map(() => []);
  for (const edge of input.edges) {
    const a = index.get(edge.from);
    const b = index.get(edge.to);
    if (a === undefined || b === undefined || edge.back) continue;
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

/** One band of one graph, as it is laid out: its nodes and the edges between them, and the lanes it keeps for edges to and from other bands. */
export interface BandJob {
  graphKey: string;
  band: number;
  elk: ElkGraphIn;
  lanes: BandLanes;
}

/**
 * How an edge between bands `lo` (its upper end) and `hi` runs through the lanes: the lane out of
 * its upper node in band lo, a through lane in each band between, the lane into its lower node in
 * band hi. A producer's edges down to later bands share its exit and through lanes (a constant
 * read by many nodes far below is one lane per band, not one per reader); an edge up the bands
 * (closing a cycle) has lanes of its own.
 */
function laneIds(k: number, from: string, down: boolean): { out: string; into: string } {
  return { out: down ? `p:${from}` : `u:${k}`, into: `e:${k}` };
}

/** The jobs for every band of `input`, top to bottom; edge `e<k>` is `input.edges[k]`. */
export function planBands(input: LayoutInput, bandNodes = BAND_NODES): BandJob[] {
  const bands = assignBands(input, bandNodes);
  const bandOf = new Map<string, number>();
  bands.forEach((ids, b) => ids.forEach((id) => bandOf.set(id, b)));
  const sizeOf = new Map(input.nodes.map((n) => [n.id, n]));
  const edgesOf: ElkGraphIn['edges'][] = bands.map(() => []);
  const lanesOf: BandLanes[] = bands.map(() => ({ exits: [], entries: [], through: [] }));
  const seen = bands.map(() => new Set<string>());
  input.edges.forEach((e, k) => {
    const b = bandOf.get(e.from);
    const c = bandOf.get(e.to);
    if (b === undefined || c === undefined) return;
    if (b === c) {
      edgesOf[b]!.push(e.back ? { id: `e${k}`, sources: [e.from], targets: [e.to], back: true } : { id: `e${k}`, sources: [e.from], targets: [e.to] });
      return;
    }
    const down = b < c;
    const { out, into } = laneIds(k, e.from, down);
    const [lo, hi] = down ? [b, c] : [c, b];
    if (!seen[lo]!.has(out)) {
      seen[lo]!.add(out);
      lanesOf[lo]!.exits.push({ id: out, node: down ? e.from : e.to });
    }
    for (let m = lo + 1; m < hi; m++) {
      if (seen[m]!.has(out)) continue;
      seen[m]!.add(out);
      lanesOf[m]!.through.push(out);
    }
    lanesOf[hi]!.entries.push({ id: into, node: down ? e.to : e.from });
  });
  return bands.map((ids, band) => ({
    graphKey: input.key,
    band,
    elk: {
      id: `${input.key}/band-${band}`,
      layoutOptions: BAND_OPTIONS,
      children: ids.map((id) => ({ id, width: sizeOf.get(id)!.width, height: sizeOf.get(id)!.height })),
      edges: edgesOf[band]!,
    },
    lanes: lanesOf[band]!,
  }));
}

/** A band laid out without elk: as a chain (chain-layout.ts) or in layers (layered-layout.ts), cycles included. */
export function bandWithoutElk(job: BandJob): ElkGraphOut {
  const order = chainOrder(job.elk);
  return order ? layoutChain(job.elk, order, job.lanes) : layoutLayered(job.elk, job.lanes);
}

/** Lays out one graph band by band in this thread. */
export function layoutGraph(input: LayoutInput, bandNodes = BAND_NODES): GraphLayout {
  return stackBands(input, planBands(input, bandNodes).map(bandWithoutElk));
}

/**
 * Stacks a graph's laid-out bands (in planBands' order) top to bottom, each centred on x = 0, and
 * draws the edges between bands through their lanes.
 */
export function stackBands(input: LayoutInput, laid: readonly ElkGraphOut[]): GraphLayout {
  const width = Math.max(0, ...laid.map((out) => out.width ?? 0));
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const byId = new Map<string, PlacedNode>();
  const bands: GraphLayout['bands'] = [];
  /** Each band's offset: its layout's (0, 0) is at (shiftX[b], shiftY[b]) in the drawing. */
  const shiftX: number[] = [];
  const shiftY: number[] = [];
  let top = 0;
  const drawn = new Set<number>();
  laid.forEach((out, b) => {
    const dx = -(out.width ?? 0) / 2;
    shiftX.push(dx);
    shiftY.push(top);
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
      edges.push(edge.back ? { ...source, points, back: true } : { ...source, points });
    }
    const height = out.height ?? 0;
    bands.push({ y: top, height, nodes: out.children?.length ?? 0 });
    top += height + BAND_GAP;
  });
  const lane = (b: number, id: string): Array<[number, number]> => {
    const route = laid[b]?.lanes?.[id];
    // planBands gave every band between an edge's two its lane: a band without it was not laid out from planBands' job.
    if (!route) throw new Error(`Band ${b} of graph '${input.key}' has no lane '${id}': lay each band out from its planBands job.`);
    return route.map((p): [number, number] => [p.x + shiftX[b]!, p.y + shiftY[b]!]);
  };
  // Edges between bands: their lanes, joined across the gaps between bands (nothing is drawn there).
  input.edges.forEach((edge, k) => {
    if (drawn.has(k)) return;
    const a = byId.get(edge.from);
    const c = byId.get(edge.to);
    if (!a || !c) return;
    const down = a.band < c.band;
    const { out, into } = laneIds(k, edge.from, down);
    const [lo, hi] = down ? [a.band, c.band] : [c.band, a.band];
    const points = [...lane(lo, out)];
    for (let m = lo + 1; m < hi; m++) points.push(...lane(m, out));
    points.push(...lane(hi, into));
    edges.push(down ? { ...edge, points } : { ...edge, points: points.reverse(), back: true });
  });
  return { key: input.key, nodes, edges, left: -width / 2, width, height: Math.max(0, top - BAND_GAP), bands };
}

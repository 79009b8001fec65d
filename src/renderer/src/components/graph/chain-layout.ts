/**
 * A band that is a chain needs no layered layout: when every topological depth of a band holds
 * exactly one node (a network's trunk: each layer feeds the next, perhaps with skip connections
 * that jump ahead along it), the layered drawing elk would make is one column of nodes in order.
 * This lays such a band out directly, in time linear in its size, in the shape elk returns
 * (ElkGraphOut), so stackBands treats both alike. Anything else (two nodes at one depth: a
 * branch) goes to elk.
 *
 * The column is centred in the band; an edge to the next node is a straight line down, an edge
 * that skips ahead leaves its producer's right side, runs down a lane beside the column and enters
 * its consumer's right side. Lanes are shared by skips that do not overlap (interval colouring,
 * greedy by start). The edges to and from other bands (BandLanes) run in lanes on the left side,
 * coloured the same way: out of a node's left side down to the band's bottom, from the band's top
 * into a node's left side, or top to bottom; the band's last node leaves from its bottom and its
 * first is entered at its top, as an edge to the next node would be. The column is the band's
 * centre, as many lanes kept on each side as the fuller side needs.
 * Pure.
 */
import type { BandLanes, ElkGraphIn, ElkGraphOut, ElkPoint } from './graph-layout';

/** elk's default padding around a graph: the chain keeps it, so chain and elk bands line up alike. */
const PADDING = 12;
/** elk's default space between layers, used when the band's options do not set it. */
const DEFAULT_LAYER_GAP = 20;
/** From the widest node's side to the first lane, and between lanes. */
const LANE_GAP = 16;

/**
 * A band's edges as successor lists and in-degrees over its children's positions (`index`); null
 * when an edge leaves the band or is a self-loop (not a chain).
 */
function bandAdjacency(band: ElkGraphIn, index: ReadonlyMap<string, number>): { next: number[][]; indegree: number[] } | null {
  const indegree = new Array<number>(band.children.length).fill(0);
  const next: number[][] = band.children.map(() => []);
  for (const edge of band.edges) {
    const a = index.get(edge.sources[0] ?? '');
    const b = index.get(edge.targets[0] ?? '');
    if (a === undefined || b === undefined || a === b) return null;
    next[a]!.push(b);
    indegree[b]! += 1;
  }
  return { next, indegree };
}

/**
 * The band's nodes in chain order when it is a chain (each depth one node, every edge pointing
 * forward along it), else null. Depth is the longest path from the band's sources, as elk's
 * layering would give it.
 */
export function chainOrder(band: ElkGraphIn): string[] | null {
  const ids = band.children.map((c) => c.id);
  const adjacency = bandAdjacency(band, new Map(ids.map((id, i) => [id, i])));
  if (adjacency === null) return null;
  const { next, indegree } = adjacency;
  // Kahn's algorithm. Exactly one node ready at every step means each node made the next one
  // ready, so it feeds it: every depth holds one node.
  let ready = ids.flatMap((_, i) => (indegree[i] === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length === 1) {
    const i = ready[0]!;
    order.push(i);
    ready = [];
    for (const j of next[i]!) {
      indegree[j]! -= 1;
      if (indegree[j] === 0) ready.push(j);
    }
  }
  if (order.length !== ids.length) return null;
  return order.map((i) => ids[i]!);
}

/** Lanes as intervals of chain positions, each given the first lane free before it starts (greedy interval colouring); returns each one's lane and the lane count. */
function colour<T>(spans: ReadonlyArray<{ key: T; from: number; to: number }>): { laneOf: Map<T, number>; count: number } {
  const laneEnds: number[] = [];
  const laneOf = new Map<T, number>();
  for (const span of [...spans].sort((a, b) => a.from - b.from || a.to - b.to)) {
    let lane = laneEnds.findIndex((end) => end < span.from);
    if (lane < 0) lane = laneEnds.push(span.to) - 1;
    else laneEnds[lane] = span.to;
    laneOf.set(span.key, lane);
  }
  return { laneOf, count: laneEnds.length };
}

/** Lays out a chain band (chainOrder's order) as one centred column with its skips in side lanes, and the band's lanes (BandLanes) on the left. */
export function layoutChain(band: ElkGraphIn, order: readonly string[], lanes: BandLanes = { exits: [], entries: [], through: [] }): ElkGraphOut {
  const size = new Map(band.children.map((c) => [c.id, c]));
  const position = new Map(order.map((id, p) => [id, p]));
  const maxWidth = Math.max(0, ...band.children.map((c) => c.width));
  // The band's own space between layers, as elk would read it: chain and elk bands look alike.
  const layerGap = Number(band.layoutOptions['elk.layered.spacing.nodeNodeBetweenLayers'] ?? DEFAULT_LAYER_GAP);
  const lastPosition = order.length - 1;

  const skips = band.edges
    .map((edge) => ({ key: edge.id, from: position.get(edge.sources[0]!)!, to: position.get(edge.targets[0]!)! }))
    .filter((s) => s.to > s.from + 1);
  const right = colour(skips);
  // The band's lanes as intervals too, open-ended at the band's top or bottom; the last node's exit and the first node's entry need none.
  const bandSpans = [
    ...lanes.exits.map((lane) => ({ key: lane.id, from: position.get(lane.node)!, to: Infinity })).filter((s) => s.from < lastPosition),
    ...lanes.entries.map((lane) => ({ key: lane.id, from: -Infinity, to: position.get(lane.node)! })).filter((s) => s.to > 0),
    ...lanes.through.map((id) => ({ key: id, from: -Infinity, to: Infinity })),
  ];
  const left = colour(bandSpans);
  const laneCount = Math.max(right.count, left.count);
  const side = maxWidth / 2 + (laneCount > 0 ? LANE_GAP * (laneCount + 1) : 0);
  const width = 2 * (PADDING + side);
  const centre = width / 2;

  const children: NonNullable<ElkGraphOut['children']> = [];
  const placed = new Map<string, { x: number; y: number; width: number; height: number }>();
  let y = PADDING;
  for (const id of order) {
    const { width: w, height: h } = size.get(id)!;
    const node = { id, x: centre - w / 2, y, width: w, height: h };
    children.push(node);
    placed.set(id, node);
    y += h + layerGap;
  }
  const height = order.length > 0 ? y - layerGap + PADDING : 2 * PADDING;

  const edges: NonNullable<ElkGraphOut['edges']> = band.edges.map((edge) => {
    const a = placed.get(edge.sources[0]!)!;
    const b = placed.get(edge.targets[0]!)!;
    const lane = right.laneOf.get(edge.id);
    if (lane === undefined) {
      return { id: edge.id, sections: [{ startPoint: { x: centre, y: a.y + a.height }, endPoint: { x: centre, y: b.y } }] };
    }
    const laneX = centre + maxWidth / 2 + LANE_GAP * (lane + 1);
    const ay = a.y + a.height / 2;
    const by = b.y + b.height / 2;
    return {
      id: edge.id,
      sections: [{ startPoint: { x: a.x + a.width, y: ay }, bendPoints: [{ x: laneX, y: ay }, { x: laneX, y: by }], endPoint: { x: b.x + b.width, y: by } }],
    };
  });

  const laneX = (id: string): number => centre - maxWidth / 2 - LANE_GAP * (left.laneOf.get(id)! + 1);
  const routes: Record<string, ElkPoint[]> = {};
  for (const { id, node } of lanes.exits) {
    const n = placed.get(node)!;
    const mid = n.y + n.height / 2;
    routes[id] = position.get(node) === lastPosition ? [{ x: centre, y: n.y + n.height }] : [{ x: n.x, y: mid }, { x: laneX(id), y: mid }, { x: laneX(id), y: height }];
  }
  for (const { id, node } of lanes.entries) {
    const n = placed.get(node)!;
    const mid = n.y + n.height / 2;
    routes[id] = position.get(node) === 0 ? [{ x: centre, y: n.y }] : [{ x: laneX(id), y: 0 }, { x: laneX(id), y: mid }, { x: n.x, y: mid }];
  }
  for (const id of lanes.through) routes[id] = [{ x: laneX(id), y: 0 }, { x: laneX(id), y: height }];
  return { width, height, children, edges, lanes: routes };
}

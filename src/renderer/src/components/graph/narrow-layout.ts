/**
 * A band that is narrow needs no general layered layout either: when every topological depth of
 * a band holds at most NARROW_MAX nodes, counting the long edges that pass through it (a
 * network's blocks: a split into two to four branches joined again, a residual shortcut), the
 * layered drawing is found directly, in time linear in the band's size, where elkjs takes about
 * 0.3 ms a node even when warm (5,000 branched nodes: about 1.5 s of worker time, bench:ui-graph).
 * It is the classic layered (Sugiyama) method reduced to what a narrow band needs:
 * - layers: each node at its depth, the longest path from the band's sources (as elk's layering);
 * - an edge spanning several layers passes through a slot in each layer between its ends (a dummy
 *   node, as elk makes), so it never crosses a node: its route bends through those slots;
 * - order in a layer: by the mean slot of what feeds it (barycentre), in one sweep down, file
 *   order among equals: a split's branches keep their sides down to their join;
 * - each layer centred on the band's axis, slots NODE_GAP apart.
 * A wider band (or a cycle) goes to elk. The result has elk's shape (ElkGraphOut), so stackBands
 * treats all bands alike. Pure.
 */
import { bandAdjacency } from './chain-layout';
import type { ElkGraphIn, ElkGraphOut } from './graph-layout';

/** Most slots (nodes and passing edges) in a layer for the band to be laid out here. */
export const NARROW_MAX = 4;
/** elk's default padding around a graph, as chain bands keep it too. */
const PADDING = 12;
/** elk's default space between layers, used when the band's options do not set it. */
const DEFAULT_LAYER_GAP = 20;
/** Space between two slots of a layer (the bands' elk option 'elk.spacing.nodeNode' is the same). */
const NODE_GAP = 20;
/** Width of the slot a passing edge takes in a layer. */
const PASS_WIDTH = 8;

interface Slot {
  /** A node's index in band.children, or -1 for an edge passing through. */
  node: number;
  width: number;
  /** Position of the slot in its layer, then its x centre. */
  order: number;
  x: number;
  /** The slots feeding this one, in the layer above. */
  from: Slot[];
}

/** Each node's depth (longest path from the band's sources), or null on a cycle or a self-loop. */
function depths(band: ElkGraphIn, index: ReadonlyMap<string, number>): number[] | null {
  const n = band.children.length;
  const adjacency = bandAdjacency(band, index);
  if (adjacency === null) return null;
  const { next, indegree } = adjacency;
  const depth = new Array<number>(n).fill(0);
  const ready = band.children.flatMap((_, i) => (indegree[i] === 0 ? [i] : []));
  let seen = 0;
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k]!;
    seen += 1;
    for (const j of next[i]!) {
      depth[j] = Math.max(depth[j]!, depth[i]! + 1);
      indegree[j]! -= 1;
      if (indegree[j] === 0) ready.push(j);
    }
  }
  return seen === n ? depth : null;
}

/** Lays out a narrow band, or returns null when it is not one (a layer with more than NARROW_MAX slots, or a cycle). */
export function layoutNarrow(band: ElkGraphIn): ElkGraphOut | null {
  const index = new Map(band.children.map((c, i) => [c.id, i]));
  const depth = depths(band, index);
  if (!depth) return null;
  const layerCount = band.children.length === 0 ? 0 : Math.max(...depth) + 1;
  // Too many nodes at one depth: elk's job, known before any passing edge is counted.
  const perLayer = new Array<number>(layerCount).fill(0);
  for (const d of depth) if ((perLayer[d] = (perLayer[d] ?? 0) + 1) > NARROW_MAX) return null;
  const layers: Slot[][] = Array.from({ length: layerCount }, () => []);
  const slotOf: Slot[] = band.children.map((child, i) => {
    const slot: Slot = { node: i, width: child.width, order: 0, x: 0, from: [] };
    layers[depth[i]!]!.push(slot);
    return slot;
  });
  // Each edge as the chain of slots it passes: its producer, a passing slot per layer between, its consumer.
  const routes = band.edges.map((edge) => {
    const a = index.get(edge.sources[0]!)!;
    const b = index.get(edge.targets[0]!)!;
    const route: Slot[] = [slotOf[a]!];
    for (let d = depth[a]! + 1; d < depth[b]!; d++) {
      const pass: Slot = { node: -1, width: PASS_WIDTH, order: 0, x: 0, from: [route[route.length - 1]!] };
      layers[d]!.push(pass);
      route.push(pass);
    }
    slotOf[b]!.from.push(route[route.length - 1]!);
    route.push(slotOf[b]!);
    return route;
  });
  if (layers.some((layer) => layer.length > NARROW_MAX)) return null;

  // Order each layer by the mean position of what feeds it; sources and ties keep file order (stable sort).
  for (const layer of layers) {
    const key = (slot: Slot): number => (slot.from.length === 0 ? -Infinity : slot.from.reduce((sum, s) => sum + s.order, 0) / slot.from.length);
    const sorted = layer.map((slot, i) => ({ slot, key: key(slot), i })).sort((p, q) => (p.key === q.key ? p.i - q.i : p.key - q.key));
    sorted.forEach(({ slot }, order) => {
      slot.order = order;
      layer[order] = slot;
    });
  }

  const layerWidth = (layer: Slot[]): number => layer.reduce((sum, s) => sum + s.width, 0) + NODE_GAP * Math.max(0, layer.length - 1);
  const inner = Math.max(0, ...layers.map(layerWidth));
  const width = inner + 2 * PADDING;
  const centre = width / 2;
  for (const layer of layers) {
    let x = centre - layerWidth(layer) / 2;
    for (const slot of layer) {
      slot.x = x + slot.width / 2;
      x += slot.width + NODE_GAP;
    }
  }
  const layerGap = Number(band.layoutOptions['elk.layered.spacing.nodeNodeBetweenLayers'] ?? DEFAULT_LAYER_GAP);
  const layerHeight = layers.map((layer) => Math.max(0, ...layer.filter((s) => s.node >= 0).map((s) => band.children[s.node]!.height)));
  const layerTop: number[] = [];
  let y = PADDING;
  for (const h of layerHeight) {
    layerTop.push(y);
    y += h + layerGap;
  }
  const height = layerCount > 0 ? y - layerGap + PADDING : 2 * PADDING;

  const children = band.children.map((child, i) => {
    const slot = slotOf[i]!;
    // A node shorter than its layer sits at the layer's top, as elk aligns them.
    return { id: child.id, x: slot.x - child.width / 2, y: layerTop[depth[i]!]!, width: child.width, height: child.height };
  });
  const edges: NonNullable<ElkGraphOut['edges']> = band.edges.map((edge, k) => {
    const route = routes[k]!;
    const a = children[route[0]!.node]!;
    const b = children[route[route.length - 1]!.node]!;
    // Down through each passing slot: in at the top of its layer, out at the bottom.
    const bendPoints = route.slice(1, -1).flatMap((pass, j) => {
      const d = depth[route[0]!.node]! + 1 + j;
      return [
        { x: pass.x, y: layerTop[d]! },
        { x: pass.x, y: layerTop[d]! + layerHeight[d]! },
      ];
    });
    return { id: edge.id, sections: [{ startPoint: { x: a.x + a.width / 2, y: a.y + a.height }, bendPoints, endPoint: { x: b.x + b.width / 2, y: b.y } }] };
  });
  return { width, height, children, edges };
}

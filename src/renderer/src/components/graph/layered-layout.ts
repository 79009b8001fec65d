/**
 * Every band that is not a chain is laid out here, in layers, without elkjs: elk's layered
 * algorithm costs about 0.3 ms a node even when warm, and more on wide bands (5,000 nodes of
 * six-way splits: 1.3 to 1.8 s of single-thread elk time in Node whatever its options, 3 to 7 s
 * from click to paint in bench:ui-graph), where this takes a few milliseconds a band. It is the
 * classic layered (Sugiyama) method in its cheap forms:
 * - cycles (TF.js while loops): the back edges of a depth-first search are reversed
 *   (cycle-break.ts), the band laid out as the acyclic graph that leaves, and each reversed edge
 *   drawn the true way, up from its producer's top to its consumer's bottom, through its own slots;
 * - layers: each node at its depth, the longest path from the band's sources (as elk's layering),
 *   except that a source feeding others (a Constant, a weight, a DEQUANTIZE) sits in the layer just
 *   above its first consumer instead of in a crowded top row;
 * - an edge spanning several layers passes through a slot in each layer between its ends (a dummy
 *   node, as elk makes), so it never crosses a node: its route bends through those slots. Edges to
 *   and from other bands get slots too (lanes, planned by planBands): down from their node to the
 *   band's bottom, from the band's top down to their node, or through every layer of a band between;
 * - order in a layer: barycentre sweeps, alternately down and up (ORDER_SWEEPS), keeping the order
 *   with the fewest edge crossings; file order among equals, so a split's branches keep their sides;
 * - x: passes alternately down and up (PLACE_PASSES) that pull each slot to the median of its
 *   neighbours in the layer before, as close as the layer's order and spacing allow (a weighted
 *   least-squares fit under the spacing constraints, solved exactly per layer by pool-adjacent-
 *   violators); passing slots weigh more, so long edges run straight.
 * The result has elk's shape (ElkGraphOut) plus the lanes' routes, so stackBands treats all bands
 * alike. Pure.
 */
import { backEdges } from './cycle-break';
import type { BandLanes, ElkGraphIn, ElkGraphOut, ElkPoint } from './graph-layout';

/** elk's default padding around a graph, as chain bands keep it too. */
const PADDING = 12;
/** elk's default space between layers, used when the band's options do not set it. */
const DEFAULT_LAYER_GAP = 20;
/** Space between two slots of a layer (the bands' elk option 'elk.spacing.nodeNode' is the same). */
const NODE_GAP = 20;
/** Width of the slot a passing edge takes in a layer. */
const PASS_WIDTH = 8;
/** Barycentre sweeps after the first one down; each is linear in the band's slots and edges, plus a sort per layer. */
const ORDER_SWEEPS = 6;
/** Placement passes, alternately down and up; the last one is down, so the bottom of a block is centred under what feeds it. */
const PLACE_PASSES = 5;
/** How much more a passing slot pulls than a node's one neighbour: long edges run straight (the priority method's rule). */
const PASS_WEIGHT = 4;
/** The pull of a slot with no neighbour on the side a pass looks at: it stays where it is unless it is in the way. */
const LONE_WEIGHT = 0.1;
/** The pull of a slot that must stay where it is (in the satellites' last pass), against LONE_WEIGHT. */
const FIXED_WEIGHT = 1_000;
/** A reversed edge leaves and enters its nodes this far across them (0.5 is the centre), so a two-node loop's two edges are two lines. */
const BACK_PORT = 0.75;
/** How far a self-loop's hook reaches beside its node: within NODE_GAP, so it touches no neighbour. */
const HOOK = 8;

interface Slot {
  /** A node's index in band.children, or -1 for an edge passing through. */
  node: number;
  width: number;
  layer: number;
  /** Position of the slot in its layer, then its x centre. */
  order: number;
  x: number;
  /** The slots this one is joined to in the layer above, and in the layer below. */
  up: Slot[];
  down: Slot[];
  /**
   * A node fed by nothing in the band that feeds one node with a fed input too: a constant or a
   * weight beside the trunk, placed after the trunk, never pulling it aside.
   */
  satellite: boolean;
}

/** A slot's place in its layer from 0 (left) to 1 (right), so layers of different sizes compare. */
function relative(slot: Slot, layers: readonly Slot[][]): number {
  const size = layers[slot.layer]!.length;
  return size > 1 ? slot.order / (size - 1) : 0.5;
}

/** Reorders each layer after the first one met by its neighbours' mean place on the side already ordered. */
function sweep(layers: Slot[][], downwards: boolean): void {
  const sequence = downwards ? layers : [...layers].reverse();
  for (const layer of sequence.slice(1)) {
    const keyed = layer.map((slot, i) => {
      const near = downwards ? slot.up : slot.down;
      const key = near.length === 0 ? relative(slot, layers) : near.reduce((sum, s) => sum + relative(s, layers), 0) / near.length;
      return { slot, key, i };
    });
    keyed.sort((p, q) => p.key - q.key || p.i - q.i);
    keyed.forEach(({ slot }, order) => {
      slot.order = order;
      layer[order] = slot;
    });
  }
}

/** Edge crossings between consecutive layers: inversions of the lower ends, counted with a Fenwick tree. */
function crossings(layers: readonly Slot[][]): number {
  let total = 0;
  for (let d = 0; d + 1 < layers.length; d++) {
    const pairs: Array<[number, number]> = [];
    for (const slot of layers[d]!) for (const below of slot.down) pairs.push([slot.order, below.order]);
    pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const tree = new Array<number>(layers[d + 1]!.length + 1).fill(0);
    pairs.forEach(([, lower], seen) => {
      let atOrBelow = 0;
      for (let i = lower + 1; i > 0; i -= i & -i) atOrBelow += tree[i]!;
      total += seen - atOrBelow;
      for (let i = lower + 1; i < tree.length; i += i & -i) tree[i]! += 1;
    });
  }
  return total;
}

/**
 * Places a layer's slots (in their order) as near their wanted x centres as the spacing allows:
 * minimises the weighted squared distances under x[i+1] - x[i] >= half of both widths + NODE_GAP.
 * Shifted by each slot's least offset from the first, that is an isotonic regression, which
 * pool-adjacent-violators solves exactly in one pass.
 */
function placeLayer(layer: readonly Slot[], wanted: readonly number[], weight: readonly number[]): void {
  const offset: number[] = [0];
  for (let i = 1; i < layer.length; i++) offset.push(offset[i - 1]! + (layer[i - 1]!.width + layer[i]!.width) / 2 + NODE_GAP);
  const blocks: Array<{ value: number; weight: number; start: number }> = [];
  layer.forEach((_, i) => {
    let block = { value: wanted[i]! - offset[i]!, weight: weight[i]!, start: i };
    while (blocks.length > 0 && blocks[blocks.length - 1]!.value >= block.value) {
      const before = blocks.pop()!;
      const sum = before.weight + block.weight;
      block = { value: (before.value * before.weight + block.value * block.weight) / sum, weight: sum, start: before.start };
    }
    blocks.push(block);
  });
  blocks.forEach((block, b) => {
    const end = blocks[b + 1]?.start ?? layer.length;
    for (let i = block.start; i < end; i++) layer[i]!.x = block.value + offset[i]!;
  });
}

/**
 * One layer of a placement pass: each slot wanted at the median of its neighbours on the side
 * the pass comes from (a satellite: at its consumer), weighted by how many they are.
 */
function placeTowards(layer: readonly Slot[], downwards: boolean): void {
  const wanted: number[] = [];
  const weight: number[] = [];
  for (const slot of layer) {
    const near = downwards ? slot.up : slot.down;
    // Where its main inputs (or consumers) are: a node is not pulled towards its constants.
    const leading = near.filter((s) => !s.satellite);
    const pulls = slot.satellite ? slot.down : leading.length > 0 ? leading : near;
    wanted.push(pulls.length === 0 ? slot.x : pulls.length === 1 ? pulls[0]!.x : median(pulls.map((s) => s.x)));
    // A satellite yields: pulled as hard as the trunk node beside it, it would drag the trunk aside at every layer.
    weight.push((near.length === 0 || slot.satellite ? LONE_WEIGHT : near.length) * (slot.node < 0 ? PASS_WEIGHT : 1));
  }
  // One slot (most layers of a network's trunk): it goes where it is wanted.
  if (layer.length === 1) layer[0]!.x = wanted[0]!;
  else placeLayer(layer, wanted, weight);
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/**
 * Each node's layer in the acyclic band `next` describes: its depth (longest path from the
 * band's sources), a source that feeds others moved down to just above its first consumer.
 */
function layerOf(next: readonly number[][]): number[] {
  const n = next.length;
  const indegree = new Uint32Array(n);
  for (const targets of next) for (const j of targets) indegree[j]! += 1;
  const depth = new Array<number>(n).fill(0);
  const ready: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) ready.push(i);
  const sources = [...ready];
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k]!;
    for (const j of next[i]!) {
      depth[j] = Math.max(depth[j]!, depth[i]! + 1);
      indegree[j]! -= 1;
      if (indegree[j] === 0) ready.push(j);
    }
  }
  // Every successor of a source is at depth 1 or more, so the source lands at 0 or below nothing it feeds.
  for (const i of sources) if (next[i]!.length > 0) depth[i] = Math.min(...next[i]!.map((j) => depth[j]!)) - 1;
  return depth;
}

const newSlot = (node: number, width: number, layer: number): Slot => ({ node, width, layer, order: 0, x: 0, up: [], down: [], satellite: false });

/**
 * Lays out a band in layers: every node placed, every edge routed around the nodes, a cycle's
 * closing edges drawn against the layers (flagged `back`), and a route for each of `lanes`.
 */
export function layoutLayered(band: ElkGraphIn, lanes: BandLanes = { exits: [], entries: [], through: [] }): ElkGraphOut {
  const index = new Map(band.children.map((c, i) => [c.id, i]));
  const at = (id: string | undefined, edge: string): number => {
    const i = index.get(id ?? '');
    if (i === undefined) throw new Error(`Band '${band.id}' has edge '${edge}' to or from '${id}', which is not one of its nodes.`);
    return i;
  };
  const ends = band.edges.map((edge): [number, number] => [at(edge.sources[0], edge.id), at(edge.targets[0], edge.id)]);
  const known = new Set(band.edges.flatMap((edge, k) => (edge.back ? [k] : [])));
  const reversed = backEdges(band.children.length, ends, known);
  // The acyclic band: each reversed edge from its consumer to its producer; a self-loop not at all (it is drawn beside its node).
  const next: number[][] = band.children.map(() => []);
  const upper = ends.map(([a, b], k) => (reversed.has(k) ? b : a));
  const lower = ends.map(([a, b], k) => (reversed.has(k) ? a : b));
  ends.forEach(([a, b], k) => a !== b && next[upper[k]!]!.push(lower[k]!));
  const depth = layerOf(next);
  const layerCount = band.children.length === 0 ? 0 : Math.max(...depth) + 1;
  const layers: Slot[][] = Array.from({ length: layerCount }, () => []);
  const add = (slot: Slot): Slot => {
    slot.order = layers[slot.layer]!.length;
    layers[slot.layer]!.push(slot);
    return slot;
  };
  const slotOf = band.children.map((child, i) => add(newSlot(i, child.width, depth[i]!)));
  const join = (a: Slot, b: Slot): void => {
    a.down.push(b);
    b.up.push(a);
  };
  /** A passing slot in each layer from `first` to `last`, joined in a chain from `head` (if any) to `tail` (if any). */
  const passes = (first: number, last: number, head: Slot | null, tail: Slot | null): Slot[] => {
    const route: Slot[] = [];
    let before = head;
    for (let d = first; d <= last; d++) {
      const pass = add(newSlot(-1, PASS_WIDTH, d));
      if (before) join(before, pass);
      route.push(pass);
      before = pass;
    }
    if (before && tail) join(before, tail);
    return route;
  };
  // Each edge as the slots it passes between its upper end and its lower end.
  const routes = ends.map(([a, b], k) => (a === b ? [] : passes(depth[upper[k]!]! + 1, depth[lower[k]!]! - 1, slotOf[upper[k]!]!, slotOf[lower[k]!]!)));
  const last = layerCount - 1;
  const exitRoutes = lanes.exits.map((lane) => passes(depth[at(lane.node, lane.id)]! + 1, last, slotOf[at(lane.node, lane.id)]!, null));
  const entryRoutes = lanes.entries.map((lane) => passes(0, depth[at(lane.node, lane.id)]! - 1, null, slotOf[at(lane.node, lane.id)]!));
  const throughRoutes = lanes.through.map(() => passes(0, last, null, null));

  for (const slot of slotOf) {
    const consumer = slot.down[0];
    slot.satellite = slot.up.length === 0 && slot.down.length === 1 && consumer!.up.some((s) => s.up.length > 0 || s.node < 0);
  }
  orderLayers(layers);
  placeLayers(layers);

  const slots = layers.flat();
  // A loop, not Math.min(...): a wide band's passing slots can outnumber the arguments a call takes.
  let left = slots.length > 0 ? Infinity : 0;
  let right = slots.length > 0 ? -Infinity : 0;
  for (const s of slots) {
    left = Math.min(left, s.x - s.width / 2);
    right = Math.max(right, s.x + s.width / 2);
  }
  const shift = PADDING - left;
  for (const slot of slots) slot.x += shift;
  const width = right - left + 2 * PADDING;

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
  // Down through each passing slot: in at the top of its layer, out at the bottom.
  const through = (route: readonly Slot[]): ElkPoint[] =>
    route.flatMap((pass) => [
      { x: pass.x, y: layerTop[pass.layer]! },
      { x: pass.x, y: layerTop[pass.layer]! + layerHeight[pass.layer]! },
    ]);
  const bottom = (i: number, across = 0.5): ElkPoint => ({ x: children[i]!.x + children[i]!.width * across, y: children[i]!.y + children[i]!.height });
  const top = (i: number, across = 0.5): ElkPoint => ({ x: children[i]!.x + children[i]!.width * across, y: children[i]!.y });
  const edges: NonNullable<ElkGraphOut['edges']> = band.edges.map((edge, k) => {
    const [a, b] = ends[k]!;
    if (a === b) {
      const { x, y: t, width: w, height: h } = children[a]!;
      const hook = [{ x: x + w, y: t + h / 3 }, { x: x + w + HOOK, y: t + h / 3 }, { x: x + w + HOOK, y: t + (2 * h) / 3 }, { x: x + w, y: t + (2 * h) / 3 }];
      return { id: edge.id, back: true, sections: [{ startPoint: hook[0]!, bendPoints: hook.slice(1, 3), endPoint: hook[3]! }] };
    }
    if (!reversed.has(k)) return { id: edge.id, sections: [{ startPoint: bottom(a), bendPoints: through(routes[k]!), endPoint: top(b) }] };
    // Drawn the true way: up from the producer's top, through its slots bottom to top, into the consumer's bottom.
    return { id: edge.id, back: true, sections: [{ startPoint: top(a, BACK_PORT), bendPoints: through(routes[k]!).reverse(), endPoint: bottom(b, BACK_PORT) }] };
  });
  const laneRoutes: Record<string, ElkPoint[]> = {};
  lanes.exits.forEach((lane, k) => (laneRoutes[lane.id] = [bottom(index.get(lane.node)!), ...through(exitRoutes[k]!)]));
  lanes.entries.forEach((lane, k) => (laneRoutes[lane.id] = [...through(entryRoutes[k]!), top(index.get(lane.node)!)]));
  lanes.through.forEach((id, k) => (laneRoutes[id] = through(throughRoutes[k]!)));
  return { width, height, children, edges, lanes: laneRoutes };
}

/** Order: one sweep down from file order, then sweeps up and down, keeping the order with the fewest crossings seen. */
function orderLayers(layers: Slot[][]): void {
  sweep(layers, true);
  let best = layers.map((layer) => [...layer]);
  let fewest = crossings(layers);
  for (let s = 0; s < ORDER_SWEEPS && fewest > 0; s++) {
    sweep(layers, s % 2 === 1);
    const count = crossings(layers);
    if (count < fewest) {
      fewest = count;
      best = layers.map((layer) => [...layer]);
    }
  }
  best.forEach((layer, d) => {
    layers[d] = layer;
    layer.forEach((slot, order) => (slot.order = order));
  });
}

/** x: each layer packed and centred on 0, then pulled towards its neighbours, pass by pass; the satellites last. */
function placeLayers(layers: Slot[][]): void {
  for (const layer of layers) placeLayer(layer, layer.map(() => 0), layer.map(() => 1));
  for (let p = 0; p < PLACE_PASSES; p++) {
    const downwards = (PLACE_PASSES - 1 - p) % 2 === 0;
    for (let k = 1; k < layers.length; k++) placeTowards(layers[downwards ? k : layers.length - 1 - k]!, downwards);
  }
  // Each satellite as near its consumer as the trunk, which no longer moves, leaves room for.
  for (const layer of layers) if (layer.some((slot) => slot.satellite)) placeLayer(layer, layer.map((slot) => (slot.satellite ? slot.down[0]!.x : slot.x)), layer.map((slot) => (slot.satellite ? LONE_WEIGHT : FIXED_WEIGHT)));
}

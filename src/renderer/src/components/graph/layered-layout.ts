/**
 * A band that is not a chain is laid out here, in layers, without elkjs: elk's layered algorithm
 * costs about 0.3 ms a node even when warm, and more on wide bands (5,000 nodes of six-way splits:
 * 1.3 to 1.8 s of single-thread elk time in Node whatever its options, 3 to 7 s from click to
 * paint in bench:ui-graph), where this takes a few milliseconds a band. It is the classic layered
 * (Sugiyama) method in its cheap forms:
 * - layers: each node at its depth, the longest path from the band's sources (as elk's layering),
 *   except that a source feeding others (a Constant, a weight, a DEQUANTIZE) sits in the layer just
 *   above its first consumer instead of in a crowded top row;
 * - an edge spanning several layers passes through a slot in each layer between its ends (a dummy
 *   node, as elk makes), so it never crosses a node: its route bends through those slots;
 * - order in a layer: barycentre sweeps, alternately down and up (ORDER_SWEEPS), keeping the order
 *   with the fewest edge crossings; file order among equals, so a split's branches keep their sides;
 * - x: passes alternately down and up (PLACE_PASSES) that pull each slot to the median of its
 *   neighbours in the layer before, as close as the layer's order and spacing allow (a weighted
 *   least-squares fit under the spacing constraints, solved exactly per layer by pool-adjacent-
 *   violators); passing slots weigh more, so long edges run straight.
 * A band with a cycle or a self-loop goes to elk. The result has elk's shape (ElkGraphOut), so
 * stackBands treats all bands alike. Pure.
 */
import { bandAdjacency } from './chain-layout';
import type { ElkGraphIn, ElkGraphOut } from './graph-layout';

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

/**
 * Each node's layer: its depth (longest path from the band's sources), a source that feeds
 * others moved down to just above its first consumer; null on a cycle or a self-loop.
 */
function layerOf(band: ElkGraphIn, index: ReadonlyMap<string, number>): number[] | null {
  const n = band.children.length;
  const adjacency = bandAdjacency(band, index);
  if (adjacency === null) return null;
  const { next, indegree } = adjacency;
  const depth = new Array<number>(n).fill(0);
  const ready = band.children.flatMap((_, i) => (indegree[i] === 0 ? [i] : []));
  const sources = [...ready];
  for (let k = 0; k < ready.length; k++) {
    const i = ready[k]!;
    for (const j of next[i]!) {
      depth[j] = Math.max(depth[j]!, depth[i]! + 1);
      indegree[j]! -= 1;
      if (indegree[j] === 0) ready.push(j);
    }
  }
  if (ready.length !== n) return null;
  // Every successor of a source is at depth 1 or more, so the source lands at 0 or below nothing it feeds.
  for (const i of sources) if (next[i]!.length > 0) depth[i] = Math.min(...next[i]!.map((j) => depth[j]!)) - 1;
  return depth;
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

/** Lays out a band in layers, or returns null when it has a cycle or a self-loop (elk's job). */
export function layoutLayered(band: ElkGraphIn): ElkGraphOut | null {
  const index = new Map(band.children.map((c, i) => [c.id, i]));
  const depth = layerOf(band, index);
  if (!depth) return null;
  const layerCount = band.children.length === 0 ? 0 : Math.max(...depth) + 1;
  const layers: Slot[][] = Array.from({ length: layerCount }, () => []);
  const slotOf: Slot[] = band.children.map((child, i) => {
    const slot: Slot = { node: i, width: child.width, layer: depth[i]!, order: layers[depth[i]!]!.length, x: 0, up: [], down: [], satellite: false };
    layers[depth[i]!]!.push(slot);
    return slot;
  });
  const join = (a: Slot, b: Slot): void => {
    a.down.push(b);
    b.up.push(a);
  };
  // Each edge as the chain of slots it passes: its producer, a passing slot per layer between, its consumer.
  const routes = band.edges.map((edge) => {
    const a = index.get(edge.sources[0]!)!;
    const b = index.get(edge.targets[0]!)!;
    const route: Slot[] = [slotOf[a]!];
    for (let d = depth[a]! + 1; d < depth[b]!; d++) {
      const pass: Slot = { node: -1, width: PASS_WIDTH, layer: d, order: layers[d]!.length, x: 0, up: [], down: [], satellite: false };
      join(route[route.length - 1]!, pass);
      layers[d]!.push(pass);
      route.push(pass);
    }
    join(route[route.length - 1]!, slotOf[b]!);
    route.push(slotOf[b]!);
    return route;
  });

  for (const slot of slotOf) {
    const consumer = slot.down[0];
    slot.satellite = slot.up.length === 0 && slot.down.length === 1 && consumer!.up.some((s) => s.up.length > 0 || s.node < 0);
  }

  // Order: one sweep down from file order, then sweeps up and down, keeping the best order seen.
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

  // x: each layer packed and centred on 0, then pulled towards its neighbours, pass by pass.
  for (const layer of layers) placeLayer(layer, layer.map(() => 0), layer.map(() => 1));
  for (let p = 0; p < PLACE_PASSES; p++) {
    const downwards = (PLACE_PASSES - 1 - p) % 2 === 0;
    for (let k = 1; k < layers.length; k++) placeTowards(layers[downwards ? k : layers.length - 1 - k]!, downwards);
  }
  // Then the satellites, each as near its consumer as the trunk, which no longer moves, leaves room for.
  for (const layer of layers) if (layer.some((slot) => slot.satellite)) placeLayer(layer, layer.map((slot) => (slot.satellite ? slot.down[0]!.x : slot.x)), layer.map((slot) => (slot.satellite ? LONE_WEIGHT : FIXED_WEIGHT)));

  const slots = layers.flat();
  // A loop, not Math.min(...): a wide band's passing slots can outnumber the arguments a call takes.
  let left = 0;
  let right = 0;
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
  const edges: NonNullable<ElkGraphOut['edges']> = band.edges.map((edge, k) => {
    const route = routes[k]!;
    const a = children[route[0]!.node]!;
    const b = children[route[route.length - 1]!.node]!;
    // Down through each passing slot: in at the top of its layer, out at the bottom.
    const bendPoints = route.slice(1, -1).flatMap((pass) => [
      { x: pass.x, y: layerTop[pass.layer]! },
      { x: pass.x, y: layerTop[pass.layer]! + layerHeight[pass.layer]! },
    ]);
    return { id: edge.id, sections: [{ startPoint: { x: a.x + a.width / 2, y: a.y + a.height }, bendPoints, endPoint: { x: b.x + b.width / 2, y: b.y } }] };
  });
  return { width, height, children, edges };
}

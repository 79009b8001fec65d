/** What the graph layout tests check a drawing for, as a reader of it would notice. */
import type { GraphLayout, LayoutInput, PlacedNode } from '../../../../src/renderer/src/components/graph/graph-layout';

type Point = [number, number];

/** True when the segment from p to q passes through the inside of `box` (Liang–Barsky clipping against the box shrunk by 1 px). */
export function segmentHits([px, py]: Point, [qx, qy]: Point, box: PlacedNode): boolean {
  const [x0, y0, x1, y1] = [box.x + 1, box.y + 1, box.x + box.width - 1, box.y + box.height - 1];
  let t0 = 0;
  let t1 = 1;
  const dx = qx - px;
  const dy = qy - py;
  for (const [p, q] of [[-dx, px - x0], [dx, x1 - px], [-dy, py - y0], [dy, y1 - py]] as const) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** Distance from a point to a box's border (0 on it; inside counts as the distance to the nearest side). */
export function distanceToBorder([x, y]: Point, n: PlacedNode): number {
  const dx = Math.max(n.x - x, 0, x - (n.x + n.width));
  const dy = Math.max(n.y - y, 0, y - (n.y + n.height));
  if (dx > 0 || dy > 0) return Math.hypot(dx, dy);
  return Math.min(x - n.x, n.x + n.width - x, y - n.y, n.y + n.height - y);
}

/** The nodes in a grid of CELL-sized cells, so a segment is tested against the boxes near it only. */
const CELL = 200;
function gridOf(nodes: readonly PlacedNode[]): (p: Point, q: Point) => PlacedNode[] {
  const cells = new Map<string, PlacedNode[]>();
  for (const n of nodes) {
    for (let cx = Math.floor(n.x / CELL); cx <= Math.floor((n.x + n.width) / CELL); cx++) {
      for (let cy = Math.floor(n.y / CELL); cy <= Math.floor((n.y + n.height) / CELL); cy++) {
        const key = `${cx},${cy}`;
        const list = cells.get(key) ?? [];
        list.push(n);
        cells.set(key, list);
      }
    }
  }
  return ([px, py], [qx, qy]) => {
    const near = new Set<PlacedNode>();
    for (let cx = Math.floor(Math.min(px, qx) / CELL); cx <= Math.floor(Math.max(px, qx) / CELL); cx++) {
      for (let cy = Math.floor(Math.min(py, qy) / CELL); cy <= Math.floor(Math.max(py, qy) / CELL); cy++) for (const n of cells.get(`${cx},${cy}`) ?? []) near.add(n);
    }
    return [...near];
  };
}

/**
 * What a reader of the drawing would notice: a node placed twice or not at all, overlapping
 * boxes, an edge that starts or ends off its nodes, or one drawn through a node (a third node,
 * or its own two: an edge leaves and enters its nodes at their borders). Edges between bands
 * are checked as those inside a band are.
 */
export function unreadable(layout: GraphLayout, input: LayoutInput): string[] {
  const problems: string[] = [];
  const placed = layout.nodes.map((n) => n.id).sort();
  const wanted = input.nodes.map((n) => n.id).sort();
  if (placed.join('\n') !== wanted.join('\n')) problems.push(`placed ${placed.length} nodes, not the ${wanted.length} of the graph, once each`);
  if (layout.edges.length !== input.edges.length) problems.push(`drew ${layout.edges.length} edges, not ${input.edges.length}`);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const inBand = layout.bands.map((_, b) => layout.nodes.filter((n) => n.band === b));
  for (const members of inBand) {
    // Sorted by left side: only boxes that start before one ends can overlap it.
    const sorted = [...members].sort((p, q) => p.x - q.x);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.width; j++) {
        const [p, q] = [sorted[i]!, sorted[j]!];
        if (p.y < q.y + q.height && q.y < p.y + p.height) problems.push(`${p.id} overlaps ${q.id}`);
      }
    }
  }
  const near = gridOf(layout.nodes);
  for (const edge of layout.edges) {
    const from = byId.get(edge.from)!;
    const to = byId.get(edge.to)!;
    if (distanceToBorder(edge.points[0]!, from) > 0.01) problems.push(`${edge.from}→${edge.to} does not start on its producer's border`);
    if (distanceToBorder(edge.points.at(-1)!, to) > 0.01) problems.push(`${edge.from}→${edge.to} does not end on its consumer's border`);
    for (let k = 1; k < edge.points.length; k++) {
      const hit = near(edge.points[k - 1]!, edge.points[k]!).find((n) => segmentHits(edge.points[k - 1]!, edge.points[k]!, n));
      if (hit) problems.push(`${edge.from}→${edge.to} runs through ${hit.id}`);
    }
  }
  return problems;
}

/** Pairs of edges between the same two layers of a band that cross (their ends in opposite orders). */
export function crossings(layout: GraphLayout): number {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const centre = (n: PlacedNode): number => n.x + n.width / 2;
  const spans = layout.edges.map((e) => ({ a: byId.get(e.from)!, b: byId.get(e.to)! })).filter(({ a, b }) => a.band === b.band && b.y - a.y < 2 * a.height);
  let count = 0;
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const [p, q] = [spans[i]!, spans[j]!];
      if (p.a.y !== q.a.y || p.b.y !== q.b.y) continue;
      if ((centre(p.a) - centre(q.a)) * (centre(p.b) - centre(q.b)) < 0) count += 1;
    }
  }
  return count;
}

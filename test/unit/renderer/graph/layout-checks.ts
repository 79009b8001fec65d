/** What the graph layout tests check a drawing for, as a reader of it would notice. */
import type { GraphLayout, LayoutInput, PlacedNode } from '../../../../src/renderer/src/components/graph/graph-layout';

/** True when the segment from p to q passes through the inside of `box` (Liang–Barsky clipping against the box shrunk by 1 px). */
function segmentHits([px, py]: [number, number], [qx, qy]: [number, number], box: PlacedNode): boolean {
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

/** What a reader of the drawing would notice: overlapping boxes, an edge that starts or ends off its nodes, or one drawn through a third node. */
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
  for (const edge of layout.edges) {
    const from = byId.get(edge.from)!;
    const to = byId.get(edge.to)!;
    const [sx, sy] = edge.points[0]!;
    const [ex, ey] = edge.points.at(-1)!;
    if (Math.abs(sx - (from.x + from.width / 2)) > 0.01 || Math.abs(sy - (from.y + from.height)) > 0.01) problems.push(`${edge.from}→${edge.to} does not leave its producer's bottom`);
    if (Math.abs(ex - (to.x + to.width / 2)) > 0.01 || Math.abs(ey - to.y) > 0.01) problems.push(`${edge.from}→${edge.to} does not reach its consumer's top`);
    // Only edges inside a band are routed; those between bands are drawn straight by stackBands, as before.
    if (from.band !== to.band) continue;
    const others = inBand[from.band]!.filter((n) => n.id !== edge.from && n.id !== edge.to);
    for (let k = 1; k < edge.points.length; k++) {
      const hit = others.find((n) => segmentHits(edge.points[k - 1]!, edge.points[k]!, n));
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


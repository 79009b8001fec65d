/**
 * Narrow bands laid out without elk (narrow-layout.ts): a network's blocks (splits into two to
 * four branches joined again, residual shortcuts) drawn as layers, every edge joining its two
 * nodes and never running through a third, a split's branches side by side; anything wider, or a
 * cycle, is left to elk.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { bandWithoutElk, layoutGraph, planBands, type ElkGraphIn, type ElkLike, type LayoutInput, type PlacedNode } from '../../../../src/renderer/src/components/graph/graph-layout';
import { layoutNarrow, NARROW_MAX } from '../../../../src/renderer/src/components/graph/narrow-layout';

const noElk: ElkLike = { layout: () => Promise.reject(new Error('elk was asked to lay out a narrow band')) };

/** Blocks of an inception-like network: a stem node splits into `branches` paths of 1, 2, 3... nodes, joined by a Concat. */
function inception(blocks: number, branches: number): LayoutInput {
  const nodes: LayoutInput['nodes'] = [];
  const edges: LayoutInput['edges'] = [];
  const add = (id: string): string => {
    nodes.push({ id, width: 90 + (nodes.length % 4) * 20, height: 50 });
    return id;
  };
  let last = add('input');
  for (let b = 0; b < blocks; b++) {
    const join = `b${b}/concat`;
    const ends: string[] = [];
    for (let p = 0; p < branches; p++) {
      let prev = last;
      for (let k = 0; k <= p % 3; k++) {
        const id = add(`b${b}/p${p}/n${k}`);
        edges.push({ from: prev, to: id, tensor: prev });
        prev = id;
      }
      ends.push(prev);
    }
    add(join);
    for (const end of ends) edges.push({ from: end, to: join, tensor: end });
    last = join;
  }
  return { key: 'main', nodes, edges };
}

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

describe('narrow bands, laid out without elk', () => {
  it('draws 1,200 nodes of four-way inception blocks without asking elk: no overlaps, every edge from its producer to its consumer, none through another node', async () => {
    const input = inception(120, 4);
    const layout = await layoutGraph(noElk, input);
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(input.nodes.map((n) => n.id).sort());
    expect(layout.edges).toHaveLength(input.edges.length);
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const overlapping: string[] = [];
    for (let b = 0; b < layout.bands.length; b++) {
      const members = layout.nodes.filter((n) => n.band === b);
      for (let i = 0; i < members.length; i++) {
        for (let j = i + 1; j < members.length; j++) {
          const [p, q] = [members[i]!, members[j]!];
          if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) overlapping.push(`${p.id} / ${q.id}`);
        }
      }
    }
    expect(overlapping).toEqual([]);
    const wrong: string[] = [];
    for (const edge of layout.edges) {
      const from = byId.get(edge.from)!;
      const to = byId.get(edge.to)!;
      const [sx, sy] = edge.points[0]!;
      const [ex, ey] = edge.points.at(-1)!;
      if (Math.abs(sx - (from.x + from.width / 2)) > 0.01 || Math.abs(sy - (from.y + from.height)) > 0.01) wrong.push(`${edge.from}→${edge.to} does not leave its producer's bottom`);
      if (Math.abs(ex - (to.x + to.width / 2)) > 0.01 || Math.abs(ey - to.y) > 0.01) wrong.push(`${edge.from}→${edge.to} does not reach its consumer's top`);
      // Only edges inside a band are routed; those between bands are drawn straight by stackBands, as before.
      if (from.band !== to.band) continue;
      const others = layout.nodes.filter((n) => n.band === from.band && n.id !== edge.from && n.id !== edge.to);
      for (let k = 1; k < edge.points.length; k++) {
        const hit = others.find((n) => segmentHits(edge.points[k - 1]!, edge.points[k]!, n));
        if (hit) wrong.push(`${edge.from}→${edge.to} runs through ${hit.id}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps a split's branches side by side, the stem and the join centred above and below them", () => {
    const input = inception(1, 2);
    const [job] = planBands(input);
    const out = layoutNarrow(job!.elk)!;
    const at = new Map(out.children!.map((c) => [c.id, c]));
    const centre = (id: string): number => at.get(id)!.x! + at.get(id)!.width! / 2;
    // Branch 0 is one node, branch 1 two: the short branch's edge to the join passes through the second layer's slot beside b0/p1/n1.
    expect(at.get('b0/p0/n0')!.y).toBe(at.get('b0/p1/n0')!.y);
    expect(centre('b0/p0/n0')).toBeLessThan(centre('b0/p1/n0'));
    expect(centre('input')).toBeCloseTo(out.width! / 2, 6);
    expect(centre('b0/concat')).toBeCloseTo(out.width! / 2, 6);
    const passing = out.edges!.find((e) => e.id === `e${input.edges.findIndex((e) => e.from === 'b0/p0/n0')}`)!;
    expect(passing.sections![0]!.bendPoints).toHaveLength(2);
    expect(passing.sections![0]!.bendPoints![0]!.x).toBeLessThan(centre('b0/p1/n1'));
  });

  it(`leaves a band wider than ${NARROW_MAX} slots at one depth, and a cycle, to elk`, async () => {
    const wide = inception(3, NARROW_MAX + 1);
    for (const job of planBands(wide)) expect(layoutNarrow(job.elk)).toBeNull();
    expect(bandWithoutElk(planBands(wide)[0]!)).toBeNull();
    // elk still lays it out, every node placed.
    const layout = await layoutGraph(new ELK() as unknown as ElkLike, wide);
    expect(layout.nodes).toHaveLength(wide.nodes.length);
    const cycle: ElkGraphIn = {
      id: 'c',
      layoutOptions: {},
      children: ['a', 'b', 'c'].map((id) => ({ id, width: 90, height: 50 })),
      edges: [
        { id: 'e0', sources: ['a'], targets: ['b'] },
        { id: 'e1', sources: ['b'], targets: ['c'] },
        { id: 'e2', sources: ['c'], targets: ['b'] },
      ],
    };
    expect(layoutNarrow(cycle)).toBeNull();
  });
});

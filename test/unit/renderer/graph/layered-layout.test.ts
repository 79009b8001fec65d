/**
 * Bands laid out in layers without elk (layered-layout.ts), whatever their width: a network's
 * blocks (splits into two, four, six or twelve branches joined again, residual shortcuts),
 * drawn as layers: no two nodes overlapping, every edge from its producer's bottom to its
 * consumer's top and never through a third node, a split's branches side by side with the stem
 * centred on them; only a cycle is left to elk. A real model: test/unit/shared/graph/real-model-layout.test.ts.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { bandWithoutElk, layoutGraph, planBands, type ElkGraphIn, type ElkLike, type LayoutInput } from '../../../../src/renderer/src/components/graph/graph-layout';
import { layoutLayered } from '../../../../src/renderer/src/components/graph/layered-layout';
import { crossings, unreadable } from './layout-checks';

const noElk: ElkLike = { layout: () => Promise.reject(new Error('elk was asked to lay out a band without a cycle')) };
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

describe('bands laid out in layers, without elk', () => {
  it('draws 1,200 nodes of four-way inception blocks without asking elk: no overlaps, every edge from its producer to its consumer, none through another node', async () => {
    const input = inception(120, 4);
    expect(unreadable(await layoutGraph(noElk, input), input)).toEqual([]);
  });

  it.each([6, 12])('draws %i-way splits (wider than the four the layout once took) without asking elk, readable, no two edges crossing', async (branches) => {
    const input = inception(Math.ceil(1_500 / (2 * branches + 2)), branches);
    const layout = await layoutGraph(noElk, input);
    expect(unreadable(layout, input)).toEqual([]);
    expect(crossings(layout)).toBe(0);
  });

  it("keeps a split's branches side by side, the stem centred over them, a long branch's neighbour running straight down beside it", () => {
    const input = inception(1, 6);
    const [job] = planBands(input);
    const out = layoutLayered(job!.elk)!;
    const at = new Map(out.children!.map((c) => [c.id, c]));
    const centre = (id: string): number => at.get(id)!.x! + at.get(id)!.width! / 2;
    const firsts = [0, 1, 2, 3, 4, 5].map((p) => `b0/p${p}/n0`);
    expect(new Set(firsts.map((id) => at.get(id)!.y)).size).toBe(1);
    const xs = firsts.map(centre);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(centre('input')).toBeCloseTo(xs.reduce((sum, x) => sum + x, 0) / xs.length, 6);
    expect(centre('b0/concat')).toBeGreaterThan(xs[0]!);
    expect(centre('b0/concat')).toBeLessThan(xs[5]!);
    // Branch 0 is one node, branch 2 three: branch 0's edge to the join passes two layers straight down.
    const passing = out.edges!.find((e) => e.id === `e${input.edges.findIndex((e) => e.from === 'b0/p0/n0')}`)!;
    const bends = passing.sections![0]!.bendPoints!;
    expect(bends).toHaveLength(4);
    expect(bends.every((p) => Math.abs(p.x - xs[0]!) < 0.01)).toBe(true);
  });

  it('leaves a band with a cycle to elk, which still lays it out', async () => {
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
    expect(layoutLayered(cycle)).toBeNull();
    expect(bandWithoutElk({ graphKey: 'main', band: 0, elk: cycle })).toBeNull();
    const input: LayoutInput = { key: 'main', nodes: cycle.children, edges: [{ from: 'a', to: 'b', tensor: 'x' }, { from: 'b', to: 'c', tensor: 'y' }, { from: 'c', to: 'b', tensor: 'z' }] };
    expect((await layoutGraph(new ELK() as unknown as ElkLike, input)).nodes).toHaveLength(3);
  });
});


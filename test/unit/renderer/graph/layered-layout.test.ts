/**
 * Bands laid out in layers without elk (layered-layout.ts), whatever their width: a network's
 * blocks (splits into two, four, six or twelve branches joined again, residual shortcuts),
 * drawn as layers: no two nodes overlapping, every edge from its producer's bottom to its
 * consumer's top and never through a third node, a split's branches side by side with the stem
 * centred on them; bands with cycles (a TF.js loop) laid out the same way, their closing edges
 * drawn up the drawing; edges between bands routed through lanes, never through a node. Real
 * models: test/unit/shared/graph/real-model-layout.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { bandWithoutElk, layoutGraph, planBands, stackBands, type ElkGraphIn, type GraphLayout, type LayoutInput } from '../../../../src/renderer/src/components/graph/graph-layout';
import { layoutLayered } from '../../../../src/renderer/src/components/graph/layered-layout';
import { crossings, segmentHits, unreadable } from './layout-checks';
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

describe('bands laid out in layers', () => {
  it('draws 1,200 nodes of four-way inception blocks: no overlaps, every edge from its producer to its consumer, none through a node', () => {
    const input = inception(120, 4);
    expect(unreadable(layoutGraph(input), input)).toEqual([]);
  });

  it.each([6, 12])('draws %i-way splits (wider than the four the layout once took), readable, no two edges crossing', (branches) => {
    const input = inception(Math.ceil(1_500 / (2 * branches + 2)), branches);
    const layout = layoutGraph(input);
    expect(unreadable(layout, input)).toEqual([]);
    expect(crossings(layout)).toBe(0);
  });

  it("keeps a split's branches side by side, the stem centred over them, a long branch's neighbour running straight down beside it", () => {
    const input = inception(1, 6);
    const [job] = planBands(input);
    const out = layoutLayered(job!.elk);
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

  it("draws a loop's closing edge up the drawing, from its producer's top to its consumer's bottom, through no node", () => {
    // A TF v1 while loop: enter → merge → switch → body (3 nodes) → next iteration → merge, and the switch's exit.
    const ids = ['enter', 'merge', 'switch', 'body0', 'body1', 'body2', 'next', 'exit'];
    const chain = [['enter', 'merge'], ['merge', 'switch'], ['switch', 'body0'], ['body0', 'body1'], ['body1', 'body2'], ['body2', 'next'], ['next', 'merge'], ['switch', 'exit']];
    const band: ElkGraphIn = {
      id: 'loop',
      layoutOptions: {},
      children: ids.map((id) => ({ id, width: 100, height: 50 })),
      edges: chain.map(([a, b], k) => ({ id: `e${k}`, sources: [a!], targets: [b!] })),
    };
    const out = bandWithoutElk({ graphKey: 'main', band: 0, elk: band, lanes: { exits: [], entries: [], through: [] } });
    const at = new Map(out.children!.map((c) => [c.id, c]));
    expect(out.edges!.filter((e) => e.back).map((e) => e.id)).toEqual(['e6']);
    // The loop reads top to bottom: merge above its body, the body above next.
    expect(at.get('merge')!.y!).toBeLessThan(at.get('body0')!.y!);
    expect(at.get('body2')!.y!).toBeLessThan(at.get('next')!.y!);
    const input: LayoutInput = { key: 'main', nodes: band.children, edges: chain.map(([from, to]) => ({ from: from!, to: to!, tensor: from! })) };
    const layout = layoutGraph(input);
    expect(unreadable(layout, input)).toEqual([]);
    const back = layout.edges.find((e) => e.back)!;
    const [next, merge] = [layout.nodes.find((n) => n.id === 'next')!, layout.nodes.find((n) => n.id === 'merge')!];
    expect([back.from, back.to]).toEqual(['next', 'merge']);
    expect(back.points[0]![1]).toBeCloseTo(next.y, 6);
    expect(back.points.at(-1)![1]).toBeCloseTo(merge.y + merge.height, 6);
    // Up all the way: every bend above the one before.
    expect(back.points.every((p, i) => i === 0 || p[1] <= back.points[i - 1]![1])).toBe(true);
  });

  it('draws a two-node loop as two lines, not one over the other', () => {
    const input: LayoutInput = { key: 'main', nodes: ['a', 'b'].map((id) => ({ id, width: 100, height: 50 })), edges: [{ from: 'a', to: 'b', tensor: 'x' }, { from: 'b', to: 'a', tensor: 'y' }] };
    const layout = layoutGraph(input);
    expect(unreadable(layout, input)).toEqual([]);
    const [down, up] = layout.edges;
    expect(up!.back).toBe(true);
    expect(down!.points[0]![0]).not.toBeCloseTo(up!.points.at(-1)![0], 1);
  });
});

/** A 5,000-node graph of six-way blocks, every eighth block's first node also reading the block's own join (a cycle in each band), as the bench's looped shape. */
function looped(count: number): LayoutInput {
  const nodes: LayoutInput['nodes'] = [];
  const edges: LayoutInput['edges'] = [];
  let last: string | null = null;
  for (let b = 0; nodes.length < count; b++) {
    const head = `b${b}/head`;
    const join = `b${b}/join`;
    nodes.push({ id: head, width: 100, height: 50 });
    if (last) edges.push({ from: last, to: head, tensor: last });
    if (b % 8 === 0) edges.push({ from: join, to: head, tensor: join });
    for (let p = 0; p < 6; p++) {
      nodes.push({ id: `b${b}/p${p}`, width: 90, height: 50 });
      edges.push({ from: head, to: `b${b}/p${p}`, tensor: head }, { from: `b${b}/p${p}`, to: join, tensor: `b${b}/p${p}` });
    }
    nodes.push({ id: join, width: 100, height: 50 });
    last = join;
  }
  return { key: 'main', nodes, edges };
}

describe('graphs with cycles and edges between bands', () => {
  it('lays out a 5,000-node graph with a cycle in every band: every node once, readable, each cycle closed by one edge drawn up', () => {
    const input = looped(5_000);
    const layout = layoutGraph(input);
    expect(layout.bands.length).toBeGreaterThan(10);
    expect(unreadable(layout, input)).toEqual([]);
    // No band wider than its boxes and the slots beside them: a band drawn left of its centre once kept the empty space to it.
    for (const out of planBands(input).map(bandWithoutElk)) {
      const right = Math.max(...out.children!.map((c) => c.x! + c.width!));
      expect(out.width!).toBeLessThan(right + 100);
    }
    expect(layout.edges.filter((e) => e.back).map((e) => `${e.from}→${e.to}`)).toEqual(input.edges.filter((e) => e.from.endsWith('/join') && e.to.endsWith('/head') && e.from.split('/')[0] === e.to.split('/')[0]).map((e) => `${e.from}→${e.to}`));
  });

  /** A graph whose edges reach far down: a trunk of wide blocks, each block's head also read by a node four blocks on (a band or more below). */
  function farReaching(): LayoutInput {
    const input = inception(150, 4);
    const heads = input.nodes.filter((n) => n.id.endsWith('/concat')).map((n) => n.id);
    for (let b = 0; b + 12 < heads.length; b += 3) {
      const reader = `far${b}`;
      input.nodes.push({ id: reader, width: 110, height: 50 });
      input.edges.push({ from: heads[b]!, to: reader, tensor: heads[b]! }, { from: reader, to: heads[b + 12]!, tensor: reader });
    }
    return input;
  }

  it('routes every edge between bands around the nodes, where a straight line from producer to consumer would cut through some', () => {
    const input = farReaching();
    const layout = layoutGraph(input);
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const between = layout.edges.filter((e) => byId.get(e.from)!.band !== byId.get(e.to)!.band);
    expect(between.length).toBeGreaterThan(20);
    expect(unreadable(layout, input)).toEqual([]);
    // What the drawing did before lanes: straight down from the producer's bottom to the consumer's top.
    const straightThrough = between.filter((e) => {
      const [a, c] = [byId.get(e.from)!, byId.get(e.to)!];
      const line: [[number, number], [number, number]] = [[a.x + a.width / 2, a.y + a.height], [c.x + c.width / 2, c.y]];
      return layout.nodes.some((n) => n !== a && n !== c && segmentHits(line[0], line[1], n));
    });
    expect(straightThrough.length).toBeGreaterThan(0);
  });

  it("shares one lane per band among a producer's edges to later bands", () => {
    const input = farReaching();
    const source = input.nodes[0]!.id;
    const readers = input.nodes.filter((n) => n.id.includes('/p0/')).slice(-40);
    for (const r of readers) input.edges.push({ from: source, to: r.id, tensor: source });
    const jobs = planBands(input);
    const lanesOf = (id: string): number => jobs.reduce((sum, job) => sum + job.lanes.exits.filter((l) => l.id === id).length + job.lanes.through.filter((l) => l === id).length, 0);
    // One exit from the source's band (not one per reader), one through lane in each band between it and the last reader's.
    expect(jobs.flatMap((job) => job.lanes.exits).filter((lane) => lane.node === source)).toHaveLength(1);
    expect(lanesOf(`p:${source}`)).toBeLessThan(jobs.length);
    const layout: GraphLayout = stackBands(input, jobs.map(bandWithoutElk));
    expect(unreadable(layout, input)).toEqual([]);
  });

  it('gives the same drawing for the same graph, run after run', () => {
    const input = looped(1_200);
    expect(JSON.stringify(layoutGraph(input))).toBe(JSON.stringify(layoutGraph(structuredClone(input))));
  });
});

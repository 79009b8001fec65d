import { describe, expect, it } from 'vitest';
import { chainOrder, layoutChain } from '../../../../src/renderer/src/components/graph/chain-layout';
import {
  assignBands,
  BAND_GAP,
  layoutGraph,
  layoutInputs,
  type GraphLayout,
  type LayoutInput,
  type PlacedNode,
} from '../../../../src/renderer/src/components/graph/graph-layout';
import { unreadable } from './layout-checks';
import { chainGraph } from './synthetic-graph';


function overlap(a: PlacedNode, b: PlacedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function checkLayout(layout: GraphLayout, input: LayoutInput): void {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  // No two nodes of a band overlap; bands are stacked with a gap and do not overlap each other.
  for (let b = 0; b < layout.bands.length; b++) {
    const members = layout.nodes.filter((n) => n.band === b);
    expect(members.length).toBe(layout.bands[b]!.nodes);
    const overlapping: string[] = [];
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) if (overlap(members[i]!, members[j]!)) overlapping.push(`${members[i]!.id} / ${members[j]!.id}`);
    expect(overlapping).toEqual([]);
    const band = layout.bands[b]!;
    expect(members.filter((n) => n.y < band.y - 0.01 || n.y + n.height > band.y + band.height + 0.01).map((n) => n.id)).toEqual([]);
    if (b > 0) expect(layout.bands[b]!.y).toBeCloseTo(layout.bands[b - 1]!.y + layout.bands[b - 1]!.height + BAND_GAP, 5);
  }
  // Every edge drawn from its producer's border to its consumer's border, through no node; in a graph without cycles, none runs up a band.
  expect(unreadable(layout, input)).toEqual([]);
  expect(layout.edges.filter((e) => byId.get(e.to)!.band < byId.get(e.from)!.band).map((e) => `${e.from}→${e.to}`)).toEqual([]);
}

describe('graph layout in topological bands', () => {
  it('places every node of a 1,200-node network once, without overlaps in a band, with every edge joining its two nodes', () => {
    const graph = chainGraph(1_200);
    const [main] = layoutInputs(graph);
    const layout = layoutGraph(main!, 300);
    expect(layout.bands.length).toBeGreaterThanOrEqual(5);
    checkLayout(layout, main!);
    expect(layout.height).toBe(layout.bands.at(-1)!.y + layout.bands.at(-1)!.height);
  });

  it('lays out a 5,000-deep chain (elkjs alone overflowed the stack on one)', () => {
    const graph = chainGraph(5_000, { skips: false });
    const [main] = layoutInputs(graph);
    const layout = layoutGraph(main!);
    expect(layout.nodes).toHaveLength(5_000);
    expect(layout.edges).toHaveLength(4_999);
    // A chain reads top to bottom: each node below the one before.
    const y = new Map(layout.nodes.map((n) => [n.id, n.y]));
    for (let i = 1; i < 5_000; i++) expect(y.get(`n${i}`)!).toBeGreaterThan(y.get(`n${i - 1}`)!);
  }, 120_000);

  it('keeps bands in topological order and under the size limit, and still places nodes on a cycle', () => {
    const graph = chainGraph(700);
    const [main] = layoutInputs(graph);
    const bands = assignBands(main!, 100);
    const bandOf = new Map(bands.flatMap((ids, b) => ids.map((id) => [id, b] as const)));
    expect(bandOf.size).toBe(graph.nodes.length);
    for (const ids of bands) expect(ids.length).toBeLessThanOrEqual(100);
    for (const e of graph.edges) expect(bandOf.get(e.from)!).toBeLessThanOrEqual(bandOf.get(e.to)!);

    const cyclic = { key: 'main', nodes: ['a', 'b', 'c'].map((id) => ({ id, width: 90, height: 50 })), edges: [{ from: 'a', to: 'b', tensor: 'x' }, { from: 'b', to: 'c', tensor: 'y' }, { from: 'c', to: 'b', tensor: 'z' }] };
    expect(assignBands(cyclic).flat().sort()).toEqual(['a', 'b', 'c']);
  });

  it('lays out each subgraph on its own and leaves out edges from the outer graph into a body', () => {
    const graph = chainGraph(20, { bodies: 2 });
    const inputs = layoutInputs(graph);
    expect(inputs.map((i) => i.key)).toEqual(['main', 'body0', 'body1']);
    expect(inputs[1]!.nodes.map((n) => n.id)).toEqual(['body0/a', 'body0/b']);
    expect(inputs[1]!.edges).toEqual([{ from: 'body0/a', to: 'body0/b', tensor: 'body0_a' }]);
    const body = layoutGraph(inputs[1]!);
    checkLayout(body, inputs[1]!);
    const mainNodes = graph.nodes.filter((n) => n.subgraph === null).length;
    expect(inputs[0]!.nodes).toHaveLength(mainNodes);
  });
});

/** A trunk of `count` nodes, each feeding the next, every fifth also reading the output from four back (the bench's chain). */
function trunk(count: number): LayoutInput {
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}`, width: 90 + (i % 3) * 30, height: 50 }));
  const edges: LayoutInput['edges'] = [];
  for (let i = 1; i < count; i++) {
    edges.push({ from: `n${i - 1}`, to: `n${i}`, tensor: `t${i - 1}` });
    if (i % 5 === 4 && i >= 5) edges.push({ from: `n${i - 4}`, to: `n${i}`, tensor: `t${i - 4}` });
  }
  return { key: 'main', nodes, edges };
}

describe('chain bands, laid out as one column', () => {
  it('draws a 5,000-node trunk with skip connections as one column, every edge joining its two nodes and none through a node', () => {
    const input = trunk(5_000);
    const layout = layoutGraph(input);
    checkLayout(layout, input);
    // One column: every node centred on the same axis, each below the one before.
    const centres = new Set(layout.nodes.map((n) => Math.round(n.x + n.width / 2)));
    expect(centres).toEqual(new Set([0]));
    for (let i = 1; i < 5_000; i++) expect(layout.nodes[i]!.y).toBeGreaterThan(layout.nodes[i - 1]!.y + layout.nodes[i - 1]!.height);
    // A skip leaves the column for a lane beside it and never runs through a node.
    const skip = layout.edges.find((e) => e.from === 'n5' && e.to === 'n9')!;
    const laneX = skip.points[1]![0];
    expect(laneX).toBeGreaterThan(Math.max(...layout.nodes.map((n) => n.x + n.width)));
  });

  it('gives nested skips their own lanes, so two skips never share a stretch of lane', () => {
    const band = {
      id: 'b',
      layoutOptions: {},
      children: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, width: 100, height: 50 })),
      edges: [
        ...['ab', 'bc', 'cd', 'de'].map((p, k) => ({ id: `c${k}`, sources: [p[0]!], targets: [p[1]!] })),
        { id: 's1', sources: ['a'], targets: ['e'] },
        { id: 's2', sources: ['b'], targets: ['d'] },
      ],
    };
    const order = chainOrder(band);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    const out = layoutChain(band, order!);
    const lane = (id: string) => out.edges!.find((e) => e.id === id)!.sections![0]!.bendPoints![0]!.x;
    expect(lane('s1')).not.toBe(lane('s2'));
    // Centred: the column is the middle of the band.
    const a = out.children!.find((c) => c.id === 'a')!;
    expect(a.x! + a.width! / 2).toBeCloseTo(out.width! / 2, 5);
  });

  it('leaves a band with a branch (two nodes at one depth) or a cycle to the layered layout', () => {
    const branch = {
      id: 'b',
      layoutOptions: {},
      children: ['a', 'b', 'c', 'd'].map((id) => ({ id, width: 100, height: 50 })),
      edges: [
        { id: 'e0', sources: ['a'], targets: ['b'] },
        { id: 'e1', sources: ['a'], targets: ['c'] },
        { id: 'e2', sources: ['b'], targets: ['d'] },
        { id: 'e3', sources: ['c'], targets: ['d'] },
      ],
    };
    expect(chainOrder(branch)).toBeNull();
    // Two sources are two nodes at depth 0.
    expect(chainOrder({ ...branch, edges: [] })).toBeNull();
    expect(chainOrder({ ...branch, children: branch.children.slice(0, 2), edges: [{ id: 'e0', sources: ['a'], targets: ['b'] }, { id: 'e1', sources: ['b'], targets: ['a'] }] })).toBeNull();
  });
});

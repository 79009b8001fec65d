/** The layered layout's cycle breaking (cycle-break.ts): the back edges of a depth-first search, reversed. */
import { describe, expect, it } from 'vitest';
import { backEdges } from '../../../../src/renderer/src/components/graph/cycle-break';

/** Kahn's algorithm on the edges with `reversed` turned round: each node's longest-path rank, or null when a cycle is left. */
function ranks(n: number, edges: ReadonlyArray<readonly [number, number]>, reversed: ReadonlySet<number>): number[] | null {
  const next: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  edges.forEach(([a, b], k) => {
    if (a === b) return;
    const [from, to] = reversed.has(k) ? [b, a] : [a, b];
    next[from]!.push(to);
    indegree[to]! += 1;
  });
  const rank = new Array<number>(n).fill(0);
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  for (let k = 0; k < ready.length; k++) {
    for (const j of next[ready[k]!]!) {
      rank[j] = Math.max(rank[j]!, rank[ready[k]!]! + 1);
      if (--indegree[j]! === 0) ready.push(j);
    }
  }
  return ready.length === n ? rank : null;
}

/** A seeded graph of `n` nodes: a random DAG in index order plus `cycles` edges pointing back. */
function randomGraph(n: number, forward: number, cycles: number, seed: number): Array<[number, number]> {
  let state = seed;
  const next = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const edges: Array<[number, number]> = [];
  for (let k = 0; k < forward; k++) {
    const a = Math.floor(next() * (n - 1));
    edges.push([a, a + 1 + Math.floor(next() * Math.min(20, n - a - 1))]);
  }
  for (let k = 0; k < cycles; k++) {
    const b = 1 + Math.floor(next() * (n - 1));
    edges.push([b, Math.max(0, b - 1 - Math.floor(next() * 30))]);
  }
  return edges;
}

describe('cycle breaking for the layered layout', () => {
  it('reverses nothing in a graph without cycles', () => {
    expect(backEdges(2_000, randomGraph(2_000, 5_000, 0, 7)).size).toBe(0);
  });

  it.each([1, 2, 3])('leaves every node a rank, the reversed edges turned round and every other edge pointing down (seed %i)', (seed) => {
    const n = 3_000;
    const edges = randomGraph(n, 6_000, 300, seed);
    const reversed = backEdges(n, edges);
    const rank = ranks(n, edges, reversed);
    expect(rank, 'a cycle is left').not.toBeNull();
    expect(rank).toHaveLength(n);
    const wrong = edges.filter(([a, b], k) => a !== b && (reversed.has(k) ? rank![a]! <= rank![b]! : rank![a]! >= rank![b]!));
    expect(wrong).toEqual([]);
    // Only edges that close a cycle are turned: fewer than the back edges put in, and some of them.
    expect(reversed.size).toBeGreaterThan(0);
    expect(reversed.size).toBeLessThanOrEqual(300);
  });

  it("cuts a loop entered from above at the edge that closes it, and a loop's known closing edge even when the search meets the loop elsewhere first", () => {
    // 0 enter → 1 merge → 2 switch → 3 body → 4 next → 1; 5, a constant the switch reads.
    const loop: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 1], [5, 2]];
    expect([...backEdges(6, loop)]).toEqual([4]);
    // The constant first: the search comes in at the switch, and cuts merge → switch instead...
    const constantFirst: Array<[number, number]> = [[5, 2], [0, 1], [1, 2], [2, 3], [3, 4], [4, 1]];
    const order = [5, 0, 1, 2, 3, 4];
    const renamed = constantFirst.map(([a, b]) => [order.indexOf(a), order.indexOf(b)] as [number, number]);
    expect([...backEdges(6, renamed)]).toEqual([2]);
    // ...unless it is told which edge closes the loop (the format's NextIteration → Merge).
    expect([...backEdges(6, renamed, new Set([5]))]).toEqual([5]);
  });

  it('turns a self-loop and a cycle with no way in from a source, and gives the same answer every time', () => {
    const edges: Array<[number, number]> = [[0, 0], [1, 2], [2, 3], [3, 1]];
    expect([...backEdges(4, edges)].sort()).toEqual([0, 3]);
    const big = randomGraph(5_000, 10_000, 500, 11);
    expect([...backEdges(5_000, big)]).toEqual([...backEdges(5_000, big)]);
  });

  it('follows a 100,000-deep path without overflowing the stack', () => {
    const edges = Array.from({ length: 100_000 }, (_, i): [number, number] => [i, (i + 1) % 100_000]);
    expect([...backEdges(100_000, edges)]).toEqual([99_999]);
  });
});

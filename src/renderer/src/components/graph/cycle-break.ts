/**
 * Makes a band acyclic for the layered layout (layered-layout.ts) the classic way: the back edges
 * of a depth-first search are reversed (Sugiyama's first step; elk's DEPTH_FIRST cycle breaker).
 * Cycles come from TF.js graph models with TF v1 control flow: a while loop is Enter → Merge →
 * Switch → body → NextIteration → Merge, and the edge back into the Merge closes it (the real
 * handtrack.json of @vladmandic/human has six). ONNX Loop and If bodies and TFLite WHILE bodies
 * are subgraphs, laid out each on its own, and acyclic.
 *
 * The search starts from the band's sources, in band order, then from any node not reached yet
 * (a cycle with no way in from a source), also in band order: a loop entered from above is cut
 * at the edge that closes it (NextIteration → Merge), not inside its body. Deterministic, linear
 * in the band's nodes and edges, and iterative (a 5,000-deep path must not overflow the stack).
 * Pure.
 */

/**
 * The edges (as indices into `edges`) whose reversal leaves the graph of `n` nodes acyclic; a
 * self-loop is always one. Edges in `known` (a loop's closing edges, by the format's own account)
 * are reversed first, and the search breaks whatever cycles remain.
 */
export function backEdges(n: number, edges: ReadonlyArray<readonly [number, number]>, known: ReadonlySet<number> = new Set()): Set<number> {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Uint32Array(n);
  const head = (k: number): number => edges[k]![known.has(k) ? 0 : 1];
  edges.forEach(([a, b], k) => {
    const [from, to] = known.has(k) ? [b, a] : [a, b];
    out[from]!.push(k);
    indegree[to]! += 1;
  });
  /** 0: not reached, 1: on the search's current path, 2: done. */
  const state = new Uint8Array(n);
  const back = new Set<number>();
  // The path as nodes and, for each, the position of the next of its edges to follow.
  const path: number[] = [];
  const nextEdge: number[] = [];
  const search = (root: number): void => {
    state[root] = 1;
    path.push(root);
    nextEdge.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const v = path[top]!;
      const k = out[v]![nextEdge[top]!];
      if (k === undefined) {
        state[v] = 2;
        path.pop();
        nextEdge.pop();
        continue;
      }
      nextEdge[top]! += 1;
      const w = head(k);
      if (state[w] === 1) back.add(k);
      else if (state[w] === 0) {
        state[w] = 1;
        path.push(w);
        nextEdge.push(0);
      }
    }
  };
  for (let v = 0; v < n; v++) if (indegree[v] === 0 && state[v] === 0) search(v);
  for (let v = 0; v < n; v++) if (state[v] === 0) search(v);
  // Reversed once: the known edges the search left alone, and the others it found.
  const reversed = new Set<number>();
  for (let k = 0; k < edges.length; k++) if (known.has(k) !== back.has(k) || edges[k]![0] === edges[k]![1]) reversed.add(k);
  return reversed;
}

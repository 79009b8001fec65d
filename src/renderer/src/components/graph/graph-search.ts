/** The graph view's search: nodes whose name or op contains the query, best matches first. Pure. */
import type { GraphNode } from '../../../../shared/model-graph';

/**
 * Matches of `query` (case-insensitive) in node names, ids and ops: an exact name first, then
 * names that contain it, then ops that contain it, each group in file order. Empty query: none.
 */
export function searchNodes(nodes: readonly GraphNode[], query: string): GraphNode[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const exact: GraphNode[] = [];
  const inName: GraphNode[] = [];
  const inOp: GraphNode[] = [];
  for (const node of nodes) {
    const name = (node.name || node.id).toLowerCase();
    if (name === q) exact.push(node);
    else if (name.includes(q) || node.id.toLowerCase().includes(q)) inName.push(node);
    else if (node.op.toLowerCase().includes(q)) inOp.push(node);
  }
  return [...exact, ...inName, ...inOp];
}

/** The match after `current` (Enter) or before it (Shift+Enter), wrapping; 0 when nothing was shown yet. */
export function cycleMatch(current: number | null, count: number, backwards = false): number | null {
  if (count === 0) return null;
  if (current === null) return backwards ? count - 1 : 0;
  return (current + (backwards ? count - 1 : 1)) % count;
}

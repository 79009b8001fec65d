/** `edgebench inspect --graph` without --json: the model's nodes as a readable list, each subgraph under its name. */
import type { GraphNode, ModelGraph } from '../shared/model-graph';
import { MODEL_FORMATS } from '../shared/plugins/model-formats';

/** One line per node, `op  id  inputs → outputs`, indented by subgraph depth under a line naming the subgraph. */
export function formatModelGraph(file: string, graph: ModelGraph): string {
  const inSubgraphs = graph.nodes.filter((node) => node.subgraph !== null).length;
  const subgraphPart = graph.subgraphs.length > 0 ? ` (${inSubgraphs} of them in ${graph.subgraphs.length} subgraph(s))` : '';
  const lines = [`${file}: ${MODEL_FORMATS[graph.format].label} graph, ${graph.nodes.length} node(s)${subgraphPart}, ${graph.edges.length} edge(s)`];
  const depth = subgraphDepths(graph);
  const label = new Map(graph.subgraphs.map((subgraph) => [subgraph.id, subgraph.label]));
  let current: string | null = null;
  for (const node of graph.nodes) {
    const level = node.subgraph === null ? 0 : (depth.get(node.subgraph) ?? 1);
    if (node.subgraph !== current) {
      current = node.subgraph;
      lines.push(current === null ? '  (main graph)' : `${'  '.repeat(level)}[${label.get(current) ?? current}]`);
    }
    lines.push(`${'  '.repeat(level + 1)}${nodeLine(node)}`);
  }
  if (graph.notes.length > 0) lines.push('', ...graph.notes.map((note) => `Note: ${note}`));
  return lines.join('\n');
}

function nodeLine(node: GraphNode): string {
  const name = node.name !== '' && node.name !== node.id ? `${node.id} ('${node.name}')` : node.id;
  const list = (names: string[]) => (names.length === 0 ? '-' : names.map((n) => (n === '' ? '(none)' : n)).join(', '));
  return `${node.op}  ${name}  ${list(node.inputs)} → ${list(node.outputs)}`;
}

/** A subgraph's nesting depth: 1 inside a main-graph node, 2 inside a node of such a subgraph... */
function subgraphDepths(graph: ModelGraph): Map<string, number> {
  const nodeSubgraph = new Map(graph.nodes.map((node) => [node.id, node.subgraph]));
  const owner = new Map(graph.subgraphs.map((subgraph) => [subgraph.id, subgraph.ownerNode]));
  const depths = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    const ownerNode = owner.get(id) ?? null;
    const parent = ownerNode === null ? null : (nodeSubgraph.get(ownerNode) ?? null);
    const depth = parent === null || seen.has(parent) ? 1 : depthOf(parent, new Set([...seen, id])) + 1;
    depths.set(id, depth);
    return depth;
  };
  for (const subgraph of graph.subgraphs) depthOf(subgraph.id, new Set());
  return depths;
}

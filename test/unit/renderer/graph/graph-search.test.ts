import { describe, expect, it } from 'vitest';
import { cycleMatch, searchNodes } from '../../../../src/renderer/src/components/graph/graph-search';
import { chainGraph } from './synthetic-graph';

describe('graph search', () => {
  const graph = chainGraph(30);
  it('finds nodes by name (exact name first) and by op, case-insensitively', () => {
    expect(searchNodes(graph.nodes, 'LAYER_2').map((n) => n.name)).toEqual(['layer_2', 'layer_20', 'layer_21', 'layer_22', 'layer_23', 'layer_24', 'layer_25', 'layer_26', 'layer_27', 'layer_28', 'layer_29']);
    const relus = searchNodes(graph.nodes, 'relu');
    expect(relus.length).toBe(graph.nodes.filter((n) => n.op === 'Relu').length);
    expect(relus.every((n) => n.op === 'Relu')).toBe(true);
    expect(searchNodes(graph.nodes, '   ')).toEqual([]);
    expect(searchNodes(graph.nodes, 'no such node')).toEqual([]);
  });
  it('Enter cycles forwards and Shift+Enter backwards, wrapping', () => {
    expect(cycleMatch(null, 3)).toBe(0);
    expect(cycleMatch(0, 3)).toBe(1);
    expect(cycleMatch(2, 3)).toBe(0);
    expect(cycleMatch(null, 3, true)).toBe(2);
    expect(cycleMatch(0, 3, true)).toBe(2);
    expect(cycleMatch(null, 0)).toBeNull();
  });
});

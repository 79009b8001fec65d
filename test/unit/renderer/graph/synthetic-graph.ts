/**
 * Model graphs for the graph view's tests: a network-like chain (every node feeds the next, every
 * fifth also takes a skip connection from three back, every seventh fans out to a side branch),
 * plus optional If bodies as subgraphs.
 */
import type { GraphEdge, GraphNode, ModelGraph } from '../../../../src/shared/model-graph';

export function chainGraph(count: number, options: { skips?: boolean; bodies?: number } = {}): ModelGraph {
  const skips = options.skips ?? true;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const tensors: ModelGraph['tensors'] = {};
  const ops = ['Conv', 'Relu', 'Add', 'MatMul', 'BatchNormalization', 'Sigmoid', 'Mul'];
  for (let i = 0; i < count; i++) {
    const inputs = i === 0 ? ['input'] : [`t${i - 1}`];
    if (skips && i % 5 === 0 && i >= 3) inputs.push(`t${i - 3}`);
    nodes.push({ id: `n${i}`, name: `layer_${i}`, op: ops[i % ops.length]!, inputs, outputs: [`t${i}`], attributes: {}, subgraph: null });
    tensors[`t${i}`] = { name: `t${i}`, dtype: 'float32', shape: [1, 64], role: 'activation', quantized: false };
    if (i > 0) edges.push({ from: `n${i - 1}`, to: `n${i}`, tensor: `t${i - 1}` });
    if (skips && i % 5 === 0 && i >= 3) edges.push({ from: `n${i - 3}`, to: `n${i}`, tensor: `t${i - 3}` });
  }
  // Side branches: every seventh node's output also feeds a node off the chain.
  if (skips) {
    for (let i = 0; i < count; i += 7) {
      const id = `side${i}`;
      nodes.push({ id, name: `side_${i}`, op: 'Identity', inputs: [`t${i}`], outputs: [`s${i}`], attributes: {}, subgraph: null });
      edges.push({ from: `n${i}`, to: id, tensor: `t${i}` });
    }
  }
  const subgraphs: ModelGraph['subgraphs'] = [];
  for (let b = 0; b < (options.bodies ?? 0); b++) {
    const sub = `body${b}`;
    subgraphs.push({ id: sub, label: `then_branch of If_${b}`, ownerNode: 'n0' });
    nodes.push({ id: `${sub}/a`, name: `${sub}_relu`, op: 'Relu', inputs: ['t0'], outputs: [`${sub}_a`], attributes: {}, subgraph: sub });
    nodes.push({ id: `${sub}/b`, name: `${sub}_neg`, op: 'Neg', inputs: [`${sub}_a`], outputs: [`${sub}_b`], attributes: {}, subgraph: sub });
    edges.push({ from: `${sub}/a`, to: `${sub}/b`, tensor: `${sub}_a` });
    // An outer-scope value read inside the body: the edge joins two drawings.
    edges.push({ from: 'n0', to: `${sub}/a`, tensor: 't0' });
  }
  tensors.input = { name: 'input', dtype: 'float32', shape: [1, 64], role: 'input', quantized: false };
  return { format: 'onnx', nodes, edges, subgraphs, tensors, notes: [] };
}

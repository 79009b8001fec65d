/**
 * What every format's graph reader shares: node ids (unique and stable), subgraph ids, the tensor
 * table, and edges from each tensor's producer to its consumers, resolved through nested scopes
 * (an ONNX If/Loop/Scan body sees the outer graph's tensors, so a body node that reads one gets
 * an edge from the outer producer).
 */
import type { GraphEdge, GraphNode, GraphSubgraph, GraphTensor, ModelGraph } from '../../../shared/model-graph';
import type { ModelFormat } from '../../../shared/plugins/model-formats';

/** Where tensor names resolve: a graph's own producers, then its enclosing graph's. */
export class Scope {
  /** Tensor name → index of the node that produces it, in this graph. */
  readonly producers = new Map<string, number>();

  constructor(
    /** Index into the builder's subgraphs, or null for the main graph. */
    readonly subgraph: number | null,
    readonly parent: Scope | null = null,
  ) {}

  producer(tensor: string): number | undefined {
    return this.producers.get(tensor) ?? this.parent?.producer(tensor);
  }
}

interface DraftNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, string>;
  scope: Scope;
}

interface DraftSubgraph {
  /** The node that holds it and the attribute naming it (ONNX), or a fixed id and label (TFLite, TF.js functions). */
  owner: { node: number; attribute: string } | null;
  id?: string;
  label?: string;
  /** For a named subgraph: the node that runs it (a TF.js If or PartitionedCall), if any. */
  runBy?: number;
}

type TensorFacts = Partial<Omit<GraphTensor, 'name'>>;

const ROLE_RANK: Record<GraphTensor['role'], number> = { activation: 0, output: 1, input: 2, weight: 3 };

export class GraphBuilder {
  private readonly nodes: DraftNode[] = [];
  private readonly subgraphs: DraftSubgraph[] = [];
  private readonly tensors = new Map<string, GraphTensor>();
  readonly notes: string[] = [];

  constructor(private readonly format: ModelFormat) {}

  /** A subgraph held by a node's attribute (If's then_branch); its id and label come from the node's id. */
  ownedSubgraph(parent: Scope, ownerNode: number, attribute: string): Scope {
    this.subgraphs.push({ owner: { node: ownerNode, attribute } });
    return new Scope(this.subgraphs.length - 1, parent);
  }

  /** A subgraph of its own (a TFLite subgraph, a TF.js function body), with a fixed id and label, and the node that runs it if known. */
  namedSubgraph(id: string, label: string, parent: Scope | null = null, runBy?: number): Scope {
    this.subgraphs.push({ owner: null, id, label, ...(runBy !== undefined ? { runBy } : {}) });
    return new Scope(this.subgraphs.length - 1, parent);
  }

  /** Adds a node; returns its index (its id is given when the graph is built). Its outputs are produced in `scope`. */
  addNode(scope: Scope, node: Omit<DraftNode, 'scope'>): number {
    const index = this.nodes.length;
    this.nodes.push({ ...node, scope });
    for (const output of node.outputs) if (output !== '' && !scope.producers.has(output)) scope.producers.set(output, index);
    for (const name of [...node.inputs, ...node.outputs]) if (name !== '') this.tensor(name, {});
    return index;
  }

  /** Records what is known of a tensor; what was recorded first wins, except that a weight/input/output role outranks 'activation'. */
  tensor(name: string, facts: TensorFacts): void {
    const known = this.tensors.get(name);
    if (!known) {
      this.tensors.set(name, {
        name,
        dtype: facts.dtype ?? null,
        shape: facts.shape ?? null,
        role: facts.role ?? 'activation',
        quantized: facts.quantized ?? false,
        ...(facts.stats ? { stats: facts.stats } : {}),
        ...(facts.storedAs ? { storedAs: facts.storedAs } : {}),
      });
      return;
    }
    if (known.dtype === null && facts.dtype) known.dtype = facts.dtype;
    if (known.shape === null && facts.shape) known.shape = facts.shape;
    if (facts.role && ROLE_RANK[facts.role] > ROLE_RANK[known.role]) known.role = facts.role;
    if (facts.quantized) known.quantized = true;
    if (!known.stats && facts.stats) known.stats = facts.stats;
    if (!known.storedAs && facts.storedAs) known.storedAs = facts.storedAs;
  }

  hasTensor(name: string): boolean {
    return this.tensors.has(name);
  }

  build(): ModelGraph {
    const ids = assignIds(this.nodes);
    const subgraphs: GraphSubgraph[] = this.subgraphs.map((draft, index) => {
      if (!draft.owner) return { id: draft.id ?? `subgraph_${index}`, label: draft.label ?? `subgraph ${index}`, ownerNode: draft.runBy === undefined ? null : (ids[draft.runBy] ?? null) };
      const owner = ids[draft.owner.node] as string;
      return { id: `${owner}/${draft.owner.attribute}`, label: `${draft.owner.attribute} of ${owner}`, ownerNode: owner };
    });
    const nodes: GraphNode[] = this.nodes.map((draft, index) => ({
      id: ids[index] as string,
      name: draft.name,
      op: draft.op,
      inputs: draft.inputs,
      outputs: draft.outputs,
      attributes: draft.attributes,
      subgraph: draft.scope.subgraph === null ? null : (subgraphs[draft.scope.subgraph]?.id ?? null),
    }));
    const edges: GraphEdge[] = [];
    this.nodes.forEach((draft, index) => {
      const seen = new Set<string>();
      for (const input of draft.inputs) {
        if (input === '' || seen.has(input)) continue;
        seen.add(input);
        const producer = draft.scope.producer(input);
        if (producer !== undefined && producer !== index) edges.push({ from: ids[producer] as string, to: ids[index] as string, tensor: input });
      }
    });
    return { format: this.format, nodes, edges, subgraphs, tensors: Object.fromEntries(this.tensors), notes: this.notes };
  }
}

/**
 * Node ids: a node's name where it is the first to carry it, otherwise (unnamed, or a name used
 * before) `<op>_<position>`, with `_2`, `_3`... when even that is taken. Names are reserved
 * first, so an unnamed node never takes an id a named node's name would have had; the same file
 * always gives the same ids.
 */
function assignIds(nodes: readonly DraftNode[]): string[] {
  const used = new Set<string>();
  const ids: Array<string | undefined> = nodes.map((node) => {
    if (node.name === '' || used.has(node.name)) return undefined;
    used.add(node.name);
    return node.name;
  });
  return ids.map((id, index) => {
    if (id !== undefined) return id;
    const node = nodes[index] as DraftNode;
    const base = node.name === '' ? `${node.op || 'op'}_${index}` : node.name;
    let candidate = base;
    for (let k = 2; used.has(candidate); k += 1) candidate = `${base}_${k}`;
    used.add(candidate);
    return candidate;
  });
}

/**
 * State one quantization pass shares: the float model and its index, tensor types, fresh
 * names, exclusions, the skipped list, and the initializers the pass adds. `finish` assembles
 * the edited model and drops initializers nothing reads any more (the float weights that were
 * replaced), looking into subgraphs too, since If/Loop bodies may read outer tensors.
 */
import { StudioError } from '../../shared/errors';
import type { OnnxGraphSpec, OnnxModelSpec, OnnxNodeSpec, OnnxTensorSpec } from '../formats/onnx/onnx-writer';
import { GraphIndex, NameScope } from './graph';
import type { SkippedNode } from './recipe';
import { inferTensorTypes, isFloat32 } from './tensor-types';

export class QuantContext {
  readonly index: GraphIndex;
  readonly types: Map<string, number>;
  readonly names: NameScope;
  readonly skipped: SkippedNode[] = [];
  readonly quantized: string[] = [];
  readonly added: OnnxTensorSpec[] = [];
  private readonly excludeNames = new Set<string>();
  private readonly excludeOps = new Set<string>();

  constructor(
    readonly spec: OnnxModelSpec,
    exclude: string[],
  ) {
    this.index = new GraphIndex(spec);
    this.types = inferTensorTypes(spec);
    this.names = new NameScope(spec);
    const nodeNames = new Set(spec.nodes.map((node, i) => this.label(node, i)));
    const opTypes = new Set(spec.nodes.map((node) => node.opType));
    for (const entry of exclude) {
      if (nodeNames.has(entry)) this.excludeNames.add(entry);
      if (opTypes.has(entry)) this.excludeOps.add(entry);
      if (!nodeNames.has(entry) && !opTypes.has(entry)) {
        const sample = [...nodeNames].slice(0, 12).join(', ');
        throw new StudioError(
          'BAD_INPUT',
          `The exclusion '${entry}' matches no node name or op type in the model. Node names include: ${sample}; op types: ${[...opTypes].sort().join(', ')}.`,
          { exclude: entry },
        );
      }
    }
  }

  /** A node's name, or "<OpType>_<position>" for unnamed nodes, so every node can be reported and excluded. */
  label(node: OnnxNodeSpec, position = this.spec.nodes.indexOf(node)): string {
    return node.name || `${node.opType}_${position}`;
  }

  isExcluded(node: OnnxNodeSpec): boolean {
    return this.excludeNames.has(this.label(node)) || this.excludeOps.has(node.opType);
  }

  isFloat(name: string): boolean {
    return name !== '' && isFloat32(this.types, name);
  }

  /** Whether the node reads or writes any float32 tensor (only such nodes are worth reporting). */
  touchesFloat(node: OnnxNodeSpec): boolean {
    return [...node.inputs, ...node.outputs].some((name) => this.isFloat(name));
  }

  skip(node: OnnxNodeSpec, reason: string): void {
    this.skipped.push({ node: this.label(node), opType: node.opType, reason });
  }

  /** Adds an initializer under a fresh name derived from `base`, returning the name. */
  addInitializer(base: string, tensor: Omit<OnnxTensorSpec, 'name'>): string {
    const name = this.names.fresh(base);
    this.added.push({ name, ...tensor });
    return name;
  }

  finish(nodes: OnnxNodeSpec[], overrides: Partial<OnnxModelSpec> = {}): OnnxModelSpec {
    const used = new Set<string>();
    collectReads(nodes, used);
    for (const output of this.spec.outputs) used.add(output.name);
    const initializers = [...this.spec.initializers, ...this.added].filter((t) => used.has(t.name));
    const kept = new Set(initializers.map((t) => t.name));
    // IR < 4 lists initializers among the inputs; a dropped initializer must leave that list too.
    const inputs = this.spec.inputs.filter((input) => !this.index.initializers.has(input.name) || kept.has(input.name));
    return { ...this.spec, inputs, nodes, initializers, ...overrides };
  }
}

function collectReads(nodes: OnnxNodeSpec[], used: Set<string>): void {
  for (const node of nodes) {
    for (const input of node.inputs) used.add(input);
    for (const value of Object.values(node.attributes ?? {})) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'graph' in value) collectGraphReads(value.graph, used);
    }
  }
}

function collectGraphReads(graph: OnnxGraphSpec, used: Set<string>): void {
  collectReads(graph.nodes, used);
  for (const output of graph.outputs) used.add(output.name);
}

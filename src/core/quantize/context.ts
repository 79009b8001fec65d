/**
 * State a quantization pass shares. QuantRun holds what spans the model (fresh names,
 * exclusions, what was quantized or skipped and why); QuantContext is one graph of it (the main
 * graph or an If/Loop/Scan body, which sees the enclosing graph's tensors): its index, tensor
 * types, and the initializers the pass adds. `QuantRun.finish` drops the float weights that were
 * replaced once nothing reads them, looking into subgraphs too, since bodies may read outer tensors.
 */
import { StudioError } from '../../shared/errors';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../formats/onnx/generated/onnx_pb';
import { forEachGraph, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { float32Values } from '../formats/onnx/onnx-tensors';
import type { OnnxTensorSpec } from '../formats/onnx/onnx-writer';
import { GraphIndex, NameScope, newTensor, nodeReads } from './graph';
import type { SkippedNode } from './recipe';
import { inferTensorTypes, isFloat32 } from './tensor-types';

export class QuantRun {
  readonly names: NameScope;
  readonly skipped: SkippedNode[] = [];
  readonly quantized: string[] = [];
  /** Weights (initializers or Constant outputs) a pass stopped reading; dropped at the end if nothing else reads them. */
  readonly replaced = new Set<string>();
  private readonly excludeNames = new Set<string>();
  private readonly excludeOps = new Set<string>();
  private readonly labels = new Map<NodeProto, string>();

  constructor(
    readonly model: ModelProto,
    exclude: string[],
  ) {
    this.names = new NameScope(model);
    this.labelGraph(model.graph as GraphProto, '');
    const nodeNames = new Set(this.labels.values());
    const opTypes = new Set([...this.labels.keys()].map((node) => node.opType));
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

  /** Unnamed nodes are "<OpType>_<position>", inside a body prefixed by the body's path ("If_3/then_branch/Conv_0"). */
  private labelGraph(graph: GraphProto, prefix: string): void {
    graph.node.forEach((node, position) => {
      const label = node.name || `${prefix}${node.opType}_${position}`;
      this.labels.set(node, label);
      for (const { attribute, graph: sub } of nodeSubgraphs(node)) this.labelGraph(sub, `${label}/${attribute}/`);
    });
  }

  label(node: NodeProto): string {
    return this.labels.get(node) ?? (node.name || node.opType);
  }

  isExcluded(node: NodeProto): boolean {
    return this.excludeNames.has(this.label(node)) || this.excludeOps.has(node.opType);
  }

  skip(node: NodeProto, reason: string): void {
    this.skipped.push({ node: this.label(node), opType: node.opType, reason });
  }

  /** Drops replaced weights nothing reads any more: initializers (and their IR < 4 input entries) and Constant nodes. */
  finish(): void {
    if (this.replaced.size === 0 || !this.model.graph) return;
    forEachGraph(this.model.graph, (graph) => {
      const reads = new Set<string>(graph.output.map((o) => o.name));
      for (const node of graph.node) for (const name of nodeReads(node)) reads.add(name);
      const dead = (name: string): boolean => this.replaced.has(name) && !reads.has(name);
      const dropped = new Set(graph.initializer.filter((t) => dead(t.name)).map((t) => t.name));
      graph.initializer = graph.initializer.filter((t) => !dropped.has(t.name));
      // IR < 4 lists initializers among the inputs; a dropped initializer leaves that list too.
      graph.input = graph.input.filter((i) => !dropped.has(i.name));
      graph.node = graph.node.filter((node) => !(node.opType === 'Constant' && node.output.length === 1 && dead(node.output[0] as string)));
    });
  }
}

export class QuantContext {
  readonly index: GraphIndex;
  readonly types: Map<string, number>;
  readonly added: TensorProto[] = [];

  constructor(
    readonly run: QuantRun,
    readonly graph: GraphProto,
    readonly parent?: QuantContext,
  ) {
    this.index = new GraphIndex(graph, parent?.index);
    this.types = inferTensorTypes(graph, parent?.types);
  }

  get names(): NameScope {
    return this.run.names;
  }

  label(node: NodeProto): string {
    return this.run.label(node);
  }

  isExcluded(node: NodeProto): boolean {
    return this.run.isExcluded(node);
  }

  skip(node: NodeProto, reason: string): void {
    this.run.skip(node, reason);
  }

  markQuantized(node: NodeProto): void {
    this.run.quantized.push(this.label(node));
  }

  isFloat(name: string): boolean {
    return name !== '' && isFloat32(this.types, name);
  }

  /** Whether the node reads or writes any float32 tensor (only such nodes are worth reporting). */
  touchesFloat(node: NodeProto): boolean {
    return [...node.input, ...node.output].some((name) => this.isFloat(name));
  }

  /** A float32 weight: a constant (initializer or Constant node, here or outside) of type FLOAT with its data. */
  floatWeight(name: string | undefined): { dims: number[]; data: Float32Array } | undefined {
    const tensor = name ? this.index.constant(name) : undefined;
    if (!tensor || tensor.dataType !== 1) return undefined;
    const data = float32Values(tensor);
    return data ? { dims: tensor.dims.map(Number), data } : undefined;
  }

  /** Adds an initializer to this graph under a fresh name derived from `base`, returning the name. */
  addInitializer(base: string, tensor: Omit<OnnxTensorSpec, 'name'>): string {
    const name = this.names.fresh(base);
    this.added.push(newTensor({ name, ...tensor }));
    return name;
  }

  /** Records that a weight is no longer read by the rewritten node (it may be dropped at the end). */
  replacedWeight(name: string): void {
    this.run.replaced.add(name);
  }

  /** Installs the rewritten node list and the new initializers in the graph. */
  finish(nodes: NodeProto[]): void {
    this.graph.node = nodes;
    this.graph.initializer = [...this.graph.initializer, ...this.added];
  }
}


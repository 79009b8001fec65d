/**
 * Helpers for editing one graph of a decoded model (the generated onnx.proto messages): who
 * produces and who reads each tensor, constant weights (initializers or Constant nodes, here or in
 * an enclosing graph), stable fresh names, and new nodes. Quantizers build a new node list in
 * graph order, so edits stay topologically sorted and deterministic.
 */
import { create } from '@bufbuild/protobuf';
import { type GraphProto, type ModelProto, type NodeProto, NodeProtoSchema, type TensorProto } from '../formats/onnx/generated/onnx_pb';
import { attributeOf, isDefaultDomain } from '../formats/onnx/onnx-attributes';
import { allNodes, forEachGraph, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { tensorFromSpec } from '../formats/onnx/onnx-tensors';
import { attributeFromSpec, type OnnxAttributeValue, type OnnxTensorSpec } from '../formats/onnx/onnx-writer';

export { isDefaultDomain } from '../formats/onnx/onnx-attributes';
export { defaultOpsetVersion as defaultOpset } from '../formats/onnx/onnx-codec';

/** Names a subgraph reads from enclosing graphs (its implicit inputs), its own nested subgraphs included. */
export function outerReads(graph: GraphProto): Set<string> {
  const defined = new Set<string>([...graph.input.map((i) => i.name), ...graph.initializer.map((t) => t.name)]);
  for (const sparse of graph.sparseInitializer) if (sparse.values) defined.add(sparse.values.name);
  for (const node of graph.node) for (const output of node.output) defined.add(output);
  const reads = new Set<string>();
  for (const node of graph.node) {
    for (const input of node.input) if (input && !defined.has(input)) reads.add(input);
    for (const { graph: sub } of nodeSubgraphs(node)) for (const name of outerReads(sub)) if (!defined.has(name)) reads.add(name);
  }
  for (const output of graph.output) if (!defined.has(output.name)) reads.add(output.name);
  return reads;
}

/** The names a node reads: its inputs, and what its subgraphs read from this graph. */
export function nodeReads(node: NodeProto): string[] {
  const names = node.input.filter((name) => name !== '');
  for (const { graph } of nodeSubgraphs(node)) names.push(...outerReads(graph));
  return names;
}

export class GraphIndex {
  readonly initializers = new Map<string, TensorProto>();
  /** Outputs of this graph's Constant nodes that hold a tensor, with that tensor. */
  readonly constantNodes = new Map<string, { node: NodeProto; tensor: TensorProto }>();
  readonly producer = new Map<string, NodeProto>();
  /** Readers of each tensor; a node whose subgraph reads a tensor counts as its reader. */
  readonly consumers = new Map<string, NodeProto[]>();
  readonly graphOutputs: Set<string>;
  readonly graphInputs: Set<string>;
  /** Names this graph defines (inputs, initializers, node outputs), which hide the enclosing graph's. */
  readonly defined = new Set<string>();

  constructor(
    readonly graph: GraphProto,
    readonly parent?: GraphIndex,
  ) {
    for (const tensor of graph.initializer) this.initializers.set(tensor.name, tensor);
    for (const node of graph.node) {
      for (const output of node.output) if (output) this.producer.set(output, node);
      const value = node.opType === 'Constant' && isDefaultDomain(node) ? attributeOf(node, 'value')?.t : undefined;
      if (value && node.output[0]) this.constantNodes.set(node.output[0], { node, tensor: value });
      for (const input of nodeReads(node)) {
        const list = this.consumers.get(input) ?? [];
        if (!list.includes(node)) list.push(node);
        this.consumers.set(input, list);
      }
    }
    this.graphOutputs = new Set(graph.output.map((o) => o.name));
    this.graphInputs = new Set(graph.input.filter((i) => !this.initializers.has(i.name)).map((i) => i.name));
    for (const name of [...graph.input.map((i) => i.name), ...this.initializers.keys(), ...this.producer.keys()]) this.defined.add(name);
  }

  /**
   * The constant tensor behind a name: an initializer no graph input overrides (IR < 4 lists
   * initializers as inputs too), a Constant node's value, or either of those in an enclosing graph.
   */
  constant(name: string): TensorProto | undefined {
    if (name === '') return undefined;
    if (this.graphInputs.has(name)) return undefined;
    const own = this.initializers.get(name) ?? this.constantNodes.get(name)?.tensor;
    if (own) return own;
    return this.defined.has(name) ? undefined : this.parent?.constant(name);
  }
}

/** Hands out names that collide with nothing in the model, deterministically (base, base_1, base_2...). */
export class NameScope {
  private readonly used = new Set<string>();

  constructor(model: ModelProto) {
    if (model.graph) {
      forEachGraph(model.graph, (graph) => {
        for (const value of [...graph.input, ...graph.output, ...graph.valueInfo]) this.used.add(value.name);
        for (const tensor of graph.initializer) this.used.add(tensor.name);
      });
    }
    for (const node of allNodes(model)) {
      this.used.add(node.name);
      for (const name of [...node.input, ...node.output]) this.used.add(name);
    }
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i += 1) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

/** A new node; attributes as OnnxAttributeValue (bare numbers are INT, floats wrapped). */
export function makeNode(
  opType: string,
  name: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, OnnxAttributeValue> = {},
): NodeProto {
  return create(NodeProtoSchema, {
    input: inputs,
    output: outputs,
    name,
    opType,
    attribute: Object.entries(attributes).map(([key, value]) => attributeFromSpec({ name, opType }, key, value)),
  });
}

/**
 * A shallow copy of a node with other inputs and outputs: attributes (subgraphs included, shared),
 * domain, doc string and fields newer than onnx.proto (unknown fields) are kept. protobuf-es keeps
 * proto2 defaults on the message's prototype and set fields as own properties, so the copy keeps both.
 */
export function withIO(node: NodeProto, inputs: string[], outputs: string[], name = node.name): NodeProto {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(node) as object) as NodeProto, node);
  copy.input = inputs;
  copy.output = outputs;
  if (name !== node.name) copy.name = name;
  return copy;
}

export function newTensor(tensor: OnnxTensorSpec): TensorProto {
  return tensorFromSpec(tensor);
}

export function elementCount(dims: number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

/** Round half to even, as QuantizeLinear does, so our rounding of weights matches the runtime's. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

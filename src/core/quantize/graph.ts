/**
 * Helpers for editing an OnnxModelSpec: who produces and who reads each tensor, stable fresh
 * names, attribute access, and new initializers. Quantizers build a new node list in graph
 * order, so edits stay topologically sorted and deterministic.
 */
import type { OnnxAttributeValue, OnnxModelSpec, OnnxNodeSpec, OnnxTensorSpec } from '../formats/onnx/onnx-writer';

/** The default ONNX domain may be spelled '' or 'ai.onnx'. */
export function isDefaultDomain(node: OnnxNodeSpec): boolean {
  return node.domain === undefined || node.domain === '' || node.domain === 'ai.onnx';
}

/** The version of the default-domain opset the model imports (0 if none). */
export function defaultOpset(spec: OnnxModelSpec): number {
  return spec.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}

export class GraphIndex {
  readonly initializers = new Map<string, OnnxTensorSpec>();
  readonly producer = new Map<string, OnnxNodeSpec>();
  readonly consumers = new Map<string, OnnxNodeSpec[]>();
  readonly graphOutputs: Set<string>;
  readonly graphInputs: Set<string>;

  constructor(readonly spec: OnnxModelSpec) {
    for (const tensor of spec.initializers) this.initializers.set(tensor.name, tensor);
    for (const node of spec.nodes) {
      for (const output of node.outputs) if (output) this.producer.set(output, node);
      for (const input of node.inputs) {
        if (!input) continue;
        const list = this.consumers.get(input) ?? [];
        if (!list.includes(node)) list.push(node);
        this.consumers.set(input, list);
      }
    }
    this.graphOutputs = new Set(spec.outputs.map((o) => o.name));
    this.graphInputs = new Set(spec.inputs.filter((i) => !this.initializers.has(i.name)).map((i) => i.name));
  }

  /** An initializer that no graph input overrides (IR < 4 lists initializers as inputs too). */
  constant(name: string): OnnxTensorSpec | undefined {
    return this.graphInputs.has(name) ? undefined : this.initializers.get(name);
  }
}

/** Hands out names that collide with nothing in the model, deterministically (base, base_1, base_2...). */
export class NameScope {
  private readonly used = new Set<string>();

  constructor(spec: OnnxModelSpec) {
    for (const value of [...spec.inputs, ...spec.outputs, ...(spec.valueInfo ?? [])]) this.used.add(value.name);
    for (const tensor of spec.initializers) this.used.add(tensor.name);
    for (const node of spec.nodes) {
      this.used.add(node.name);
      for (const name of [...node.inputs, ...node.outputs]) this.used.add(name);
    }
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i += 1) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

function attribute(node: OnnxNodeSpec, name: string): OnnxAttributeValue | undefined {
  return node.attributes?.[name];
}

/** An INT attribute, whichever way the spec spells it (bare number or { int }). */
export function intAttr(node: OnnxNodeSpec, name: string, fallback: number): number {
  const value = attribute(node, name);
  if (value === undefined) return fallback;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && !Array.isArray(value) && 'int' in value) return Number(value.int);
  return fallback;
}

export function floatAttr(node: OnnxNodeSpec, name: string, fallback: number): number {
  const value = attribute(node, name);
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'float' in value) return value.float;
  if (typeof value === 'number') return value;
  return fallback;
}

export function elementCount(dims: number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

export function floatTensor(name: string, dims: number[], data: Float32Array): OnnxTensorSpec {
  return { name, dims, dataType: 'FLOAT', data };
}

/** Round half to even, as QuantizeLinear does, so our rounding of weights matches the runtime's. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

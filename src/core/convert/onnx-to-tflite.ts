/**
 * ONNX → TFLite (issue 14, item 2), in TypeScript. The graph is walked in ONNX order:
 * - constants (initializers, Constant nodes) and every node computing only on constants (the
 *   Shape → Gather → Unsqueeze → Concat chains exporters emit) are folded (onnx-constants.ts);
 * - each other node is mapped by a handler (onnx-to-tflite-spatial.ts, onnx-to-tflite-ops.ts)
 *   onto TFLite builtin ops, tracking each value's layout (tflite-graph.ts): NCHW images become
 *   NHWC and stay so, axis-taking ops map their axes, and a TRANSPOSE is inserted only where an op
 *   needs ONNX order;
 * - BatchNormalization after a Conv is folded into its weights, and Relu/Relu6-style Clip after a
 *   Conv, Gemm, pool or binary op is fused as its activation.
 * Before anything is built, every node without a conversion is named (node name and op type) with
 * what to do, so a user sees the whole list at once. Dynamic input sizes are never guessed: the
 * caller gives them (--input-shape); only a dynamic batch is set to 1, and the report warns about it.
 */
import { StudioError } from '../../shared/errors';
import type { GraphProto, ModelProto, NodeProto } from '../formats/onnx/onnx-codec';
import { attributeOf, intAttribute, isDefaultDomain, shapeOf, tensorAttribute } from '../formats/onnx/onnx-attributes';
import { encodeTfliteModel } from '../formats/tflite/tflite-writer';
import { type ConstTensor, constFromTensor, constOf, foldNode } from './onnx-constants';
import { type Activation, type ConvertContext, failNode, nodeLabel, type OpHandler } from './onnx-to-tflite-context';
import { clipBounds, TENSOR_HANDLERS } from './onnx-to-tflite-ops';
import { SPATIAL_HANDLERS } from './onnx-to-tflite-spatial';
import { nhwcShape, TfliteGraph, type Value } from './tflite-graph';

export interface ConversionReport {
  /** One line per thing the user should know (layout changes, folds, fusions). */
  notes: string[];
  /** Things the converter decided for the user (a dynamic batch set to 1): printed loudly. */
  warnings: string[];
  operatorCount: number;
  /** TFLite operators by op name. */
  operatorsByOp: Record<string, number>;
  onnxNodeCount: number;
  /** ONNX nodes evaluated at conversion time (constant chains, Constant nodes). */
  foldedNodes: number;
  /** TRANSPOSE operators inserted for layout changes. */
  layoutTransposes: number;
}

export interface ConvertedModel {
  bytes: Uint8Array;
  report: ConversionReport;
  /** Per graph input: true when it was NCHW and is now NHWC (callers transpose the data they feed). */
  nhwcInputs: Map<string, boolean>;
  /** Inputs and outputs in ONNX terms (NCHW shapes), with whether the TFLite side is NHWC. */
  inputs: Array<{ name: string; shape: number[]; nhwc: boolean }>;
  outputs: Array<{ name: string; shape: number[]; nhwc: boolean }>;
}

const HANDLERS: Record<string, OpHandler> = { ...SPATIAL_HANDLERS, ...TENSOR_HANDLERS };
/** Ops converted only when every input is a constant (then evaluated at conversion time). */
const FOLD_ONLY: ReadonlySet<string> = new Set(['Constant', 'Shape', 'ConstantOfShape', 'Range', 'Where', 'Expand', 'Equal', 'Less', 'Greater']);

export function supportedOps(): string[] {
  return [...Object.keys(HANDLERS), ...FOLD_ONLY].sort();
}

/** Every node the converter has no mapping for, named, in one error (so the user sees them all at once). */
function refuseUnsupported(graph: GraphProto): void {
  const missing = graph.node.filter((n) => !isDefaultDomain(n) || !(n.opType in HANDLERS || FOLD_ONLY.has(n.opType)));
  if (missing.length === 0) return;
  const shown = missing.slice(0, 8).map((n) => (isDefaultDomain(n) ? nodeLabel(n) : `${nodeLabel(n)} of domain '${n.domain}'`));
  const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : '';
  throw new StudioError('BAD_INPUT', `${shown.join('; ')}${more} ${missing.length === 1 ? 'has' : 'have'} no TFLite conversion here; replace or remove ${missing.length === 1 ? 'that op' : 'those ops'} in the source model (or export it with a simpler opset), or convert it with another tool. Converted ops: ${supportedOps().join(', ')}.`);
}

function constantNodeValue(node: NodeProto): ConstTensor {
  const t = tensorAttribute(node, 'value');
  if (t) return constFromTensor(t) ?? failNode(node, 'holds a tensor of a type the converter does not read (strings or float16).');
  const a = attributeOf(node, 'value_float') ?? attributeOf(node, 'value_floats') ?? attributeOf(node, 'value_int') ?? attributeOf(node, 'value_ints');
  if (!a) return failNode(node, 'holds something other than a tensor or numbers (a sparse tensor or strings), which is not converted.');
  if (a.name === 'value_float') return constOf([], [a.f], 'float');
  if (a.name === 'value_floats') return constOf([a.floats.length], a.floats, 'float');
  if (a.name === 'value_int') return constOf([], [Number(a.i)], 'int');
  return constOf([a.ints.length], a.ints.map(Number), 'int');
}

function inputDims(name: string, declared: ReturnType<typeof shapeOf>, given: readonly number[] | undefined, warnings: string[]): number[] {
  if (given) {
    if (declared && declared.length !== given.length) throw new StudioError('BAD_INPUT', `Input '${name}' has ${declared.length} dimensions but --input-shape gives ${given.length} ([${given.join(', ')}]); give one size per dimension.`);
    declared?.forEach((d, i) => {
      if (typeof d === 'number' && d !== given[i]) throw new StudioError('BAD_INPUT', `Input '${name}' has a fixed size ${d} at dimension ${i}, but --input-shape gives ${given[i]}; keep the model's fixed sizes.`);
    });
    return [...given];
  }
  if (!declared) throw new StudioError('BAD_INPUT', `Input '${name}' has no declared shape; give its sizes with --input-shape.`);
  const dims = declared.map((d, i) => {
    if (typeof d === 'number' && d > 0) return d;
    if (i === 0) return 1;
    throw new StudioError('BAD_INPUT', `Input '${name}' has a dynamic size at dimension ${i}${typeof d === 'string' ? ` ('${d}')` : ''}; give its sizes with --input-shape (e.g. --input-shape ${declared.map((x, k) => (typeof x === 'number' && x > 0 ? x : k === 0 ? 1 : '?')).join(',')} with ? filled in).`);
  });
  if (!(typeof declared[0] === 'number' && declared[0] > 0)) {
    warnings.push(`Input '${name}' has a dynamic batch size${typeof declared[0] === 'string' ? ` ('${declared[0]}')` : ''}; it was converted with batch 1, which was NOT in the model. Pass --input-shape ${dims.join(',')} to choose it yourself.`);
  }
  return dims;
}

export function convertOnnxToTflite(model: ModelProto, options: { fileName?: string; inputShapes?: ReadonlyMap<string, readonly number[]> } = {}): ConvertedModel {
  const graph = model.graph as GraphProto;
  const opset = Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 13);
  refuseUnsupported(graph);
  const g = new TfliteGraph();
  const consts = new Map<string, ConstTensor>();
  for (const t of graph.initializer) {
    const c = constFromTensor(t);
    if (c) consts.set(t.name, c);
  }
  const values = new Map<string, Value>();
  const notes: string[] = [];
  const warnings: string[] = [];
  const nhwcInputs = new Map<string, boolean>();
  const flattenedFrom = new Map<string, number[]>();
  let folded = 0;
  const grouped = new Map<string, { first: string; count: number }>();

  for (const gi of graph.input) {
    if (consts.has(gi.name)) continue;
    const dims = inputDims(gi.name, shapeOf(gi), options.inputShapes?.get(gi.name), warnings);
    const image = dims.length === 4;
    values.set(gi.name, g.activation(gi.name, dims, image));
    nhwcInputs.set(gi.name, image);
    if (image) notes.push(`Input '${gi.name}' was NCHW [${dims.join(', ')}]; the TFLite model takes it NHWC [${nhwcShape(dims).join(', ')}].`);
  }

  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node) for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  const absorbed = new Set<NodeProto>();
  const only = (name: string): NodeProto | undefined => {
    const c = consumers.get(name);
    return c?.length === 1 && !graphOutputs.has(name) ? c[0] : undefined;
  };

  // Constant nodes first: a pattern (HardSwish, a fused Clip) may look ahead at bounds defined later in the node list.
  for (const node of graph.node) {
    if (node.opType !== 'Constant') continue;
    consts.set(node.output[0] as string, constantNodeValue(node));
    folded++;
  }

  const valueNamed = (node: NodeProto, name: string, where: string): Value => {
    const v = values.get(name);
    if (v) return v;
    if (consts.has(name)) return failNode(node, `takes a constant at ${where} ('${name}') where the converter needs an activation; this form of ${node.opType} is not converted.`);
    return failNode(node, `reads '${name}', which no converted node produced.`);
  };

  for (const node of graph.node) {
    if (absorbed.has(node) || node.opType === 'Constant') continue;
    const out0 = node.output[0] as string;
    if (node.opType === 'Shape' && values.has(node.input[0] as string)) {
      const shape = (values.get(node.input[0] as string) as Value).shape;
      const rank = shape.length;
      const clampIndex = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
      const start = clampIndex(intAttribute(node, 'start', 0));
      const end = clampIndex(intAttribute(node, 'end', rank));
      consts.set(out0, constOf([end - start], shape.slice(start, end), 'int'));
      folded++;
      continue;
    }
    const given = node.input.filter((n) => n !== '');
    if (given.length > 0 && given.every((n) => consts.has(n))) {
      const result = foldNode(node, node.input.map((n) => (n === '' ? undefined : consts.get(n))));
      if (result) {
        result.forEach((t, i) => consts.set(node.output[i] as string, t));
        folded++;
        continue;
      }
    }
    const handler = HANDLERS[node.opType];
    if (!handler) failNode(node, 'computes on activations, which is not converted (only its constant uses are evaluated); fix the input sizes with --input-shape so its inputs become constants, or remove it from the model.');
    const context: ConvertContext = {
      g, node, opset, flattenedFrom,
      value: (i) => valueNamed(node, node.input[i] ?? '', `input ${i + 1}`),
      valueOf: (name) => valueNamed(node, name, 'an input'),
      hasValue: (name) => values.has(name),
      constant: (i) => (node.input[i] ? consts.get(node.input[i] as string) : undefined),
      constantOf: (name) => consts.get(name),
      consumersOf: (name) => consumers.get(name) ?? [],
      isConst: (i) => Boolean(node.input[i]) && consts.has(node.input[i] as string),
      has: (i) => Boolean(node.input[i]),
      define: (value, name) => { values.set(name ?? out0, value); },
      output: (shape, nhwc, i = 0) => {
        const v = g.activation(node.output[i] as string, shape, nhwc);
        values.set(node.output[i] as string, v);
        return v;
      },
      fuseActivation: (name) => {
        const next = only(name);
        const act = next ? fusable(next, consts) : 'NONE';
        if (!next || act === 'NONE') return { act: 'NONE', out: name };
        absorbed.add(next);
        return { act, out: next.output[0] as string };
      },
      onlyConsumer: only,
      absorb: (n) => { absorbed.add(n); },
      absorbNext: (name, opType) => {
        const next = only(name);
        if (next?.opType !== opType) return undefined;
        absorbed.add(next);
        return next;
      },
      note: (text, group) => {
        if (!group) { notes.push(text); return; }
        const seen = grouped.get(group);
        if (seen) seen.count++;
        else grouped.set(group, { first: text, count: 1 });
      },
      fail: (what) => failNode(node, what),
    };
    handler(context);
  }

  const outputValues = graph.output.map((o) => {
    const v = values.get(o.name);
    if (!v) throw new StudioError('BAD_INPUT', `Output '${o.name}' is ${consts.has(o.name) ? 'a constant' : 'not produced by any converted node'}; a TFLite model's outputs must be computed from its inputs.`);
    if (v.nhwc) notes.push(`Output '${o.name}' is NHWC [${nhwcShape(v.shape).join(', ')}] in the TFLite model (NCHW [${v.shape.join(', ')}] in the ONNX one).`);
    return { name: o.name, value: v };
  });
  for (const [group, { first, count }] of grouped) notes.push(count === 1 ? `${first}.` : `${count}× ${group} (first: ${first}).`);
  if (g.transposes > 0) notes.push(`${g.transposes} TRANSPOSE operator(s) were inserted where an op needs the ONNX (NCHW) order.`);
  if (flattenedFrom.size > 0) notes.push(`${flattenedFrom.size} Flatten → Gemm pair(s) read NHWC values: the Gemm weights were permuted instead of the activations.`);
  const spec = g.spec(`Converted by EdgeBench Studio from ${options.fileName ?? 'an ONNX model'}`, graph.name || 'main', [...nhwcInputs.keys()].map((n) => (values.get(n) as Value).tensor), outputValues.map((o) => o.value.tensor));
  const operatorsByOp: Record<string, number> = {};
  for (const op of g.operators) operatorsByOp[op.op] = (operatorsByOp[op.op] ?? 0) + 1;
  return {
    bytes: encodeTfliteModel(spec),
    report: { notes, warnings, operatorCount: g.operators.length, operatorsByOp, onnxNodeCount: graph.node.length, foldedNodes: folded, layoutTransposes: g.transposes },
    nhwcInputs,
    inputs: [...nhwcInputs].map(([name, nhwc]) => ({ name, shape: (values.get(name) as Value).shape, nhwc })),
    outputs: outputValues.map((o) => ({ name: o.name, shape: o.value.shape, nhwc: o.value.nhwc })),
  };
}

/** The fused activation a Relu or Clip node amounts to, or NONE. */
function fusable(node: NodeProto, consts: ReadonlyMap<string, ConstTensor>): Activation {
  if (node.opType === 'Relu') return 'RELU';
  if (node.opType !== 'Clip') return 'NONE';
  const bounds = clipBounds({ node, has: (i) => Boolean(node.input[i]), constant: (i) => (node.input[i] ? consts.get(node.input[i] as string) : undefined) });
  if (!bounds) return 'NONE';
  const [lo, hi] = bounds;
  if (lo === 0 && hi === 6) return 'RELU6';
  if (lo === 0 && hi === Infinity) return 'RELU';
  if (lo === -1 && hi === 1) return 'RELU_N1_TO_1';
  return 'NONE';
}

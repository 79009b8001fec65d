/**
 * float16: weights stored as float16 and ops computed in float16, with Casts at the graph's
 * inputs and outputs so its I/O stays float32, and Casts around every op left in float32.
 *
 * Ops convert only when they are in FLOAT16_OPS: each was built as a one-node float16 model
 * and loaded and run by onnxruntime-node's CPU EP (test/unit/quantize/fp16-ops.test.ts keeps
 * checking that). Everything else stays float32 between Casts, as onnxconverter-common's
 * float16 converter does with its block list. Weights are initializers or Constant nodes (PaddleOCR
 * and silero keep theirs in Constant nodes): either becomes float16 when a float16 node reads it.
 * If/Loop/Scan bodies are converted the same way, each with Casts at its own inputs and outputs;
 * a tensor a body reads from the enclosing graph keeps its type there.
 */
import { clone, create } from '@bufbuild/protobuf';
import { type NodeProto, type TensorProto, TensorProtoSchema, type ValueInfoProto, ValueInfoProtoSchema } from '../formats/onnx/generated/onnx_pb';
import { attributeOf, elemTypeOf } from '../formats/onnx/onnx-attributes';
import { nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { float32Values } from '../formats/onnx/onnx-tensors';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { encodeFloat16Array } from '../../shared/numeric/float16';
import type { QuantContext } from './context';
import { isDefaultDomain, makeNode, withIO } from './graph';

/** Ops that load and run in float16 on onnxruntime's CPU EP (all their float inputs and outputs float16). */
export const FLOAT16_OPS: ReadonlySet<string> = new Set([
  'Abs', 'Add', 'AveragePool', 'BatchNormalization', 'Ceil', 'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Div', 'Elu', 'Equal', 'Erf',
  'Exp', 'Flatten', 'Floor', 'Gemm', 'GlobalAveragePool', 'GlobalMaxPool', 'Greater', 'HardSigmoid', 'HardSwish', 'Identity',
  'LayerNormalization', 'LeakyRelu', 'Less', 'Log', 'LogSoftmax', 'MatMul', 'Max', 'MaxPool', 'Mean', 'Min', 'Mul', 'Neg', 'Pow',
  'PRelu', 'Reciprocal', 'ReduceMax', 'ReduceMean', 'ReduceSum', 'Relu', 'Reshape', 'Round', 'Selu', 'Shape', 'Sigmoid', 'Sign', 'Softmax',
  'Softplus', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tanh', 'Transpose', 'Unsqueeze',
]);

/** Ops whose extra outputs (training statistics) keep a float32 type whatever the input type. */
const SINGLE_OUTPUT_ONLY = new Set(['BatchNormalization', 'LayerNormalization']);

const F32 = OnnxDataType.FLOAT;
const F16 = OnnxDataType.FLOAT16;

function toFloat16Tensor(tensor: TensorProto, data: Float32Array): TensorProto {
  const bits = encodeFloat16Array(data);
  return create(TensorProtoSchema, {
    dims: tensor.dims,
    dataType: F16,
    name: tensor.name,
    ...(tensor.docString ? { docString: tensor.docString } : {}),
    rawData: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength),
  });
}

function withElemType(info: ValueInfoProto, name: string, elemType: number): ValueInfoProto {
  const copy = clone(ValueInfoProtoSchema, info);
  copy.name = name;
  if (copy.type?.value.case === 'tensorType') copy.type.value.value.elemType = elemType;
  return copy;
}

interface GraphPlan {
  ctx: QuantContext;
  /** Weights only float32 nodes read, stored as float16 behind a Cast. */
  storedOnly: number;
  /** Nodes that run in float16. */
  half: Set<NodeProto>;
  /** Where each float tensor this graph defines lives: float16 or float32. */
  home: Map<string, number>;
}

function constantValue(node: NodeProto) {
  return node.opType === 'Constant' && isDefaultDomain(node) ? attributeOf(node, 'value') : undefined;
}

/** float16's largest finite value. */
const FLOAT16_MAX = 65504;
/** Smaller float32 weights of float32 nodes stay float32: a Cast node costs about as many bytes as 64 values save. */
const MIN_STORED_ELEMENTS = 64;
/** Ops that carry a large magnitude on to their output (Log, Sqrt, Sigmoid... bring it back into range). */
const CARRIES_MAGNITUDE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Neg', 'Abs', 'Max', 'Min', 'Sum', 'Mean', 'Pow', 'Exp', 'Identity', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten', 'Concat']);

/**
 * Nodes that would compute beyond float16's range: readers of a constant with a value past
 * ±65504 (silero VAD scales its spectrum by 2^20 before a Log), and the arithmetic that carries
 * that magnitude on, up to and including the first node that does not (the Log).
 */
function wideNodes(ctx: QuantContext): Map<NodeProto, string> {
  const wide = new Map<NodeProto, string>();
  const wideTensors = new Map<string, string>();
  for (const node of ctx.graph.node) {
    let source: string | undefined;
    for (const name of node.input) {
      const constant = name ? ctx.floatWeight(name) : undefined;
      if (constant && constant.data.some((v) => Number.isFinite(v) && Math.abs(v) > FLOAT16_MAX)) source = `its constant '${name}'`;
      else if (wideTensors.has(name)) source = wideTensors.get(name);
    }
    if (source === undefined) continue;
    wide.set(node, source);
    if (CARRIES_MAGNITUDE.has(node.opType)) for (const output of node.output) wideTensors.set(output, source);
  }
  return wide;
}

/** Which nodes of a graph run in float16 (the others are reported with why not). */
function halfNodes(ctx: QuantContext): Set<NodeProto> {
  const half = new Set<NodeProto>();
  const wide = wideNodes(ctx);
  for (const node of ctx.graph.node) {
    // Constants follow their readers (below); control-flow nodes hold bodies converted on their own.
    if (!ctx.touchesFloat(node) || constantValue(node) || nodeSubgraphs(node).length > 0) continue;
    const tensors = [...node.input, ...node.output].filter((name) => name !== '');
    let reason: string | undefined;
    if (ctx.isExcluded(node)) reason = 'excluded by the recipe.';
    else if (!isDefaultDomain(node)) reason = `it is a custom op of domain '${node.domain}'; it runs in float32 between Casts.`;
    else if (!FLOAT16_OPS.has(node.opType)) reason = `${node.opType} is not in the list of ops checked to run in float16 on onnxruntime's CPU EP; it runs in float32 between Casts.`;
    else if (SINGLE_OUTPUT_ONLY.has(node.opType) && node.output.length > 1) reason = `${node.opType} with training outputs keeps float32 statistics; it runs in float32.`;
    else if (tensors.some((name) => !ctx.types.has(name))) reason = 'the type of one of its tensors is unknown, so it runs in float32.';
    else if (wide.has(node)) reason = `it computes on values beyond float16's range (±${FLOAT16_MAX}) that come from ${wide.get(node)}, so it runs in float32.`;
    if (reason) ctx.skip(node, reason);
    else {
      half.add(node);
      ctx.markQuantized(node);
    }
  }
  return half;
}

/**
 * Converts every graph of the model (`contexts`, parents before bodies). A weight becomes float16
 * when a float16 node reads it, in its own graph or in a body; a body reads an outer tensor in the
 * type it lives in, through a Cast where it needs the other. A weight only float32 nodes read is
 * stored as float16 behind a Cast to float32 (onnxruntime's constant folding turns it back into a
 * float32 initializer when the session loads, so it costs nothing at run time), so the file halves
 * even where ops stay float32. Returns how many weights float16 nodes read, and how many are stored only.
 */
export function convertFloat16(contexts: QuantContext[]): { converted: number; storedOnly: number } {
  const plans = new Map<QuantContext, GraphPlan>(contexts.map((ctx) => [ctx, { ctx, half: halfNodes(ctx), home: new Map(), storedOnly: 0 }]));
  const definer = (ctx: QuantContext, name: string): QuantContext | undefined => {
    for (let at: QuantContext | undefined = ctx; at; at = at.parent) if (at.index.defined.has(name)) return at;
    return undefined;
  };
  // Weights some float16 node reads, wherever that node is.
  const readByHalf = new Map<QuantContext, Set<string>>();
  for (const plan of plans.values()) {
    for (const node of plan.half) {
      for (const name of node.input) {
        const owner = name ? definer(plan.ctx, name) : undefined;
        if (owner) readByHalf.set(owner, (readByHalf.get(owner) ?? new Set()).add(name));
      }
    }
  }
  for (const plan of plans.values()) {
    const { ctx, half, home } = plan;
    const wanted = readByHalf.get(ctx) ?? new Set<string>();
    const weightHome = (name: string): number => (wanted.has(name) && !ctx.index.graphOutputs.has(name) ? F16 : F32);
    for (const node of ctx.graph.node) {
      const constant = constantValue(node)?.t;
      for (const output of node.output) {
        if (ctx.isFloat(output)) home.set(output, constant && float32Values(constant) ? weightHome(output) : half.has(node) ? F16 : F32);
      }
    }
    for (const tensor of ctx.graph.initializer) if (ctx.isFloat(tensor.name) && ctx.index.constant(tensor.name)) home.set(tensor.name, weightHome(tensor.name));
  }
  const homeOf = (ctx: QuantContext, name: string): number => {
    const owner = definer(ctx, name);
    return (owner ? plans.get(owner)?.home.get(name) : undefined) ?? F32;
  };
  let converted = 0;
  let storedOnly = 0;
  for (const plan of plans.values()) {
    converted += rewriteGraph(plan, (name) => homeOf(plan.ctx, name));
    storedOnly += plan.storedOnly;
  }
  return { converted, storedOnly };
}

/** Rewrites one graph with Casts where a node needs a tensor in the type it does not live in. */
function rewriteGraph(plan: GraphPlan, homeOf: (name: string) => number): number {
  const { ctx, half, home } = plan;
  const graph = ctx.graph;
  // Graph outputs this graph makes in float16 get an internal name and a final Cast back to float32 under their own name.
  const renamed = new Map<string, string>();
  for (const output of graph.output) if (home.get(output.name) === F16) renamed.set(output.name, ctx.names.fresh(`${output.name}_fp16`));
  const internal = (name: string): string => renamed.get(name) ?? name;

  const nodes: NodeProto[] = [];
  const casts = new Map<string, string>();
  const castTo = (tensor: string, to: number): string => {
    const key = `${tensor}|${to}`;
    const done = casts.get(key);
    if (done) return done;
    const suffix = to === F16 ? 'fp16' : 'fp32';
    const name = ctx.names.fresh(`${tensor}_${suffix}`);
    nodes.push(makeNode('Cast', ctx.names.fresh(`${tensor}_cast_${suffix}`), [internal(tensor)], [name], { to }));
    casts.set(key, name);
    return name;
  };
  let converted = 0;
  for (const node of graph.node) {
    const constant = constantValue(node);
    const data = constant?.t && home.get(node.output[0] ?? '') === F16 ? float32Values(constant.t) : undefined;
    if (constant?.t && data) {
      constant.t = toFloat16Tensor(constant.t, data);
      converted += 1;
    } else if (constant?.t && home.get(node.output[0] ?? '') === F32 && !ctx.index.graphOutputs.has(node.output[0] ?? '') && !readByExcluded(ctx, node.output[0] ?? '')) {
      const values = float32Values(constant.t);
      if (values && storableAsFloat16(values)) {
        // Read only by float32 nodes: stored as float16, cast back right after the Constant (folded at session creation).
        const output = node.output[0] as string;
        const stored = ctx.names.fresh(`${output}_fp16`);
        constant.t = toFloat16Tensor(constant.t, values);
        nodes.push(withIO(node, [], [stored]));
        nodes.push(makeNode('Cast', ctx.names.fresh(`${output}_cast_fp32`), [stored], [output], { to: F32 }));
        plan.storedOnly += 1;
        continue;
      }
    }
    const need = half.has(node) ? F16 : F32;
    const inputs = node.input.map((name) => {
      if (!ctx.isFloat(name)) return name;
      return homeOf(name) === need ? internal(name) : castTo(name, need);
    });
    const outputs = node.output.map(internal);
    const changed = inputs.some((name, i) => name !== node.input[i]) || outputs.some((name, i) => name !== node.output[i]);
    nodes.push(changed ? withIO(node, inputs, outputs) : node);
  }
  for (const [name, inner] of renamed) nodes.push(makeNode('Cast', ctx.names.fresh(`${name}_cast_fp32`), [inner], [name], { to: F32 }));
  // A body output that passes an outer float16 tensor through gives its float32 Cast instead.
  graph.output = graph.output.map((output) =>
    !ctx.index.defined.has(output.name) && ctx.isFloat(output.name) && homeOf(output.name) === F16 ? withElemType(output, castTo(output.name, F32), F32) : output,
  );

  // IR < 4 lists initializers among the graph inputs too: an input entry follows its initializer's type and name.
  const inputEntry = new Map(graph.input.map((input, i) => [input.name, i]));
  const retypeInput = (from: string, to: string): void => {
    const at = inputEntry.get(from);
    if (at !== undefined) graph.input[at] = withElemType(graph.input[at] as ValueInfoProto, to, F16);
  };
  const castsInFront: NodeProto[] = [];
  graph.initializer = graph.initializer.map((tensor) => {
    const values = float32Values(tensor);
    if (!values) return tensor;
    if (home.get(tensor.name) === F16) {
      converted += 1;
      retypeInput(tensor.name, tensor.name);
      return toFloat16Tensor(tensor, values);
    }
    if (!ctx.index.constant(tensor.name) || !storableAsFloat16(values) || ctx.index.graphOutputs.has(tensor.name) || readByExcluded(ctx, tensor.name)) return tensor;
    // Read only by float32 nodes: stored as float16 behind a Cast to float32, which onnxruntime folds at session creation.
    const stored = ctx.names.fresh(`${tensor.name}_fp16`);
    castsInFront.push(makeNode('Cast', ctx.names.fresh(`${tensor.name}_cast_fp32`), [stored], [tensor.name], { to: F32 }));
    retypeInput(tensor.name, stored);
    plan.storedOnly += 1;
    return toFloat16Tensor({ ...tensor, name: stored } as TensorProto, values);
  });
  graph.valueInfo = graph.valueInfo.map((info) => (home.get(info.name) === F16 && elemTypeOf(info) === F32 ? withElemType(info, internal(info.name), F16) : info));
  ctx.finish([...castsInFront, ...nodes]);
  return converted;
}

/** An excluded node keeps its weights exactly as they are, float32 values included. */
function readByExcluded(ctx: QuantContext, weight: string): boolean {
  return (ctx.index.consumers.get(weight) ?? []).some((reader) => ctx.isExcluded(reader));
}

/**
 * Whether a float32 weight read only by float32 nodes is worth storing as float16 behind a Cast:
 * large enough that the Cast node weighs less than the bytes saved, and every value finite and
 * within float16's range (silero's 2^20 spectrum scale stays float32).
 */
function storableAsFloat16(values: Float32Array): boolean {
  if (values.length < MIN_STORED_ELEMENTS) return false;
  for (const v of values) if (!Number.isFinite(v) || Math.abs(v) > FLOAT16_MAX) return false;
  return true;
}

/**
 * Which nodes static QDQ quantizes, which of their inputs are activations, and two rewrites
 * onnxruntime's QDQ quantizer also makes:
 *  - a Relu right after a quantized node is folded into that node's output quantization:
 *    uint8 with its range starting at 0 clamps negatives to zero, which is what Relu does
 *    (onnxruntime's QDQRemovableActivation);
 *  - shape ops (Flatten, Reshape, Transpose, Squeeze, Unsqueeze) move int8 data as it is and
 *    reuse their input's scale, instead of a second QuantizeLinear/DequantizeLinear pair
 *    (onnxruntime's Direct8BitOp).
 */
import type { NodeProto } from '../formats/onnx/generated/onnx_pb';
import { intAttribute } from '../formats/onnx/onnx-attributes';
import { nodeSubgraphs } from '../formats/onnx/onnx-codec';
import type { QuantContext } from './context';
import { isDefaultDomain } from './graph';

/** Which inputs of each op carry activations to quantize ('all' for variadic ops). */
const ACTIVATION_INPUTS: Record<string, number[] | 'all'> = {
  Conv: [0],
  Gemm: [0],
  MatMul: [0, 1],
  Relu: [0],
  Clip: [0],
  LeakyRelu: [0],
  Sigmoid: [0],
  MaxPool: [0],
  AveragePool: [0],
  GlobalAveragePool: [0],
  Flatten: [0],
  Reshape: [0],
  Transpose: [0],
  Squeeze: [0],
  Unsqueeze: [0],
  Resize: [0],
  Add: [0, 1],
  Concat: 'all',
};

const SHAPE_OPS = new Set(['Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze']);

export interface NodePlan {
  node: NodeProto;
  /** Float activations this node reads through QuantizeLinear/DequantizeLinear. */
  activations: string[];
  weight?: { index: number; axis: number };
  /** A Relu folded away: the producer writes the Relu's output name instead. */
  folded?: true;
  /** A shape op that runs on the int8 data of its input. */
  passThrough?: true;
}

/** Weight input and its per-channel axis, for the ops that have one. */
function weightOf(ctx: QuantContext, node: NodeProto): { index: number; axis: number } | undefined {
  const weight = ctx.floatWeight(node.input[1]);
  if (!weight) return undefined;
  if (node.opType === 'Conv') return { index: 1, axis: 0 };
  if (node.opType === 'Gemm') return { index: 1, axis: intAttribute(node, 'transB', 0) ? 0 : 1 };
  if (node.opType === 'MatMul') return { index: 1, axis: weight.dims.length - 1 };
  return undefined;
}

function planNode(ctx: QuantContext, node: NodeProto): NodePlan | string | undefined {
  // A node with no float32 tensor (int64 shape arithmetic, bool conditions) is not for int8 at all.
  if (!ctx.touchesFloat(node)) return undefined;
  const slots = isDefaultDomain(node) ? ACTIVATION_INPUTS[node.opType] : undefined;
  if (!slots) {
    // Constants are weights; control-flow nodes hold bodies that are quantized on their own.
    if (!ctx.touchesFloat(node) || (node.opType === 'Constant' && isDefaultDomain(node)) || nodeSubgraphs(node).length > 0) return undefined;
    // Mul stays out of the int8 op set: quantizing PP-OCRv4 det's gate and hard-swish products took
    // its map's cosine to float from 0.97 to 0.68 (96×96 text, per-channel weights).
    return isDefaultDomain(node)
      ? node.opType === 'Mul'
        ? 'a product of activations (a squeeze-excitation gate, hard-swish) scales each channel differently, and one int8 scale for the product loses the small channels; it stays float.'
        : `${node.opType} is not in the static int8 op set (Conv, Gemm, MatMul, pooling, activations, Add, Concat, shape ops); it stays float.`
      : `it is a custom op of domain '${node.domain}', which has no int8 form; it stays float.`;
  }
  const weight = weightOf(ctx, node);
  if ((node.opType === 'Conv' || node.opType === 'Gemm') && !weight) return `its weight '${node.input[1]}' is not a float32 constant (an initializer or a Constant node).`;
  // x + 3: a piece of a decomposed activation (hard-swish as paddle2onnx writes it). In int8 each piece
  // would round the activation once more, where float arithmetic on the dequantized value is exact;
  // int8 Add is kept for two activations (residual connections).
  const constantOperand = node.opType === 'Add' ? node.input.find((name) => ctx.index.constant(name)) : undefined;
  if (constantOperand !== undefined) return `one of its operands is the constant '${constantOperand}', and in int8 each step of such arithmetic rounds the activation again; it stays float.`;
  const indices = slots === 'all' ? node.input.map((_, i) => i) : slots;
  const activations: string[] = [];
  for (const i of indices) {
    const name = node.input[i];
    if (!name || i === weight?.index || ctx.index.constant(name)) continue;
    if (!ctx.isFloat(name)) return `its input '${name}' is not known to be float32.`;
    activations.push(name);
  }
  if (activations.length === 0) return 'it reads no float activation to quantize.';
  return { node, activations, ...(weight ? { weight } : {}) };
}

/** True when every reader of `tensor` is planned and reads it as a quantized activation. */
function onlyQuantizedReaders(ctx: QuantContext, plans: Map<NodeProto, NodePlan>, tensor: string): boolean {
  const readers = ctx.index.consumers.get(tensor) ?? [];
  return !ctx.index.graphOutputs.has(tensor) && readers.length > 0 && readers.every((r) => plans.get(r)?.activations.includes(tensor));
}

/** Every activation some node of the graph would quantize: what calibration measures. */
export function activationsToMeasure(ctx: QuantContext): string[] {
  const names = new Set<string>();
  for (const node of ctx.graph.node) {
    if (ctx.isExcluded(node)) continue;
    const plan = planNode(ctx, node);
    if (typeof plan === 'object') for (const name of plan.activations) names.add(name);
  }
  return [...names];
}

/**
 * Plans every node (skipped ones are reported to ctx), then marks Relu folds and int8 shape ops.
 * A node whose activation calibration never saw (a branch the calibration data did not take)
 * stays float: its range is unknown.
 */
export function planStatic(ctx: QuantContext, asymmetric: boolean, measured: (tensor: string) => boolean): Map<NodeProto, NodePlan> {
  const plans = new Map<NodeProto, NodePlan>();
  for (const node of ctx.graph.node) {
    if (ctx.isExcluded(node)) {
      if (ctx.touchesFloat(node)) ctx.skip(node, 'excluded by the recipe.');
      continue;
    }
    const plan = planNode(ctx, node);
    if (typeof plan === 'string') ctx.skip(node, plan);
    else if (plan) {
      const unseen = plan.activations.find((name) => !measured(name));
      if (unseen !== undefined) ctx.skip(node, `calibration never computed its input '${unseen}' (no calibration sample took this branch), so its range is unknown; it stays float.`);
      else plans.set(node, plan);
    }
  }
  dropIslands(ctx, plans);
  // A shape op only moves data: in int8 it pays off when int8 nodes read its output, and a lone
  // DequantizeLinear → Transpose → float reader crashed onnxruntime 1.30's QDQ propagation (an
  // out-of-range assertion, silero VAD's Transposes before LSTM). Dropping one can leave another
  // shape op without int8 readers, so marking repeats until nothing changes.
  for (;;) {
    markRewrites(ctx, plans, asymmetric);
    const lone = [...plans.values()].filter((plan) => SHAPE_OPS.has(plan.node.opType) && !plan.passThrough);
    if (lone.length === 0) break;
    for (const plan of lone) {
      plans.delete(plan.node);
      ctx.skip(plan.node, `${plan.node.opType} only moves data and no int8 node reads its output, so it stays float.`);
    }
  }
  return plans;
}

/** Ops with an integer kernel of their own (QLinearConv, QGemm, QLinearMatMul): what makes int8 pay off. */
const CORE_OPS = new Set(['Conv', 'Gemm', 'MatMul']);

/**
 * Drops planned nodes that are not connected, through int8 activations of other planned nodes, to a
 * Conv, Gemm or MatMul. Such a node (silero VAD's Add of the squared STFT parts between a Pow and a
 * Sqrt) runs between float ops: in int8 it gains no integer kernel and only adds a
 * QuantizeLinear/DequantizeLinear pair and its rounding, which over a heavy-tailed range (squares)
 * wipes out the small values.
 */
function dropIslands(ctx: QuantContext, plans: Map<NodeProto, NodePlan>): void {
  const group = new Map<NodeProto, NodeProto>([...plans.keys()].map((node) => [node, node]));
  const root = (node: NodeProto): NodeProto => {
    let at = node;
    while (group.get(at) !== at) at = group.get(at) as NodeProto;
    group.set(node, at);
    return at;
  };
  for (const plan of plans.values()) {
    for (const tensor of plan.activations) {
      const producer = ctx.index.producer.get(tensor);
      if (producer && plans.has(producer)) group.set(root(producer), root(plan.node));
    }
  }
  const withCore = new Set([...plans.keys()].filter((node) => CORE_OPS.has(node.opType)).map(root));
  for (const plan of [...plans.values()]) {
    if (withCore.has(root(plan.node))) continue;
    plans.delete(plan.node);
    ctx.skip(plan.node, `no int8 Conv, Gemm or MatMul reads or writes its tensors, so int8 would give it no integer kernel, only quantization error; it stays float.`);
  }
}

/** Marks Relu folds and int8 shape ops over the current plans. */
function markRewrites(ctx: QuantContext, plans: Map<NodeProto, NodePlan>, asymmetric: boolean): void {
  for (const plan of plans.values()) {
    delete plan.folded;
    delete plan.passThrough;
  }
  for (const plan of plans.values()) {
    const { node } = plan;
    const input = node.input[0] ?? '';
    const output = node.output[0] ?? '';
    const producer = ctx.index.producer.get(input);
    const readers = ctx.index.consumers.get(input) ?? [];
    if (
      asymmetric &&
      node.opType === 'Relu' &&
      producer &&
      plans.get(producer)?.weight &&
      !plans.get(producer)?.folded &&
      readers.length === 1 &&
      !ctx.index.graphOutputs.has(input) &&
      onlyQuantizedReaders(ctx, plans, output)
    ) {
      plan.folded = true;
    } else if (SHAPE_OPS.has(node.opType) && node.output.length === 1 && onlyQuantizedReaders(ctx, plans, output)) {
      plan.passThrough = true;
    }
  }
}

/** Tensors whose ranges calibration must measure. */
export function tensorsToCalibrate(plans: Map<NodeProto, NodePlan>): string[] {
  // A folded Relu's input is never quantized (its output, measured after the Relu, is), and a
  // shape op's int8 output reuses its input's scale.
  const notMeasured = new Set<string>();
  for (const plan of plans.values()) {
    if (plan.folded) notMeasured.add(plan.node.input[0] as string);
    if (plan.passThrough) notMeasured.add(plan.node.output[0] as string);
  }
  const names = new Set<string>();
  for (const plan of plans.values()) for (const name of plan.activations) if (!notMeasured.has(name)) names.add(name);
  return [...names];
}

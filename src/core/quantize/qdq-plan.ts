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
import type { OnnxNodeSpec } from '../formats/onnx/onnx-writer';
import type { QuantContext } from './context';
import { intAttr, isDefaultDomain } from './graph';

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
  Mul: [0, 1],
  Concat: 'all',
};

const SHAPE_OPS = new Set(['Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze']);

export interface NodePlan {
  node: OnnxNodeSpec;
  /** Float activations this node reads through QuantizeLinear/DequantizeLinear. */
  activations: string[];
  weight?: { index: number; axis: number };
  /** A Relu folded away: the producer writes the Relu's output name instead. */
  folded?: true;
  /** A shape op that runs on the int8 data of its input. */
  passThrough?: true;
}

/** Weight input and its per-channel axis, for the ops that have one. */
function weightOf(ctx: QuantContext, node: OnnxNodeSpec): { index: number; axis: number } | undefined {
  const constant = (i: number): boolean => ctx.index.constant(node.inputs[i] ?? '')?.data instanceof Float32Array;
  if (node.opType === 'Conv' && constant(1)) return { index: 1, axis: 0 };
  if (node.opType === 'Gemm' && constant(1)) return { index: 1, axis: intAttr(node, 'transB', 0) ? 0 : 1 };
  if (node.opType === 'MatMul' && constant(1)) return { index: 1, axis: (ctx.index.constant(node.inputs[1] as string)?.dims.length ?? 2) - 1 };
  return undefined;
}

function planNode(ctx: QuantContext, node: OnnxNodeSpec): NodePlan | string | undefined {
  const slots = isDefaultDomain(node) ? ACTIVATION_INPUTS[node.opType] : undefined;
  if (!slots) {
    if (!ctx.touchesFloat(node)) return undefined;
    return isDefaultDomain(node)
      ? `${node.opType} is not in the static int8 op set (Conv, Gemm, MatMul, pooling, activations, Add, Mul, Concat, shape ops); it stays float.`
      : `it is a custom op of domain '${node.domain}', which has no int8 form; it stays float.`;
  }
  const weight = weightOf(ctx, node);
  if ((node.opType === 'Conv' || node.opType === 'Gemm') && !weight) return `its weight '${node.inputs[1]}' is not a float32 initializer.`;
  const indices = slots === 'all' ? node.inputs.map((_, i) => i) : slots;
  const activations: string[] = [];
  for (const i of indices) {
    const name = node.inputs[i];
    if (!name || i === weight?.index || ctx.index.constant(name)) continue;
    if (!ctx.isFloat(name)) return `its input '${name}' is not known to be float32.`;
    activations.push(name);
  }
  if (activations.length === 0) return 'it reads no float activation to quantize.';
  return { node, activations, ...(weight ? { weight } : {}) };
}

/** True when every reader of `tensor` is planned and reads it as a quantized activation. */
function onlyQuantizedReaders(ctx: QuantContext, plans: Map<OnnxNodeSpec, NodePlan>, tensor: string): boolean {
  const readers = ctx.index.consumers.get(tensor) ?? [];
  return !ctx.index.graphOutputs.has(tensor) && readers.length > 0 && readers.every((r) => plans.get(r)?.activations.includes(tensor));
}

/** Plans every node (skipped ones are reported to ctx), then marks Relu folds and int8 shape ops. */
export function planStatic(ctx: QuantContext, asymmetric: boolean): Map<OnnxNodeSpec, NodePlan> {
  const plans = new Map<OnnxNodeSpec, NodePlan>();
  for (const node of ctx.spec.nodes) {
    if (ctx.isExcluded(node)) {
      if (ctx.touchesFloat(node)) ctx.skip(node, 'excluded by the recipe.');
      continue;
    }
    const plan = planNode(ctx, node);
    if (typeof plan === 'string') ctx.skip(node, plan);
    else if (plan) plans.set(node, plan);
  }
  for (const plan of plans.values()) {
    const { node } = plan;
    const input = node.inputs[0] ?? '';
    const output = node.outputs[0] ?? '';
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
    } else if (SHAPE_OPS.has(node.opType) && node.outputs.length === 1 && onlyQuantizedReaders(ctx, plans, output)) {
      plan.passThrough = true;
    }
  }
  return plans;
}

/** Tensors whose ranges calibration must measure. */
export function tensorsToCalibrate(plans: Map<OnnxNodeSpec, NodePlan>): string[] {
  // A folded Relu's input is never quantized (its output, measured after the Relu, is), and a
  // shape op's int8 output reuses its input's scale.
  const notMeasured = new Set<string>();
  for (const plan of plans.values()) {
    if (plan.folded) notMeasured.add(plan.node.inputs[0] as string);
    if (plan.passThrough) notMeasured.add(plan.node.outputs[0] as string);
  }
  const names = new Set<string>();
  for (const plan of plans.values()) for (const name of plan.activations) if (!notMeasured.has(name)) names.add(name);
  return [...names];
}

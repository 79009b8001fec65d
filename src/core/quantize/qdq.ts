/**
 * Static int8 in QDQ format, as onnxruntime's quantize_static writes it: every float
 * activation a quantized node reads goes through QuantizeLinear → DequantizeLinear with a
 * scale and zero point from calibration; weights are stored int8 (symmetric, zero point 0 left
 * implicit, per channel on request) behind a DequantizeLinear. The runtime fuses DQ → op → Q
 * groups into integer kernels (QLinearConv, QGemm...).
 *
 * Conv/Gemm biases stay float32: onnxruntime's BiasQuantization transformer
 * (core/optimizer/qdq_transformer/bias_quantization.h) quantizes them to int32 with scale
 * x_scale × w_scale when it loads the model, and the fused kernels are the same as with an
 * int32 bias in the file (checked with onnxruntime-node 1.30: both give QLinearConv). The file
 * is smaller by a DequantizeLinear and a scale tensor per layer, which is ~5% of a tiny model.
 *
 * Nodes outside the int8 op set, excluded nodes and graph outputs keep reading the original
 * float tensors, so leaving a node out really keeps it in float.
 */
import type { OnnxModelSpec, OnnxNodeSpec } from '../formats/onnx/onnx-writer';
import { collectStats } from './calibrate';
import type { QuantContext } from './context';
import { planStatic, tensorsToCalibrate } from './qdq-plan';
import { type CalibrationData, DEFAULT_PERCENTILE, type QuantRecipe } from './recipe';
import { activationParams, computeRange, type TensorStats } from './ranges';
import { quantizeWeight } from './weights';

interface Quantized {
  /** The int8/uint8 tensor. */
  q: string;
  scale: string;
  zeroPoint: string;
  scaleValue: number;
}

export async function quantizeStatic(ctx: QuantContext, recipe: QuantRecipe, calibration: CalibrationData): Promise<OnnxModelSpec> {
  const symmetric = recipe.activationSymmetric;
  const plans = planStatic(ctx, !symmetric);
  const tensors = tensorsToCalibrate(plans);
  const method = recipe.method ?? 'minmax';
  const stats = tensors.length > 0 ? await collectStats(ctx.spec, tensors, calibration.inputs, method, symmetric) : new Map<string, TensorStats>();

  const nodes: OnnxNodeSpec[] = [];
  const quantized = new Map<string, Quantized>();
  const dequantized = new Map<string, string>();
  const weights = new Map<string, { name: string; scales: Float32Array }>();
  // A producer whose Relu was folded writes the Relu's output name.
  const renamedOutputs = new Map<string, string>();
  for (const plan of plans.values()) if (plan.folded) renamedOutputs.set(plan.node.inputs[0] as string, plan.node.outputs[0] as string);

  const quantize = (t: string): Quantized => {
    const done = quantized.get(t);
    if (done) return done;
    const range = computeRange(stats.get(t) as TensorStats, method, symmetric, recipe.percentile ?? DEFAULT_PERCENTILE);
    const params = activationParams(range, symmetric);
    const scale = ctx.addInitializer(`${t}_s`, { dims: [], dataType: 'FLOAT', data: new Float32Array([params.scale]) });
    const zeroPoint = params.signed
      ? ctx.addInitializer(`${t}_z`, { dims: [], dataType: 'INT8', data: new Int8Array([params.zeroPoint]) })
      : ctx.addInitializer(`${t}_z`, { dims: [], dataType: 'UINT8', data: new Uint8Array([params.zeroPoint]) });
    const q = ctx.names.fresh(`${t}_q`);
    nodes.push({ opType: 'QuantizeLinear', name: ctx.names.fresh(`${t}_Q`), inputs: [t, scale, zeroPoint], outputs: [q] });
    const entry = { q, scale, zeroPoint, scaleValue: params.scale };
    quantized.set(t, entry);
    return entry;
  };

  const dequantize = (t: string): string => {
    const done = dequantized.get(t);
    if (done) return done;
    const { q, scale, zeroPoint } = quantize(t);
    const dq = ctx.names.fresh(`${t}_dq`);
    nodes.push({ opType: 'DequantizeLinear', name: ctx.names.fresh(`${t}_DQ`), inputs: [q, scale, zeroPoint], outputs: [dq] });
    dequantized.set(t, dq);
    return dq;
  };

  const weight = (name: string, axis: number | undefined): { name: string; scales: Float32Array } => {
    const key = `${name}|${axis ?? 'tensor'}`;
    const done = weights.get(key);
    if (done) return done;
    const tensor = ctx.index.constant(name);
    const dims = tensor?.dims ?? [];
    const quant = quantizeWeight(tensor?.data as Float32Array, dims, axis);
    const perChannel = axis !== undefined;
    const q = ctx.addInitializer(`${name}_q`, { dims, dataType: 'INT8', data: quant.values });
    const s = ctx.addInitializer(`${name}_s`, { dims: perChannel ? [quant.scales.length] : [], dataType: 'FLOAT', data: quant.scales });
    const dq = ctx.names.fresh(`${name}_dq`);
    nodes.push({ opType: 'DequantizeLinear', name: ctx.names.fresh(`${name}_DQ`), inputs: [q, s], outputs: [dq], ...(perChannel ? { attributes: { axis } } : {}) });
    const entry = { name: dq, scales: quant.scales };
    weights.set(key, entry);
    return entry;
  };

  for (const node of ctx.spec.nodes) {
    const plan = plans.get(node);
    if (!plan) {
      nodes.push(node);
      continue;
    }
    ctx.quantized.push(ctx.label(node));
    if (plan.folded) continue;
    const inputs = [...node.inputs];
    if (plan.passThrough) {
      const source = quantize(node.inputs[0] as string);
      const output = node.outputs[0] as string;
      const q = ctx.names.fresh(`${output}_q`);
      inputs[0] = source.q;
      nodes.push({ ...node, name: ctx.label(node), inputs, outputs: [q] });
      quantized.set(output, { ...source, q });
      continue;
    }
    inputs.forEach((name, i) => {
      if (plan.activations.includes(name)) inputs[i] = dequantize(name);
    });
    if (plan.weight) {
      const w = weight(node.inputs[plan.weight.index] as string, recipe.perChannel ? plan.weight.axis : undefined);
      inputs[plan.weight.index] = w.name;
    }
    const outputs = node.outputs.map((name) => renamedOutputs.get(name) ?? name);
    nodes.push({ ...node, name: ctx.label(node), inputs, outputs });
  }
  return ctx.finish(nodes);
}

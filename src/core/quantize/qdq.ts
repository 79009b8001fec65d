/**
 * Static int8 in QDQ format, as onnxruntime's quantize_static writes it: every float
 * activation a quantized node reads goes through QuantizeLinear → DequantizeLinear with a
 * scale and zero point from calibration; weights are stored int8 (symmetric, zero point 0,
 * per channel on request) behind a DequantizeLinear. The runtime fuses DQ → op → Q
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
import type { NodeProto } from '../formats/onnx/generated/onnx_pb';
import type { QuantContext } from './context';
import { makeNode, withIO } from './graph';
import { planStatic } from './qdq-plan';
import { DEFAULT_PERCENTILE, type QuantRecipe } from './recipe';
import { activationParams, computeRange, type TensorStats } from './ranges';
import { quantizeWeight } from './weights';

export interface StaticOptions {
  /** Per-channel weight scales (DequantizeLinear's axis needs opset 13). */
  perChannel: boolean;
  /** 7-bit weights (see weights.ts). */
  reducedRange: boolean;
}

interface Quantized {
  /** The int8/uint8 tensor. */
  q: string;
  scale: string;
  zeroPoint: string;
  scaleValue: number;
}

/** Rewrites one graph with ranges from calibration (`stats`, keyed by this graph's tensor names). */
export function quantizeStatic(ctx: QuantContext, recipe: QuantRecipe, stats: ReadonlyMap<string, TensorStats>, options: StaticOptions): void {
  const symmetric = recipe.activationSymmetric;
  const plans = planStatic(ctx, !symmetric, (tensor) => (stats.get(tensor)?.values ?? 0) > 0);
  const method = recipe.method ?? 'minmax';

  const nodes: NodeProto[] = [];
  const quantized = new Map<string, Quantized>();
  const dequantized = new Map<string, string>();
  const weights = new Map<string, { name: string; scales: Float32Array }>();
  // A producer whose Relu was folded writes the Relu's output name.
  const renamedOutputs = new Map<string, string>();
  for (const plan of plans.values()) if (plan.folded) renamedOutputs.set(plan.node.input[0] as string, plan.node.output[0] as string);

  // Q/DQ nodes are named Q0, DQ1...: unique and stable, and short, since on tiny models names
  // weigh as much as weights. Their tensors carry the meaningful names (conv1_out_q, ..._dq).
  let helpers = 0;
  const helperName = (kind: 'Q' | 'DQ'): string => ctx.names.fresh(`${kind}${helpers++}`);

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
    nodes.push(makeNode('QuantizeLinear', helperName('Q'), [t, scale, zeroPoint], [q]));
    const entry = { q, scale, zeroPoint, scaleValue: params.scale };
    quantized.set(t, entry);
    return entry;
  };

  const dequantize = (t: string): string => {
    const done = dequantized.get(t);
    if (done) return done;
    const { q, scale, zeroPoint } = quantize(t);
    const dq = ctx.names.fresh(`${t}_dq`);
    nodes.push(makeNode('DequantizeLinear', helperName('DQ'), [q, scale, zeroPoint], [dq]));
    dequantized.set(t, dq);
    return dq;
  };

  // onnxruntime's Gemm/MatMul QDQ selectors fuse only when the weight's DequantizeLinear has an
  // explicit zero point (its Conv selector does not care; measured with onnxruntime-node 1.30:
  // without it the MLP in scripts/bench-quant.ts ran its Gemms in float, 13x slower). Conv
  // weights leave the zero point implicit, which keeps tiny models under 30% of float.
  const weight = (name: string, axis: number | undefined, withZeroPoint: boolean): { name: string; scales: Float32Array } => {
    const key = `${name}|${axis ?? 'tensor'}|${withZeroPoint}`;
    const done = weights.get(key);
    if (done) return done;
    const { dims, data } = ctx.floatWeight(name) as { dims: number[]; data: Float32Array };
    const quant = quantizeWeight(data, dims, axis, options.reducedRange);
    const perChannel = axis !== undefined;
    const scaleDims = perChannel ? [quant.scales.length] : [];
    const q = ctx.addInitializer(`${name}_q`, { dims, dataType: 'INT8', data: quant.values });
    const s = ctx.addInitializer(`${name}_s`, { dims: scaleDims, dataType: 'FLOAT', data: quant.scales });
    const inputs = [q, s];
    if (withZeroPoint) inputs.push(ctx.addInitializer(`${name}_z`, { dims: scaleDims, dataType: 'INT8', data: new Int8Array(quant.scales.length) }));
    const dq = ctx.names.fresh(`${name}_dq`);
    nodes.push(makeNode('DequantizeLinear', helperName('DQ'), inputs, [dq], perChannel ? { axis: axis as number } : {}));
    ctx.replacedWeight(name);
    const entry = { name: dq, scales: quant.scales };
    weights.set(key, entry);
    return entry;
  };

  for (const node of ctx.graph.node) {
    const plan = plans.get(node);
    if (!plan) {
      nodes.push(node);
      continue;
    }
    ctx.markQuantized(node);
    if (plan.folded) continue;
    const inputs = [...node.input];
    if (plan.passThrough) {
      const source = quantize(node.input[0] as string);
      const output = node.output[0] as string;
      const q = ctx.names.fresh(`${output}_q`);
      inputs[0] = source.q;
      nodes.push(withIO(node, inputs, [q], ctx.label(node)));
      quantized.set(output, { ...source, q });
      continue;
    }
    inputs.forEach((name, i) => {
      if (plan.activations.includes(name)) inputs[i] = dequantize(name);
    });
    if (plan.weight) {
      const w = weight(node.input[plan.weight.index] as string, options.perChannel ? plan.weight.axis : undefined, node.opType !== 'Conv');
      inputs[plan.weight.index] = w.name;
    }
    const outputs = node.output.map((name) => renamedOutputs.get(name) ?? name);
    nodes.push(withIO(node, inputs, outputs, ctx.label(node)));
  }
  ctx.finish(nodes);
}

/**
 * Dynamic int8: weights are int8 in the file, activations are quantized at run time.
 *
 * Each MatMul/Gemm becomes DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp) → Cast →
 * Mul(x_scale × W_scale) (+ Add bias), the pattern onnxruntime's quantize_dynamic writes and
 * its graph optimizer fuses into one DynamicQuantizeMatMul kernel. Conv becomes the same
 * around ConvInteger. Weights are symmetric (zero point 0), so per-channel scales live only in
 * the float Mul after the integer op: onnxruntime's CPU ConvInteger refuses per-channel zero
 * points ("Non per-tensor quantization is not supported now", checked with onnxruntime-node
 * 1.30), and with zero point 0 it never sees them. x is uint8 (DynamicQuantizeLinear's only
 * output type), weights int8; both run on the CPU EP.
 */
import type { OnnxModelSpec, OnnxNodeSpec } from '../formats/onnx/onnx-writer';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import type { QuantContext } from './context';
import { floatAttr, intAttr, isDefaultDomain } from './graph';
import { quantizeWeight, transpose2d } from './weights';

interface Plan {
  /** Weight as [K, N] for MatMulInteger or as-is for ConvInteger. */
  weight: { name: string; dims: number[]; data: Float32Array; axis: number };
  /** Extra factor folded into the weight scales (Gemm's alpha). */
  scaleFactor: number;
  /** Bias added after rescaling: a tensor name, or float data reshaped for broadcasting. */
  bias?: { name: string } | { base: string; dims: number[]; data: Float32Array };
}

function floatConstant(ctx: QuantContext, name: string | undefined): { dims: number[]; data: Float32Array } | undefined {
  const tensor = name ? ctx.index.constant(name) : undefined;
  if (!tensor || !(tensor.data instanceof Float32Array)) return undefined;
  return { dims: tensor.dims, data: tensor.data };
}

/** Returns a plan or the reason the node stays float. */
function planNode(ctx: QuantContext, node: OnnxNodeSpec): Plan | string {
  const [x = '', w = '', b] = node.inputs;
  if (!ctx.isFloat(x)) return `its input '${x}' is not known to be float32, so it cannot be quantized at run time.`;
  const weight = floatConstant(ctx, w);
  if (!weight) return `its weight input '${w}' is not a float32 initializer (dynamic mode needs constant weights).`;
  if (node.opType === 'MatMul') {
    if (weight.dims.length !== 2) return `its weight '${w}' has rank ${weight.dims.length}; MatMulInteger weights must be 2-D.`;
    return { weight: { name: w, ...weight, axis: 1 }, scaleFactor: 1 };
  }
  if (node.opType === 'Gemm') {
    if (intAttr(node, 'transA', 0) !== 0) return 'it has transA=1, which the MatMulInteger rewrite does not handle.';
    if (weight.dims.length !== 2) return `its weight '${w}' is not 2-D.`;
    const [rows = 0, cols = 0] = weight.dims;
    const transB = intAttr(node, 'transB', 0) !== 0;
    const data = transB ? transpose2d(weight.data, rows, cols) : weight.data;
    const dims = transB ? [cols, rows] : [rows, cols];
    const beta = floatAttr(node, 'beta', 1);
    const plan: Plan = { weight: { name: w, dims, data, axis: 1 }, scaleFactor: floatAttr(node, 'alpha', 1) };
    if (b) {
      const bias = floatConstant(ctx, b);
      if (bias) plan.bias = beta === 1 ? { name: b } : { base: b, dims: bias.dims, data: bias.data.map((v) => v * beta) };
      else if (beta === 1 && ctx.isFloat(b)) plan.bias = { name: b };
      else return `its bias '${b}' is not a float32 initializer and beta is ${beta}.`;
    }
    return plan;
  }
  // Conv
  if (weight.dims.length < 3) return `its weight '${w}' has rank ${weight.dims.length}; Conv weights have rank 3 or more.`;
  const plan: Plan = { weight: { name: w, ...weight, axis: 0 }, scaleFactor: 1 };
  if (b) {
    const bias = floatConstant(ctx, b);
    if (!bias) return `its bias '${b}' is not a float32 initializer.`;
    // [M] → [M, 1, ..., 1] so it broadcasts over the spatial dims of [N, M, ...].
    plan.bias = { base: `${b}_r`, dims: [bias.data.length, ...weight.dims.slice(2).map(() => 1)], data: bias.data };
  }
  return plan;
}

export function quantizeDynamic(ctx: QuantContext, perChannel: boolean): OnnxModelSpec {
  const nodes: OnnxNodeSpec[] = [];
  const dynamicQuantized = new Map<string, { q: string; scale: string; zp: string }>();
  const weights = new Map<string, { q: string; scale: string; channels: number }>();

  for (const node of ctx.spec.nodes) {
    const label = ctx.label(node);
    const supported = isDefaultDomain(node) && (node.opType === 'MatMul' || node.opType === 'Gemm' || node.opType === 'Conv');
    if (ctx.isExcluded(node)) {
      if (ctx.touchesFloat(node)) ctx.skip(node, 'excluded by the recipe.');
      nodes.push(node);
      continue;
    }
    const plan = supported ? planNode(ctx, node) : undefined;
    if (typeof plan !== 'object') {
      if (typeof plan === 'string') ctx.skip(node, plan);
      else if (!isDefaultDomain(node) && ctx.touchesFloat(node)) ctx.skip(node, `it is a custom op of domain '${node.domain}', which has no int8 form; it stays float.`);
      else if (ctx.touchesFloat(node)) ctx.skip(node, `dynamic quantization covers MatMul, Gemm and Conv; ${node.opType} stays float.`);
      nodes.push(node);
      continue;
    }
    const x = node.inputs[0] as string;
    const out = node.outputs[0] as string;
    let xq = dynamicQuantized.get(x);
    if (!xq) {
      xq = { q: ctx.names.fresh(`${x}_q`), scale: ctx.names.fresh(`${x}_s`), zp: ctx.names.fresh(`${x}_z`) };
      nodes.push({ opType: 'DynamicQuantizeLinear', name: ctx.names.fresh(`${x}_d`), inputs: [x], outputs: [xq.q, xq.scale, xq.zp] });
      dynamicQuantized.set(x, xq);
    }
    const key = `${plan.weight.name}|${node.opType}|${intAttr(node, 'transB', 0)}|${plan.scaleFactor}`;
    let wq = weights.get(key);
    if (!wq) {
      const axis = perChannel ? plan.weight.axis : undefined;
      const quant = quantizeWeight(plan.weight.data, plan.weight.dims, axis);
      const channels = quant.scales.length;
      const spatial = node.opType === 'Conv' ? plan.weight.dims.slice(2).map(() => 1) : [];
      const scales = quant.scales.map((s) => s * plan.scaleFactor);
      wq = {
        q: ctx.addInitializer(`${plan.weight.name}_q`, { dims: plan.weight.dims, dataType: 'INT8', data: quant.values }),
        scale: ctx.addInitializer(`${plan.weight.name}_s`, { dims: channels === 1 ? [] : [channels, ...spatial], dataType: 'FLOAT', data: scales }),
        channels,
      };
      weights.set(key, wq);
    }
    // Helper names are short ("<node>/i" tensors, "<node>_c" nodes) because on small models the
    // graph's own bytes weigh as much as the weights.
    const integerOp = node.opType === 'Conv' ? 'ConvInteger' : 'MatMulInteger';
    const integerOut = ctx.names.fresh(`${label}/i`);
    const floatOut = ctx.names.fresh(`${label}/f`);
    const scale = ctx.names.fresh(`${label}/s`);
    const convAttributes = node.opType === 'Conv' ? node.attributes : undefined;
    nodes.push({ opType: integerOp, name: label, inputs: [xq.q, wq.q, xq.zp], outputs: [integerOut], ...(convAttributes ? { attributes: convAttributes } : {}) });
    nodes.push({ opType: 'Cast', name: ctx.names.fresh(`${label}_c`), inputs: [integerOut], outputs: [floatOut], attributes: { to: OnnxDataType.FLOAT } });
    nodes.push({ opType: 'Mul', name: ctx.names.fresh(`${label}_s`), inputs: [xq.scale, wq.scale], outputs: [scale] });
    if (!plan.bias) {
      nodes.push({ opType: 'Mul', name: ctx.names.fresh(`${label}_m`), inputs: [floatOut, scale], outputs: [out] });
    } else {
      const scaled = ctx.names.fresh(`${label}/y`);
      const bias = 'name' in plan.bias ? plan.bias.name : ctx.addInitializer(plan.bias.base, { dims: plan.bias.dims, dataType: 'FLOAT', data: plan.bias.data });
      nodes.push({ opType: 'Mul', name: ctx.names.fresh(`${label}_m`), inputs: [floatOut, scale], outputs: [scaled] });
      nodes.push({ opType: 'Add', name: ctx.names.fresh(`${label}_a`), inputs: [scaled, bias], outputs: [out] });
    }
    ctx.quantized.push(label);
  }
  return ctx.finish(nodes);
}

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
import type { NodeProto } from '../formats/onnx/generated/onnx_pb';
import { floatAttribute, intAttribute } from '../formats/onnx/onnx-attributes';
import { nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import type { QuantContext } from './context';
import { isDefaultDomain, makeNode } from './graph';
import { quantizeWeight, transpose2d } from './weights';

interface Plan {
  /** Weight as [K, N] for MatMulInteger or as-is for ConvInteger. */
  weight: { name: string; dims: number[]; data: Float32Array; axis: number };
  /** Extra factor folded into the weight scales (Gemm's alpha). */
  scaleFactor: number;
  /** Bias added after rescaling: a tensor name, or float data reshaped for broadcasting. */
  bias?: { name: string } | { base: string; dims: number[]; data: Float32Array };
}

/** Returns a plan or the reason the node stays float. */
function planNode(ctx: QuantContext, node: NodeProto): Plan | string {
  const [x = '', w = '', b] = node.input;
  if (!ctx.isFloat(x)) return `its input '${x}' is not known to be float32, so it cannot be quantized at run time.`;
  const weight = ctx.floatWeight(w);
  if (!weight) return `its weight input '${w}' is not a float32 constant (dynamic mode needs constant weights: an initializer or a Constant node).`;
  if (node.opType === 'MatMul') {
    if (weight.dims.length !== 2) return `its weight '${w}' has rank ${weight.dims.length}; MatMulInteger weights must be 2-D.`;
    return { weight: { name: w, ...weight, axis: 1 }, scaleFactor: 1 };
  }
  if (node.opType === 'Gemm') {
    if (intAttribute(node, 'transA', 0) !== 0) return 'it has transA=1, which the MatMulInteger rewrite does not handle.';
    if (weight.dims.length !== 2) return `its weight '${w}' is not 2-D.`;
    const [rows = 0, cols = 0] = weight.dims;
    const transB = intAttribute(node, 'transB', 0) !== 0;
    const data = transB ? transpose2d(weight.data, rows, cols) : weight.data;
    const dims = transB ? [cols, rows] : [rows, cols];
    const beta = floatAttribute(node, 'beta', 1);
    const plan: Plan = { weight: { name: w, dims, data, axis: 1 }, scaleFactor: floatAttribute(node, 'alpha', 1) };
    if (b) {
      const bias = ctx.floatWeight(b);
      if (bias) plan.bias = beta === 1 ? { name: b } : { base: b, dims: bias.dims, data: bias.data.map((v) => v * beta) };
      else if (beta === 1 && ctx.isFloat(b)) plan.bias = { name: b };
      else return `its bias '${b}' is not a float32 constant and beta is ${beta}.`;
    }
    return plan;
  }
  // Conv
  if (weight.dims.length < 3) return `its weight '${w}' has rank ${weight.dims.length}; Conv weights have rank 3 or more.`;
  const plan: Plan = { weight: { name: w, ...weight, axis: 0 }, scaleFactor: 1 };
  if (b) {
    const bias = ctx.floatWeight(b);
    if (!bias) return `its bias '${b}' is not a float32 constant.`;
    // [M] → [M, 1, ..., 1] so it broadcasts over the spatial dims of [N, M, ...].
    plan.bias = { base: `${b}_r`, dims: [bias.data.length, ...weight.dims.slice(2).map(() => 1)], data: bias.data };
  }
  return plan;
}

export interface DynamicOptions {
  perChannel: boolean;
  /** 7-bit weights (see weights.ts). */
  reducedRange: boolean;
}

export function quantizeDynamic(ctx: QuantContext, options: DynamicOptions): void {
  const nodes: NodeProto[] = [];
  const dynamicQuantized = new Map<string, { q: string; scale: string; zp: string }>();
  const weights = new Map<string, { q: string; scale: string; channels: number }>();

  for (const node of ctx.graph.node) {
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
      else if (ctx.touchesFloat(node) && node.opType !== 'Constant' && nodeSubgraphs(node).length === 0) ctx.skip(node, `dynamic quantization covers MatMul, Gemm and Conv; ${node.opType} stays float.`);
      nodes.push(node);
      continue;
    }
    const x = node.input[0] as string;
    const out = node.output[0] as string;
    let xq = dynamicQuantized.get(x);
    if (!xq) {
      xq = { q: ctx.names.fresh(`${x}_q`), scale: ctx.names.fresh(`${x}_s`), zp: ctx.names.fresh(`${x}_z`) };
      nodes.push(makeNode('DynamicQuantizeLinear', ctx.names.fresh(`${x}_d`), [x], [xq.q, xq.scale, xq.zp]));
      dynamicQuantized.set(x, xq);
    }
    const key = `${plan.weight.name}|${node.opType}|${intAttribute(node, 'transB', 0)}|${plan.scaleFactor}`;
    let wq = weights.get(key);
    if (!wq) {
      const axis = options.perChannel ? plan.weight.axis : undefined;
      const quant = quantizeWeight(plan.weight.data, plan.weight.dims, axis, options.reducedRange);
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
    ctx.replacedWeight(plan.weight.name);
    // Helper names are short ("<node>/i" tensors, "<node>_c" nodes) because on small models the
    // graph's own bytes weigh as much as the weights.
    const integerOut = ctx.names.fresh(`${label}/i`);
    const floatOut = ctx.names.fresh(`${label}/f`);
    const scale = ctx.names.fresh(`${label}/s`);
    if (node.opType === 'Conv') {
      const conv = makeNode('ConvInteger', label, [xq.q, wq.q, xq.zp], [integerOut]);
      conv.attribute = node.attribute;
      nodes.push(conv);
    } else {
      nodes.push(makeNode('MatMulInteger', label, [xq.q, wq.q, xq.zp], [integerOut]));
    }
    nodes.push(makeNode('Cast', ctx.names.fresh(`${label}_c`), [integerOut], [floatOut], { to: OnnxDataType.FLOAT }));
    nodes.push(makeNode('Mul', ctx.names.fresh(`${label}_s`), [xq.scale, wq.scale], [scale]));
    if (!plan.bias) {
      nodes.push(makeNode('Mul', ctx.names.fresh(`${label}_m`), [floatOut, scale], [out]));
    } else {
      const scaled = ctx.names.fresh(`${label}/y`);
      let bias: string;
      if ('name' in plan.bias) bias = plan.bias.name;
      else {
        bias = ctx.addInitializer(plan.bias.base, { dims: plan.bias.dims, dataType: 'FLOAT', data: plan.bias.data });
        ctx.replacedWeight(node.input[2] as string);
      }
      nodes.push(makeNode('Mul', ctx.names.fresh(`${label}_m`), [floatOut, scale], [scaled]));
      nodes.push(makeNode('Add', ctx.names.fresh(`${label}_a`), [scaled, bias], [out]));
    }
    ctx.markQuantized(node);
  }
  ctx.finish(nodes);
}

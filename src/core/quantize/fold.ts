/**
 * Folds a per-channel affine step that follows a Conv into the Conv's weights and bias before int8
 * quantization, as onnxruntime's quantization pre-processing does (quant_pre_process runs its
 * graph optimizer, whose ConvBNFusion, ConvMulFusion and ConvAddFusion do this):
 *
 *   Conv(W, b) → BatchNormalization(γ, β, μ, σ²)   W' = W·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β
 *   Conv(W, b) → Mul(c)                            W' = W·c, b' = b·c
 *   Conv(W, b) → Add(d)                            b' = b + d
 *
 * with γ, β, μ, σ², c, d constants of one value or one per output channel. paddle2onnx writes
 * PaddleOCR's batch norms as such a Mul and Add: left unfolded, static int8 quantizes the Conv's
 * output before the BN scale multiplies it (one channel's range for all), and the weights' range
 * lacks the scale the weights really carry. The float model computes the same values either way
 * (to float32 rounding). A Conv whose output something else also reads, or a graph output, is left.
 */
import type { NodeProto } from '../formats/onnx/generated/onnx_pb';
import { floatAttribute } from '../formats/onnx/onnx-attributes';
import type { QuantContext } from './context';
import { isDefaultDomain } from './graph';

export interface FoldCounts {
  BatchNormalization: number;
  Mul: number;
  Add: number;
}

interface ConvWeights {
  weight: { dims: number[]; data: Float32Array };
  /** One value per output channel. */
  bias: Float32Array;
}

/**
 * One value per output channel of an [N, M, ...] output (a scalar repeated), or undefined when the
 * constant broadcasts any other way (over the spatial axes, or a rank the output does not have).
 */
function perChannel(ctx: QuantContext, name: string | undefined, channels: number, outputRank: number): Float32Array | undefined {
  const constant = ctx.floatWeight(name);
  if (!constant) return undefined;
  const { dims, data } = constant;
  if (data.length === 1) return new Float32Array(channels).fill(data[0] as number);
  if (data.length !== channels || dims.length > outputRank) return undefined;
  // Right-aligned to the output's rank, the one non-1 dim must sit on the channel axis (1).
  const aligned = [...Array.from({ length: outputRank - dims.length }, () => 1), ...dims];
  return aligned.every((d, axis) => (axis === 1 ? d === channels : d === 1)) ? data : undefined;
}

/** The Conv's output channels scaled by `scale` and shifted by `shift` (W' = W·scale, b' = b·scale + shift). */
function scaled(conv: ConvWeights, scale: Float32Array | undefined, shift: Float32Array | undefined): ConvWeights {
  const channels = conv.bias.length;
  const perOutput = conv.weight.data.length / channels;
  const weight = new Float32Array(conv.weight.data);
  const bias = new Float32Array(conv.bias);
  for (let m = 0; m < channels; m += 1) {
    const s = scale ? (scale[m] as number) : 1;
    if (scale) for (let i = m * perOutput; i < (m + 1) * perOutput; i += 1) weight[i] = (weight[i] as number) * s;
    bias[m] = (bias[m] as number) * s + (shift ? (shift[m] as number) : 0);
  }
  return { weight: { dims: conv.weight.dims, data: weight }, bias };
}

/** Folds what follows each Conv of the graph; returns the counts per folded op type. */
export function foldIntoConvs(ctx: QuantContext): FoldCounts {
  const counts: FoldCounts = { BatchNormalization: 0, Mul: 0, Add: 0 };
  const removed = new Set<NodeProto>();
  for (const conv of ctx.graph.node) {
    if (conv.opType !== 'Conv' || !isDefaultDomain(conv) || ctx.isExcluded(conv) || conv.output.length !== 1) continue;
    const weight = ctx.floatWeight(conv.input[1]);
    if (!weight || weight.dims.length < 3) continue;
    const channels = weight.dims[0] as number;
    const given = conv.input[2] ? ctx.floatWeight(conv.input[2]) : undefined;
    if (conv.input[2] && !given) continue;
    let folded: ConvWeights = { weight, bias: given ? given.data : new Float32Array(channels) };
    let changed = false;
    for (;;) {
      const out = conv.output[0] as string;
      const readers = ctx.index.consumers.get(out) ?? [];
      const next = readers[0];
      if (readers.length !== 1 || !next || removed.has(next) || ctx.index.graphOutputs.has(out) || !isDefaultDomain(next) || ctx.isExcluded(next) || next.output.length !== 1) break;
      const other = next.input.find((name) => name !== out);
      const rank = weight.dims.length;
      let step: ConvWeights | undefined;
      if (next.opType === 'Mul' && next.input.length === 2) {
        const c = perChannel(ctx, other, channels, rank);
        if (c) step = scaled(folded, c, undefined);
      } else if (next.opType === 'Add' && next.input.length === 2) {
        const d = perChannel(ctx, other, channels, rank);
        if (d) step = scaled(folded, undefined, d);
      } else if (next.opType === 'BatchNormalization' && next.input[0] === out) {
        // BatchNormalization's parameters are [C] along the channel axis by definition.
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => {
          const values = ctx.floatWeight(next.input[i])?.data;
          return values?.length === channels ? values : undefined;
        });
        if (gamma && beta && mean && variance) {
          const epsilon = floatAttribute(next, 'epsilon', 1e-5);
          const factor = gamma.map((g, m) => g / Math.sqrt((variance[m] as number) + epsilon));
          step = scaled(folded, factor, beta.map((b, m) => b - (mean[m] as number) * (factor[m] as number)));
        }
      }
      if (!step) break;
      for (const name of next.input) if (name !== out && name !== '') ctx.replacedWeight(name);
      folded = step;
      changed = true;
      counts[next.opType as keyof FoldCounts] += 1;
      removed.add(next);
      // The Conv now writes the folded node's output, whose readers the index already lists.
      conv.output[0] = next.output[0] as string;
    }
    if (!changed) continue;
    const label = ctx.label(conv);
    ctx.replacedWeight(conv.input[1] as string);
    if (conv.input[2]) ctx.replacedWeight(conv.input[2]);
    const w = ctx.addInitializer(`${label}_w_folded`, { dims: folded.weight.dims, dataType: 'FLOAT', data: folded.weight.data });
    const b = ctx.addInitializer(`${label}_b_folded`, { dims: [channels], dataType: 'FLOAT', data: folded.bias });
    conv.input = [conv.input[0] as string, w, b];
  }
  if (removed.size > 0 || ctx.added.length > 0) ctx.finish(ctx.graph.node.filter((node) => !removed.has(node)));
  return counts;
}

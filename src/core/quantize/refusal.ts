/**
 * Why a variant would change nothing, op type by op type, for the one-sentence refusal: every node
 * of every graph (If/Loop/Scan bodies included) is counted under its op type with the reason the
 * pass gave when it skipped one, or, for nodes a pass does not report (constants, control flow,
 * nodes with no float32 tensor), what keeps them as they are.
 */
import type { QuantMode } from '../../shared/variants';
import type { NodeProto } from '../formats/onnx/generated/onnx_pb';
import { isDefaultDomain } from '../formats/onnx/onnx-attributes';
import { nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { onnxDtypeName } from '../formats/onnx/onnx-types';
import type { QuantContext, QuantRun } from './context';

const FORM: Record<QuantMode, string> = { dynamic: 'int8', static: 'int8', fp16: 'float16' };

function fallbackReason(ctx: QuantContext, node: NodeProto, mode: QuantMode): string {
  const bodies = nodeSubgraphs(node);
  if (bodies.length > 0) return `it runs its ${bodies.map((b) => b.attribute).join(' and ')} subgraph(s), whose nodes are counted here too, and has no ${FORM[mode]} form itself`;
  if (node.opType === 'Constant' && isDefaultDomain(node)) {
    return mode === 'fp16'
      ? 'a constant becomes float16 only when a float16 op reads it or it is large enough to store as float16, and this one is neither'
      : 'a constant becomes int8 only as the weight of a quantized Conv, Gemm or MatMul, and none reads this one';
  }
  if (!ctx.touchesFloat(node)) {
    const types = [...new Set([...node.input, ...node.output].filter((n) => n !== '').map((n) => ctx.types.get(n)).filter((t): t is number => t !== undefined).map(onnxDtypeName))];
    return `it computes on ${types.length > 0 ? `${types.join(' and ')} tensors` : 'tensors of unknown type'}, and ${mode === 'fp16' ? 'float16 conversion' : 'int8 quantization'} applies to float32 tensors`;
  }
  return `${node.opType} stays float32`;
}

/** The nodes of each graph as the model had them, before a pass rewrote the graph. */
export type OriginalNodes = ReadonlyArray<{ ctx: QuantContext; nodes: readonly NodeProto[] }>;

export function originalNodes(contexts: readonly QuantContext[]): OriginalNodes {
  return contexts.map((ctx) => ({ ctx, nodes: [...ctx.graph.node] }));
}

/** "If ×1: ...; Constant ×2: ..." over every graph's original nodes, with the reasons `run` recorded. */
export function reasonsByOp(run: QuantRun, graphs: OriginalNodes, mode: QuantMode): string {
  const recorded = new Map(run.skipped.map((s) => [s.node, s.reason]));
  const done = new Set(run.quantized);
  // Keyed by op and reason: two Adds, one on int64 shapes and one on float32 values, say so apart.
  const byOp = new Map<string, { op: string; count: number; reason: string }>();
  for (const { ctx, nodes } of graphs) {
    for (const node of nodes) {
      if (done.has(ctx.label(node))) continue;
      const op = isDefaultDomain(node) ? node.opType : `${node.domain}.${node.opType}`;
      const reason = (recorded.get(ctx.label(node)) ?? fallbackReason(ctx, node, mode)).replace(/\.$/, '');
      const entry = byOp.get(`${op}|${reason}`);
      if (entry) entry.count += 1;
      else byOp.set(`${op}|${reason}`, { op, count: 1, reason });
    }
  }
  if (byOp.size === 0) return 'the model has no nodes.';
  return [...byOp.values()].map(({ op, count, reason }) => `${op} ×${count}: ${reason}`).join('; ') + '.';
}

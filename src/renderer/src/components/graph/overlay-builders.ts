/**
 * Overlays the model graph view builds from the studio's own data: a run's per-op profile, a
 * variant's per-layer SQNR, and which nodes a variant quantized. Each attaches to nodes by name,
 * as the profile and the SQNR measurement name them. Pure.
 */
import type { LayerSqnr } from '../../../../shared/eval-schema';
import { nodePrecisions, precisionCounts, type NodePrecision } from '../../../../shared/graph/precision';
import type { GraphNode, ModelGraph } from '../../../../shared/model-graph';
import type { RunFile } from '../../../../shared/run-schema';
import { formatPercent, formatUs } from '../../format';
import { formatMs } from '../../../../shared/units';
import { attributeProfile } from '../../../../shared/triage';
import type { GraphOverlay, NodeOverlay } from './graph-overlay';

type Profile = NonNullable<RunFile['profile']>;

/** Graph nodes by the name a runtime or a measurement calls them (the node's name, else its id). */
function nodesByName(graph: ModelGraph): Map<string, GraphNode> {
  const byName = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    const name = node.name || node.id;
    if (!byName.has(name)) byName.set(name, node);
  }
  return byName;
}

const share = (fraction: number): string => formatPercent(fraction, fraction < 0.1 ? 1 : 0);

/**
 * Per-op latency from a run's profile (onnxruntime's per-node times over its profiled runs, a
 * board's per-op ticks, benchmark_model's op table): label "0.42 ms (14%)", colour by share of the
 * profiled time (the largest share = 1). Kernels the runtime renamed when it fused or re-laid out
 * nodes (onnxruntime's `<tensor>_nchwc`, `<node>_token_<n>`) go to their node by the same rules as
 * the triage's per-layer times (attributeProfile); a node the profile does not name has no entry.
 */
export function latencyOverlay(graph: ModelGraph, profile: Profile, runName: string): GraphOverlay {
  const byName = nodesByName(graph);
  const refs = graph.nodes.map((n) => ({ name: n.name || n.id, opType: n.op, inputs: n.inputs, outputs: n.outputs }));
  // Shares as the profile states them (of the runtime's own total), summed over a node's kernels.
  const shareOf = new Map<string, number>();
  for (const timed of profile.nodes) shareOf.set(timed.name, (shareOf.get(timed.name) ?? 0) + timed.share);
  const layers = attributeProfile(profile.nodes, refs).layers.map((layer) => ({ ...layer, share: [...new Set(layer.profileNames)].reduce((sum, name) => sum + (shareOf.get(name) ?? 0), 0) }));
  const maxShare = Math.max(0, ...layers.map((layer) => layer.share));
  const byNode = new Map<string, NodeOverlay>();
  for (const layer of layers) {
    const node = byName.get(layer.node);
    if (!node) continue;
    const us = layer.ownUs + layer.qdqUs;
    const renamed = layer.profileNames.filter((name) => name !== layer.node);
    byNode.set(node.id, {
      label: `${formatMs(us / 1000)} (${share(layer.share)})`,
      level: maxShare > 0 ? layer.share / maxShare : 0,
      tone: 'latency',
      detail: `${node.op} · mean ${formatUs(us)} over ${profile.runs} profiled runs · ${share(layer.share)} of the profiled time${renamed.length > 0 ? ` (the runtime's ${renamed.join(', ')})` : ''}`,
    });
  }
  const unmatched = profile.nodes.length - layers.reduce((count, layer) => count + layer.profileNames.length, 0);
  const extra = unmatched > 0 ? ` ${unmatched} profiled node${unmatched === 1 ? '' : 's'} of the runtime's own (fused or renamed) match no node here.` : '';
  // A simulated board's per-op times are its cost model's split of a modelled latency, never a measurement.
  const simulated = profile.simulated ? " SIMULATED: the simulated board's cost model, not measured per op." : '';
  return {
    title: `Latency per op: ${runName}${profile.simulated ? ' (SIMULATED)' : ''}`,
    legend:
      `Stronger colour: a larger share of the profiled time (runtime's median ${formatMs(profile.runtimeMedianMs)} over ${profile.runs} runs). ` +
      `${byNode.size} of ${graph.nodes.length} nodes have a time; a node without one was not in the profile (fused into another by the runtime, or not run).${extra}${simulated}`,
    byNode,
  };
}

/**
 * Per-layer SQNR of a variant against its float model: label "23.1 dB", colour by how bad (the
 * worst layer = 1, the best = 0). Attached by node name, else to the node producing the tensor.
 */
export function sqnrOverlay(graph: ModelGraph, layers: readonly LayerSqnr[], variantName: string): GraphOverlay {
  const byName = nodesByName(graph);
  const producer = new Map<string, GraphNode>();
  for (const node of graph.nodes) for (const out of node.outputs) if (!producer.has(out)) producer.set(out, node);
  const finite = layers.map((l) => l.sqnrDb).filter(Number.isFinite);
  const best = Math.max(...finite);
  const worst = Math.min(...finite);
  const byNode = new Map<string, NodeOverlay>();
  for (const layer of layers) {
    const node = byName.get(layer.node) ?? producer.get(layer.tensor);
    if (!node || byNode.has(node.id)) continue;
    const db = layer.sqnrDb;
    const level = !Number.isFinite(db) ? (db > 0 ? 0 : 1) : best > worst ? (best - db) / (best - worst) : 1;
    byNode.set(node.id, {
      label: Number.isFinite(db) ? `${db.toFixed(1)} dB` : db > 0 ? 'exact' : '−∞ dB',
      level,
      tone: 'sqnr',
      detail: `SQNR of ${layer.tensor} (${layer.opType}): ${Number.isFinite(db) ? `${db.toFixed(2)} dB` : db > 0 ? 'identical to float' : 'no signal left'}`,
    });
  }
  return {
    title: `Per-layer SQNR: ${variantName} against its float model`,
    legend:
      `Stronger colour: lower SQNR, more lost to quantization (worst ${Number.isFinite(worst) ? `${worst.toFixed(1)} dB` : '—'}, best ${Number.isFinite(best) ? `${best.toFixed(1)} dB` : '—'}). ` +
      `${byNode.size} of ${graph.nodes.length} nodes were measured; a node without a figure has no quantized output to compare.`,
    byNode,
  };
}

/** What the triage overlay paints: one step of a triage chain, and the per-layer SQNR of that step's variant. */
export interface TriageOverlayInput {
  /** Per-layer SQNR of the step's variant against the float model; null while it is being measured. */
  layers: readonly LayerSqnr[] | null;
  /** Every layer (node name) the step keeps in float. */
  keptFloat: readonly string[];
  /** The layers the step added to the step before, by step: name → 1-based step number that kept it. */
  keptAt: ReadonlyMap<string, number>;
  /** 'step 2 of 3 (int8, 2 layers in float)'. */
  stepName: string;
}

/**
 * A triage step on the graph: each layer coloured by its SQNR in the step's variant (as
 * sqnrOverlay colours it, worst darkest), and each layer the step keeps in float marked with a
 * dashed outline, whether or not it has a figure. Kept layers are found by node name, as the
 * recipe's exclude list names them.
 */
export function triageOverlay(graph: ModelGraph, input: TriageOverlayInput): GraphOverlay {
  const sqnr = input.layers ? sqnrOverlay(graph, input.layers, input.stepName) : null;
  const byNode = new Map(sqnr?.byNode ?? []);
  const byName = nodesByName(graph);
  let keptFloat = 0;
  const missing: string[] = [];
  for (const name of input.keptFloat) {
    const node = byName.get(name);
    if (!node) {
      missing.push(name);
      continue;
    }
    keptFloat += 1;
    const at = input.keptAt.get(name);
    const kept = `Kept in float${at === undefined ? '' : ` since step ${at}`}.`;
    const measured = byNode.get(node.id);
    byNode.set(
      node.id,
      measured
        ? { ...measured, label: `float · ${measured.label}`, detail: `${kept} ${measured.detail ?? ''}`.trim(), mark: 'kept-float' }
        : { label: 'float', level: 0, tone: 'sqnr', detail: `${kept} ${input.layers ? 'No SQNR figure for it.' : 'SQNR is being measured…'}`, mark: 'kept-float' },
    );
  }
  const sqnrPart = sqnr ? sqnr.legend : 'Per-layer SQNR is being measured…';
  const missingPart = missing.length > 0 ? ` Kept in float but not in this graph: ${missing.join(', ')}.` : '';
  return {
    title: `Triage: ${input.stepName}`,
    legend: `Dashed outline: kept in float (${keptFloat} layer${keptFloat === 1 ? '' : 's'}). ${sqnrPart}${missingPart}`,
    byNode,
    marks: { keptFloat },
  };
}

/** What each precision draws: its label and its level (overlay-style reads ≥ 0.75 as quantized, 0.4–0.75 as fp16, lower as float). */
const PRECISION_MARK: Record<Exclude<NodePrecision, 'int (no float data)'>, { label: string; level: number }> = {
  int8: { label: 'int8', level: 1 },
  uint8: { label: 'uint8', level: 1 },
  'quantize/dequantize': { label: 'Q/DQ', level: 1 },
  fp16: { label: 'fp16', level: 0.5 },
  float: { label: 'float', level: 0.1 },
};

/**
 * Which nodes run quantized, in float16 or in float, read from the graph alone
 * (src/shared/graph/precision.ts); the detail is the reason the graph gives. A node with only
 * integer or boolean tensors (shape arithmetic) has no float data to quantize and is drawn plain.
 */
export function precisionOverlay(graph: ModelGraph): GraphOverlay {
  const precisions = nodePrecisions(graph);
  const byNode = new Map<string, NodeOverlay>();
  for (const [id, info] of precisions) {
    if (info.precision === 'int (no float data)') continue;
    const mark = PRECISION_MARK[info.precision];
    byNode.set(id, { label: mark.label, level: mark.level, tone: 'precision', detail: info.reason });
  }
  const counts = precisionCounts(precisions);
  const parts = [
    `${counts.int8 + counts.uint8} quantized (${counts.int8} int8, ${counts.uint8} uint8)`,
    `${counts['quantize/dequantize']} Q/DQ`,
    `${counts.fp16} fp16`,
    `${counts.float} float`,
    `${counts['int (no float data)']} with no float data (plain)`,
  ];
  return {
    title: 'Precision: quantized or float',
    legend: `Blue: runs on integer codes (and the Q/DQ nodes converting to and from them); green: float16; amber: float. Of ${graph.nodes.length} nodes: ${parts.join(', ')}.`,
    byNode,
  };
}

/**
 * The simulated board's model of where an invoke's time goes, so its per-op profile has a shape
 * (it is a model, never a measurement; every reply carrying it is flagged simulated). LiteRT.js
 * runs the whole graph in one call (XNNPACK fuses ops), so the host cannot time ops one by one.
 *
 * Cost of an operator of the main subgraph ≈ its output elements × the work per output element:
 * for an op with a constant weight of rank ≥ 2 that is the weight's elements per output channel
 * (CONV_2D OHWI: H·W·I; DEPTHWISE_CONV_2D 1HWC: H·W; FULLY_CONNECTED [out, in]: in), i.e. its
 * MACs; for every other op, one unit per output element (elementwise work and copies).
 */
import { readTfliteGraph } from '../../../formats/graph/tflite-graph';
import { mainSubgraphNodes } from '../../tflite-op-profile';

export interface OpCost {
  /** The operator's index in subgraph 0 (what TFLM's profiler events count). */
  index: number;
  /** The op as TFLM names it (EnumNameBuiltinOperator), e.g. CONV_2D. */
  name: string;
  /** Share of one invoke's time (the shares add up to 1). */
  share: number;
}

const elements = (shape: ReadonlyArray<number | string | null> | null | undefined): number =>
  (shape ?? []).reduce<number>((product, dim) => product * (typeof dim === 'number' && dim > 0 ? dim : 1), 1);

export function simulatedOpCosts(model: Uint8Array, fileName: string): OpCost[] {
  const graph = readTfliteGraph({ main: { name: fileName, data: model }, companions: new Map() });
  const nodes = mainSubgraphNodes(graph);
  const costs = nodes.map((node) => {
    const outputShape = graph.tensors[node.outputs[0] ?? '']?.shape ?? null;
    const outElements = node.outputs.reduce((sum, name) => sum + elements(graph.tensors[name]?.shape), 0);
    const weights = node.inputs.map((name) => graph.tensors[name]).filter((t) => t !== undefined && t.role === 'weight' && (t.shape?.length ?? 0) >= 2);
    const largest = Math.max(0, ...weights.map((t) => elements(t?.shape)));
    const channels = outputShape && outputShape.length > 0 ? elements([outputShape[outputShape.length - 1] ?? null]) : 1;
    const perOutput = largest > 0 ? Math.max(1, largest / Math.max(1, channels)) : 1;
    return Math.max(1, outElements * perOutput);
  });
  const total = costs.reduce((a, b) => a + b, 0);
  return nodes.map((node, index) => ({ index, name: node.op, share: total > 0 ? (costs[index] as number) / total : 1 / nodes.length }));
}

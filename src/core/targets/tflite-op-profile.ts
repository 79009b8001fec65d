/**
 * Per-op times of a TFLite model, from wherever they were timed (a board's TFLM profiler over the
 * serial protocol, benchmark_model's op profiling over SSH), as the run's per-node profile in the
 * form onnxruntime's takes (summarizeProfile). Node names are the model graph's ids of the main
 * subgraph's operators (readTfliteGraph names an unnamed TFLite operator by op and position, e.g.
 * CONV_2D_1), so the graph overlay and the run diff read every source alike. An op is matched by
 * its operator index and op name; one that does not match (a delegate's kernel, an IF/WHILE
 * body's op) keeps its own name and colours no node.
 */
import type { ModelGraph } from '../../shared/model-graph';
import type { ProfileSource, RunFile } from '../../shared/run-schema';
import { summarizeProfile } from '../bench/profile-summary';

/** The main subgraph's operators, in operator order (the order TFLite and TFLM invoke them). */
export function mainSubgraphNodes(graph: ModelGraph): ModelGraph['nodes'] {
  return graph.nodes.filter((node) => node.subgraph === null);
}

export interface TimedOp {
  /** The operator's index in subgraph 0, where the source gives one. */
  index: number | null;
  /** The op as the source names it (CONV_2D, or a delegate kernel's name). */
  op: string;
  /** The name to keep when the op matches no graph node. */
  ownName: string;
  /** Microseconds summed over all profiled runs. */
  totalUs: number;
}

export function tfliteRunProfile(ops: readonly TimedOp[], runs: number, graph: ModelGraph, source: ProfileSource, simulated = false): NonNullable<RunFile['profile']> {
  const nodes = mainSubgraphNodes(graph);
  const timed = ops.map((op) => {
    const node = op.index === null ? undefined : nodes[op.index];
    return { name: node !== undefined && node.op === op.op ? node.id : op.ownName, opType: op.op, totalUs: op.totalUs };
  });
  // Sources give sums (or means) per node, not each run's time: the per-run figure is their mean.
  const meanRunMs = timed.reduce((sum, op) => sum + op.totalUs, 0) / runs / 1000;
  const summary = summarizeProfile({ runs, runtimeRunMs: [meanRunMs], wallRunMs: [meanRunMs], nodes: timed });
  return { ...summary, source, ...(simulated ? { simulated: true } : {}) };
}

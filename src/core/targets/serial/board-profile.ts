/**
 * A board's per-op ticks (EdgeBench protocol v2 OP_PROFILE) as the run's per-node profile, in the
 * form onnxruntime's profile takes (summarizeProfile), so the graph overlay and the run diff read
 * it as they read any profile. Node names are the model graph's ids of the main subgraph's
 * operators (readTfliteGraph names an unnamed TFLite operator by its op and position, e.g.
 * CONV_2D_1), matched by position and op name: entry i of an invoke is operator i when the model
 * has no IF/WHILE bodies. An entry that does not match keeps a name of its own and no node.
 */
import type { RunFile } from '../../../shared/run-schema';
import { summarizeProfile } from '../../bench/profile-summary';
import { readTfliteGraph } from '../../formats/graph/tflite-graph';
import type { DeviceOpProfile } from './edgebench-protocol/client';
import { mainSubgraphNodes } from './simulator/op-cost';

export function boardRunProfile(profile: DeviceOpProfile, model: Uint8Array, fileName: string): NonNullable<RunFile['profile']> {
  const nodes = mainSubgraphNodes(readTfliteGraph({ main: { name: fileName, data: model }, companions: new Map() }));
  const usPerTick = 1e6 / profile.ticksPerSecond;
  const timed = profile.ops.map((op) => {
    const node = nodes[op.index];
    const name = node !== undefined && node.op === op.name ? node.id : `${op.name} (profiler event ${op.index})`;
    return { name, opType: op.name, totalUs: op.ticks * usPerTick };
  });
  // The board sends sums, not each run's time: the per-run figure is their mean.
  const meanRunMs = timed.reduce((sum, op) => sum + op.totalUs, 0) / profile.runs / 1000;
  const summary = summarizeProfile({ runs: profile.runs, runtimeRunMs: [meanRunMs], wallRunMs: [meanRunMs], nodes: timed });
  return { ...summary, source: 'board', ...(profile.simulated ? { simulated: true } : {}) };
}

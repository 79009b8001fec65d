/**
 * A board's per-op ticks (EdgeBench protocol v2 OP_PROFILE) as the run's per-node profile
 * (tflite-op-profile.ts). Entry i of an invoke is operator i of subgraph 0 when the model has no
 * IF/WHILE bodies, which is how the firmware's profiler counts its events.
 */
import type { RunFile } from '../../../shared/run-schema';
import { readTfliteGraph } from '../../formats/graph/tflite-graph';
import { tfliteRunProfile } from '../tflite-op-profile';
import type { DeviceOpProfile } from './edgebench-protocol/client';

export function boardRunProfile(profile: DeviceOpProfile, model: Uint8Array, fileName: string): NonNullable<RunFile['profile']> {
  const graph = readTfliteGraph({ main: { name: fileName, data: model }, companions: new Map() });
  const usPerTick = 1e6 / profile.ticksPerSecond;
  const ops = profile.ops.map((op) => ({ index: op.index, op: op.name, ownName: `${op.name} (profiler event ${op.index})`, totalUs: op.ticks * usPerTick }));
  return tfliteRunProfile(ops, profile.runs, graph, 'board', profile.simulated);
}

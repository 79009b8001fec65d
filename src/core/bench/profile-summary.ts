/**
 * Turns a runtime's own profile (total time per node over the profiled runs) into the run file's
 * profile table: per node and per op type, mean microseconds per run and share of the total
 * kernel time, next to the runtime's own run time and our wall time for the same runs.
 */
import { StudioError } from '../../shared/errors';
import type { RunFile } from '../../shared/run-schema';
import type { RuntimeProfile } from '../runner/runtimes/index';
import { asSamples, median, sortSamples } from './stats';

export type RunProfile = NonNullable<RunFile['profile']>;

/** A model with thousands of nodes would bloat every run file; the slowest 200 say where the time goes. */
export const PROFILE_MAX_NODES = 200;

/**
 * Shares are of the sum of all kernel times, so the op table's shares add up to 1 (the node
 * table's too, unless it was cut at PROFILE_MAX_NODES). Time between kernels (the executor's own
 * work) is in runtimeMedianMs but in no node.
 */
export function summarizeProfile(profile: RuntimeProfile): RunProfile {
  if (profile.runs < 1 || profile.wallRunMs.length === 0 || profile.runtimeRunMs.length === 0) {
    throw new StudioError('INTERNAL', `The runtime returned a profile of ${profile.runs} runs with no run times, so it cannot be summarized.`);
  }
  const totalUs = profile.nodes.reduce((sum, node) => sum + node.totalUs, 0);
  const shareOf = (us: number): number => (totalUs > 0 ? us / totalUs : 0);

  const nodes = profile.nodes
    .map((node) => ({ name: node.name, opType: node.opType, meanUs: node.totalUs / profile.runs, share: shareOf(node.totalUs) }))
    .sort((a, b) => b.meanUs - a.meanUs)
    .slice(0, PROFILE_MAX_NODES);

  const byOp = new Map<string, { opType: string; nodes: number; totalUs: number }>();
  for (const node of profile.nodes) {
    const entry = byOp.get(node.opType) ?? { opType: node.opType, nodes: 0, totalUs: 0 };
    entry.nodes += 1;
    entry.totalUs += node.totalUs;
    byOp.set(node.opType, entry);
  }
  const ops = [...byOp.values()]
    .map((op) => ({ opType: op.opType, nodes: op.nodes, meanUs: op.totalUs / profile.runs, share: shareOf(op.totalUs) }))
    .sort((a, b) => b.meanUs - a.meanUs);

  return {
    runs: profile.runs,
    wallMedianMs: median(sortSamples(asSamples(profile.wallRunMs))),
    runtimeMedianMs: median(sortSamples(asSamples(profile.runtimeRunMs))),
    nodes,
    ops,
  };
}

/**
 * benchmark_model's op profile (its "Run Order" table, parsed in benchmark-model.ts) as the run's
 * per-node profile: a TFLite op's row, named "[output tensors]:operator index", becomes that
 * operator's graph node; a delegate's kernel ("Delegate/Convolution (NHWC, QC8) IGEMM:0", or a
 * whole delegated partition) keeps its own name, since it stands for several of the model's ops.
 */
import type { ModelGraph } from '../../../shared/model-graph';
import type { NativeOpProfile, RunFile } from '../../../shared/run-schema';
import { tfliteRunProfile } from '../tflite-op-profile';

const TFLITE_NODE_NAME = /^\[.*\]:(\d+)$/;

export function benchmarkModelRunProfile(profile: NativeOpProfile, graph: ModelGraph): NonNullable<RunFile['profile']> {
  const ops = profile.rows.map((row) => {
    const index = TFLITE_NODE_NAME.exec(row.name)?.[1];
    // [avg ms] is per run: the sum over the profiled runs is avg × runs.
    return { index: index === undefined ? null : Number(index), op: row.nodeType, ownName: row.name, totalUs: row.avgMs * 1000 * profile.runs };
  });
  return tfliteRunProfile(ops, profile.runs, graph, 'benchmark_model');
}

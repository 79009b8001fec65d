/**
 * benchmark_model's op profile (its "Run Order" table, parsed in benchmark-model.ts) as the run's
 * per-node profile: a TFLite op's row, named "[output tensors]:operator index", becomes that
 * operator's graph node; a delegate's kernel ("Delegate/Convolution (NHWC, QC8) IGEMM:0", or a
 * whole delegated partition) keeps its own name, since it stands for several of the model's ops.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { ModelGraph } from '../../../shared/model-graph';
import type { ModelFormat } from '../../../shared/model-info';
import type { NativeOpProfile, NativeToolResult, RunFile } from '../../../shared/run-schema';
import { readTfliteGraph } from '../../formats/graph/tflite-graph';
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

/**
 * The run's profile from the board's tools, for a TFLite run whose own runner has no profiler:
 * benchmark_model's op profile on the graph of the model file the studio sent. Undefined when no
 * tool profiled, or the local file cannot be read as a graph (the tool's table stays in `native`).
 */
export async function nativeRunProfile(results: readonly NativeToolResult[], format: ModelFormat, localModelPath: string): Promise<RunFile['profile']> {
  const table = results.find((result) => result.tool === 'benchmark_model' && result.opProfile !== undefined)?.opProfile;
  if (table === undefined || format !== 'tflite') return undefined;
  try {
    const data = new Uint8Array(await readFile(localModelPath));
    return benchmarkModelRunProfile(table, readTfliteGraph({ main: { name: basename(localModelPath), data }, companions: new Map() }));
  } catch (error) {
    if (error instanceof StudioError || (error instanceof Error && 'code' in error)) return undefined;
    throw error;
  }
}

/**
 * How a benchmark call or a matrix cell ended, read one way whatever shape the engine hands it
 * in. Issue 11 turns results into states ({ state: 'completed' | 'partial' | 'failed' |
 * 'cancelled', run?, error?, runnerLog? }) where they were a run file, or { ok, run } and
 * { ok: false, error, partial: { run } } for a matrix cell; the fake-runner tests check what the
 * run files and errors say, which is the same in both, so they read both shapes through this.
 * Once only the states remain, this can shrink to a type guard.
 */
import { RunFile } from '../../src/shared/run-schema';

export interface BenchResult {
  state: 'completed' | 'partial' | 'failed' | 'cancelled';
  run?: RunFile;
  error?: { code: string; message: string; context: Record<string, string> };
  runnerLog: string[];
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null;

export function benchResult(result: unknown): BenchResult {
  if (!isObject(result)) throw new Error(`not a benchmark result: ${String(result)}`);
  const error = isObject(result.error) ? (result.error as unknown as BenchResult['error']) : undefined;
  const runnerLog = Array.isArray(result.runnerLog) ? (result.runnerLog as string[]) : [];
  const run = (value: unknown): RunFile | undefined => (value === undefined ? undefined : RunFile.parse(value));
  if (typeof result.state === 'string') {
    return { state: result.state as BenchResult['state'], run: run(result.run), error, runnerLog };
  }
  // A bare run file (runLocalBenchmark before result states).
  if (typeof result.schema === 'string') return { state: 'completed', run: RunFile.parse(result), runnerLog: [] };
  // A matrix cell before result states.
  if (result.ok === true) return { state: 'completed', run: run(result.run), runnerLog: [] };
  const partial = isObject(result.partial) ? run(result.partial.run) : undefined;
  return { state: partial !== undefined ? 'partial' : 'failed', run: partial, error, runnerLog };
}

/** The run file of a result that must have one in `state`. */
export function runIn(result: unknown, state: 'completed' | 'partial'): RunFile {
  const read = benchResult(result);
  if (read.state !== state || read.run === undefined) throw new Error(`expected a ${state} run, got ${read.state}: ${read.error?.message ?? ''}`);
  return read.run;
}

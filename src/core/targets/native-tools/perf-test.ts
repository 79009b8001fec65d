/**
 * onnxruntime_perf_test (onnxruntime/test/perftest/performance_runner.cc). What it prints after
 * a run, in this order:
 *   Session creation time cost: 0.217932 s
 *   First inference time cost: 196 ms
 *   Total inference time cost: 0.49481 s
 *   Total inference requests: 5
 *   Average inference time cost: 98.96 ms        ("Average inference time cost total:" in recent releases)
 *   Total inference run time: 0.494854 s
 *   Number of inferences per second: 10.104
 *   Avg CPU usage: 11 %
 *   Peak working set size: 271122432 bytes
 * and with -s: "Min Latency: 0.0958204 s", "Max Latency", "P50 Latency", "P90", "P95", "P99", "P999" (seconds).
 */
import { NUMBER, checkCount, defined, lastNumber, outputError, scaled, type NativeToolResult } from './native-result';

export interface PerfTestOptions {
  runs: number;
  /** Intra-op threads (-x); 0 lets onnxruntime choose. */
  threads: number;
  /** Execution provider (-e); default 'cpu'. */
  provider?: string;
  /** The binary; default 'onnxruntime_perf_test'. */
  binary?: string;
}

/**
 * argv for onnxruntime_perf_test: a fixed number of runs (-m times -r N), generated inputs with
 * free dimensions set to 1 (-I, so no test-data folder is needed), and latency percentiles (-s).
 */
export function perfTestCommand(modelPath: string, options: PerfTestOptions): string[] {
  checkCount('runs', options.runs, 1);
  checkCount('threads', options.threads, 0);
  const argv = [options.binary ?? 'onnxruntime_perf_test', '-m', 'times', '-r', String(options.runs), '-e', options.provider ?? 'cpu'];
  if (options.threads > 0) argv.push('-x', String(options.threads));
  argv.push('-I', '-s', modelPath);
  return argv;
}

const seconds = (label: string): RegExp => new RegExp(`^${label}: (${NUMBER}) s\\s*$`, 'm');

/** Parses onnxruntime_perf_test's output; throws RUNTIME with its last lines when there is no average. */
export function parsePerfTestOutput(raw: string): NativeToolResult {
  // "Average time cost:" is the wording of releases before 1.0.
  const meanMs = lastNumber(raw, new RegExp(`^Average (?:inference )?time cost(?: total)?: ?(${NUMBER}) ms`, 'm'));
  if (meanMs === undefined) throw outputError('onnxruntime_perf_test', "'Average inference time cost' line", raw, /error|fail|invalid/i);
  const ms = (label: string): number | undefined => {
    const value = lastNumber(raw, seconds(label));
    return value !== undefined ? scaled(value, 1000) : undefined;
  };
  const peakBytes = lastNumber(raw, /^Peak working set size: ?(\d+)/m);
  return defined({
    tool: 'onnxruntime_perf_test',
    measures: 'onnxruntime_perf_test: wall time of one Session::Run per request on generated inputs, in the tool’s own session settings.',
    latencyMs: defined({
      mean: meanMs,
      median: ms('P50 Latency'),
      min: ms('Min Latency'),
      max: ms('Max Latency'),
      p90: ms('P90 Latency'),
      p95: ms('P95 Latency'),
      p99: ms('P99 Latency'),
      count: lastNumber(raw, /^Total (?:inference requests|iterations): ?(\d+)/m),
    }),
    initMs: ms('Session creation time cost'),
    firstInferenceMs: lastNumber(raw, new RegExp(`^First inference time cost: (${NUMBER}) ms`, 'm')),
    throughputPerSec: lastNumber(raw, new RegExp(`^Number of inferences per second: (${NUMBER})`, 'm')),
    memory: peakBytes !== undefined ? { peakBytes } : undefined,
    raw,
  });
}

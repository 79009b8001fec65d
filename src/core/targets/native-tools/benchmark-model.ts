/**
 * TensorFlow Lite's benchmark_model (tensorflow/lite/tools/benchmark). Its log lines, as the
 * tool writes them (TFLITE_LOG prefixes "INFO: " since TF 2.4; older builds print bare lines):
 *   Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate if exceeding 150 seconds.
 *   count=4 first=152342 curr=121467 min=121042 max=152342 avg=129093 std=13355      (warmup, µs)
 *   Running benchmark for at least 50 iterations and at least 1 seconds ...
 *   count=50 first=... curr=... min=... max=... avg=... std=...                       (measured, µs)
 *   Inference timings in us: Init: 28585, First inference: 152342, Warmup (avg): 129093, Inference (avg): 121310
 *   Memory footprint delta from the start of the tool (MB): init=31.2461 overall=39.5312
 * A Stat whose values are all equal prints "count=N curr=X(all same)" instead (tsl/util/stats_calculator.h).
 *
 * With --enable_op_profiling=true the tool's profiling listener (tensorflow/lite/tools/benchmark/
 * profiling_listener.cc) adds, after the runs, "Operator-wise Profiling Info for Regular Benchmark
 * Runs:" and stats_calculator's tables: "Run Order" (one row per executed node: [node type],
 * [start] in older builds, [first], [avg ms], [%], [cdf%], [mem KB], [times called], [Name]), "Top
 * by Computation Time", "Summary by node type", then "Timings (microseconds): count=N ...", N being
 * the profiled runs. A TFLite op's [Name] is "[its output tensors]:operator index"; a delegate's
 * kernels (XNNPACK's "Convolution (NHWC, QC8) IGEMM") are named "Delegate/<kernel>:k" instead.
 * The profiler times every regular run (two timestamps per node), so its cost is in those runs.
 */
import type { NativeOpProfile } from '../../../shared/run-schema';
import { NUMBER, checkCount, defined, lastNumber, outputError, scaled, type NativeLatency, type NativeToolResult } from './native-result';

export interface BenchmarkModelOptions {
  /** Intra-op threads; 0 lets the tool choose (--num_threads=-1). */
  threads: number;
  runs: number;
  warmup: number;
  /** Keep measuring past `runs` until this much time was spent; default 0, so `runs` decides (the tool's own default is 1 s). */
  minTimeMs?: number;
  /** Keep warming up past `warmup` runs until this much time was spent; default 0 (the tool's default is 0.5 s). */
  warmupMinTimeMs?: number;
  /** Stop measuring after this long; 0 or omitted keeps the tool's 150 s. */
  maxTimeMs?: number;
  /** The binary; default 'benchmark_model' from the PATH. */
  binary?: string;
  /** --enable_op_profiling: the per-node table after the runs (parsed into opProfile). Default off. */
  opProfiling?: boolean;
  /** --report_peak_memory_footprint: the peak footprint by periodic monitoring (memory.peakBytes). Default off. */
  reportPeakMemory?: boolean;
}

/** argv for benchmark_model on one model, matching the studio's run settings as far as the tool has flags for them. */
export function benchmarkModelCommand(modelPath: string, options: BenchmarkModelOptions): string[] {
  checkCount('threads', options.threads, 0);
  checkCount('runs', options.runs, 1);
  checkCount('warmup', options.warmup, 0);
  const argv = [
    options.binary ?? 'benchmark_model',
    `--graph=${modelPath}`,
    `--num_threads=${options.threads > 0 ? options.threads : -1}`,
    `--num_runs=${options.runs}`,
    `--warmup_runs=${options.warmup}`,
    `--min_secs=${(options.minTimeMs ?? 0) / 1000}`,
    `--warmup_min_secs=${(options.warmupMinTimeMs ?? 0) / 1000}`,
  ];
  if (options.maxTimeMs !== undefined && options.maxTimeMs > 0) argv.push(`--max_secs=${options.maxTimeMs / 1000}`);
  argv.push(`--enable_op_profiling=${options.opProfiling === true}`);
  if (options.reportPeakMemory === true) argv.push('--report_peak_memory_footprint=true');
  return argv;
}

const PREFIX = String.raw`^(?:INFO: )?`;
const TIMINGS = new RegExp(
  `${PREFIX}Inference timings in us: Init: (${NUMBER}), First inference: (${NUMBER}), Warmup \\(avg\\): (${NUMBER}), Inference \\(avg\\): (${NUMBER})`,
  'm',
);
const STAT = new RegExp(
  `${PREFIX}count=(\\d+)(?: first=(${NUMBER}))? curr=(${NUMBER})(?: min=(${NUMBER}) max=(${NUMBER}) avg=(${NUMBER}) std=(${NUMBER}))?`,
  'gm',
);
const FOOTPRINT = new RegExp(`Memory footprint delta from the start of the tool \\(MB\\): init=(${NUMBER}) overall=(${NUMBER})`);
const MIB = 1024 * 1024;

/** Parses benchmark_model's output; throws RUNTIME quoting the tool's ERROR lines when it did not finish. */
export function parseBenchmarkModelOutput(raw: string): NativeToolResult {
  const timings = TIMINGS.exec(raw);
  if (timings === null) throw outputError('benchmark_model', "'Inference timings in us' line", raw, /^(ERROR|FATAL):/);
  const [initUs, firstUs, warmupUs, inferenceUs] = timings.slice(1, 5).map(Number) as [number, number, number, number];
  // The measured runs' Stat is the last one printed (the warmup's comes first).
  const stats = [...raw.matchAll(STAT)];
  const measured = stats.length >= 2 ? stats[stats.length - 1] : undefined;
  const ms = (us: number | string | undefined): number => scaled(Number(us), 1 / 1000);
  const latencyMs: NativeLatency = { mean: ms(inferenceUs) };
  if (measured !== undefined) {
    const [, count, , curr, min, max, , std] = measured;
    const allSame = min === undefined;
    Object.assign(latencyMs, {
      count: Number(count),
      min: ms(allSame ? curr : min),
      max: ms(allSame ? curr : max),
      stddev: allSame ? 0 : ms(std),
    });
  }
  const footprint = FOOTPRINT.exec(raw);
  const peakMiB = lastNumber(raw, new RegExp(`Overall peak memory footprint \\(MB\\) via periodic monitoring: (${NUMBER})`));
  const memory = defined({
    initFootprintBytes: footprint ? Math.round(Number(footprint[1]) * MIB) : undefined,
    overallFootprintBytes: footprint ? Math.round(Number(footprint[2]) * MIB) : undefined,
    peakBytes: peakMiB !== undefined ? Math.round(peakMiB * MIB) : undefined,
  });
  const opProfile = parseOpProfile(raw);
  return defined({
    tool: 'benchmark_model',
    measures:
      'TFLite benchmark_model: wall time of one Interpreter::Invoke per run on random inputs, in the tool’s own process and thread settings' +
      (opProfile === undefined ? '.' : ', with its op profiler timing every node of those runs.'),
    latencyMs,
    initMs: ms(initUs),
    firstInferenceMs: ms(firstUs),
    warmupMeanMs: ms(warmupUs),
    memory: Object.keys(memory).length > 0 ? memory : undefined,
    opProfile,
    raw,
  });
}

const PROFILE_SECTION = 'Operator-wise Profiling Info for Regular Benchmark Runs:';
const RUN_ORDER = /=+ Run Order =+/;
const TABLE_END = /=+ Top by Computation Time =+|=+ Summary by node type =+|^(?:INFO: )?Timings \(microseconds\)/m;

/**
 * The "Run Order" table of the regular runs, or undefined when the output has none (profiling
 * off, or an older tool that did not finish). Columns are found from the header, since older
 * builds print a [start] column and tabs, newer ones neither; rows are read by their numbers
 * from the right of the type, so a type or a name with spaces in it stays whole.
 */
export function parseOpProfile(raw: string): NativeOpProfile | undefined {
  const section = raw.indexOf(PROFILE_SECTION);
  if (section < 0) return undefined;
  const rest = raw.slice(section + PROFILE_SECTION.length);
  const order = RUN_ORDER.exec(rest);
  if (order === null) return undefined;
  const afterHeader = rest.slice(order.index + order[0].length);
  const end = TABLE_END.exec(afterHeader);
  const lines = (end === null ? afterHeader : afterHeader.slice(0, end.index)).split(/\r?\n/).map((line) => line.replace(/^INFO: /, ''));
  const header = lines.find((line) => line.includes('[node type]'));
  if (header === undefined) return undefined;
  const hasStart = header.includes('[start]');
  const n = `(${NUMBER})`;
  const row = new RegExp(`^\\s*(.+?)\\s+${hasStart ? `${NUMBER}\\s+` : ''}${n}\\s+${n}\\s+${n}%\\s+${NUMBER}%\\s+${NUMBER}\\s+(\\d+)\\s+(.+?)\\s*$`);
  const rows: NativeOpProfile['rows'] = [];
  for (const line of lines) {
    const match = row.exec(line);
    if (match === null || line.includes('[node type]')) continue;
    const [, nodeType, first, avg, percent, called, name] = match;
    rows.push({ nodeType: (nodeType as string).trim(), name: name as string, firstMs: Number(first), avgMs: Number(avg), share: scaled(Number(percent), 1 / 100), timesCalled: Number(called) });
  }
  if (rows.length === 0) return undefined;
  // The profiled runs: the count of the Timings line that closes this section's tables.
  const timings = /^(?:INFO: )?Timings \(microseconds\): count=(\d+)/m.exec(rest.slice(order.index));
  return { runs: timings === null ? 1 : Number(timings[1]), rows };
}

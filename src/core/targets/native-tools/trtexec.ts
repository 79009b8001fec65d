/**
 * NVIDIA TensorRT's trtexec. Its performance summary (samples/common/sampleReporting.cpp,
 * printEpilog), each line behind a "[date-time] [I] " prefix:
 *   Timing trace has 200 queries over 0.423461 s
 *   === Performance summary ===
 *   Throughput: 472.299 qps
 *   Latency: min = 2.07 ms, max = 2.3 ms, mean = 2.1 ms, median = 2.09 ms, percentile(90%) = ..., percentile(95%) = ..., percentile(99%) = ... ms
 *   GPU Compute Time: min = ... (same fields)
 * TensorRT 8.6+ prints three percentiles; earlier 8.x prints one (percentile(99%) by default).
 * "Latency" is H2D + GPU compute + D2H for one query. The version comes from
 * "&&&& RUNNING TensorRT.trtexec [TensorRT v8602]" or, where printed, "TensorRT version: 8.6.2".
 */
import { StudioError } from '../../../shared/errors';
import { NUMBER, checkCount, defined, lastNumber, outputError, scaled, type NativeLatency, type NativeToolResult } from './native-result';

export interface TrtexecOptions {
  runs: number;
  /** trtexec warms up by time, not by count (--warmUp, ms; its default is 200). */
  warmupMs?: number;
  /** Engine precision: fp32 only (default), or let TensorRT also use fp16 / int8 kernels, or 'best'. */
  precision?: 'fp32' | 'fp16' | 'int8' | 'best';
  /** The binary; default 'trtexec' (JetPack installs it as /usr/src/tensorrt/bin/trtexec, off the PATH). */
  binary?: string;
}

/** argv for trtexec: an .onnx model is built into an engine first; .engine / .plan / .trt files are loaded as they are. */
export function trtexecCommand(modelPath: string, options: TrtexecOptions): string[] {
  checkCount('runs', options.runs, 1);
  const warmupMs = options.warmupMs ?? 200;
  if (!(warmupMs >= 0)) throw new StudioError('BAD_INPUT', `The trtexec warmup must be 0 ms or more, not ${warmupMs}.`, { setting: 'warmupMs' });
  const extension = /\.([^./\\]+)$/.exec(modelPath)?.[1]?.toLowerCase();
  let model: string;
  if (extension === 'onnx') model = `--onnx=${modelPath}`;
  else if (extension === 'engine' || extension === 'plan' || extension === 'trt') model = `--loadEngine=${modelPath}`;
  else throw new StudioError('BAD_INPUT', `trtexec runs .onnx models and TensorRT engines (.engine, .plan, .trt), not '${modelPath}'.`, { file: modelPath });
  // --duration=0: the run count decides, not trtexec's default of at least 3 s.
  const argv = [options.binary ?? 'trtexec', model, `--iterations=${options.runs}`, `--warmUp=${warmupMs}`, '--duration=0'];
  const precision = options.precision ?? 'fp32';
  if (precision !== 'fp32') argv.push(`--${precision}`);
  return argv;
}

const FIELD = new RegExp(`(min|max|mean|median|percentile\\((${NUMBER})%\\)) = (${NUMBER}) ms`, 'g');

/** The statistics of one summary line ("Latency: min = … ms, …"), or undefined when the line is absent. */
function summaryLine(raw: string, label: string): NativeLatency | undefined {
  const line = new RegExp(`^(?:\\[[^\\]]*\\] )*${label}: (min = .*)$`, 'm').exec(raw)?.[1];
  if (line === undefined) return undefined;
  const values: Record<string, number> = {};
  for (const match of line.matchAll(FIELD)) {
    const key = match[2] !== undefined ? `p${Number(match[2])}` : (match[1] as string);
    values[key] = Number(match[3]);
  }
  if (values.mean === undefined) return undefined;
  return defined({ mean: values.mean, median: values.median, min: values.min, max: values.max, p90: values.p90, p95: values.p95, p99: values.p99 });
}

/** TensorRT's version: the printed one, else decoded from NV_TENSORRT_VERSION in the RUNNING line (8602 → 8.6.2, 100300 → 10.3.0). */
function trtVersion(raw: string): string | undefined {
  const printed = /TensorRT version: (\d+\.\d+\.\d+)/.exec(raw)?.[1];
  if (printed !== undefined) return printed;
  const code = /\[TensorRT v(\d+)\]/.exec(raw)?.[1];
  if (code === undefined) return undefined;
  const n = Number(code);
  return code.length >= 6 ? `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}.${n % 100}` : `${Math.floor(n / 1000)}.${Math.floor(n / 100) % 10}.${n % 100}`;
}

/** Parses trtexec's output; throws RUNTIME quoting its [E] and FAILED lines when there is no summary. */
export function parseTrtexecOutput(raw: string): NativeToolResult {
  const latency = summaryLine(raw, 'Latency');
  if (latency === undefined) throw outputError('trtexec', "'Latency: min = …' performance summary", raw, /\[E\]|&&&& FAILED/);
  const count = lastNumber(raw, /Timing trace has (\d+) queries/);
  const deserializeS = lastNumber(raw, new RegExp(`Engine deserialized in (${NUMBER}) sec`));
  return defined({
    tool: 'trtexec',
    version: trtVersion(raw),
    measures: 'trtexec Latency: one query on the GPU including the input and output copies (H2D + GPU compute + D2H); GPU compute alone is given apart.',
    latencyMs: defined({ ...latency, count: count }),
    initMs: deserializeS !== undefined ? scaled(deserializeS, 1000) : undefined,
    throughputPerSec: lastNumber(raw, new RegExp(`Throughput: (${NUMBER}) qps`)),
    gpuComputeMs: summaryLine(raw, 'GPU Compute Time'),
    raw,
  });
}

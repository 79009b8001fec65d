/**
 * What a board's own benchmark tool reported, parsed from its console output into one shape,
 * so the studio can show it beside its runner's result for the same model. The tools measure
 * different spans (Invoke only, a whole query with copies, Session::Run), so each result says
 * in `measures` what its numbers cover.
 */
import { z } from 'zod';
import { StudioError } from '../../../shared/errors';

export const NativeToolName = z.enum(['benchmark_model', 'trtexec', 'onnxruntime_perf_test']);
export type NativeToolName = z.infer<typeof NativeToolName>;

/** Latency statistics as far as the tool prints them, in milliseconds. */
export const NativeLatency = z.object({
  mean: z.number(),
  median: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** As the tool computes it: benchmark_model prints the population standard deviation, truncated to whole microseconds. */
  stddev: z.number().optional(),
  p90: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
  /** Measured runs (warmup excluded). */
  count: z.number().int().optional(),
});
export type NativeLatency = z.infer<typeof NativeLatency>;

export const NativeToolResult = z.object({
  tool: NativeToolName,
  /** The tool's version where its output names one (trtexec: the TensorRT version). */
  version: z.string().optional(),
  /** One sentence: what span of work the latencies cover, so a user can tell why they differ from the studio's runner. */
  measures: z.string(),
  latencyMs: NativeLatency,
  /** Loading the model (benchmark_model: Init; trtexec: engine deserialization; perf_test: session creation). */
  initMs: z.number().optional(),
  firstInferenceMs: z.number().optional(),
  /** Mean of the warmup runs (benchmark_model). */
  warmupMeanMs: z.number().optional(),
  /** Inferences per second as the tool reports it (trtexec qps, perf_test inferences per second). */
  throughputPerSec: z.number().optional(),
  /** trtexec: GPU compute time alone, without host-device copies. */
  gpuComputeMs: NativeLatency.optional(),
  memory: z
    .object({
      /** benchmark_model: memory footprint growth during init, and over the whole run. */
      initFootprintBytes: z.number().optional(),
      overallFootprintBytes: z.number().optional(),
      /** perf_test: peak working set; benchmark_model: peak footprint with --report_peak_memory_footprint. */
      peakBytes: z.number().optional(),
    })
    .optional(),
  /** The complete output, kept so a user can read what the tool said. */
  raw: z.string(),
});
export type NativeToolResult = z.infer<typeof NativeToolResult>;

/** A number as C++ iostreams print it: integers, decimals, and 6-significant-digit exponents (1.52634e+06). */
export const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/** The number captured by the first group of `pattern` in its last match in `text`, or undefined. */
export function lastNumber(text: string, pattern: RegExp): number | undefined {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  let found: number | undefined;
  for (const match of text.matchAll(new RegExp(pattern.source, flags))) {
    const value = Number(match[1]);
    if (Number.isFinite(value)) found = value;
  }
  return found;
}

/**
 * A value converted to another unit (µs → ms, s → ms), rounded to 12 significant digits so the
 * conversion adds no binary noise (0.0288912 s is 28.8912 ms, not 28.891199999999998); the
 * tools print 6 digits at most.
 */
export function scaled(value: number, factor: number): number {
  return Number((value * factor).toPrecision(12));
}

/** Drops undefined fields so results compare and serialize cleanly. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The error for output that lacks the tool's result lines: quotes the tool's own error lines, or its last lines. */
export function outputError(tool: NativeToolName, missing: string, text: string, errorLine: RegExp): StudioError {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const errors = lines.filter((line) => errorLine.test(line));
  const shown = (errors.length > 0 ? errors : lines).slice(-3).join(' | ');
  const said = shown === '' ? 'it printed nothing' : `it said: ${shown}`;
  return new StudioError('RUNTIME', `${tool} printed no ${missing}, so it did not finish measuring; ${said}`, { tool });
}

/** Refuses a run setting that is not a whole number of at least `min`, naming it. */
export function checkCount(setting: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StudioError('BAD_INPUT', `The native tool's ${setting} must be a whole number of at least ${min}, not ${value}.`, { setting });
  }
}

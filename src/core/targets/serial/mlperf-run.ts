/**
 * One matrix cell on a board running MLPerf Tiny benchmark firmware. The model is built into the
 * firmware; the studio's model file only tells the input size (its inputs' shape × dtype size),
 * so any format works. Performance mode gives one latency per window (the board reports only
 * each window's total time), so a run holds 5 samples: the windows' mean latencies.
 *
 * Windows: --mode report follows MLPerf Tiny's rule (5 windows of at least 10 s of device time,
 * the median reported). --mode quick, the default, runs 5 windows of max(1 s, --min-time) each:
 * a quicker look at the same figure that does not meet the rule.
 */
import { StudioError } from '../../../shared/errors';
import { BenchSettings, RUNTIMES_FOR_FORMAT, type HardwareProfile, type RunFile, type RunStop } from '../../../shared/run-schema';
import { checkSettings, planInputs } from '../../bench/bench-inputs';
import { partialOutcome, type Measured } from '../../bench/cell-outcome';
import { DEFAULT_REPORT_PLAN, type ReportModePlan } from '../../bench/report-mode';
import { buildRunFile } from '../../bench/run-file';
import type { LocalBenchJob } from '../../bench/run-local-benchmark';
import type { DutIdentity } from './mlperf-tiny/dut-client';
import type { MlperfTinyConnection } from './mlperf-tiny/connect';
import { runPerformance, summarizePerformance, type PerformanceResult } from './mlperf-tiny/performance';
import { elementCount, inputBytes } from './serial-inputs';
import { inputDescription, progressReporter, type CellOptions } from './serial-run-common';
import { chipArch } from './serial-run';

/** Quick mode's least window time: shorter windows would mostly measure the board's timer steps. */
const QUICK_MIN_WINDOW_MS = 1000;
const QUICK_WINDOWS = 5;
/** The board's m-lap-us timer counts microseconds. */
const DEVICE_TIMER_RESOLUTION_NS = 1000;
/** With one sample per window these two say nothing about a run of 5 windows of ≥ 1 s each. */
const NOT_FOR_WINDOW_MEANS = new Set(['few-samples', 'wide-ci']);

export function mlperfWindowPlan(settings: BenchSettings, reportOverride: ReportModePlan | undefined): ReportModePlan {
  if (settings.mode === 'report') {
    const rule = reportOverride ?? DEFAULT_REPORT_PLAN;
    return { windows: rule.windows, minWindowMs: rule.minWindowMs };
  }
  return { windows: QUICK_WINDOWS, minWindowMs: Math.max(QUICK_MIN_WINDOW_MS, settings.minTimeMs) };
}

export function mlperfHardware(board: DutIdentity): HardwareProfile {
  // The DUT protocol tells the board's name and firmware only; cores and memory are unknown (0).
  return { arch: chipArch(board.name), cpuModel: board.name, cores: 1, memoryBytes: 0, os: board.profile, cpuFeatures: [] };
}

export function mlperfRuntime(board: DutIdentity): RunFile['runtime'] {
  const version = /V?(\d+(?:\.\d+)+)/.exec(board.profile)?.[1] ?? (board.profile === 'unknown' ? 'unknown' : board.profile);
  return { name: 'mlperf-tiny firmware', version, threads: 1, backend: board.name };
}

/** The cell's run, complete or partial (the windows finished before the board stopped answering). */
export async function runMlperfCell(connection: MlperfTinyConnection, job: LocalBenchJob, opts: CellOptions): Promise<Measured> {
  // As recorded: the board has no JIT to warm up by time and no per-op profiler.
  const settings = BenchSettings.parse({ ...job.settings, warmupMinTimeMs: 0, profileRuns: 0 });
  checkSettings(settings, { format: job.model.format, name: job.model.name, inputs: job.inputsInfo }, job.runtime ?? RUNTIMES_FOR_FORMAT[job.model.format][0] ?? 'onnxruntime', opts.reportModeOverride ?? DEFAULT_REPORT_PLAN);
  const plan = mlperfWindowPlan(settings, opts.reportModeOverride);
  const requests = planInputs(job.inputsInfo, settings);
  const report = progressReporter(opts.onProgress);

  const parts = job.inputsInfo.map((info, index) => {
    const fill = requests[index]?.fill ?? { kind: 'random' as const, seed: index + 1 };
    const given = settings.shapes[info.name];
    const shape = given ?? (info.shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    return { bytes: inputBytes(info.dtype, elementCount(info.shape, given), fill), description: inputDescription(info.name, info.dtype, shape, fill) };
  });
  const input = concat(parts.map((p) => p.bytes));
  if (input.length === 0) {
    throw new StudioError('BAD_INPUT', `'${job.model.name}' declares no input, so the studio cannot tell how many bytes the MLPerf Tiny board on ${connection.client.port} expects; use the model the firmware was built for.`, { model: job.model.name });
  }

  // An infer command can run for many seconds: closing the client answers a cancel at once.
  const onAbort = (): void => connection.client.dispose();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  report('loading', 0, 1);
  let outcome;
  try {
    if (opts.signal?.aborted) throw cancelled(connection.client.port);
    outcome = await runPerformance(connection.client, input, {
      windows: plan.windows,
      minWindowMs: plan.minWindowMs,
      warmups: settings.warmupRuns,
      signal: opts.signal,
      onWindow: (_window, index, total) => report('measuring', index + 1, total),
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const runFile = (result: PerformanceResult, stop?: RunStop): RunFile =>
    buildRunFile(
      {
        model: job.model,
        target: { kind: 'serial', name: job.targetName, hardware: mlperfHardware(result.board) },
        runtime: mlperfRuntime(result.board),
        ...(job.job !== undefined ? { job: job.job } : {}),
        settings,
      },
      {
        samplesMs: result.samplesMs,
        inputs: parts.map((p) => p.description),
        // The model is flashed with the firmware: nothing is loaded before the first inference.
        initMs: 0,
        firstInferenceMs: result.firstInferenceMs,
        // The DUT protocol reports no memory figures.
        memory: { peakRssBytes: 0, osPeakRssBytes: null },
        timerResolutionNs: DEVICE_TIMER_RESOLUTION_NS,
        cores: 1,
        report: { block: result.report },
        notApplicable: NOT_FOR_WINDOW_MEANS,
        notes: [
          {
            code: 'window-means',
            message: `Each sample is one window's mean latency (${result.windows.map((w) => w.inferences).join(', ')} inferences): MLPerf Tiny boards report only each window's total time, so the histogram shows ${result.windows.length} window means, not single inferences.`,
          },
        ],
      },
      stop,
    );
  if (outcome.state === 'interrupted') {
    if (opts.signal?.aborted || outcome.error.code === 'CANCELLED') throw cancelled(connection.client.port);
    // Finished windows stay with the failed cell (one mean latency per window), as a partial run.
    const error = StudioError.fromData(outcome.error);
    const { board, windows } = outcome;
    if (windows.length === 0) throw error;
    const firstInferenceMs = outcome.firstInferenceMs ?? 0;
    const finished = summarizePerformance(board, input.length, firstInferenceMs, windows, { windows: plan.windows, minWindowMs: plan.minWindowMs, warmups: settings.warmupRuns });
    return partialOutcome(error, `the board stopped answering (${windows.length} of ${plan.windows} windows)`, (stop) => runFile(finished, stop));
  }
  report('saving', 0, 1);
  return { state: 'completed', run: runFile(outcome.result) };
}

function cancelled(port: string): StudioError {
  return new StudioError('CANCELLED', `The MLPerf Tiny run on ${port} was cancelled.`, { port });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

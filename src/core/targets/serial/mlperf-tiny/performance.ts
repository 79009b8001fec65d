/**
 * MLPerf Tiny's performance mode. The reference runner (mlcommons/tiny benchmark/runner/script.py)
 * loads the input, runs "infer N W%" in 5 windows, takes each window's device time from the two
 * m-lap-us timestamps around the timed loop, and reports the median throughput; a window under
 * 10 s of device time, or a count other than 5, is flagged as an error. Here N is chosen from a
 * calibration so each window lasts at least `minWindowMs` of the board's own time, and a window
 * that came out short is run again with a larger N.
 */
import { StudioError, type ErrorData } from '../../../../shared/errors';
import { medianOf } from '../../../../shared/numeric/quantile';
import type { DutIdentity, MlperfTinyClient } from './dut-client';
import type { InferReply } from './replies';

export interface PerformanceOptions {
  /** Default 5 (MLPerf Tiny's rule). */
  windows?: number;
  /** Least device time per window. Default 10000 (MLPerf Tiny's rule); tests use less. */
  minWindowMs?: number;
  /** Warmup inferences before each window's timed loop. Default 10 (the firmware's own default). */
  warmups?: number;
  /** Bound on one window's answer beyond its expected device time. Default 10000. */
  answerMarginMs?: number;
  /** Wall time allowed per ms of expected device time (a slow link prints slowly). Default 2. */
  answerFactor?: number;
  signal?: AbortSignal;
  /** Called as each window finishes, so a caller keeps finished windows whatever happens next. */
  onWindow?: (window: PerformanceWindow, index: number, total: number) => void;
}

export interface PerformanceWindow {
  /** Timed inferences in the window (N of "infer N W%"). */
  inferences: number;
  warmups: number;
  /** Device time of the timed loop, from the board's m-lap-us timestamps. */
  deviceTimeMs: number;
  /** deviceTimeMs / inferences: the board only reports the loop's total, so this is the window's mean. */
  latencyMs: number;
  throughputPerSec: number;
}

export interface PerformanceResult {
  board: DutIdentity;
  inputBytes: number;
  /** The very first "infer 1 0%" after loading, kept apart like every target's first inference. */
  firstInferenceMs: number;
  windows: PerformanceWindow[];
  /** One latency per window (its mean per inference), in ms, in order: LatencyStats.samples. */
  samplesMs: number[];
  /** Median of the windows' latencies; the reported latency. */
  medianLatencyMs: number;
  /** Median of the windows' throughputs, the figure MLPerf Tiny reports. */
  medianThroughputPerSec: number;
  /** Ready for RunFile.report: each window's medianMs is its mean per inference (see above). */
  report: { windows: { runs: number; durationMs: number; medianMs: number }[]; medianOfWindowsMs: number };
  settings: { windows: number; minWindowMs: number; warmups: number };
}

/** Finished windows are kept when the board or the port fails mid-run. */
export type PerformanceOutcome =
  | { state: 'completed'; result: PerformanceResult }
  | { state: 'interrupted'; error: ErrorData; board: DutIdentity; firstInferenceMs?: number; windows: PerformanceWindow[] };

const CALIBRATION_STEPS = 6;
const CALIBRATION_MIN_US = 1000;
const MAX_WINDOW_ATTEMPTS = 3;
/** Aim past the minimum so timer jitter does not make a window fall just short. */
const WINDOW_HEADROOM = 1.1;

function toWindow(reply: InferReply): PerformanceWindow {
  const deviceTimeMs = reply.elapsedUs / 1000;
  return {
    inferences: reply.inferences,
    warmups: reply.warmups,
    deviceTimeMs,
    latencyMs: deviceTimeMs / reply.inferences,
    throughputPerSec: deviceTimeMs > 0 ? (reply.inferences * 1000) / deviceTimeMs : Number.POSITIVE_INFINITY,
  };
}

/** The result of these windows (all of a run's, or those an interrupted run finished). */
export function summarizePerformance(board: DutIdentity, inputBytes: number, firstInferenceMs: number, windows: PerformanceWindow[], settings: PerformanceResult['settings']): PerformanceResult {
  const samplesMs = windows.map((w) => w.latencyMs);
  const medianLatencyMs = medianOf(samplesMs);
  return {
    board,
    inputBytes,
    firstInferenceMs,
    windows,
    samplesMs,
    medianLatencyMs,
    medianThroughputPerSec: medianOf(windows.map((w) => w.throughputPerSec)),
    report: {
      windows: windows.map((w) => ({ runs: w.inferences, durationMs: w.deviceTimeMs, medianMs: w.latencyMs })),
      medianOfWindowsMs: medianLatencyMs,
    },
    settings,
  };
}

function checkAborted(signal: AbortSignal | undefined, port: string): void {
  if (signal?.aborted) throw new StudioError('CANCELLED', `The MLPerf Tiny performance run on ${port} was cancelled; finished windows are kept.`, { port });
}

export async function runPerformance(client: MlperfTinyClient, input: Uint8Array, options: PerformanceOptions = {}): Promise<PerformanceOutcome> {
  const settings = { windows: options.windows ?? 5, minWindowMs: options.minWindowMs ?? 10_000, warmups: options.warmups ?? 10 };
  const margin = options.answerMarginMs ?? 10_000;
  const factor = options.answerFactor ?? 2;
  const board = client.identity ?? (await client.identify());
  const windows: PerformanceWindow[] = [];
  let firstInferenceMs: number | undefined;
  const timeoutFor = (expectedMs: number): number => margin + factor * expectedMs;

  try {
    await client.loadInput(input);
    checkAborted(options.signal, client.port);
    const first = await client.infer(1, 0, timeoutFor(settings.minWindowMs));
    firstInferenceMs = first.elapsedUs / 1000;

    // A coarse board timer can read 0 µs for one inference: grow N until the loop spans at least
    // 1 ms of device time, so the estimate that sizes the windows means something.
    let probe = first;
    for (let step = 0; step < CALIBRATION_STEPS && probe.elapsedUs < CALIBRATION_MIN_US; step++) {
      checkAborted(options.signal, client.port);
      probe = await client.infer(probe.inferences * 10, 0, timeoutFor(settings.minWindowMs));
    }
    if (probe.elapsedUs === 0) {
      throw new StudioError('DEVICE', `The board on ${client.port} reported 0 µs for ${probe.inferences} inferences: its m-lap-us clock does not run; check th_timestamp() in its firmware.`, {
        port: client.port,
      }, { detail: { kind: 'clock-stopped', port: client.port } });
    }
    let perInferenceMs = probe.latencyUs / 1000;

    let inferences = Math.max(1, Math.ceil((settings.minWindowMs * WINDOW_HEADROOM) / Math.max(perInferenceMs, 1e-3)));
    while (windows.length < settings.windows) {
      let window: PerformanceWindow | undefined;
      for (let attempt = 0; attempt < MAX_WINDOW_ATTEMPTS && !window; attempt++) {
        checkAborted(options.signal, client.port);
        const expectedMs = inferences * perInferenceMs + settings.warmups * perInferenceMs;
        const candidate = toWindow(await client.infer(inferences, settings.warmups, timeoutFor(expectedMs)));
        if (candidate.deviceTimeMs >= settings.minWindowMs) window = candidate;
        else {
          perInferenceMs = Math.max(candidate.latencyMs, 1e-3);
          inferences = Math.ceil((settings.minWindowMs * WINDOW_HEADROOM) / perInferenceMs);
        }
      }
      if (!window) {
        throw new StudioError(
          'DEVICE',
          `The board on ${client.port} kept finishing windows under ${settings.minWindowMs / 1000} s of its own time: its m-lap-us clock may not count microseconds; check th_timestamp() in its firmware.`,
          { port: client.port },
          { detail: { kind: 'short-window', port: client.port } },
        );
      }
      windows.push(window);
      options.onWindow?.(window, windows.length - 1, settings.windows);
    }
  } catch (error) {
    const data: ErrorData =
      error instanceof StudioError ? error.toData() : { code: 'INTERNAL', message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, context: { port: client.port } };
    return { state: 'interrupted', error: data, board, ...(firstInferenceMs !== undefined && { firstInferenceMs }), windows };
  }
  return { state: 'completed', result: summarizePerformance(board, input.length, firstInferenceMs, windows, settings) };
}

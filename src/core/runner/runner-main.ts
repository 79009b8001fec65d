/**
 * The runner's side of the protocol, independent of how lines travel (stdio, Electron's
 * parentPort, an SSH channel). Requests are handled one at a time, in the order received.
 */
import { z } from 'zod';
import { StudioError } from '../../shared/errors';
import { estimateTimerResolutionNs } from '../bench/timer-resolution';
import { probeLocalHardware } from '../targets/local-target';
import {
  RUNNER_PROTOCOL,
  RunnerErrorCode,
  RunnerRequest,
  encodeLine,
  type LoadRequest,
  type MeasureRequest,
  type RunnerReply,
  type RuntimeName,
  type WarmupRequest,
} from './protocol';
import { evaluateDataset } from './runner-evaluate';
import { loadRuntime, runtimeLoaders, type LoadedModel, type RuntimeProfile } from './runtimes/index';

export const RUNNER_NAME = 'edgebench-node-runner';
export const RUNNER_VERSION = '0.1.0';

const RSS_SAMPLE_NS = 10_000_000n;

/** Default cap on measured runs when the request sets none. */
const DEFAULT_MAX_RUNS = 100_000;

/**
 * TEST HOOK, not a feature: with EDGEBENCH_RUNNER_CRASH_TEST=segv the runner writes one stderr
 * line and kills itself with SIGSEGV when asked to measure, so tests can check how a runtime that
 * crashes is reported without needing a model that really crashes onnxruntime.
 */
const CRASH_TEST_ENV = 'EDGEBENCH_RUNNER_CRASH_TEST';

export interface RunnerIo {
  /** Writes one protocol line (the newline is added by the transport). */
  write(line: string): void;
  /** Ends the runner once everything written has been flushed. */
  exit(code: number): void;
}

export interface RunnerSession {
  /** Feed one received line. */
  receive(line: string): void;
  /** Resolves once every request received so far has been answered. */
  drained(): Promise<void>;
}

export function startRunner(io: RunnerIo): RunnerSession {
  let model: LoadedModel | null = null;
  let runtimeName: RuntimeName | null = null;
  let peakRssBytes = process.memoryUsage.rss();
  let queue = Promise.resolve();
  // Fresh inputs keep drawing new seeds across measure requests (report mode's windows).
  let nextFreshSeed = 1;

  const send = (reply: RunnerReply): void => io.write(encodeLine(reply));
  let rssSampledAtNs = 0n;
  // Reading RSS is a syscall into /proc; doing it after every run of a microsecond model cost
  // ~5% of the measured latency (bench:harness), so it is sampled at most every RSS_SAMPLE_MS.
  // The OS peak (getrusage) catches what happens inside a run either way.
  const sampleRss = (force = false): void => {
    const now = process.hrtime.bigint();
    if (!force && now - rssSampledAtNs < RSS_SAMPLE_NS) return;
    rssSampledAtNs = now;
    const rss = process.memoryUsage.rss();
    if (rss > peakRssBytes) peakRssBytes = rss;
  };
  const requireModel = (action: string): LoadedModel => {
    if (model === null) throw failure('OUT_OF_ORDER', `The runner was asked to ${action} before a model was loaded; send load first.`);
    return model;
  };
  const freshSeed = (): number => nextFreshSeed++;

  async function handle(request: RunnerRequest): Promise<void> {
    switch (request.type) {
      case 'hello':
        return send(await hello(request.protocol));
      case 'load': {
        if (model !== null) await model.release();
        model = null;
        const rssBeforeBytes = process.memoryUsage.rss();
        model = await loadModel(request);
        runtimeName = request.runtime;
        const rssAfterBytes = process.memoryUsage.rss();
        sampleRss(true);
        return send({ type: 'loaded', backend: model.backend, initMs: model.initMs, rssBeforeBytes, rssAfterBytes, inputs: model.inputs, ...(model.notes !== undefined && model.notes.length > 0 ? { notes: [...model.notes] } : {}) });
      }
      case 'warmup': {
        const loaded = requireModel('warm up');
        const firstInferenceMs = await timeRun(loaded, 'INPUTS_REJECTED');
        sampleRss(true);
        send({ type: 'first', firstInferenceMs });
        const runs = await warmup(loaded, request, sampleRss, send);
        return send({ type: 'warmedUp', runs });
      }
      case 'measure': {
        const loaded = requireModel('measure');
        if (process.env[CRASH_TEST_ENV] === 'segv') {
          process.stderr.write(`${CRASH_TEST_ENV}=segv: crashing on purpose with SIGSEGV (test hook)\n`);
          process.kill(process.pid, 'SIGSEGV');
        }
        const { latencyMs, maxTimeReached } = await measure(loaded, request, { sampleRss, send, freshSeed });
        sampleRss(true);
        return send({ type: 'samples', latencyMs, peakRssBytes, osPeakRssBytes: osPeakRssBytes(), maxTimeReached });
      }
      case 'profile': {
        const loaded = requireModel('profile');
        if (loaded.profile === undefined) {
          throw failure('UNSUPPORTED', `${runtimeName ?? 'This runtime'} has no per-node profiler in this runner, so no profile was taken.`);
        }
        // RSS is not sampled here: the profile's second session must not count as the benchmark's memory.
        send({ type: 'progress', phase: 'profiling', completed: 0, total: request.runs });
        let profile: RuntimeProfile;
        try {
          profile = await loaded.profile(request.runs);
        } catch (error) {
          if (error instanceof StudioError && error.context.runnerCode !== undefined) throw error;
          throw failure('RUN_FAILED', `Profiling failed: ${messageOf(error)}`);
        }
        return send({ type: 'profile', ...profile });
      }
      case 'evaluate': {
        const loaded = requireModel('evaluate a dataset');
        let due: ReturnType<typeof progressGate> | null = null;
        const outputs = await evaluateDataset(loaded, request, (completed, total) => {
          // The first line (dataset read, 0 done) always goes: it tells the watchdog loading is over.
          // Then about 50 over the dataset, fewer when batches are fast (see progressGate).
          due ??= progressGate(Math.max(1, Math.round(total / 50)));
          if (completed === 0 || due(completed, completed >= total)) send({ type: 'progress', phase: 'evaluating', completed, total });
        });
        sampleRss(true);
        return send({ type: 'outputs', ...outputs });
      }
      case 'bye': {
        if (model !== null) await model.release();
        model = null;
        send({ type: 'bye', peakRssBytes, osPeakRssBytes: osPeakRssBytes() });
        return io.exit(0);
      }
    }
  }

  return {
    receive(line: string) {
      if (line.trim() === '') return;
      queue = queue.then(async () => {
        let request: RunnerRequest;
        try {
          request = RunnerRequest.parse(JSON.parse(line));
        } catch (error) {
          send({ type: 'error', code: 'BAD_REQUEST', message: `The runner could not read the request ${JSON.stringify(line.slice(0, 200))}: ${messageOf(error)}` });
          return;
        }
        try {
          await handle(request);
        } catch (error) {
          send({ type: 'error', code: codeOf(error, request.type), message: messageOf(error), ...(error instanceof StudioError && error.wording !== undefined ? { wording: error.wording } : {}) });
        }
      });
    },
    drained: () => queue,
  };
}

async function hello(protocol: string): Promise<RunnerReply> {
  if (protocol !== RUNNER_PROTOCOL) {
    throw failure('PROTOCOL_MISMATCH', `This runner speaks ${RUNNER_PROTOCOL}, not ${protocol}; update the runner or the studio so they match.`);
  }
  const runtimes: Record<string, string> = {};
  const unavailable: Record<string, string> = {};
  for (const [name, loadRuntime] of Object.entries(runtimeLoaders)) {
    try {
      runtimes[name] = (await loadRuntime()).version();
    } catch (error) {
      unavailable[name] = messageOf(error);
    }
  }
  return {
    type: 'hello',
    protocol: RUNNER_PROTOCOL,
    runner: { name: RUNNER_NAME, version: RUNNER_VERSION },
    node: process.version,
    runtimes,
    unavailable,
    hardware: probeLocalHardware(),
    timerResolutionNs: estimateTimerResolutionNs(),
  };
}

/** The OS's own peak RSS of this process; getrusage's ru_maxrss is in kilobytes (libuv converts macOS's bytes to match). */
function osPeakRssBytes(): number | null {
  return typeof process.resourceUsage === 'function' ? process.resourceUsage().maxRSS * 1024 : null;
}

async function loadModel(request: LoadRequest): Promise<LoadedModel> {
  let runtime;
  try {
    runtime = await loadRuntime(request.runtime);
  } catch (error) {
    throw failure('UNKNOWN_RUNTIME', `The runtime '${request.runtime}' cannot be loaded on this machine: ${messageOf(error)}`);
  }
  try {
    return await runtime.load({ modelPath: request.modelPath, threads: request.threads, inputs: request.inputs, options: request.options });
  } catch (error) {
    if (error instanceof StudioError && error.context.runnerCode !== undefined) throw error;
    throw failure('LOAD_FAILED', messageOf(error));
  }
}

/** Warmup runs until both the count and the time (sum of run latencies) are reached; returns the runs made. */
async function warmup(
  model: LoadedModel,
  request: WarmupRequest,
  sampleRss: () => void,
  send: (reply: RunnerReply) => void,
): Promise<number> {
  const due = progressGate(Math.max(1, Math.round(request.runs / 50)));
  let completed = 0;
  let spentMs = 0;
  while (completed < request.runs || spentMs < request.minTimeMs) {
    spentMs += await timeRun(model, 'RUN_FAILED');
    completed++;
    sampleRss();
    const done = completed >= request.runs && spentMs >= request.minTimeMs;
    if (due(completed, done)) {
      const total = done ? completed : plannedRuns(request.runs, request.minTimeMs, completed, spentMs, Number.MAX_SAFE_INTEGER);
      send({ type: 'progress', phase: 'warmup', completed, total });
    }
  }
  return completed;
}

interface MeasureHooks {
  sampleRss: () => void;
  send: (reply: RunnerReply) => void;
  /** The next seed for --fresh-inputs. */
  freshSeed: () => number;
}

/**
 * Measured runs: at least `runs`, more until the latencies add up to `minTimeMs` (bounded by
 * maxRuns), and never past `maxTimeMs` of wall time. Refreshing inputs happens outside the timed
 * span but inside the wall time, so --max-time bounds what the user waits.
 */
async function measure(model: LoadedModel, request: MeasureRequest, hooks: MeasureHooks): Promise<{ latencyMs: number[]; maxTimeReached: boolean }> {
  const maxRuns = Math.max(request.runs, request.maxRuns ?? DEFAULT_MAX_RUNS);
  const maxTimeNs = BigInt(Math.round(request.maxTimeMs * 1e6));
  const latencyMs: number[] = [];
  const due = progressGate(request.progressEvery);
  const startNs = process.hrtime.bigint();
  let measuredMs = 0;
  let reportedRuns = 0;
  for (;;) {
    if (request.freshInputs) model.refreshInputs(hooks.freshSeed());
    const ms = await timeRun(model, 'RUN_FAILED');
    latencyMs.push(ms);
    measuredMs += ms;
    hooks.sampleRss();
    const completed = latencyMs.length;
    const enough = completed >= request.runs && (measuredMs >= request.minTimeMs || completed >= maxRuns);
    // One clock read less per run when there is no limit: the harness counts every 100 ns.
    const elapsedNs = maxTimeNs > 0n ? process.hrtime.bigint() - startNs : 0n;
    const outOfTime = maxTimeNs > 0n && elapsedNs >= maxTimeNs;
    const done = enough || outOfTime;
    if (due(completed, done)) {
      let total = done ? completed : plannedRuns(request.runs, request.minTimeMs, completed, measuredMs, maxRuns);
      if (!done && maxTimeNs > 0n) {
        // The runs that fit in what is left of maxTimeMs at the pace so far.
        const fit = Math.floor(Number(maxTimeNs) / (Number(elapsedNs) / completed));
        total = Math.min(total, Math.max(completed + 1, fit));
      }
      hooks.send({ type: 'progress', phase: 'measuring', completed, total, latencyMs: latencyMs.slice(reportedRuns) });
      reportedRuns = completed;
    }
    if (done) return { latencyMs, maxTimeReached: !enough };
  }
}

/** Progress is useful to a person a few times a second: fewer for slow runs means none at all, more is noise. */
const PROGRESS_MAX_GAP_MS = 200;
const PROGRESS_MIN_GAP_MS = 50;

/**
 * Decides when to send progress: after `every` runs or PROGRESS_MAX_GAP_MS since the last
 * message, whichever comes first, but never twice within PROGRESS_MIN_GAP_MS; always at the end.
 */
function progressGate(every: number): (completed: number, last: boolean) => boolean {
  let sentCompleted = 0;
  let lastAtNs = process.hrtime.bigint();
  return (completed, last) => {
    const now = process.hrtime.bigint();
    const sinceMs = Number(now - lastAtNs) / 1e6;
    const due = last || (sinceMs >= PROGRESS_MIN_GAP_MS && (completed - sentCompleted >= every || sinceMs >= PROGRESS_MAX_GAP_MS));
    if (due) {
      sentCompleted = completed;
      lastAtNs = now;
    }
    return due;
  };
}

/** The runs still planned: `runs`, or under a minimum time an estimate from the mean so far. */
function plannedRuns(runs: number, minTimeMs: number, completed: number, spentMs: number, maxRuns: number): number {
  if (spentMs >= minTimeMs || spentMs <= 0) return Math.max(runs, completed);
  const estimate = Math.ceil(minTimeMs / (spentMs / completed));
  return Math.min(maxRuns, Math.max(runs, completed + 1, estimate));
}

async function timeRun(model: LoadedModel, failureCode: RunnerErrorCode): Promise<number> {
  const startNs = process.hrtime.bigint();
  try {
    await model.run();
  } catch (error) {
    throw failure(failureCode, messageOf(error));
  }
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

function failure(code: RunnerErrorCode, message: string): StudioError {
  return new StudioError('RUNTIME', message, { runnerCode: code });
}

function codeOf(error: unknown, requestType: RunnerRequest['type']): RunnerErrorCode {
  if (error instanceof StudioError) {
    const parsed = RunnerErrorCode.safeParse(error.context.runnerCode);
    if (parsed.success) return parsed.data;
  }
  return requestType === 'load' ? 'LOAD_FAILED' : 'INTERNAL';
}

function messageOf(error: unknown): string {
  if (error instanceof z.ZodError) return z.prettifyError(error).replace(/\n/g, ' ');
  return (error instanceof Error ? error.message : String(error)).trim();
}

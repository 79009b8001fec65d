/**
 * The runner's side of the protocol, independent of how lines travel (stdio, Electron's
 * parentPort, an SSH channel). Requests are handled one at a time, in the order received.
 */
import { z } from 'zod';
import { StudioError } from '../../shared/errors';
import { probeLocalHardware } from '../targets/local-target';
import {
  RUNNER_PROTOCOL,
  RunnerErrorCode,
  RunnerRequest,
  encodeLine,
  type LoadRequest,
  type MeasureRequest,
  type RunnerReply,
} from './protocol';
import { runtimeLoaders, type LoadedModel } from './runtimes/index';

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
  let peakRssBytes = process.memoryUsage.rss();
  let queue = Promise.resolve();

  const send = (reply: RunnerReply): void => io.write(encodeLine(reply));
  let rssSampledAtNs = 0n;
  // Reading RSS is a syscall into /proc; doing it after every run of a microsecond model cost
  // ~5% of the measured latency (bench:harness), so it is sampled at most every RSS_SAMPLE_MS.
  // The OS peak reported at bye catches what happens inside a run either way.
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

  async function handle(request: RunnerRequest): Promise<void> {
    switch (request.type) {
      case 'hello':
        return send(await hello(request.protocol));
      case 'load': {
        if (model !== null) await model.release();
        model = null;
        const rssBeforeBytes = process.memoryUsage.rss();
        model = await loadModel(request);
        const rssAfterBytes = process.memoryUsage.rss();
        sampleRss(true);
        return send({ type: 'loaded', initMs: model.initMs, rssBeforeBytes, rssAfterBytes, inputs: model.inputs });
      }
      case 'warmup': {
        const loaded = requireModel('warm up');
        const firstInferenceMs = await timeRun(loaded, 'INPUTS_REJECTED');
        sampleRss(true);
        send({ type: 'first', firstInferenceMs });
        const due = progressGate(Math.max(1, Math.round(request.runs / 50)));
        for (let completed = 1; completed <= request.runs; completed++) {
          await timeRun(loaded, 'RUN_FAILED');
          sampleRss();
          if (due(completed, completed === request.runs)) {
            send({ type: 'progress', phase: 'warmup', completed, total: request.runs });
          }
        }
        return send({ type: 'warmedUp', runs: request.runs });
      }
      case 'measure': {
        const loaded = requireModel('measure');
        if (process.env[CRASH_TEST_ENV] === 'segv') {
          process.stderr.write(`${CRASH_TEST_ENV}=segv: crashing on purpose with SIGSEGV (test hook)\n`);
          process.kill(process.pid, 'SIGSEGV');
        }
        const latencyMs = await measure(loaded, request, sampleRss, send);
        sampleRss(true);
        return send({ type: 'samples', latencyMs, peakRssBytes });
      }
      case 'bye': {
        if (model !== null) await model.release();
        model = null;
        // getrusage's ru_maxrss is in kilobytes (libuv converts macOS's bytes to match).
        const osPeakRssBytes = typeof process.resourceUsage === 'function' ? process.resourceUsage().maxRSS * 1024 : null;
        send({ type: 'bye', peakRssBytes, osPeakRssBytes });
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
          send({ type: 'error', code: codeOf(error, request.type), message: messageOf(error) });
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
  };
}

async function loadModel(request: LoadRequest): Promise<LoadedModel> {
  let runtime;
  try {
    runtime = await runtimeLoaders[request.runtime]();
  } catch (error) {
    throw failure('UNKNOWN_RUNTIME', `The runtime '${request.runtime}' cannot be loaded on this machine: ${messageOf(error)}`);
  }
  try {
    return await runtime.load({ modelPath: request.modelPath, threads: request.threads, inputs: request.inputs });
  } catch (error) {
    if (error instanceof StudioError && error.context.runnerCode !== undefined) throw error;
    throw failure('LOAD_FAILED', messageOf(error));
  }
}

async function measure(
  model: LoadedModel,
  request: MeasureRequest,
  sampleRss: () => void,
  send: (reply: RunnerReply) => void,
): Promise<number[]> {
  const maxRuns = Math.max(request.runs, request.maxRuns ?? DEFAULT_MAX_RUNS);
  const latencyMs: number[] = [];
  const due = progressGate(request.progressEvery);
  let measuredMs = 0;
  while (latencyMs.length < request.runs || (measuredMs < request.minTimeMs && latencyMs.length < maxRuns)) {
    const ms = await timeRun(model, 'RUN_FAILED');
    latencyMs.push(ms);
    measuredMs += ms;
    sampleRss();
    const completed = latencyMs.length;
    const done = completed >= request.runs && (measuredMs >= request.minTimeMs || completed >= maxRuns);
    if (due(completed, done)) {
      send({ type: 'progress', phase: 'measuring', completed, total: plannedRuns(request, completed, measuredMs, maxRuns, done) });
    }
  }
  return latencyMs;
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

/** The runs still planned: `runs`, or under minTimeMs an estimate from the mean so far. */
function plannedRuns(request: MeasureRequest, completed: number, measuredMs: number, maxRuns: number, done: boolean): number {
  if (done) return completed;
  if (measuredMs >= request.minTimeMs || measuredMs <= 0) return Math.max(request.runs, completed);
  const estimate = Math.ceil(request.minTimeMs / (measuredMs / completed));
  return Math.min(maxRuns, Math.max(request.runs, completed + 1, estimate));
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

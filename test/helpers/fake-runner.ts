/**
 * TEST STAND-IN, not a runner: a fake runner that speaks the real runner protocol
 * (edgebench.runner/1, src/core/runner/protocol.ts: hello → load → warmup → measure → profile →
 * bye) and whose inferences take exactly the times a test gives, as hyperfine's MockExecutor
 * (src/benchmark/executor.rs) does for its measuring loop. It loads no model and runs nothing: a
 * fake clock advances by each scripted latency, so a 5 × 10 s report-mode run costs no real time
 * and every figure in the run file follows from the script.
 *
 * Two forms, the same session behind both:
 * - fakeRunnerSpawner(script): in this process, behind the RunnerSpawner seam the studio, the
 *   matrix and runLocalBenchmark take (src/core/runner/runner-spawner.ts). Lines cross as they
 *   would over a pipe (in order, a macrotask later), and kill() ends the "process" at once.
 * - fakeProcessSpawner(script): a real Node child (test/helpers/fake-runner-process.ts) on stdio,
 *   started by the studio's own nodeForkSpawner, for tests where a real pid, a real signal or a
 *   real pipe matter.
 *
 * What a script can say (FakeRunnerScript below): the latencies of the measured runs (cycled), per
 * report-mode window if wanted, the first and warmup inferences, the timer resolution, and what
 * goes wrong: an error reply after N measured samples ("fail"), a crash after N ("crash": last
 * words on stderr, then an exit by signal), a runtime stuck after N ("hang": alive, silent), or
 * a runner that never answers a given request ("silentOn").
 *
 * Progress follows the real runner's rule (runner-main.ts progressGate) on the fake clock: after
 * `progressEvery` runs or 200 ms since the last progress, never twice within 50 ms, always after
 * the last run. So with 1 ms runs a progress carries 50 samples, and a crash after 255 samples
 * leaves the 250 the parent was told about: the loss a real crash causes, but exactly.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  RUNNER_PROTOCOL,
  RunnerErrorCode,
  RunnerReply,
  RunnerRequest,
  encodeLine,
  type MeasureRequest,
  type WarmupRequest,
} from '../../src/core/runner/protocol';
import { nodeForkSpawner, type RunnerChild, type RunnerExit, type RunnerSpawner } from '../../src/core/runner/runner-spawner';

const Ms = z.number().min(0);
const Count = z.number().int().min(0);
const RequestType = z.enum(['hello', 'load', 'warmup', 'measure', 'profile', 'evaluate', 'bye']);

/** What a measured run does past the given number of measured samples (counted over every measure request). */
export const FakeFault = z.discriminatedUnion('kind', [
  /** The runtime fails the next run: an error reply; the runner stays alive, as the real one does. */
  z.object({ kind: z.literal('fail'), afterSamples: Count, code: RunnerErrorCode.default('RUN_FAILED'), message: z.string().default('fake runtime: the inference failed') }),
  /** The process dies in the next run: its last words on stderr, then an exit by signal. */
  z.object({ kind: z.literal('crash'), afterSamples: Count, signal: z.string().default('SIGSEGV'), lastWords: z.array(z.string()).default(['fake runtime: segmentation fault in the next run']) }),
  /** The runtime never returns from the next run: the process lives on and says nothing more. */
  z.object({ kind: z.literal('hang'), afterSamples: Count }),
]);
export type FakeFault = z.input<typeof FakeFault>;

export const FakeRunnerScript = z.object({
  /** Latency of each measured run, in order; when a run needs more, the list starts over (one sequence across measure requests). */
  latencyMs: z.array(Ms).min(1),
  /** Report mode: the i-th measure request (window) takes its runs from the i-th list instead (the last list repeats). */
  windowLatencyMs: z.array(z.array(Ms).min(1)).min(1).optional(),
  /** The first inference, reported apart (default: the first latency). */
  firstInferenceMs: Ms.optional(),
  /** Each warmup run (default: the first latency). */
  warmupLatencyMs: Ms.optional(),
  /** Untimed wall time around each measured run (the loop itself, --fresh-inputs' refills): counts for --max-time, not in the samples. */
  betweenRunsMs: Ms.default(0),
  /** Session creation, reported as the run's init time. */
  initMs: Ms.default(12.5),
  /** The clock step the runner claims (hello.timerResolutionNs). */
  timerResolutionNs: z.number().positive().default(100),
  cores: z.number().int().min(1).default(4),
  /** Runtime name → version the runner offers. */
  runtimes: z.record(z.string(), z.string()).default({ onnxruntime: '0.0.0-fake', tfjs: '0.0.0-fake', litert: '0.0.0-fake' }),
  /** Runtime name → why this runner cannot load it. */
  unavailable: z.record(z.string(), z.string()).default({}),
  /** Input name → the shape the model "declares" (the real runner reads it from the model); default null (unknown). */
  declaredShapes: z.record(z.string(), z.array(z.union([z.number(), z.string(), z.null()]))).default({}),
  rssBeforeBytes: Count.default(40 * 2 ** 20),
  rssAfterBytes: Count.default(48 * 2 ** 20),
  peakRssBytes: Count.default(52 * 2 ** 20),
  fault: FakeFault.optional(),
  /** The runner goes silent at the first request of this type: no answer, ever (the process stays alive). */
  silentOn: RequestType.optional(),
  /**
   * The machine's speed in each fresh process, in the order the processes start (cycled): every
   * warmup, first and measured latency of the i-th process is multiplied by processSpeeds[i], as a
   * machine whose clock, placement or steal time changes between processes would. Steady within a
   * process, so its within-run CI cannot see the shift. Default: 1 for every process.
   */
  processSpeeds: z.array(z.number().positive()).min(1).optional(),
});
export type FakeRunnerScript = z.input<typeof FakeRunnerScript>;
type Script = z.output<typeof FakeRunnerScript>;

/** Where the session's output goes: protocol lines, log lines, and the end of the "process". */
export interface FakeRunnerIo {
  stdout(line: string): void;
  stderr(line: string): void;
  exit(exit: RunnerExit): void;
  /** Told once the runner stops answering (hang, silentOn, crash, bye). */
  stopped?(why: NonNullable<FakeRunnerState['stoppedBy']>): void;
}

/** What a test can watch in a session. */
export interface FakeRunnerState {
  /** Every request received, parsed, in order. */
  readonly requests: RunnerRequest[];
  /** Measured samples so far, over every measure request. */
  readonly samples: number;
  /** The fake clock, in ms since the session started. */
  readonly clockMs: number;
  /** Set once the runner stopped answering: a hang, silentOn, a crash, or after bye. */
  readonly stoppedBy: 'hang' | 'silent' | 'crash' | 'bye' | null;
}

export interface FakeRunnerSession {
  /** Feeds one received line; requests are handled one at a time, in order. */
  receive(line: string): void;
  /** The process is gone (killed): nothing more is measured or written. */
  halt(): void;
  readonly state: FakeRunnerState;
}

/** The real runner's progress gaps (runner-main.ts PROGRESS_MIN_GAP_MS / PROGRESS_MAX_GAP_MS), on the fake clock. */
const PROGRESS_MIN_GAP_MS = 50;
const PROGRESS_MAX_GAP_MS = 200;
/** The real runner's cap on measured runs when a request sets none. */
const DEFAULT_MAX_RUNS = 100_000;

export const FAKE_RUNNER_NAME = 'edgebench-fake-runner (test stand-in)';

/**
 * One runner session on a fake clock. Between progress messages it yields to the event loop, as
 * a real runner's parent gets to read each progress while the runner measures on: a parent that
 * cancels on a progress stops the runner right there, not after the last scripted run.
 */
export function fakeRunnerSession(input: FakeRunnerScript, io: FakeRunnerIo, processIndex = 0): FakeRunnerSession {
  const script: Script = FakeRunnerScript.parse(input);
  const speeds = script.processSpeeds ?? [1];
  const speed = speeds[processIndex % speeds.length] ?? 1;
  const requests: RunnerRequest[] = [];
  let clockMs = 0;
  let samples = 0;
  let nextLatency = 0;
  let measureRequests = 0;
  let loaded = false;
  let stoppedBy: FakeRunnerState['stoppedBy'] = null;
  let halted = false;
  let queue = Promise.resolve();

  const send = (reply: RunnerReply): void => io.stdout(encodeLine(RunnerReply.parse(reply)));
  const error = (code: RunnerErrorCode, message: string): void => send({ type: 'error', code, message });
  const stop = (why: NonNullable<FakeRunnerState['stoppedBy']>): void => {
    stoppedBy = why;
    io.stopped?.(why);
  };
  const firstLatency = script.windowLatencyMs?.[0]?.[0] ?? script.latencyMs[0] ?? 0;

  /** The next measured latency: the window's own list in report mode, else the one sequence. */
  const latencyOf = (window: number, runInWindow: number): number => {
    const lists = script.windowLatencyMs;
    if (lists !== undefined) {
      const list = lists[Math.min(window, lists.length - 1)] ?? script.latencyMs;
      return (list[runInWindow % list.length] ?? 0) * speed;
    }
    const ms = script.latencyMs[nextLatency % script.latencyMs.length] ?? 0;
    nextLatency++;
    return ms * speed;
  };

  /** Runs the fault if it is due before the next measured run; true when the session must stop here. */
  const faultDue = (): boolean => {
    const fault = script.fault;
    if (fault === undefined || samples !== fault.afterSamples) return false;
    if (fault.kind === 'fail') {
      error(fault.code, fault.message);
      // Like the real runtime, a failed run is not retried: the next request starts afresh.
      script.fault = undefined;
      return true;
    }
    if (fault.kind === 'crash') {
      for (const line of fault.lastWords) io.stderr(line);
      stop('crash');
      io.exit({ code: null, signal: fault.signal });
      return true;
    }
    stop('hang');
    return true;
  };

  const warmup = async (request: WarmupRequest): Promise<void> => {
    const firstMs = (script.firstInferenceMs ?? firstLatency) * speed;
    clockMs += firstMs;
    send({ type: 'first', firstInferenceMs: firstMs });
    const gate = progressGate(Math.max(1, Math.round(request.runs / 50)), clockMs);
    const runMs = (script.warmupLatencyMs ?? firstLatency) * speed;
    let completed = 0;
    let spentMs = 0;
    while (completed < request.runs || spentMs < request.minTimeMs) {
      clockMs += runMs;
      spentMs += runMs;
      completed++;
      const done = completed >= request.runs && spentMs >= request.minTimeMs;
      // A warmup of 0 ms runs would never reach its minimum time; the real runner would spin as well, so refuse instead.
      if (runMs === 0 && request.minTimeMs > 0) return error('INTERNAL', 'fake runner: warmupLatencyMs 0 can never reach warmup minTimeMs');
      if (gate(completed, done, clockMs)) {
        send({ type: 'progress', phase: 'warmup', completed, total: done ? completed : Math.max(request.runs, completed + 1) });
        await nextTurn();
        if (halted) return;
      }
    }
    send({ type: 'warmedUp', runs: completed });
  };

  const measure = async (request: MeasureRequest): Promise<void> => {
    const window = measureRequests++;
    const maxRuns = Math.max(request.runs, request.maxRuns ?? DEFAULT_MAX_RUNS);
    const startMs = clockMs;
    const gate = progressGate(request.progressEvery, clockMs);
    const latencyMs: number[] = [];
    let measuredMs = 0;
    let reported = 0;
    for (;;) {
      if (faultDue()) return;
      const ms = latencyOf(window, latencyMs.length);
      clockMs += ms + script.betweenRunsMs;
      latencyMs.push(ms);
      measuredMs += ms;
      samples++;
      const completed = latencyMs.length;
      const enough = completed >= request.runs && (measuredMs >= request.minTimeMs || completed >= maxRuns);
      const outOfTime = request.maxTimeMs > 0 && clockMs - startMs >= request.maxTimeMs;
      const done = enough || outOfTime;
      if (gate(completed, done, clockMs)) {
        const estimate = measuredMs > 0 && measuredMs < request.minTimeMs ? Math.ceil(request.minTimeMs / (measuredMs / completed)) : request.runs;
        const total = done ? completed : Math.min(maxRuns, Math.max(estimate, completed + 1));
        send({ type: 'progress', phase: 'measuring', completed, total, latencyMs: latencyMs.slice(reported) });
        reported = completed;
        if (!done) await nextTurn();
        if (halted) return;
      }
      if (done) {
        send({ type: 'samples', latencyMs, peakRssBytes: script.peakRssBytes, osPeakRssBytes: script.peakRssBytes, maxTimeReached: !enough });
        return;
      }
    }
  };

  const handle = async (request: RunnerRequest): Promise<void> => {
    if (script.silentOn === request.type) return stop('silent');
    switch (request.type) {
      case 'hello':
        if (request.protocol !== RUNNER_PROTOCOL) return error('PROTOCOL_MISMATCH', `This runner speaks ${RUNNER_PROTOCOL}, not ${request.protocol}.`);
        return send({
          type: 'hello',
          protocol: RUNNER_PROTOCOL,
          runner: { name: FAKE_RUNNER_NAME, version: '0.0.0' },
          node: process.version,
          runtimes: script.runtimes,
          unavailable: script.unavailable,
          hardware: { arch: 'x64', cpuModel: 'Fake CPU (test stand-in)', cores: script.cores, memoryBytes: 8 * 2 ** 30, os: 'FakeOS 1.0', cpuFeatures: ['avx2', 'avx512_vnni'] },
          timerResolutionNs: script.timerResolutionNs,
        });
      case 'load':
        if (script.runtimes[request.runtime] === undefined) return error('UNKNOWN_RUNTIME', `The runtime '${request.runtime}' cannot be loaded by the fake runner.`);
        loaded = true;
        clockMs += script.initMs;
        return send({
          type: 'loaded',
          backend: 'fake',
          initMs: script.initMs,
          rssBeforeBytes: script.rssBeforeBytes,
          rssAfterBytes: script.rssAfterBytes,
          inputs: request.inputs.map((input) => ({
            name: input.name,
            dtype: input.dtype ?? 'float32',
            shape: input.shape ?? [1],
            fill: input.fill,
            declaredShape: script.declaredShapes[input.name] ?? null,
          })),
        });
      case 'warmup':
        return loaded ? warmup(request) : error('OUT_OF_ORDER', 'The runner was asked to warm up before a model was loaded; send load first.');
      case 'measure':
        return loaded ? measure(request) : error('OUT_OF_ORDER', 'The runner was asked to measure before a model was loaded; send load first.');
      case 'profile':
      case 'evaluate':
        // As the Python runner answers what it cannot serve.
        return error('UNSUPPORTED', `The fake runner cannot ${request.type}.`);
      case 'bye':
        send({ type: 'bye', peakRssBytes: script.peakRssBytes, osPeakRssBytes: script.peakRssBytes });
        stop('bye');
        return io.exit({ code: 0, signal: null });
    }
  };

  return {
    receive(line) {
      queue = queue.then(async () => {
        if (halted || stoppedBy !== null || line.trim() === '') return;
        let request: RunnerRequest;
        try {
          request = RunnerRequest.parse(JSON.parse(line));
        } catch (problem) {
          return error('BAD_REQUEST', `The fake runner could not read the request ${JSON.stringify(line.slice(0, 200))}: ${String(problem)}`);
        }
        requests.push(request);
        await handle(request);
      });
    },
    halt() {
      halted = true;
    },
    state: {
      get requests() {
        return requests;
      },
      get samples() {
        return samples;
      },
      get clockMs() {
        return clockMs;
      },
      get stoppedBy() {
        return stoppedBy;
      },
    },
  };
}

/** A macrotask later: what lets the parent read a progress (and kill the runner) mid-measure. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** runner-main.ts's progressGate, on the fake clock. */
function progressGate(every: number, startMs: number): (completed: number, last: boolean, nowMs: number) => boolean {
  let sentCompleted = 0;
  let lastAtMs = startMs;
  return (completed, last, nowMs) => {
    const sinceMs = nowMs - lastAtMs;
    const due = last || (sinceMs >= PROGRESS_MIN_GAP_MS && (completed - sentCompleted >= every || sinceMs >= PROGRESS_MAX_GAP_MS));
    if (due) {
      sentCompleted = completed;
      lastAtMs = nowMs;
    }
    return due;
  };
}

/** One fake runner "process" started by fakeRunnerSpawner. */
export interface FakeRunnerRecord {
  readonly session: FakeRunnerSession;
  /** The signal it was killed with, if the parent killed it. */
  readonly killedWith: string | null;
  readonly exit: RunnerExit | null;
  /** Resolves once the runner stopped answering (hang, silentOn, crash) and every line it wrote before was delivered. */
  readonly stopped: Promise<void>;
}

export interface FakeRunnerSpawner extends RunnerSpawner {
  /** Every runner started, in order. */
  readonly runners: FakeRunnerRecord[];
}

/**
 * An in-process RunnerSpawner whose runners follow `script` (or scripts[i] for the i-th runner
 * started; the last repeats). Lines reach the other side in order, one macrotask later, as through a pipe.
 */
export function fakeRunnerSpawner(scripts: FakeRunnerScript | readonly FakeRunnerScript[]): FakeRunnerSpawner {
  const list = Array.isArray(scripts) ? scripts : [scripts as FakeRunnerScript];
  const runners: FakeRunnerRecord[] = [];
  return {
    runners,
    spawn() {
      const script = list[Math.min(runners.length, list.length - 1)];
      if (script === undefined) throw new Error('fakeRunnerSpawner needs at least one script');
      const runner = inProcessRunner(script, runners.length);
      runners.push(runner.record);
      return runner.child;
    },
  };
}

function inProcessRunner(script: FakeRunnerScript, processIndex: number): { child: RunnerChild; record: FakeRunnerRecord } {
  const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
  // Everything the runner writes goes through one ordered queue, its exit last, so nothing overtakes.
  const outbox: Array<() => void> = [];
  let flushing = false;
  let exit: RunnerExit | null = null;
  let ending = false;
  let killedWith: string | null = null;
  let resolveExited: (exit: RunnerExit) => void = () => undefined;
  let resolveStopped: () => void = () => undefined;
  const exited = new Promise<RunnerExit>((resolve) => (resolveExited = resolve));
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const flush = (): void => {
    flushing = false;
    for (let item = outbox.shift(); item !== undefined; item = outbox.shift()) item();
  };
  const post = (item: () => void): void => {
    outbox.push(item);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  const end = (how: RunnerExit): void => {
    if (ending) return;
    ending = true;
    post(() => {
      exit = how;
      resolveExited(how);
    });
  };
  const session = fakeRunnerSession(script, {
    stdout: (line) => post(() => listeners.stdout.forEach((listener) => listener(line))),
    stderr: (line) => post(() => listeners.stderr.forEach((listener) => listener(line))),
    exit: end,
    // After every line written before, as the parent sees it.
    stopped: () => post(resolveStopped),
  }, processIndex);

  const child: RunnerChild = {
    pid: undefined,
    send(line) {
      // A pipe to a dead process takes nothing; the request arrives a macrotask later, as over stdin.
      if (!ending) setImmediate(() => session.receive(line));
    },
    onLine(stream, listener) {
      listeners[stream].push(listener);
    },
    exited,
    kill(signal = 'SIGKILL') {
      if (ending) return;
      killedWith = signal;
      // A killed process writes nothing more: what it wrote before still arrives, then the exit.
      ending = true;
      session.halt();
      post(() => {
        exit = { code: null, signal };
        resolveExited(exit);
      });
      resolveStopped();
    },
  };
  const record: FakeRunnerRecord = {
    session,
    stopped,
    get killedWith() {
      return killedWith;
    },
    get exit() {
      return exit;
    },
  };
  return { child, record };
}

/** The entry of the fake runner as a real process; it reads its script from FAKE_RUNNER_SCRIPT_ENV. */
export const FAKE_RUNNER_ENTRY = fileURLToPath(new URL('./fake-runner-process.ts', import.meta.url));
export const FAKE_RUNNER_SCRIPT_ENV = 'EDGEBENCH_FAKE_RUNNER_SCRIPT';
/**
 * A file counting the fake runner processes started (a real process cannot know otherwise), for
 * processSpeeds: each process reads its index from it and writes the next. Processes of one CLI
 * run start one after another, so no two read it at once.
 */
export const FAKE_RUNNER_COUNTER_ENV = 'EDGEBENCH_FAKE_RUNNER_COUNTER';

/** The studio's own fork spawner, starting the fake runner as a real Node child on stdio. */
export function fakeProcessSpawner(script: FakeRunnerScript): RunnerSpawner {
  return nodeForkSpawner({ runnerPath: FAKE_RUNNER_ENTRY, env: { ...process.env, [FAKE_RUNNER_SCRIPT_ENV]: JSON.stringify(FakeRunnerScript.parse(script)) } });
}

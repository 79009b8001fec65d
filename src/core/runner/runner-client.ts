/**
 * The parent's side of the runner protocol: sends requests, waits for typed replies, and turns
 * a runner that crashes, hangs or answers nonsense into a StudioError carrying its last words.
 */
import { StudioError } from '../../shared/errors';
import {
  RUNNER_PROTOCOL,
  RunnerReply,
  encodeLine,
  type ByeReply,
  type ErrorReply,
  type HelloReply,
  type LoadedReply,
  type OutputsReply,
  type ProfileReply,
  type ProgressReply,
  type ReplyOf,
  type RunnerErrorCode,
  type RunnerRequestInput,
  type SamplesReply,
} from './protocol';
import type { RunnerChild, RunnerExit, RunnerSpawner } from './runner-spawner';

export * from './runner-spawner';

export interface RunnerTimeouts {
  /** Start-up until the hello reply (includes compiling TypeScript when running from source). */
  helloMs: number;
  loadMs: number;
  /**
   * Watchdog for warmup, measuring and profiling: the longest the runner may stay silent (no
   * reply, no progress). The runner reports progress at least every 200 ms between runs, so
   * silence this long means one inference is taking that long: most likely a runtime stuck in it.
   */
  stallMs: number;
  /** How long to wait for the process to end after bye or a kill. */
  exitMs: number;
}

export const DEFAULT_TIMEOUTS: RunnerTimeouts = { helloMs: 60_000, loadMs: 600_000, stallMs: 60_000, exitMs: 5_000 };

/** A measure request as the parent writes it (fields with defaults may be left out). */
export type MeasureOptions = Omit<Extract<RunnerRequestInput, { type: 'measure' }>, 'type'>;
export type WarmupOptions = Omit<Extract<RunnerRequestInput, { type: 'warmup' }>, 'type'>;
export type LoadOptions = Omit<Extract<RunnerRequestInput, { type: 'load' }>, 'type'>;
export type EvaluateOptions = Omit<Extract<RunnerRequestInput, { type: 'evaluate' }>, 'type'>;

/** How long a wait may last and how a timeout is worded: a plain deadline, or the stall watchdog. */
interface Wait {
  ms: number;
  stall: boolean;
}

export interface RunnerClientOptions {
  signal?: AbortSignal;
  timeouts?: Partial<RunnerTimeouts>;
  /** How many of the runner's last stderr lines to keep for error reports. */
  logLines?: number;
}

type Inbound =
  | { kind: 'reply'; reply: RunnerReply }
  | { kind: 'invalid'; line: string; problem: string }
  // A hello from a runner of another protocol version, whose fields may differ from ours.
  | { kind: 'mismatch'; protocol: string };

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI_ESCAPE = /\x1B\[[0-9;]*[A-Za-z]/g;

/** Runner error codes that mean the runtime (not the runner) refused something. */
const RUNTIME_CODES: readonly RunnerErrorCode[] = ['UNKNOWN_RUNTIME', 'LOAD_FAILED', 'UNSUPPORTED_INPUT', 'INPUTS_REJECTED', 'RUN_FAILED'];

/** The runner's last stderr lines as carried by a StudioError from this client (context.runnerLog). */
export function runnerLogOf(error: unknown): string[] {
  const log = error instanceof StudioError ? error.context.runnerLog : undefined;
  return log === undefined || log === '' ? [] : log.split('\n');
}

export class RunnerClient {
  private readonly inbox: Inbound[] = [];
  private readonly log: string[] = [];
  private exit: RunnerExit | null = null;
  private wake: (() => void) | null = null;
  private readonly timeouts: RunnerTimeouts;
  private readonly onAbort = (): void => this.child.kill('SIGKILL');

  private constructor(
    private readonly child: RunnerChild,
    private readonly signal: AbortSignal | undefined,
    options: RunnerClientOptions,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    const keep = options.logLines ?? 20;
    const remember = (line: string): void => {
      // onnxruntime colours its log lines; the escapes would garble messages and the UI's log view.
      this.log.push(line.replace(ANSI_ESCAPE, ''));
      if (this.log.length > keep) this.log.shift();
    };
    child.onLine('stderr', remember);
    child.onLine('stdout', (line) => {
      const inbound = parseInbound(line);
      // A native library that writes to fd 1 despite us: keep its text as log, not as protocol.
      if (inbound === null) return remember(line);
      this.inbox.push(inbound);
      this.wake?.();
    });
    void child.exited.then((exit) => {
      this.exit = exit;
      signal?.removeEventListener('abort', this.onAbort);
      this.wake?.();
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Starts a runner process. Throws CANCELLED without starting one if the signal already fired. */
  static start(spawner: RunnerSpawner, options: RunnerClientOptions = {}): RunnerClient {
    if (options.signal?.aborted) throw cancelled();
    return new RunnerClient(spawner.spawn(), options.signal, options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The runner's last stderr lines (and any stray stdout text), oldest first. */
  get runnerLog(): string[] {
    return [...this.log];
  }

  async hello(): Promise<HelloReply> {
    this.send({ type: 'hello', protocol: RUNNER_PROTOCOL });
    return this.expect('hello', 'starting', this.deadline(this.timeouts.helloMs));
  }

  async load(request: LoadOptions): Promise<LoadedReply> {
    this.send({ type: 'load', ...request });
    return this.expect('loaded', 'loading the model', this.deadline(this.timeouts.loadMs));
  }

  /** Runs the first inference (timed apart), then warmup runs until both `runs` and `minTimeMs` are reached. */
  async warmup(request: WarmupOptions, onProgress?: (p: ProgressReply) => void): Promise<{ firstInferenceMs: number; runs: number }> {
    this.send({ type: 'warmup', ...request });
    const first = await this.expect('first', 'running the first inference', this.stall());
    const done = await this.expect('warmedUp', 'warming up', this.stall(), onProgress);
    return { firstInferenceMs: first.firstInferenceMs, runs: done.runs };
  }

  /**
   * Measured runs. Progress replies carry the latencies measured since the previous one, so a
   * caller that keeps them from `onProgress` still has them if the runner dies or fails before
   * its samples reply (run-local-benchmark.ts makes a partial run of them).
   */
  async measure(request: MeasureOptions, onProgress?: (p: ProgressReply) => void): Promise<SamplesReply> {
    this.send({ type: 'measure', ...request });
    return this.expect('samples', 'measuring', this.stall(), onProgress);
  }

  /**
   * Profiles `runs` extra inferences with the runtime's own profiler. The runner sends no
   * progress while profiling, so the watchdog allows `stallMs` plus `expectedMs` (the caller's
   * estimate of how long the runs take). A runtime without a profiler rejects with runnerCode UNSUPPORTED.
   */
  async profile(runs: number, expectedMs = 0): Promise<ProfileReply> {
    this.send({ type: 'profile', runs });
    return this.expect('profile', 'profiling', { ms: this.timeouts.stallMs + expectedMs, stall: true });
  }

  /**
   * Runs a stored dataset through the loaded model (the runner reads the dataset itself) and
   * returns the first output for every sample. Progress counts samples; the stall watchdog covers
   * reading the dataset and each batch. A dataset that does not fit the model rejects with BAD_INPUT.
   */
  async evaluate(request: EvaluateOptions, onProgress?: (p: ProgressReply) => void): Promise<OutputsReply> {
    this.send({ type: 'evaluate', ...request });
    return this.expect('outputs', 'evaluating', this.stall(), onProgress);
  }

  /** Ends the session politely and waits for the process to exit (killing it if it lingers). */
  async bye(): Promise<ByeReply> {
    this.send({ type: 'bye' });
    const reply = await this.expect('bye', 'finishing', this.deadline(this.timeouts.exitMs));
    if (!(await withTimeout(this.child.exited, this.timeouts.exitMs))) await this.close();
    return reply;
  }

  /** Makes sure the process is gone, killing it if it still runs, and waits for its exit. Never throws. */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.exit !== null) return;
    this.child.kill('SIGKILL');
    await this.child.exited;
  }

  /** Whether the process has exited (crashed, killed or after bye). */
  get exited(): boolean {
    return this.exit !== null;
  }

  private send(request: RunnerRequestInput): void {
    this.child.send(encodeLine(request));
  }

  private deadline(ms: number): Wait {
    return { ms, stall: false };
  }

  private stall(): Wait {
    return { ms: this.timeouts.stallMs, stall: true };
  }

  /**
   * Waits for a reply of one type. Progress goes to onProgress (and restarts the timer); an
   * error reply, another type, an exit, a timeout or an abort rejects. Every way out clears the
   * timer and the listeners.
   */
  private expect<T extends RunnerReply['type']>(
    type: T,
    doing: string,
    wait: Wait,
    onProgress?: (p: ProgressReply) => void,
  ): Promise<ReplyOf<T>> {
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.signal?.removeEventListener('abort', check);
      };
      const fail = (error: StudioError): void => {
        cleanup();
        reject(error);
      };
      const restartTimer = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          const seconds = formatSeconds(wait.ms);
          const message = wait.stall
            ? `The runner stopped responding for ${seconds} s while ${doing} (the runtime may be stuck in an inference); it was stopped. ` +
              'If one inference of this model really takes that long, raise the stall timeout.'
            : `The runner did not answer within ${seconds} s while ${doing}, so it was stopped.`;
          fail(new StudioError('RUNNER', message, { phase: doing, timeoutMs: String(wait.ms), runnerLog: this.log.join('\n') }));
        }, wait.ms);
      };
      // Runs on every reply, on exit and on abort; settles the wait or keeps waiting.
      const check = (): void => {
        if (this.signal?.aborted) {
          cleanup();
          this.child.kill('SIGKILL');
          void this.close().then(() => reject(cancelled()));
          return;
        }
        for (let inbound = this.inbox.shift(); inbound !== undefined; inbound = this.inbox.shift()) {
          if (inbound.kind === 'mismatch') {
            return fail(this.runnerError(`The runner speaks ${inbound.protocol}, but this studio speaks ${RUNNER_PROTOCOL}; update the runner.`, doing));
          }
          if (inbound.kind === 'invalid') {
            return fail(this.runnerError(`The runner sent a line this studio does not understand while ${doing} (${inbound.problem}): ${inbound.line.slice(0, 200)}`, doing));
          }
          const reply = inbound.reply;
          if (reply.type === 'progress') {
            restartTimer();
            onProgress?.(reply);
          } else if (reply.type === 'error') {
            return fail(this.replyError(reply, doing));
          } else if (reply.type === type) {
            cleanup();
            return resolve(reply as ReplyOf<T>);
          } else {
            return fail(this.runnerError(`The runner answered '${reply.type}' while ${doing}, where '${type}' was expected.`, doing));
          }
        }
        if (this.exit !== null) fail(this.crashError(this.exit, doing));
      };
      this.signal?.addEventListener('abort', check, { once: true });
      this.wake = check;
      restartTimer();
      check();
    });
  }

  private crashError(exit: RunnerExit, doing: string): StudioError {
    const how = exit.signal !== null ? `with signal ${exit.signal}` : `with code ${exit.code ?? 'unknown'}`;
    const lastWords = this.log.filter((line) => line.trim() !== '').slice(-3);
    const words = lastWords.length > 0 ? `its last words: ${lastWords.join(' | ')}` : 'it wrote nothing on stderr.';
    const context: Record<string, string> = { phase: doing, runnerLog: this.log.join('\n') };
    if (exit.signal !== null) context.signal = exit.signal;
    if (exit.code !== null) context.exitCode = String(exit.code);
    return new StudioError('RUNNER', `The runner process exited ${how} while ${doing}; ${words}`, context);
  }

  private replyError(reply: ErrorReply, doing: string): StudioError {
    // A dataset that does not fit is the user's input, not a failure of the runner.
    const code = reply.code === 'BAD_DATASET' ? 'BAD_INPUT' : RUNTIME_CODES.includes(reply.code) ? 'RUNTIME' : 'RUNNER';
    const message = reply.wording === undefined ? reply.message : { message: reply.message, wording: reply.wording };
    return new StudioError(code, message, { runnerCode: reply.code, phase: doing, runnerLog: this.log.join('\n') });
  }

  private runnerError(message: string, doing: string): StudioError {
    return new StudioError('RUNNER', message, { phase: doing, runnerLog: this.log.join('\n') });
  }
}

function parseInbound(line: string): Inbound | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null; // not JSON: log text, handled by the caller
  }
  const parsed = RunnerReply.safeParse(json);
  if (parsed.success && !(parsed.data.type === 'hello' && parsed.data.protocol !== RUNNER_PROTOCOL)) return { kind: 'reply', reply: parsed.data };
  const other = helloProtocolOf(json);
  if (other !== undefined && other !== RUNNER_PROTOCOL) return { kind: 'mismatch', protocol: other };
  if (parsed.success) return { kind: 'reply', reply: parsed.data };
  return { kind: 'invalid', line, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
}

/** Whole seconds, or one decimal below 10 s (a test's 2.5 s watchdog must not read "3 s"). */
function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds >= 10 || Number.isInteger(seconds) ? String(Math.round(seconds)) : seconds.toFixed(1);
}

/** The protocol a hello line announces, read before validation: another version's hello may not match our schema. */
function helloProtocolOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  return record.type === 'hello' && typeof record.protocol === 'string' ? record.protocol : undefined;
}

function cancelled(): StudioError {
  return new StudioError('CANCELLED', 'The benchmark was cancelled; its runner process was stopped.');
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

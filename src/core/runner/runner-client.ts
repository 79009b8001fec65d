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
  type LoadRequest,
  type LoadedReply,
  type MeasureRequest,
  type ProgressReply,
  type ReplyOf,
  type RunnerErrorCode,
  type RunnerRequest,
  type SamplesReply,
} from './protocol';
import type { RunnerChild, RunnerExit, RunnerSpawner } from './runner-spawner';

export * from './runner-spawner';

export interface RunnerTimeouts {
  /** Start-up until the hello reply (includes compiling TypeScript when running from source). */
  helloMs: number;
  loadMs: number;
  /** Longest silence allowed during warmup and measuring (progress messages reset it). */
  idleMs: number;
  /** How long to wait for the process to end after bye or a kill. */
  exitMs: number;
}

export const DEFAULT_TIMEOUTS: RunnerTimeouts = { helloMs: 60_000, loadMs: 600_000, idleMs: 600_000, exitMs: 5_000 };

export interface RunnerClientOptions {
  signal?: AbortSignal;
  timeouts?: Partial<RunnerTimeouts>;
  /** How many of the runner's last stderr lines to keep for error reports. */
  logLines?: number;
}

type Inbound = { kind: 'reply'; reply: RunnerReply } | { kind: 'invalid'; line: string; problem: string };

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
    const reply = await this.expect('hello', 'starting', this.timeouts.helloMs);
    if (reply.protocol !== RUNNER_PROTOCOL) {
      throw this.runnerError(`The runner speaks ${reply.protocol}, but this studio speaks ${RUNNER_PROTOCOL}; update the runner.`, 'starting');
    }
    return reply;
  }

  async load(request: Omit<LoadRequest, 'type'>): Promise<LoadedReply> {
    this.send({ type: 'load', ...request });
    return this.expect('loaded', 'loading the model', this.timeouts.loadMs);
  }

  /** Runs the first inference (timed apart) and `runs` warmup runs. */
  async warmup(runs: number, onProgress?: (p: ProgressReply) => void): Promise<{ firstInferenceMs: number }> {
    this.send({ type: 'warmup', runs });
    const first = await this.expect('first', 'running the first inference', this.timeouts.idleMs);
    await this.expect('warmedUp', 'warming up', this.timeouts.idleMs, onProgress);
    return { firstInferenceMs: first.firstInferenceMs };
  }

  async measure(request: Omit<MeasureRequest, 'type'>, onProgress?: (p: ProgressReply) => void): Promise<SamplesReply> {
    this.send({ type: 'measure', ...request });
    return this.expect('samples', 'measuring', this.timeouts.idleMs, onProgress);
  }

  /** Ends the session politely and waits for the process to exit (killing it if it lingers). */
  async bye(): Promise<ByeReply> {
    this.send({ type: 'bye' });
    const reply = await this.expect('bye', 'finishing', this.timeouts.exitMs);
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

  private send(request: RunnerRequest): void {
    this.child.send(encodeLine(request));
  }

  /**
   * Waits for a reply of one type. Progress goes to onProgress (and restarts the timer); an
   * error reply, another type, an exit, a timeout or an abort rejects. Every way out clears the
   * timer and the listeners.
   */
  private expect<T extends RunnerReply['type']>(
    type: T,
    doing: string,
    timeoutMs: number,
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
          fail(this.runnerError(`The runner did not answer within ${Math.round(timeoutMs / 1000)} s while ${doing}, so it was stopped.`, doing));
        }, timeoutMs);
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
    const code = RUNTIME_CODES.includes(reply.code) ? 'RUNTIME' : 'RUNNER';
    return new StudioError(code, reply.message, { runnerCode: reply.code, phase: doing, runnerLog: this.log.join('\n') });
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
  if (parsed.success) return { kind: 'reply', reply: parsed.data };
  return { kind: 'invalid', line, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
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

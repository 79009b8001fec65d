/**
 * How a runner process is started. The client only needs this small interface, so the same
 * client drives a forked Node child (here), an Electron utilityProcess (src/main) and, later, a
 * runner started over SSH.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { StudioError } from '../../shared/errors';
import { trackChildProcess } from '../child-processes';
import { processEntryPath } from '../process-entries';

export interface RunnerExit {
  code: number | null;
  signal: string | null;
}

export interface RunnerChild {
  /** The OS process id, when there is a local process. */
  readonly pid: number | undefined;
  /** Sends one protocol line (without its newline). */
  send(line: string): void;
  /** Subscribes to complete lines on stdout or stderr. Subscribe right after spawn (same tick) to miss nothing. */
  onLine(stream: 'stdout' | 'stderr', listener: (line: string) => void): void;
  /** Settles once the process has exited and its stdout/stderr were fully read. */
  readonly exited: Promise<RunnerExit>;
  kill(signal?: NodeJS.Signals): void;
}

export interface RunnerSpawner {
  spawn(): RunnerChild;
}

/** Minimal readable: what child_process and utilityProcess streams both offer. */
interface TextSource {
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

/** Splits a stream into lines (without "\n" or "\r\n"); the last unterminated line is delivered at end. For spawner implementations. */
export function forEachLine(stream: TextSource, listener: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      listener(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (pending !== '') listener(pending);
    pending = '';
  });
}

export interface NodeSpawnerOptions {
  /** The runner entry: a .js file (built) runs as is, a .ts file through tsx (development only). Default: the built runner (process-entries.ts). */
  runnerPath?: string;
  /** Environment of the child; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Starts runners as plain Node child processes talking over stdin/stdout (no IPC channel, as over SSH). */
export function nodeForkSpawner(options: NodeSpawnerOptions = {}): RunnerSpawner {
  const runnerPath = options.runnerPath ?? processEntryPath('runner');
  return {
    spawn() {
      if (!existsSync(runnerPath)) {
        throw new StudioError('RUNNER', `The runner script '${runnerPath}' does not exist; rebuild the studio or pass the path of runner.js.`, {
          file: runnerPath,
        });
      }
      const args = runnerPath.endsWith('.ts') ? ['--import', tsxLoaderUrl(), runnerPath] : [runnerPath];
      const env = { ...(options.env ?? process.env) };
      // Inside Electron's main process execPath is Electron itself; this makes it behave as Node.
      if (process.versions.electron !== undefined) env.ELECTRON_RUN_AS_NODE = '1';
      // Its own process group (detached): a Ctrl+C in a terminal reaches the whole foreground group,
      // and a runner that died of it first turned the user's cancel into "the runner exited with
      // SIGINT". The parent alone decides: it cancels, kills its children, and a runner whose parent
      // is gone leaves when its stdin closes.
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env, windowsHide: true, detached: process.platform !== 'win32' });
      trackChildProcess(child);

      const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
      const emit = (stream: 'stdout' | 'stderr', line: string): void => {
        for (const listener of listeners[stream]) listener(line);
      };
      forEachLine(child.stdout, (line) => emit('stdout', line));
      forEachLine(child.stderr, (line) => emit('stderr', line));
      // A write after the child died fails with EPIPE; the exit is what gets reported, so the write error goes to the log.
      child.stdin.on('error', (error) => emit('stderr', `(writing to the runner failed: ${error.message})`));

      const exited = new Promise<RunnerExit>((resolve) => {
        child.once('close', (code, signal) => resolve({ code, signal }));
        child.once('error', (error) => {
          emit('stderr', `(the runner process could not be started: ${error.message})`);
          if (child.pid === undefined) resolve({ code: null, signal: null });
        });
      });

      return {
        pid: child.pid,
        send(line) {
          if (child.stdin.writable) child.stdin.write(`${line}\n`);
        },
        onLine(stream, listener) {
          listeners[stream].push(listener);
        },
        exited,
        kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      };
    },
  };
}

/** tsx's loader as an absolute URL, so `--import` works whatever the child's working directory. */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * "Start a simulated board": a socat pseudo-terminal pair with a simulated board (or the MLPerf
 * Tiny emulator) in its own process on one end, and the other end's path for the studio to open
 * like a USB-serial port. Inference in the simulated board never runs in the studio's process.
 * Stopping kills the board's process and socat; if the board's process dies on its own, socat
 * is stopped too and onStop listeners hear of it (the studio then removes the target).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { StudioError } from '../../../../shared/errors';
import { trackChildProcess } from '../../../child-processes';
import { processEntryPath } from '../../../process-entries';
import { startPtyPair } from '../transport/pty-pair';

export type SimulatedProtocol = 'edgebench' | 'mlperf-tiny';

export interface SimulatorOptions {
  protocol: SimulatedProtocol;
  /** EdgeBench board: device latency = host latency × slowdown. Default 60. */
  slowdown?: number;
  /** Seed of the latency jitter. Default 1. */
  seed?: number;
  /** MLPerf Tiny emulator: nominal device latency per inference. Default 48000 µs. */
  latencyUs?: number;
  /** The board process's entry; default the built pty-board-main.ts (out/cli/pty-board.js; Electron passes its own). */
  entryPath?: string;
  /** Default 30000: generous for a loaded machine (a built board is ready in well under a second). */
  startTimeoutMs?: number;
}

export interface SimulatorOnPty {
  /** The pseudo-terminal the studio opens. */
  path: string;
  protocol: SimulatedProtocol;
  /** "Simulated board (...)": what the UI calls it. */
  label: string;
  /** The board process's id. */
  pid: number;
  /** Kills the board's process and socat; resolves when both are gone. Safe to call twice. */
  stop(): Promise<void>;
  /** Called once when the board stops, by stop() or because its process died. */
  onStop(listener: () => void): void;
}

const STOP_GRACE_MS = 2000;

export async function startSimulatorOnPty(options: SimulatorOptions): Promise<SimulatorOnPty> {
  const pair = await startPtyPair();
  const entry = options.entryPath ?? processEntryPath('pty-board');
  const args = [
    ...(entry.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []),
    entry,
    '--protocol', options.protocol,
    '--device', pair.devicePath,
    ...(options.slowdown !== undefined ? ['--slowdown', String(options.slowdown)] : []),
    ...(options.seed !== undefined ? ['--seed', String(options.seed)] : []),
    ...(options.latencyUs !== undefined ? ['--latency-us', String(options.latencyUs)] : []),
  ];
  const env = { ...process.env };
  // Inside Electron's main process execPath is Electron itself; this makes it behave as Node.
  if (process.versions.electron !== undefined) env.ELECTRON_RUN_AS_NODE = '1';
  // stdin stays open: the board process exits when it closes, i.e. when the studio goes away.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env, windowsHide: true });
  trackChildProcess(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  child.stdin.on('error', () => undefined);

  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const listeners: Array<() => void> = [];
  let stopping: Promise<void> | undefined;
  let stopped = false;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await pair.stop();
      stopped = true;
      for (const listener of listeners.splice(0)) listener();
    })();
    return stopping;
  };

  const label = options.protocol === 'edgebench' ? 'Simulated board (ESP32-S3 model)' : 'Simulated board (MLPerf Tiny emulator)';
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const done = (error?: Error): void => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const why = (): string => stderr.trim().split('\n').slice(-3).join(' ') || '(it printed nothing)';
      const onData = (chunk: Buffer): void => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('ready\n')) done();
      };
      const onExit = (code: number | null): void => done(new StudioError('RUNNER', `The ${label} exited (code ${code}) before it was ready: ${why()}`, { port: pair.hostPath }));
      const onError = (error: Error): void => done(new StudioError('RUNNER', `The ${label} could not be started (${error.message}).`, { port: pair.hostPath }));
      const timer = setTimeout(
        () => done(new StudioError('RUNNER', `The ${label} did not start within ${startTimeoutMs / 1000} s: ${why()}`, { port: pair.hostPath })),
        startTimeoutMs,
      );
      child.stdout.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  // Keep draining stdout so the board never blocks on a full pipe.
  child.stdout.on('data', () => undefined);
  void exited.then(() => stop());

  return {
    path: pair.hostPath,
    protocol: options.protocol,
    label,
    pid: child.pid ?? -1,
    stop,
    onStop(listener) {
      if (stopped) queueMicrotask(listener);
      else listeners.push(listener);
    },
  };
}

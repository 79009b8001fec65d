/**
 * "Start a simulated board": a socat pseudo-terminal pair with a simulated board (or the MLPerf
 * Tiny emulator) in its own process on one end, and the other end's path for the studio to open
 * like a USB-serial port. Inference in the simulated board never runs in the studio's process.
 * The process is started by a BoardSpawner (board-spawner.ts: a Node child here, an Electron
 * utilityProcess in the desktop app). Stopping kills the board's process and socat; if the board's
 * process dies on its own, socat is stopped too and onStop listeners hear of it (the studio then
 * removes the target).
 */
import { StudioError } from '../../../../shared/errors';
import { SERIAL_PROTOCOLS, type SerialProtocol } from '../../../../shared/plugins/serial-protocols';
import { startPtyPair } from '../transport/pty-pair';
import type { RunnerChild } from '../../../runner/runner-spawner';
import { nodeBoardSpawner, type BoardSpawner } from './board-spawner';

/** A simulated board speaks one of the registered protocols (src/shared/plugins/serial-protocols). */
export type SimulatedProtocol = SerialProtocol;

export interface SimulatorOptions {
  protocol: SimulatedProtocol;
  /** EdgeBench board: device latency = host latency × slowdown. Default 60. */
  slowdown?: number;
  /** Seed of the latency jitter. Default 1. */
  seed?: number;
  /** MLPerf Tiny emulator: nominal device latency per inference. Default 48000 µs. */
  latencyUs?: number;
  /** EdgeBench board: the newest protocol version it speaks (1 answers as v1 firmware). Default 2. */
  protocolVersion?: 1 | 2;
  /** Starts the board's process; default a Node child running out/cli/pty-board.js (Electron injects a utilityProcess spawner). */
  spawner?: BoardSpawner;
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
  const args = [
    '--protocol', options.protocol,
    '--device', pair.devicePath,
    ...(options.slowdown !== undefined ? ['--slowdown', String(options.slowdown)] : []),
    ...(options.seed !== undefined ? ['--seed', String(options.seed)] : []),
    ...(options.latencyUs !== undefined ? ['--latency-us', String(options.latencyUs)] : []),
    ...(options.protocolVersion !== undefined ? ['--protocol-version', String(options.protocolVersion)] : []),
  ];
  const board = await spawnOrStop(options.spawner ?? nodeBoardSpawner(), args, pair);
  let stderr = '';
  board.onLine('stderr', (line) => {
    stderr = `${stderr}${line}\n`.slice(-2000);
  });
  let alive = true;
  const exited = board.exited.then(() => {
    alive = false;
  });
  const listeners: Array<() => void> = [];
  let stopping: Promise<void> | undefined;
  let stopped = false;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (alive) {
        board.kill('SIGTERM');
        const timer = setTimeout(() => board.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await pair.stop();
      stopped = true;
      for (const listener of listeners.splice(0)) listener();
    })();
    return stopping;
  };

  const protocol = SERIAL_PROTOCOLS[options.protocol];
  const label = protocol.simulated?.targetName ?? `Simulated ${protocol.label} board`;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const why = (): string => stderr.trim().split('\n').slice(-3).join(' ') || '(it printed nothing)';
      const timer = setTimeout(
        () => done(new StudioError('RUNNER', `The ${label} did not start within ${startTimeoutMs / 1000} s: ${why()}`, { port: pair.hostPath })),
        startTimeoutMs,
      );
      board.onLine('stdout', (line) => {
        if (line === 'ready') done();
      });
      void board.exited.then(({ code }) => done(new StudioError('RUNNER', `The ${label} exited (code ${code}) before it was ready: ${why()}`, { port: pair.hostPath })));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  void exited.then(() => stop());

  return {
    path: pair.hostPath,
    protocol: options.protocol,
    label,
    pid: board.pid ?? -1,
    stop,
    onStop(listener) {
      if (stopped) queueMicrotask(listener);
      else listeners.push(listener);
    },
  };
}

/** The board's process; when it cannot even be spawned (a missing entry), the pty pair goes too. */
async function spawnOrStop(spawner: BoardSpawner, args: string[], pair: { stop(): Promise<void> }): Promise<RunnerChild> {
  try {
    return spawner.spawn(args);
  } catch (error) {
    await pair.stop();
    throw error;
  }
}

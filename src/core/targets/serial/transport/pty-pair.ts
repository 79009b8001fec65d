/**
 * A pair of connected pseudo-terminals from Debian's socat: what one end writes the other reads,
 * and serialport opens either end like a USB-serial port. Tests and the simulated boards put a
 * device on one end and the studio on the other; stopping socat makes both ends vanish, like an
 * unplugged board.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioError } from '../../../../shared/errors';

export interface PtyPair {
  /** The end the studio opens (a symlink to /dev/pts/N). */
  hostPath: string;
  /** The end the device (emulator, simulated board) opens. */
  devicePath: string;
  /** socat's process id, for logs. */
  pid: number;
  /** Stops socat: both ends vanish. Resolves when socat has exited; safe to call twice. */
  stop(): Promise<void>;
}

export interface PtyPairOptions {
  /** Folder for the two links; a fresh temporary folder by default (removed by stop()). */
  dir?: string;
  /** Default "socat" on the PATH. */
  socatPath?: string;
  /** Default 5000. */
  startTimeoutMs?: number;
}

/** socat -d -d prints this once both ptys exist and the links are made. */
const READY_TEXT = 'starting data transfer loop';

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'edgebench-pty-'));
  const hostPath = join(dir, 'host');
  const devicePath = join(dir, 'device');
  const socat = options.socatPath ?? 'socat';
  const startTimeoutMs = options.startTimeoutMs ?? 5000;
  const child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';

  const cleanup = (): void => {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      reject(new StudioError('RUNNER', `socat did not make a pseudo-terminal pair within ${startTimeoutMs / 1000} s; its output: ${stderr.trim() || '(none)'}.`, { tool: 'socat' }));
    }, startTimeoutMs);
    const onData = (chunk: Buffer): void => {
      stderr += chunk.toString('utf8');
      if (stderr.includes(READY_TEXT)) {
        done();
        resolve();
      }
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      done();
      const message =
        error.code === 'ENOENT'
          ? `socat is not installed ('${socat}' was not found): install it (sudo apt-get install socat) to make pseudo-terminal serial ports.`
          : `socat could not be started (${error.message}).`;
      reject(new StudioError('RUNNER', message, { tool: 'socat' }));
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new StudioError('RUNNER', `socat exited (code ${code}) before making a pseudo-terminal pair; its output: ${stderr.trim() || '(none)'}.`, { tool: 'socat' }));
    };
    function done(): void {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
    }
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  }).catch((error: unknown) => {
    cleanup();
    throw error;
  });
  // Keep draining socat's log so it never blocks on a full pipe.
  child.stderr?.on('data', () => undefined);

  let stopping: Promise<void> | undefined;
  return {
    hostPath,
    devicePath,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        await waitForExit(child, 2000);
        cleanup();
      })();
      return stopping;
    },
  };
}

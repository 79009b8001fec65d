/**
 * Ctrl+C and SIGTERM: the first one aborts the command's AbortSignal, so it stops its runner,
 * worker, SSH session or serial port and keeps what it finished (as each command does on
 * cancellation). A command that has not ended GRACE_MS later, or a second signal, ends the process
 * at once: child processes are killed and the exit status is 130. Either way a CI job never hangs.
 */
import { killTrackedChildProcesses } from '../core/child-processes';

/** Time a cancelled command gets to write what it kept; the whole stop stays under 2 s. */
export const GRACE_MS = 1500;

export interface InterruptHandling {
  signal: AbortSignal;
  /** Whether SIGINT or SIGTERM arrived. */
  interrupted(): boolean;
  /**
   * The process's exit status for a command that ended with `code`: 130 if it was stopped. A
   * Ctrl+C in a terminal reaches the whole process group at once, so a runner can die of it and
   * the command fail before this process has handled its own copy of the signal; a failure waits
   * SIGNAL_SETTLE_MS for a signal in flight before it is reported as a failure.
   */
  exitCode(code: number): Promise<number>;
}

/** Long enough for a signal sent to the process group to be handled here, short enough to go unnoticed. */
const SIGNAL_SETTLE_MS = 150;

export function installInterruptHandling(): InterruptHandling {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== null) forceExit();
    received = signal;
    controller.abort();
    // unref: a command that ends in time lets the process exit without waiting for this timer.
    setTimeout(forceExit, GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const interrupted = (): boolean => received !== null;
  const exitCode = async (code: number): Promise<number> => {
    if (code !== 0 && !interrupted()) await new Promise((resolve) => setTimeout(resolve, SIGNAL_SETTLE_MS));
    return interrupted() ? 130 : code;
  };
  return { signal: controller.signal, interrupted, exitCode };
}

function forceExit(): never {
  killTrackedChildProcesses();
  process.stderr.write('edgebench: stopped.\n');
  // process.exit() waits for libuv's thread pool, which never returns while a thread is stuck in a
  // blocking system call (an open() of a FIFO nobody writes to, a hung network file system).
  // Dying by the default action of SIGINT needs no thread to return; a shell reports it as 130.
  if (process.getActiveResourcesInfo().some((resource) => resource.startsWith('FSReq'))) {
    process.removeAllListeners('SIGINT');
    process.kill(process.pid, 'SIGINT');
  }
  process.exit(130);
}

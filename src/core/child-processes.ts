/**
 * Every child process this process started and that still runs (runners, workers, simulated
 * boards), so that none outlives it: they are SIGKILLed when this process exits, and at once when
 * the CLI gives up waiting for a cancelled command (src/cli/interrupt.ts). No imports beyond types:
 * the CLI loads this before it knows which command runs.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Remembers a child until it exits. */
export function trackChildProcess(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => {
    if (child.pid === undefined) live.delete(child);
  });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killTrackedChildProcesses);
  }
}

/** SIGKILLs every tracked child that still runs; synchronous, so it works in an 'exit' handler. */
export function killTrackedChildProcesses(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

/** The process ids of tracked children still running (for tests and diagnostics). */
export function trackedChildPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

/**
 * Benchmark runners under Electron: each one an Electron utilityProcess running out/main/runner.js,
 * so a runtime that crashes takes down only its runner (workers and the simulated board start the
 * same way). A utilityProcess's stdin cannot be piped,
 * so protocol lines go in by postMessage (the runner reads them from process.parentPort) and
 * come out on stdout, as with a forked Node runner.
 */
import { existsSync } from 'node:fs';
import { utilityProcess } from 'electron';
import { forEachLine, type RunnerChild, type RunnerExit, type RunnerSpawner } from '../core/runner/runner-client';
import { StudioError } from '../shared/errors';

const STREAM_END_GRACE_MS = 2_000;

export function utilityProcessSpawner(runnerPath: string): RunnerSpawner {
  return { spawn: () => forkUtilityProcess(runnerPath, [], 'EdgeBench runner') };
}

/**
 * One utilityProcess running `modulePath` with `args`, as a RunnerChild: send() posts a string on
 * its parentPort, stdout and stderr come as lines. Runners and the simulated board (board-spawner.ts) start this way.
 */
export function forkUtilityProcess(modulePath: string, args: readonly string[], serviceName: string): RunnerChild {
  if (!existsSync(modulePath)) {
    throw new StudioError('RUNNER', `The program '${modulePath}' is missing; rebuild the studio with \`npm run build\`.`, {
      file: modulePath,
    });
  }
  const child = utilityProcess.fork(modulePath, [...args], { stdio: 'pipe', serviceName });

  const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
  const emit = (stream: 'stdout' | 'stderr', line: string): void => {
    for (const listener of listeners[stream]) listener(line);
  };
  const streamsEnded = [child.stdout, child.stderr].map((stream, index) => {
    if (stream === null) return Promise.resolve();
    forEachLine(stream, (line) => emit(index === 0 ? 'stdout' : 'stderr', line));
    return new Promise<void>((resolve) => stream.on('end', () => resolve()));
  });

  // Lines sent before the process is up wait here, so the first request cannot be lost.
  let queued: string[] | null = [];
  let alive = true;
  child.once('spawn', () => {
    for (const line of queued ?? []) child.postMessage(line);
    queued = null;
  });

  const exited = new Promise<RunnerExit>((resolve) => {
    child.once('exit', (code) => {
      alive = false;
      queued = null;
      // Read what the runner said last before reporting its end, but do not wait forever
      // on a pipe that Electron never ends.
      const late = setTimeout(() => resolve({ code, signal: null }), STREAM_END_GRACE_MS);
      void Promise.all(streamsEnded).then(() => {
        clearTimeout(late);
        resolve({ code, signal: null });
      });
    });
  });
  child.on('error', (type, location) => emit('stderr', `(the process failed: ${type} at ${location})`));

  return {
    get pid() {
      return child.pid;
    },
    send(line) {
      if (!alive) return;
      if (queued !== null) queued.push(line);
      else child.postMessage(line);
    },
    onLine(stream, listener) {
      listeners[stream].push(listener);
    },
    exited,
    kill(signal) {
      if (!alive) return;
      // utilityProcess.kill() can only send SIGTERM; a SIGKILL request goes to the pid directly.
      if (signal !== undefined && signal !== 'SIGTERM' && child.pid !== undefined) {
        try {
          process.kill(child.pid, signal);
          return;
        } catch {
          // already gone between the check and the kill; fall through to the polite kill
        }
      }
      child.kill();
    },
  };
}

/**
 * How the simulated board's process is started: the same seam as the runners' (RunnerSpawner),
 * with the board's arguments. Here, the Node way: a child process of this Node, its stdin a pipe
 * kept open so the board notices when this process dies (parent-watch.ts). The Electron shell
 * injects its own spawner (src/main/board-spawner.ts, an Electron utilityProcess) through
 * StudioOptions.boardSpawner: a packaged app's fuses turn ELECTRON_RUN_AS_NODE off, so spawning
 * process.execPath there would start the app again instead of Node.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { StudioError } from '../../../../shared/errors';
import { trackChildProcess } from '../../../child-processes';
import { processEntryPath } from '../../../process-entries';
import { forEachLine, type RunnerChild, type RunnerExit } from '../../../runner/runner-spawner';

export interface BoardSpawner {
  /** Starts the board's process with these arguments (pty-board-main.ts's flags). */
  spawn(args: readonly string[]): RunnerChild;
}

/** The board as a Node child process: the built out/cli/pty-board.js, or a .ts entry through tsx (development only). */
export function nodeBoardSpawner(entryPath: string = processEntryPath('pty-board')): BoardSpawner {
  return {
    spawn(args) {
      if (!existsSync(entryPath)) {
        throw new StudioError('RUNNER', `The simulated board's program '${entryPath}' does not exist; rebuild with \`npm run build:cli\`.`, { file: entryPath });
      }
      const loader = entryPath.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
      // stdin stays open and unused: it closes when this process dies, which ends the board.
      const child = spawn(process.execPath, [...loader, entryPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      trackChildProcess(child);
      child.stdin.on('error', () => undefined);
      const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
      forEachLine(child.stdout, (line) => listeners.stdout.forEach((listener) => listener(line)));
      forEachLine(child.stderr, (line) => listeners.stderr.forEach((listener) => listener(line)));
      const exited = new Promise<RunnerExit>((resolve) => {
        child.once('close', (code, signal) => resolve({ code, signal }));
        child.once('error', (error) => {
          listeners.stderr.forEach((listener) => listener(`(the board process could not be started: ${error.message})`));
          if (child.pid === undefined) resolve({ code: null, signal: null });
        });
      });
      return {
        pid: child.pid,
        // The board takes no requests from the studio: it speaks only on its pseudo-terminal.
        send: () => undefined,
        onLine(stream, listener) {
          listeners[stream].push(listener);
        },
        exited,
        kill(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      };
    },
  };
}

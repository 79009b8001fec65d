/**
 * A parent process for a simulated board, started by board-parent.test.ts and then SIGKILLed by it
 * (a studio that crashes runs no cleanup). It starts the board through the studio's own
 * startSimulatorOnPty and prints {"pid": BOARD_PID, "path": PTY} once the board is ready.
 *   node --import tsx board-parent-fixture.ts node      the Node way (board-spawner.ts)
 *   node --import tsx board-parent-fixture.ts utility   as the desktop app does it: no stdin pipe, a
 *                                                       parentPort with heartbeats (what src/main/board-spawner.ts
 *                                                       sends), emulated over Node's IPC channel
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { processEntryPath } from '../../../src/core/process-entries';
import { forEachLine, type RunnerChild } from '../../../src/core/runner/runner-spawner';
import type { BoardSpawner } from '../../../src/core/targets/serial/simulator/board-spawner';
import { BOARD_HEARTBEAT, BOARD_HEARTBEAT_MS } from '../../../src/core/targets/serial/simulator/parent-watch';
import { startSimulatorOnPty } from '../../../src/core/targets/serial/simulator/simulator-pty';

const fakeParentPort = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-parent-port.mjs')).href;

/** The utilityProcess's shape: stdin not a pipe (here /dev/null: it ends at once), messages on parentPort. */
const utilityLikeSpawner: BoardSpawner = {
  spawn(args): RunnerChild {
    const child = fork(processEntryPath('pty-board'), [...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: ['--import', fakeParentPort] });
    const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
    if (child.stdout) forEachLine(child.stdout, (line) => listeners.stdout.forEach((listener) => listener(line)));
    if (child.stderr) forEachLine(child.stderr, (line) => listeners.stderr.forEach((listener) => listener(line)));
    const beat = setInterval(() => child.connected && child.send(BOARD_HEARTBEAT), BOARD_HEARTBEAT_MS);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        clearInterval(beat);
        resolve({ code, signal });
      }),
    );
    return {
      pid: child.pid,
      send: (line) => void (child.connected && child.send(line)),
      onLine: (stream, listener) => void listeners[stream].push(listener),
      exited,
      kill: (signal = 'SIGTERM') => void child.kill(signal),
    };
  },
};

const mode = process.argv[2];
const board = await startSimulatorOnPty({ protocol: 'edgebench', ...(mode === 'utility' ? { spawner: utilityLikeSpawner } : {}) });
process.stdout.write(`${JSON.stringify({ pid: board.pid, path: board.path })}\n`);
setInterval(() => undefined, 60_000);

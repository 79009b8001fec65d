/**
 * The simulated serial board under Electron: a utilityProcess running out/main/pty-board.js. A
 * packaged app's fuses turn ELECTRON_RUN_AS_NODE off, so the Node way (spawning process.execPath)
 * would start a second studio instead of the board. A utilityProcess has no stdin pipe whose
 * closing tells the board that the studio died, so this side posts a heartbeat on its parentPort
 * and the board exits when the beats stop (src/core/targets/serial/simulator/parent-watch.ts).
 */
import type { BoardSpawner } from '../core/targets/serial/simulator/board-spawner';
import { BOARD_HEARTBEAT, BOARD_HEARTBEAT_MS } from '../core/targets/serial/simulator/parent-watch';
import { forkUtilityProcess } from './utility-spawner';

export function utilityBoardSpawner(entryPath: string): BoardSpawner {
  return {
    spawn(args) {
      const child = forkUtilityProcess(entryPath, args, 'EdgeBench simulated board');
      child.send(BOARD_HEARTBEAT);
      const beat = setInterval(() => child.send(BOARD_HEARTBEAT), BOARD_HEARTBEAT_MS);
      void child.exited.then(() => clearInterval(beat));
      return child;
    },
  };
}

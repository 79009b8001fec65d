/**
 * How the simulated board's process notices that the studio that started it is gone, so a board
 * never outlives its studio (a crashed or SIGKILLed studio runs no cleanup).
 *
 * - Started the Node way (child_process, simulator-pty.ts): its stdin is a pipe from the parent,
 *   and the kernel closes it when the parent dies, however it dies.
 * - Started as an Electron utilityProcess (src/main/board-spawner.ts), which has no stdin pipe:
 *   the parent posts a heartbeat on parentPort every BOARD_HEARTBEAT_MS, and the board gives up
 *   after BOARD_PARENT_TIMEOUT_MS without one. Electron documents only 'message' on parentPort
 *   (no 'close' when the parent goes), hence the heartbeat.
 */

/** The parent posts this string on the board's parentPort. */
export const BOARD_HEARTBEAT = 'edgebench-heartbeat';
/** How often the parent posts it. */
export const BOARD_HEARTBEAT_MS = 1_000;
/**
 * Silence this long means the parent is gone. Ten beats: a studio whose main process is busy
 * for a few seconds (a large run file parsed) must not lose its board.
 */
export const BOARD_PARENT_TIMEOUT_MS = 10_000;

/** The slice of Electron's process.parentPort the board uses; present only inside a utilityProcess. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The slice of process.stdin the board uses. */
export interface StdinLike {
  on(event: 'end' | 'close', listener: () => void): unknown;
  resume(): unknown;
}

export interface ParentWatchOptions {
  /** process.parentPort: set inside a utilityProcess, undefined under plain Node. */
  parentPort: ParentPortLike | null | undefined;
  /** process.stdin, asked for only when there is no parentPort (a utilityProcess has no stdin pipe to open). */
  stdin: () => StdinLike;
  /** Called once, when the parent is gone. */
  onGone: () => void;
  timeoutMs?: number;
}

/** Starts watching; returns a function that stops the watch (its timer, so the process can exit). */
export function watchParent(options: ParentWatchOptions): () => void {
  let gone = false;
  const fire = (): void => {
    if (gone) return;
    gone = true;
    options.onGone();
  };
  if (options.parentPort === null || options.parentPort === undefined) {
    const stdin = options.stdin();
    stdin.on('end', fire);
    stdin.on('close', fire);
    // Paused, a pipe's end is never read, so 'end' would never come.
    stdin.resume();
    return () => {
      gone = true;
    };
  }
  const timeoutMs = options.timeoutMs ?? BOARD_PARENT_TIMEOUT_MS;
  let timer = setTimeout(fire, timeoutMs);
  options.parentPort.on('message', (event) => {
    if (gone || event.data !== BOARD_HEARTBEAT) return;
    clearTimeout(timer);
    timer = setTimeout(fire, timeoutMs);
  });
  return () => {
    gone = true;
    clearTimeout(timer);
  };
}

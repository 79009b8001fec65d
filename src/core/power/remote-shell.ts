/**
 * What a board's power meter needs from its target: run a command in the board's shell and hand
 * over its stdout line by line while it runs, then stop it. An SSH board gives it through a second
 * exec channel beside the runner's (src/core/power/ssh-shell.ts); an Android device through
 * `adb shell`. The meter (board-meter.ts) knows nothing else about the link.
 */

export interface RemoteStreamEnd {
  /** The command's exit code (null when it was stopped by a signal or the link dropped). */
  code: number | null;
  /** The last of what it printed on stderr, for the one sentence a failure becomes. */
  stderr: string;
}

export interface RemoteStream {
  /** Resolves when the command ends, by itself or stopped. */
  readonly ended: Promise<RemoteStreamEnd>;
  /** Stops the command and everything it started on the board; resolves once it has ended. Never throws. */
  stop(): Promise<void>;
}

export interface RemoteShell {
  /** The board's name, for messages. */
  readonly boardName: string;
  /**
   * Starts `command` (POSIX sh) on the board; each stdout line goes to `onLine` as it arrives.
   * Rejects, in one sentence, when the command cannot be started (`doing` says what for).
   */
  stream(command: string, onLine: (line: string) => void, doing: string): Promise<RemoteStream>;
}

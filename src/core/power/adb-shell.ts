/**
 * An Android device's shell for its power meter: `adb -s SERIAL shell COMMAND`, a second shell
 * beside the one running the benchmark. adb's shell protocol (v2, Android 7 and later) keeps the
 * command's stdout and stderr apart and reports its exit code. The device's shell reports its pid
 * and process group first, so stopping kills the loop and what it started on the device (killing
 * the local adb process alone can leave it running there), then the local adb.
 */
import { spawn } from 'node:child_process';
import { forEachLine } from '../runner/runner-spawner';
import { StudioError } from '../../shared/errors';
import type { RemoteShell, RemoteStream, RemoteStreamEnd } from './remote-shell';

const PID_LINE = /^edgebench-meter-pid=(\d+)(?: (\d+))?$/;
const STDERR_KEPT = 4000;

export interface AdbShellOptions {
  /** The adb program (the adb target's choice: ADB, else the one on the PATH). */
  adb: string;
  /** The device's name for messages; default the serial. */
  boardName?: string;
  /** adb's environment (ANDROID_ADB_SERVER_PORT and the like); default this process's. */
  env?: NodeJS.ProcessEnv;
}

export function adbRemoteShell(serial: string, options: AdbShellOptions): RemoteShell {
  const boardName = options.boardName ?? serial;
  const adb = (args: string[]) => spawn(options.adb, ['-s', serial, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    boardName,
    stream(command, onLine, doing): Promise<RemoteStream> {
      const script = `echo edgebench-meter-pid=$$ $(cut -d' ' -f5 /proc/$$/stat 2>/dev/null) >&2\n${command}`;
      const child = adb(['shell', script]);
      let pid: number | undefined;
      let group: number | undefined;
      let stderr = '';
      forEachLine(child.stdout, onLine);
      forEachLine(child.stderr, (line) => {
        const match = PID_LINE.exec(line);
        if (match !== null && pid === undefined) {
          pid = Number(match[1]);
          group = match[2] === undefined ? undefined : Number(match[2]);
        } else stderr = `${stderr}${line}\n`.slice(-STDERR_KEPT);
      });
      const ended = new Promise<RemoteStreamEnd>((resolve) => child.once('close', (code) => resolve({ code, stderr })));
      return new Promise((resolve, reject) => {
        child.once('error', (error) => reject(new StudioError('BAD_INPUT', `adb could not be started for ${doing} on ${boardName} (${error.message}); install Debian's adb package or set ADB to its path.`, { target: boardName })));
        child.once('spawn', () => {
          let stopping: Promise<void> | undefined;
          resolve({
            ended,
            stop() {
              stopping ??= (async () => {
                if (pid !== undefined) {
                  const kill = adb(['shell', `${group === undefined ? '' : `kill -TERM -- -${group} 2>/dev/null; `}kill -TERM ${pid} 2>/dev/null; true`]);
                  await new Promise<void>((done) => {
                    const timer = setTimeout(() => (kill.kill('SIGKILL'), done()), 10_000);
                    kill.once('close', () => (clearTimeout(timer), done()));
                    kill.once('error', () => (clearTimeout(timer), done()));
                  });
                }
                if (child.exitCode === null) child.kill('SIGTERM');
                await ended;
              })();
              return stopping;
            },
          });
        });
      });
    },
  };
}

/**
 * Runners on a board: the runner protocol travels over an SSH exec channel (stdin/stdout), the
 * channel's stderr is the runner's log. The remote shell reports the runner's pid first, so
 * kill() can stop the process itself and not only the channel: closing a channel does not stop a
 * runner busy inside an inference.
 */
import type { ClientChannel } from 'ssh2';
import { forEachLine, type RunnerChild, type RunnerExit, type RunnerSpawner } from '../../runner/runner-spawner';
import { stopChannel, type SshConnection } from './ssh-connection';
import { shellQuote } from './sftp-cache';

/** A runner program on the board and how to start it. */
export interface RemoteRunner {
  kind: 'node' | 'python';
  /** The program and its arguments, e.g. ['/usr/bin/node', '/home/pi/.cache/edgebench/.../runner.mjs']. */
  argv: string[];
  /** What the studio picked and why, for the user ("the studio's Node runner (onnxruntime-node on Node v20.11.0, arm64)"). */
  description: string;
}

const PID_LINE = /^edgebench-runner-pid=(\d+)$/;

export interface SshRunnerSpawner extends RunnerSpawner {
  /** The pid on the board of the runner started last (known once its shell reported it). */
  readonly lastRemotePid: number | undefined;
}

/**
 * `pin`: the board's taskset and a CPU list ("4-5"): the runner starts under `taskset -c LIST`,
 * which execs it, so it keeps the pid and every thread it starts inherits the CPUs.
 */
export function sshRunnerSpawner(conn: SshConnection, runner: RemoteRunner, pin?: { taskset: string; cpuList: string }): SshRunnerSpawner {
  let lastRemotePid: number | undefined;
  const argv = pin === undefined ? runner.argv : [pin.taskset, '-c', pin.cpuList, ...runner.argv];
  // `exec` makes the runner take the shell's pid, so the pid printed first is the runner's.
  const script = `echo edgebench-runner-pid=$$ >&2; exec ${argv.map(shellQuote).join(' ')}`;
  const command = `sh -c ${shellQuote(script)}`;
  return {
    get lastRemotePid() {
      return lastRemotePid;
    },
    spawn(): RunnerChild {
      const listeners = { stdout: [] as ((line: string) => void)[], stderr: [] as ((line: string) => void)[] };
      const emit = (stream: 'stdout' | 'stderr', line: string): void => {
        for (const listener of listeners[stream]) listener(line);
      };
      let channel: ClientChannel | null = null;
      let remotePid: number | undefined;
      let killed = false;
      const pending: string[] = [];
      let resolveExit!: (exit: RunnerExit) => void;
      const exited = new Promise<RunnerExit>((resolve) => {
        resolveExit = resolve;
      });
      let exit: RunnerExit = { code: null, signal: null };
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        unsubscribe();
        resolveExit(exit);
      };
      const unsubscribe = conn.onLost((reason) => {
        emit('stderr', `(the SSH connection to ${conn.target.name} was lost: ${reason})`);
        finish();
      });

      const stopRemote = (): void => {
        if (channel !== null) stopChannel(channel);
        // The signal request alone is not honoured by every sshd; kill by pid as well.
        if (remotePid !== undefined && conn.lost === null) {
          void conn.exec(`kill -KILL ${remotePid} 2>/dev/null; true`, { timeoutMs: 10_000, what: 'stopping the runner' }).catch(() => undefined);
        }
      };

      conn.openChannel(command, `starting ${runner.description}`).then(
        (opened) => {
          channel = opened;
          forEachLine(opened, (line) => emit('stdout', line));
          forEachLine(opened.stderr, (line) => {
            const pid = PID_LINE.exec(line)?.[1];
            if (pid !== undefined && remotePid === undefined) {
              remotePid = Number(pid);
              lastRemotePid = remotePid;
              if (killed) stopRemote();
              return;
            }
            emit('stderr', line);
          });
          opened.on('exit', (code: number | null, signal?: string) => {
            exit = { code, signal: signal === undefined ? null : `SIG${signal}` };
          });
          opened.on('close', finish);
          if (killed) return stopRemote();
          for (const line of pending.splice(0)) opened.write(`${line}\n`);
        },
        (error: unknown) => {
          emit('stderr', `(the runner could not be started on ${conn.target.name}: ${(error as Error).message})`);
          finish();
        },
      );

      return {
        pid: undefined,
        send(line) {
          if (channel === null) pending.push(line);
          else if (channel.writable) channel.write(`${line}\n`);
        },
        onLine(stream, listener) {
          listeners[stream].push(listener);
        },
        exited,
        kill() {
          if (killed || done) return;
          killed = true;
          stopRemote();
        },
      };
    },
  };
}

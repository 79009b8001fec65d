/**
 * An SSH board's shell for its power meter: the meter's command runs in an exec channel of its
 * own, beside the runner's. sshd makes each session's shell the leader of a new process group
 * (setsid), and the shell reports its pid first, so stopping it kills the whole group: the tool
 * and the loop around it, not only the channel (a pipeline such as `tegrastats | while read`
 * would otherwise run on until its next write failed).
 */
import type { ClientChannel } from 'ssh2';
import { forEachLine } from '../runner/runner-spawner';
import { stopChannel, type SshConnection } from '../targets/ssh/ssh-connection';
import { shellQuote } from '../targets/ssh/sftp-cache';
import type { RemoteShell, RemoteStream, RemoteStreamEnd } from './remote-shell';

// The shell's pid and its process group (sshd's session leader, or the shell itself where the login shell exec'd it).
const PID_LINE = /^edgebench-meter-pid=(\d+)(?: (\d+))?$/;
const STDERR_KEPT = 4000;

export function sshRemoteShell(conn: SshConnection): RemoteShell {
  return {
    boardName: conn.target.name,
    async stream(command, onLine, doing): Promise<RemoteStream> {
      const script = `echo edgebench-meter-pid=$$ $(cut -d' ' -f5 /proc/$$/stat 2>/dev/null) >&2\n${command}`;
      const channel: ClientChannel = await conn.openChannel(`sh -c ${shellQuote(script)}`, doing);
      let pid: number | undefined;
      let group: number | undefined;
      let stderr = '';
      let code: number | null = null;
      forEachLine(channel, onLine);
      forEachLine(channel.stderr, (line) => {
        const match = PID_LINE.exec(line);
        if (match !== null && pid === undefined) {
          pid = Number(match[1]);
          group = match[2] === undefined ? undefined : Number(match[2]);
        }
        else stderr = `${stderr}${line}\n`.slice(-STDERR_KEPT);
      });
      channel.on('exit', (exitCode: number | null) => {
        code = exitCode;
      });
      const ended = new Promise<RemoteStreamEnd>((resolve) => {
        channel.on('close', () => resolve({ code, stderr }));
        conn.onLost(() => resolve({ code: null, stderr }));
      });
      let stopping: Promise<void> | undefined;
      return {
        ended,
        stop() {
          stopping ??= (async () => {
            if (pid !== undefined && conn.lost === null) {
              await conn.exec(`${group === undefined ? '' : `kill -TERM -- -${group} 2>/dev/null; `}kill -TERM ${pid} 2>/dev/null; true`, { timeoutMs: 10_000, what: 'stopping the power meter' }).catch(() => undefined);
            }
            stopChannel(channel);
            await ended;
          })();
          return stopping;
        },
      };
    },
  };
}

/**
 * A RemoteShell that is this machine's own /bin/sh: the board-meter tests run the meters' real
 * board scripts in a real POSIX shell, against a sysfs tree the test builds, without a board. The
 * command gets its own process group (detached), so stop() ends the loop and what it started.
 */
import { spawn } from 'node:child_process';
import type { RemoteShell, RemoteStream, RemoteStreamEnd } from '../../src/core/power/remote-shell';
import { forEachLine } from '../../src/core/runner/runner-spawner';

export function localShell(boardName = 'local-sh', env: NodeJS.ProcessEnv = process.env): RemoteShell {
  return {
    boardName,
    stream(command, onLine): Promise<RemoteStream> {
      const child = spawn('/bin/sh', ['-c', command], { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => (stderr += chunk));
      forEachLine(child.stdout, onLine);
      const ended = new Promise<RemoteStreamEnd>((resolve) => child.once('close', (code) => resolve({ code, stderr })));
      return Promise.resolve({
        ended,
        async stop() {
          try {
            if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
          await ended;
        },
      });
    },
  };
}

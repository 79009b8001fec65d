/** Parent side of a worker task: start, send the request, follow progress, return the outcome. */
import { ErrorCode, StudioError } from '../../shared/errors';
import { processEntryPath } from '../process-entries';
import { nodeForkSpawner, type RunnerSpawner } from '../runner/runner-client';
import { WorkerReply, type WorkerRequest } from './worker-protocol';

/** Forked Node workers running the built worker-process.ts (out/cli/worker.js; see process-entries.ts). */
export function nodeWorkerSpawner(): RunnerSpawner {
  return nodeForkSpawner({ runnerPath: processEntryPath('worker') });
}

type Outcome = Exclude<WorkerReply, { type: 'progress' } | { type: 'error' }>;

export function runWorkerTask(
  spawner: RunnerSpawner,
  request: WorkerRequest,
  opts: { signal?: AbortSignal; onProgress?: (message: string) => void; timeoutMs?: number } = {},
): Promise<Outcome> {
  const child = spawner.spawn();
  const log: string[] = [];
  return new Promise<Outcome>((resolve, reject) => {
    let settled = false;
    const finish = (error: StudioError | null, outcome?: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(outcome as Outcome);
    };
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish(new StudioError('CANCELLED', 'Cancelled.'));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new StudioError('RUNNER', `The worker did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s and was stopped.`, { runnerLog: log.join('\n') }));
    }, opts.timeoutMs ?? 30 * 60_000);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.onLine('stderr', (line) => {
      log.push(line);
      if (log.length > 20) log.shift();
    });
    child.onLine('stdout', (line) => {
      let reply: WorkerReply;
      try {
        reply = WorkerReply.parse(JSON.parse(line));
      } catch {
        log.push(line);
        return;
      }
      if (reply.type === 'progress') opts.onProgress?.(reply.message);
      else if (reply.type === 'error') {
        const code = ErrorCode.safeParse(reply.code);
        finish(new StudioError(code.success ? code.data : 'INTERNAL', reply.message, { runnerLog: log.join('\n') }));
      } else finish(null, reply);
    });
    void child.exited.then((exit) => {
      const how = exit.signal ? `with signal ${exit.signal}` : `with code ${exit.code}`;
      finish(new StudioError('RUNNER', `The worker process exited ${how} before answering; its last words: ${log.slice(-3).join(' | ') || '(none)'}`, {
        runnerLog: log.join('\n'),
      }));
    });
    if (opts.signal?.aborted) onAbort();
    else child.send(JSON.stringify(request));
  });
}

/**
 * Entry point of a worker process (see worker-protocol.ts). Runs as the built out/cli/worker.js
 * (through tsx from source only in development, when no fresh build exists: process-entries.ts),
 * and under Electron's utilityProcess as out/main/worker.js (one request arrives on parentPort
 * there, since a utilityProcess's stdin cannot be piped).
 */
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { WorkerRequest, type WorkerReply } from './worker-protocol';
import { runLayerSqnr, runQuantize, runQuantizeTflite } from './worker-tasks';
import { runPrune } from '../prune/prune-task';

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

// stdout carries protocol lines only.
const toStderr = (...args: unknown[]): void => {
  process.stderr.write(`${format(...args)}\n`);
};
console.log = toStderr;
console.info = toStderr;

const send = (reply: WorkerReply): void => {
  process.stdout.write(`${JSON.stringify(reply)}\n`);
};

let started = false;
async function handle(line: string): Promise<void> {
  if (started) return; // one task per worker
  started = true;
  try {
    const request = WorkerRequest.parse(JSON.parse(line));
    const progress = (message: string): void => send({ type: 'progress', message });
    send(
      request.type === 'quantize'
        ? await runQuantize(request, progress)
        : request.type === 'quantizeTflite'
          ? await runQuantizeTflite(request, progress)
          : request.type === 'prune'
            ? await runPrune(request, progress)
            : await runLayerSqnr(request, progress),
    );
  } catch (error) {
    const data = toErrorData(error);
    send({ type: 'error', code: data.code, message: data.message });
  }
  process.stdout.write('', () => process.exit(0));
}

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
if (parentPort !== undefined) {
  parentPort.on('message', (event) => {
    if (typeof event.data === 'string') void handle(event.data);
  });
} else {
  createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => void handle(line));
}

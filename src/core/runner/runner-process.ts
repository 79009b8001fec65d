/**
 * Entry point of a runner process. Runs under plain Node as the built out/cli/runner.js (through
 * tsx from source only in development, when no fresh build exists: process-entries.ts) and under
 * Electron's utilityProcess (bundled as out/main/runner.js).
 *
 * Protocol lines go out on stdout. They come in on stdin, except under utilityProcess, whose
 * stdin cannot be piped (Electron only lets stdout and stderr be pipes): there the parent posts
 * each line as a string message on parentPort. Over SSH the runner reads stdin like under Node.
 */
import { createInterface } from 'node:readline';
import { format } from 'node:util';
import { startRunner } from './runner-main';

/** The slice of Electron's parentPort the runner uses; present only inside a utilityProcess. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

// stdout carries protocol lines only: anything a runtime or library logs goes to stderr.
const toStderr = (...args: unknown[]): void => {
  process.stderr.write(`${format(...args)}\n`);
};
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;

const session = startRunner({
  write(line) {
    process.stdout.write(`${line}\n`);
  },
  exit(code) {
    // Exit only after the last line has left, or the parent may miss the bye reply.
    process.stdout.write('', () => process.exit(code));
  },
});

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
if (parentPort !== undefined) {
  parentPort.on('message', (event) => {
    if (typeof event.data === 'string') session.receive(event.data);
    else process.stderr.write(`The runner ignored a parentPort message that is not a protocol line (${typeof event.data}).\n`);
  });
} else {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => session.receive(line));
  // The parent is gone or closed our stdin: answer what was asked, then leave.
  lines.on('close', () => {
    void session.drained().then(() => process.exit(0));
  });
}

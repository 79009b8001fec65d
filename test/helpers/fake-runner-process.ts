/**
 * TEST STAND-IN, not a runner: the fake runner of test/helpers/fake-runner.ts as a real Node
 * process on stdio, started by nodeForkSpawner like the real runner-process.ts. Its script comes
 * as JSON in EDGEBENCH_FAKE_RUNNER_SCRIPT. A scripted crash ends the process by a real signal;
 * a hang or silentOn keeps it alive and quiet until the parent kills it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { FAKE_RUNNER_COUNTER_ENV, FAKE_RUNNER_SCRIPT_ENV, FakeRunnerScript, fakeRunnerSession } from './fake-runner';

const script = FakeRunnerScript.parse(JSON.parse(process.env[FAKE_RUNNER_SCRIPT_ENV] ?? 'null'));
/** This process's index among the fake runners started (for processSpeeds), when the test counts them in a file. */
function processIndex(): number {
  const counter = process.env[FAKE_RUNNER_COUNTER_ENV];
  if (counter === undefined || counter === '') return 0;
  const index = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) || 0 : 0;
  writeFileSync(counter, String(index + 1));
  return index;
}
// Keeps a hung or silent runner alive even after its stdin closes, as a runtime stuck in native code would be.
let keepAlive: NodeJS.Timeout | undefined;

const session = fakeRunnerSession(script, {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  exit(exit) {
    // Exit only after the last line has left, as the real runner does.
    process.stdout.write('', () => {
      if (exit.signal !== null) process.kill(process.pid, exit.signal as NodeJS.Signals);
      else process.exit(exit.code ?? 0);
    });
  },
  stopped(why) {
    if (why === 'hang' || why === 'silent') keepAlive ??= setInterval(() => undefined, 60_000);
  },
}, processIndex());

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => session.receive(line));
lines.on('close', () => {
  if (keepAlive === undefined) process.exit(0);
});

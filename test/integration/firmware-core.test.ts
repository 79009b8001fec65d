/**
 * Builds the ESP32 firmware's portable protocol core with g++ and runs its unit tests
 * (test/firmware/run.sh), so `npm test` covers the C++ side of the shared serial vectors. Under
 * CI a missing g++ fails the run (CI installs it); elsewhere it fails too, naming what to install.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

test('the firmware protocol core compiles with -Wall -Wextra -Werror and passes its g++ tests', () => {
  const compiler = process.env.CXX ?? 'g++';
  const probe = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(`'${compiler}' is not installed, so the firmware core cannot be tested${process.env.CI === 'true' ? ' in CI' : ''}; install g++ (Debian: apt-get install g++) or set CXX.`);
  }
  const run = spawnSync('sh', [join(root, 'test', 'firmware', 'run.sh')], { encoding: 'utf8', timeout: 120_000 });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(run.stdout).toMatch(/\d+ tests, 0 failed/);
}, 120_000);

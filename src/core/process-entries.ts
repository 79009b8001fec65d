/**
 * Where the studio's own child processes start from: the benchmark runner, the quantization
 * worker and the simulated serial board. They run from the built JavaScript in out/cli
 * (scripts/build-cli.mjs), so a start costs a Node start, not a TypeScript compile by tsx.
 *
 * - In the CLI build (out/cli) they are its sibling entries.
 * - From source (vitest, `tsx scripts/...`) the same built files are used when the build was made
 *   from the current sources: vitest's globalSetup builds out/cli and says so in
 *   EDGEBENCH_FRESH_CLI_BUILD, so no test ever runs a stale build. Otherwise (a dev script run
 *   through tsx without a build) the TypeScript source runs through tsx.
 * - Electron passes its own bundled paths (out/main/runner.js, ...) to what it starts; a process
 *   started by one of those (the TFLite calibration worker, started by the quantization worker)
 *   runs from the folder the main process names in BUNDLED_ENTRIES_ENV (out/main), which every
 *   utility process inherits.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by `true` in the CLI build (scripts/build-cli.mjs defines it); undeclared from source. */
declare const __EDGEBENCH_BUILT__: boolean | undefined;

export type ProcessEntryName = 'runner' | 'worker' | 'pty-board' | 'tflite-calibrate';

const SOURCES: Record<ProcessEntryName, string> = {
  runner: './runner/runner-process.ts',
  worker: './workers/worker-process.ts',
  'pty-board': './targets/serial/simulator/pty-board-main.ts',
  'tflite-calibrate': './workers/tflite-calibrate-process.ts',
};

/** Every process entry, by name (electron.vite.config.ts bundles each as out/main/<name>.js). */
export const PROCESS_ENTRY_NAMES = Object.keys(SOURCES) as ProcessEntryName[];

/** The TypeScript source of an entry, as a path. */
export function processEntrySource(name: ProcessEntryName): string {
  return fileURLToPath(new URL(SOURCES[name], import.meta.url));
}

/** Set by vitest's globalSetup right after it built out/cli from the sources under test. */
export const FRESH_BUILD_ENV = 'EDGEBENCH_FRESH_CLI_BUILD';

export function isCliBuild(): boolean {
  return typeof __EDGEBENCH_BUILT__ !== 'undefined' && __EDGEBENCH_BUILT__;
}

/**
 * TEST HOOK, not a feature: the runner entry to start instead of the studio's own, so tests of
 * the CLI can script a runner (test/helpers/fake-runner-process.ts, a test stand-in whose
 * latencies and faults a test gives). Whoever can set this variable can already run any code as
 * the user (NODE_OPTIONS), so it opens nothing new.
 */
export const TEST_RUNNER_ENV = 'EDGEBENCH_TEST_RUNNER';

/**
 * Set by Electron's main process to the folder of its bundled entries (out/main/<name>.js, one
 * input each in electron.vite.config.ts); inherited by the utility processes it starts.
 */
export const BUNDLED_ENTRIES_ENV = 'EDGEBENCH_BUNDLED_ENTRIES';

/** The file to run for this process: out/cli/<name>.js when built (or freshly built), else its .ts source; Electron's bundle under Electron. */
export function processEntryPath(name: ProcessEntryName): string {
  const testRunner = process.env[TEST_RUNNER_ENV];
  if (name === 'runner' && testRunner) return testRunner;
  const bundled = process.env[BUNDLED_ENTRIES_ENV];
  if (bundled) return join(bundled, `${name}.js`);
  // In the build this module's import.meta.url is still its source URL (see build-cli.mjs).
  const built = fileURLToPath(new URL(`../../out/cli/${name}.js`, import.meta.url));
  if (isCliBuild() || (process.env[FRESH_BUILD_ENV] === '1' && existsSync(built))) return built;
  return processEntrySource(name);
}

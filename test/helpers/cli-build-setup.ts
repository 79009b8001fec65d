/**
 * vitest globalSetup: builds out/cli (the CLI, runner, worker and simulated board as JavaScript)
 * from the sources under test, once per test run, so every test that starts the CLI or a runner
 * runs the current code and never a stale build. About half a second.
 *
 * If the sources do not build (someone's work in progress), only the tests that start the CLI fail,
 * with esbuild's message (run-cli.ts); runners and workers then start from source through tsx.
 */
import { buildCli } from '../../scripts/build-cli.mjs';
import { FRESH_BUILD_ENV } from '../../src/core/process-entries';

export const CLI_BUILD_ERROR_ENV = 'EDGEBENCH_CLI_BUILD_ERROR';

export default async function setup(): Promise<void> {
  delete process.env[FRESH_BUILD_ENV];
  delete process.env[CLI_BUILD_ERROR_ENV];
  try {
    await buildCli();
    // Test workers are forked after this, so they inherit it.
    process.env[FRESH_BUILD_ENV] = '1';
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors ?? [];
    const reason = errors.length > 0 ? errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`).join('; ') : String(error);
    process.env[CLI_BUILD_ERROR_ENV] = reason;
    console.error(`The CLI build (scripts/build-cli.mjs) failed, so tests that start the CLI will fail: ${reason}`);
  }
}

#!/usr/bin/env node
// `edgebench`: runs the CLI's build (out/cli/edgebench.js, made by scripts/build-cli.mjs). The build
// is made by `npm ci` / `npm install` (the `prepare` script); if it is missing or older than the
// sources (after a `git pull`, an edit, or an install with --ignore-scripts) it is rebuilt here
// first (under a second), so `edgebench` runs the code as it is; only when it cannot rebuild (a
// read-only install, sources that do not build) does it run the previous build, and it says so.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliBuildIsFresh, ensureCliBuild } from '../scripts/build-cli.mjs';

process.env.EDGEBENCH_CLI_ENTRY = '1';
// `npm run edgebench -- ARGS` starts this file in the project's root, but the user's relative paths
// (model files, --out, run files) start where they typed the command, which npm passes as INIT_CWD.
// Changing directory once here makes every path the CLI resolves mean what it means in the shell.
// Only for this project's own script: another package's script that calls edgebench runs in that
// package's root on purpose, and its paths are relative to it.
const npmEnv = process.env;
if (npmEnv.npm_lifecycle_event === 'edgebench' && npmEnv.npm_package_name === 'edgebench-studio' && npmEnv.INIT_CWD) process.chdir(npmEnv.INIT_CWD);
if (!cliBuildIsFresh()) {
  try {
    await ensureCliBuild();
  } catch (error) {
    const reason = error?.code === 'ERR_MODULE_NOT_FOUND' ? 'esbuild is not installed' : String(error?.errors?.[0]?.text ?? error?.message ?? error).split('\n')[0];
    if (!existsSync(new URL('../out/cli/edgebench.js', import.meta.url))) {
      process.stderr.write(`edgebench: the CLI could not be built (${reason}); run \`npm ci\` in ${fileURLToPath(new URL('..', import.meta.url))} and try again.\n`);
      process.exit(1);
    }
    // A read-only install, or sources that do not build right now: the last build still works.
    process.stderr.write(`edgebench: the sources changed but the CLI could not be rebuilt (${reason}); running the previous build.\n`);
  }
}
await import('../out/cli/edgebench.js');

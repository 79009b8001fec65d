#!/usr/bin/env node
// `edgebench`: runs the CLI's build (out/cli/edgebench.js, made by scripts/build-cli.mjs). The build
// is made by `npm ci` / `npm install` (the `prepare` script); if it is missing or older than the
// sources (after a `git pull`, an edit, or an install with --ignore-scripts) it is rebuilt here
// first, which takes about a second, so `edgebench` never runs stale code.
import { cliBuildIsFresh, ensureCliBuild } from '../scripts/build-cli.mjs';

process.env.EDGEBENCH_CLI_ENTRY = '1';
if (!cliBuildIsFresh()) {
  try {
    await ensureCliBuild();
  } catch (error) {
    const reason = error && typeof error === 'object' && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' ? 'esbuild is not installed' : String(error?.message ?? error).split('\n')[0];
    process.stderr.write(`edgebench: the CLI could not be built (${reason}); run \`npm ci\` in ${new URL('..', import.meta.url).pathname} and try again.\n`);
    process.exit(1);
  }
}
await import('../out/cli/edgebench.js');

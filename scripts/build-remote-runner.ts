/**
 * Writes the Node runner for SSH boards as one file, out/main/remote-runner/edgebench-node-runner.mjs,
 * where a built studio (out/main) looks for it when src/ is not there (node-runner-bundle.ts).
 * From source the studio bundles it on first use, so this is only needed for packaging.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildNodeRunnerBundle } from '../src/core/targets/ssh/node-runner-bundle';

const outFile = resolve(import.meta.dirname, '../out/main/remote-runner/edgebench-node-runner.mjs');
const code = await buildNodeRunnerBundle();
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, code);
console.log(`${outFile}: ${(code.length / 1024).toFixed(0)} KiB`);

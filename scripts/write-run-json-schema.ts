/**
 * Writes docs/run-schema.json, the JSON Schema of a run file (edgebench.run/1), from the zod
 * schema the engine itself validates with, so the published schema cannot drift from the code.
 * `npm run schema:run` rewrites it; test/unit/reports/run-json-schema.test.ts fails if the
 * committed file is stale. `--check` exits 1 instead of writing when the file differs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RUN_SCHEMA, RunFile } from '../src/shared/run-schema';

export const RUN_JSON_SCHEMA_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/run-schema.json');

export function runJsonSchemaText(): string {
  // 'input': what a reader accepts, so fields that have a default may be absent (older files).
  const schema = z.toJSONSchema(RunFile, { target: 'draft-2020-12', io: 'input' });
  const documented = {
    $schema: schema.$schema,
    title: `EdgeBench run file (${RUN_SCHEMA})`,
    description:
      'One benchmark run: model, target hardware, runtime, settings, every measured latency in ms, statistics, memory, profile, verdict and warnings. Generated from src/shared/run-schema.ts by scripts/write-run-json-schema.ts; do not edit by hand.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
  return `${JSON.stringify(documented, null, 2)}\n`;
}

function main(): void {
  const text = runJsonSchemaText();
  if (process.argv.includes('--check')) {
    // A missing file is as stale as a different one.
    const current = existsSync(RUN_JSON_SCHEMA_PATH) ? readFileSync(RUN_JSON_SCHEMA_PATH, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${path.relative(process.cwd(), RUN_JSON_SCHEMA_PATH)} is out of date; run 'npm run schema:run'.\n`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(RUN_JSON_SCHEMA_PATH, text);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), RUN_JSON_SCHEMA_PATH)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { exportReport } from '../../../src/core/reports/write-report';
import { RUN_JSON_SCHEMA_PATH, runJsonSchemaText } from '../../../scripts/write-run-json-schema';
import { FIXTURES, readRun } from './run-fixtures';

const committed = readFileSync(RUN_JSON_SCHEMA_PATH, 'utf8');
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(committed) as object);

describe('docs/run-schema.json', () => {
  it("is what scripts/write-run-json-schema.ts makes from the engine's zod schema (run 'npm run schema:run' if not)", () => {
    expect(committed).toBe(runJsonSchemaText());
  });

  it('accepts every fixture run, as read from disk', () => {
    for (const file of Object.values(FIXTURES)) {
      const ok = validate(JSON.parse(readFileSync(file, 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('accepts each run of a JSON report', async () => {
    const report = buildReportContext({ runs: Object.values(FIXTURES).map((file) => ({ run: readRun(file), path: file })), skipped: [] });
    const [file] = await exportReport('json', report);
    const runs = JSON.parse(String(file?.data)) as unknown[];
    expect(runs).toHaveLength(4);
    for (const run of runs) expect(validate(run)).toBe(true);
  });

  it('rejects a damaged run and a run of another schema version', () => {
    const run = JSON.parse(readFileSync(FIXTURES.onnx, 'utf8')) as Record<string, unknown>;
    const { latencyMs: _dropped, ...withoutLatency } = run;
    expect(validate(withoutLatency)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('latencyMs');
    expect(validate({ ...run, schema: 'edgebench.run/2' })).toBe(false);
    expect(validate({ ...run, verdict: 'great' })).toBe(false);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunFiles } from '../../../src/core/reports/load-runs';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { renderReportHtml } from '../../../src/core/reports/exporters/html';
import { StudioError } from '../../../src/shared/errors';
import { FIXTURES, readRun, tempDir, writeJson } from './run-fixtures';

describe('loadRunFiles', () => {
  it('reads run files in the order given', async () => {
    const { runs, skipped } = await loadRunFiles([FIXTURES.onnx, FIXTURES.tflite]);
    expect(skipped).toEqual([]);
    expect(runs.map((entry) => entry.run.model.format)).toEqual(['onnx', 'tflite']);
    expect(runs[0]?.path).toBe(FIXTURES.onnx);
  });

  it('reads a file holding an array of runs (bench --json over a matrix, or a JSON report)', async () => {
    const dir = await tempDir();
    const file = await writeJson(dir, 'matrix.json', [readRun(FIXTURES.onnx), readRun(FIXTURES.onnx700)]);
    const { runs } = await loadRunFiles([file]);
    expect(runs.map((entry) => entry.path)).toEqual([`${file}[0]`, `${file}[1]`]);
  });

  it('skips and names a truncated file, keeps the others, and the report says so', async () => {
    const dir = await tempDir();
    const text = await readFile(FIXTURES.onnx, 'utf8');
    const truncated = path.join(dir, 'truncated.json');
    await writeFile(truncated, text.slice(0, text.length / 2));
    const { runs, skipped } = await loadRunFiles([truncated, FIXTURES.tflite]);
    expect(runs).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.path).toBe(truncated);
    expect(skipped[0]?.reason).toMatch(/not valid JSON/);

    const html = renderReportHtml(buildReportContext({ runs, skipped }));
    expect(html).toContain(`Skipped ${truncated}`);
    expect(html).toContain('1 file skipped');
  });

  it('skips a run whose fields are damaged, naming the field', async () => {
    const dir = await tempDir();
    const run = readRun(FIXTURES.onnx) as unknown as Record<string, unknown>;
    const file = await writeJson(dir, 'damaged.json', { ...run, latencyMs: { ...(run.latencyMs as object), median: 'fast' } });
    const { runs, skipped } = await loadRunFiles([file]);
    expect(runs).toEqual([]);
    expect(skipped[0]?.reason).toMatch(/damaged: latencyMs\.median/);
  });

  it('skips a JSON file that is not a run file', async () => {
    const dir = await tempDir();
    const file = await writeJson(dir, 'package.json', { name: 'x', version: '1.0.0' });
    const { skipped } = await loadRunFiles([file]);
    expect(skipped[0]?.reason).toMatch(/no "schema" field/);
  });

  it('refuses a run of another schema version, naming the version', async () => {
    const dir = await tempDir();
    const file = await writeJson(dir, 'future.json', { ...readRun(FIXTURES.onnx), schema: 'edgebench.run/2' });
    const error = await loadRunFiles([FIXTURES.onnx, file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('BAD_INPUT');
    expect((error as StudioError).message).toContain("'edgebench.run/2'");
    expect((error as StudioError).message).toContain(file);
  });

  it('says which file does not exist', async () => {
    const error = await loadRunFiles(['/nonexistent/run.json']).catch((e: unknown) => e);
    expect((error as StudioError).code).toBe('FILE_NOT_FOUND');
    expect((error as StudioError).message).toContain('/nonexistent/run.json');
  });

  it('keeps one copy of a run given twice', async () => {
    const { runs, skipped } = await loadRunFiles([FIXTURES.onnx, FIXTURES.onnx]);
    expect(runs).toHaveLength(1);
    expect(skipped[0]?.reason).toMatch(/same run/);
  });
});

/**
 * Reading run files for reports and comparisons. A file may hold one run or an array of runs
 * (`edgebench bench --json` with several cells, or a JSON report). A damaged file is skipped and
 * named, never fatal: one bad file should not cost the other runs their report. A run of another
 * schema version is refused with its version named: its numbers may mean something else.
 */
import { promises as fs } from 'node:fs';
import type { z } from 'zod';
import { StudioError } from '../../shared/errors';
import { assertNotSpecialFile } from '../file-kind';
import { RUN_SCHEMA, RunFile } from '../../shared/run-schema';
import type { LoadedRun, SkippedFile } from './report-types';

export interface LoadedRuns {
  runs: LoadedRun[];
  skipped: SkippedFile[];
}

const RUN_SCHEMA_PATTERN = /^edgebench\.run\/(\d+)$/;

export async function loadRunFiles(paths: readonly string[]): Promise<LoadedRuns> {
  const runs: LoadedRun[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Map<string, string>();
  for (const file of paths) {
    const text = await readRunText(file);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      skipped.push({ path: file, reason: `It is not valid JSON (${(error as Error).message}); the file may be truncated or damaged.` });
      continue;
    }
    const items = Array.isArray(data) ? data : [data];
    if (items.length === 0) {
      skipped.push({ path: file, reason: 'It holds an empty list: there is no run in it.' });
      continue;
    }
    items.forEach((item, index) => {
      const where = Array.isArray(data) ? `${file}[${index}]` : file;
      const parsed = parseRun(item, where);
      if ('reason' in parsed) {
        skipped.push({ path: where, reason: parsed.reason });
        return;
      }
      const first = seen.get(parsed.run.id);
      if (first !== undefined) {
        skipped.push({ path: where, reason: `It is the same run (id ${parsed.run.id}) as ${first}, which is already in the report.` });
        return;
      }
      seen.set(parsed.run.id, where);
      runs.push({ run: parsed.run, path: where });
    });
  }
  return { runs, skipped };
}

async function readRunText(file: string): Promise<string> {
  await assertNotSpecialFile(file, 'The run file');
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new StudioError('FILE_NOT_FOUND', `The run file '${file}' does not exist; check the path.`, { file });
    }
    if (code === 'EISDIR') {
      throw new StudioError('BAD_INPUT', `'${file}' is a folder; give the run files inside it (e.g. '${file}/*.json').`, { file });
    }
    throw new StudioError('BAD_INPUT', `The run file '${file}' cannot be read: ${(error as Error).message}.`, { file });
  }
}

/** One run from parsed JSON: the run, or why it is skipped; throws for another schema version. */
function parseRun(item: unknown, where: string): { run: RunFile } | { reason: string } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { reason: 'It is not an edgebench run file: a run is a JSON object.' };
  }
  const schema = (item as { schema?: unknown }).schema;
  if (typeof schema !== 'string') {
    return { reason: `It is not an edgebench run file: it has no "schema" field (expected "${RUN_SCHEMA}").` };
  }
  if (schema !== RUN_SCHEMA) {
    if (RUN_SCHEMA_PATTERN.test(schema)) {
      // Only /1 exists so far, so there is nothing to migrate from; a newer version needs a newer edgebench.
      throw new StudioError(
        'BAD_INPUT',
        `The run file '${where}' has schema version '${schema}', which this edgebench cannot read (it reads '${RUN_SCHEMA}'). Use the edgebench version that wrote it, or re-run the benchmark with this one.`,
        { file: where, schema },
      );
    }
    return { reason: `It is not an edgebench run file: its schema is '${schema}', not '${RUN_SCHEMA}'.` };
  }
  const parsed = RunFile.safeParse(item);
  if (!parsed.success) return { reason: `It is damaged: ${describeIssues(parsed.error.issues)}.` };
  return { run: parsed.data };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
  const more = issues.length > 3 ? ` and ${issues.length - 3} more problems` : '';
  return `${shown.join('; ')}${more}`;
}

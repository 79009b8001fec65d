/**
 * Reports of runs pinned to CPUs (--cpus): two runs alike but for their CPUs are told apart by
 * name ("· CPUs 0x1", "· CPUs 0x2") and by a CPUs column in the Settings table; a report of
 * unpinned runs keeps its names and its table (the exporter snapshots prove it). The runs are a
 * real run file (test/fixtures/runs) with settings.cpus and cpuPinning set as the engine records them.
 */
import { describe, expect, it } from 'vitest';
import { cellText, type Block } from '../../../src/core/reports/blocks';
import { buildReportContext } from '../../../src/core/reports/report-context';
import { settingsSection } from '../../../src/core/reports/sections/settings';
import type { RunFile } from '../../../src/shared/run-schema';
import { FIXTURES, readRun } from './run-fixtures';

function pinned(run: RunFile, cpus: string, cpu: number): RunFile {
  return { ...run, id: `${run.id}-${cpus}`, settings: { ...run.settings, cpus }, cpuPinning: { cpus: [cpu], clusters: '2 CPUs', allowedCpus: [cpu] } };
}

function reportOf(runs: readonly RunFile[]) {
  return buildReportContext({ runs: runs.map((run, i) => ({ run, path: `run-${i}.json` })), skipped: [], generatedAt: new Date('2026-01-02T03:04:05Z') });
}

function settingsTable(runs: readonly RunFile[]): Extract<Block, { kind: 'table' }> {
  const table = settingsSection.build(reportOf(runs)).find((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');
  if (!table) throw new Error('The Settings section has no table.');
  return table;
}

describe('reports of pinned runs', () => {
  const base = readRun(FIXTURES.onnx700);

  it('names each run with its CPUs, and an unpinned run as before', () => {
    const report = reportOf([pinned(base, '0x1', 0), pinned(base, '0x2', 1), base]);
    expect(report.runs.map((r) => r.label)).toEqual([
      'demo-mnist · onnxruntime · 1 thread · CPUs 0x1',
      'demo-mnist · onnxruntime · 1 thread · CPUs 0x2',
      'demo-mnist · onnxruntime · 1 thread',
    ]);
  });

  it('adds a CPUs column to the Settings table only when a run was pinned', () => {
    const table = settingsTable([pinned(base, '0x2', 1), base]);
    const column = table.columns.findIndex((c) => c.label === 'CPUs');
    expect(column).toBeGreaterThan(0);
    expect(table.rows.map((row) => cellText(row[column] ?? ''))).toEqual(['0x2 (1)', 'not pinned']);
    expect(settingsTable([base]).columns.map((c) => c.label)).not.toContain('CPUs');
  });
});

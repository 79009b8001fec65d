/**
 * The accelerator record in reports: what ran, what was asked and not used, and where the ops went
 * with the source that said so, in HTML (and so PDF, printed from it), Markdown and CSV; a run
 * without a record (a CPU-only runtime) says so; a report with no record at all has no section.
 */
import { describe, expect, it } from 'vitest';
import { buildReportContext } from '../../../src/core/reports/report-context';
import type { ReportContext } from '../../../src/core/reports/report-types';
import { exportReport } from '../../../src/core/reports/write-report';
import type { RunFile } from '../../../src/shared/run-schema';
import { csvRecords } from './csv-parse';
import { FIXTURES, readRun } from './run-fixtures';

const tflite = readRun(FIXTURES.tflite);
const onnx = readRun(FIXTURES.onnx);
/** An Edge TPU run as the Python runner records it (the recorded edgetpu_compiler log's shape: 2 TRANSPOSE ops left on the CPU). */
const edgeTpu: RunFile = {
  ...tflite,
  id: `${tflite.id}-edgetpu`,
  accelerator: {
    requested: ['edgetpu'],
    used: ['Edge TPU (libedgetpu delegate)'],
    unavailable: [{ name: 'gpu', reason: 'not in this build of tflite_runtime' }],
    ops: { source: 'edgetpu_compiler', onAccelerator: 10, onCpu: 2, cpuOps: [{ opType: 'TRANSPOSE', count: 2, reason: 'Operation not supported' }] },
    notes: ['The compiler mapped the first 10 ops; the rest ran on the CPU.'],
  },
};

function context(runs: RunFile[]): ReportContext {
  return buildReportContext({ runs: runs.map((run, i) => ({ run, path: `run-${i}.json` })), skipped: [], generatedAt: new Date('2026-01-02T03:04:05Z') });
}

async function text(format: string, report: ReportContext): Promise<string> {
  const data = (await exportReport(format, report))[0]?.data;
  if (typeof data !== 'string') throw new Error(`${format} is not text`);
  return data;
}

describe('the accelerator record in reports', () => {
  it('Markdown and HTML: what ran, what was asked, what was not used and why, op placement and its source; a CPU-only run says it has none', async () => {
    const report = context([edgeTpu, onnx]);
    const md = await text('md', report);
    expect(md).toContain('## Accelerators');
    expect(md).toContain('| run | ran on | asked for | not used | op placement | ops on the CPU |');
    expect(md).toMatch(/\| #1 [^|]+ \| Edge TPU \(libedgetpu delegate\) \| edgetpu \| gpu: not in this build of tflite\\_runtime \| 10 ops on the accelerator, 2 on the CPU \(edgetpu\\_compiler's log\) \| TRANSPOSE ×2 \(Operation not supported\) \|/);
    expect(md).toMatch(/\| #2 [^|]+ \| no accelerator record \(CPU-only runtime\) \|/);
    expect(md).toContain('The compiler mapped the first 10 ops; the rest ran on the CPU.');
    const html = await text('html', report);
    expect(html).toContain('id="accelerator"');
    expect(html).toMatch(/<td>10 ops on the accelerator, 2 on the CPU (<span class="ident">)?\(edgetpu_compiler&#39;s(<\/span>)? log\)<\/td>/);
    expect(html).toContain('TRANSPOSE ×2 (Operation not supported)');
  });

  it('CSV: the record in columns of its own, empty for a run without one', async () => {
    const records = csvRecords(await text('csv', context([edgeTpu, onnx])));
    expect(records[0]).toMatchObject({ accelerator_requested: 'edgetpu', accelerator_used: 'Edge TPU (libedgetpu delegate)', accelerator_unavailable: 'gpu: not in this build of tflite_runtime', ops_placement_source: 'edgetpu_compiler', ops_on_accelerator: '10', ops_on_cpu: '2' });
    expect(records[1]).toMatchObject({ accelerator_requested: '', accelerator_used: '', ops_placement_source: '' });
  });

  it('no run with a record: no Accelerators section', async () => {
    expect(await text('md', context([onnx, tflite]))).not.toContain('Accelerators');
  });
});

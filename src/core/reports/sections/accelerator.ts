import type { Block, Cell } from '../blocks';
import type { ReportSection } from '../report-section';
import { acceleratorOpsText, cpuOpPhrases } from '../../../shared/runtimes';

/**
 * What each run asked to accelerate with and what really ran (a TFLite delegate, onnxruntime's
 * execution providers, an Arm NN backend, an OpenVINO device), what could not be used and why,
 * and where the ops went with the source that said so (edgetpu_compiler's log, onnxruntime's node
 * placements, the interpreter's execution plan), as run detail shows it. Runs without a record
 * (CPU-only runtimes) are listed as such. Left out of a report where no run has one.
 */
export const acceleratorSection: ReportSection = {
  id: 'accelerator',
  title: 'Accelerators',
  build(report) {
    if (!report.runs.some((entry) => entry.run.accelerator !== undefined)) return [];
    const blocks: Block[] = [
      {
        kind: 'table',
        sortable: false,
        columns: [
          { label: 'run' },
          { label: 'ran on', title: 'What the engine reported it ran with' },
          { label: 'asked for' },
          { label: 'not used' },
          { label: 'op placement', title: 'How many ops ran on the accelerator and on the CPU, and who said so' },
          { label: 'ops on the CPU' },
        ],
        rows: report.runs.map((entry): Cell[] => {
          const accelerator = entry.run.accelerator;
          const run = `#${entry.number} ${entry.label}`;
          if (accelerator === undefined) return [run, { text: 'no accelerator record (CPU-only runtime)', tone: 'muted' }, '', '', '', ''];
          const ops = accelerator.ops;
          return [
            run,
            accelerator.used.length > 0 ? accelerator.used.join(', ') : { text: 'nothing reported', tone: 'bad' },
            accelerator.requested.join(', '),
            accelerator.unavailable.length > 0 ? { text: accelerator.unavailable.map((missing) => `${missing.name}: ${missing.reason}`).join('; '), tone: 'bad' } : '',
            ops === undefined ? { text: 'not reported', tone: 'muted' } : acceleratorOpsText(ops),
            ops === undefined || ops.cpuOps.length === 0 ? '' : cpuOpPhrases(ops).join(', '),
          ];
        }),
      },
    ];
    for (const entry of report.runs) {
      for (const note of entry.run.accelerator?.notes ?? []) blocks.push({ kind: 'note', tone: 'info', text: `#${entry.number} ${entry.label}: ${note}` });
    }
    return blocks;
  },
};

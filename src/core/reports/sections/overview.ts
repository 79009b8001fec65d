import type { Block } from '../blocks';
import type { ReportSection } from '../report-section';

export const overviewSection: ReportSection = {
  id: 'overview',
  title: 'Runs',
  build(report) {
    const blocks: Block[] = [];
    for (const skipped of report.skipped) {
      blocks.push({ kind: 'note', tone: 'warning', text: `Skipped ${skipped.path}: ${skipped.reason}` });
    }
    blocks.push({
      kind: 'table',
      sortable: true,
      columns: [{ label: '#', numeric: true }, { label: 'run' }, { label: 'id' }, { label: 'measured at' }, { label: 'verdict' }, { label: 'file' }],
      rows: report.runs.map((entry) => [
        { text: `#${entry.number}`, sort: entry.number },
        entry.label,
        entry.run.id,
        entry.run.createdAt,
        {
          text: entry.run.betweenRun?.disagree ? `${entry.run.verdict}: repeats disagree` : entry.run.verdict,
          tone: entry.run.verdict === 'stable' && !entry.run.betweenRun?.disagree ? 'good' : 'bad',
        },
        entry.path,
      ]),
    });
    if (report.baseline) {
      const how = report.baselineSource === 'given' ? 'chosen' : 'the first run; choose another with --baseline';
      blocks.push({ kind: 'text', text: `Baseline for comparisons: #${report.baseline.number} ${report.baseline.label} (${how}).` });
    }
    return blocks;
  },
};

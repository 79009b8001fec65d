import type { Block } from '../blocks';
import { formatMs } from '../../../shared/units';
import type { ReportSection } from '../report-section';

export const reportWindowsSection: ReportSection = {
  id: 'report-windows',
  title: 'Report-mode windows',
  build(report) {
    const blocks: Block[] = [];
    for (const entry of report.runs) {
      const windows = entry.run.report;
      if (!windows) continue;
      blocks.push({
        kind: 'text',
        text: `#${entry.number} ${entry.label}: reported median ${formatMs(windows.medianOfWindowsMs)}, the median of ${windows.windows.length} windows' medians (MLPerf Tiny's rule).`,
      });
      blocks.push({
        kind: 'table',
        sortable: true,
        columns: [{ label: 'window', numeric: true }, { label: 'runs', numeric: true }, { label: 'duration', numeric: true }, { label: 'median', numeric: true }],
        rows: windows.windows.map((w, i) => [
          { text: String(i + 1), sort: i + 1 },
          { text: String(w.runs), sort: w.runs },
          { text: formatMs(w.durationMs), sort: w.durationMs },
          { text: formatMs(w.medianMs), sort: w.medianMs },
        ]),
      });
    }
    return blocks;
  },
};

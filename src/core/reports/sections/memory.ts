import { msCell } from '../format';
import type { Cell } from '../blocks';
import type { ReportSection } from '../report-section';
import { formatMiB, formatPeakMemory, measuredPeakBytes } from '../../../shared/units';

/** In MiB, as the studio shows memory, so a figure reads the same in the app and in its report. */
function bytesCell(bytes: number | null | undefined): Cell {
  return bytes === undefined || bytes === null ? { text: 'not recorded', tone: 'muted' } : { text: formatMiB(bytes), sort: bytes };
}

/** A peak of 0 is a target that reports no memory use (a board's firmware): "not measured", as in the studio. */
function peakCell(bytes: number): Cell {
  const measured = measuredPeakBytes(bytes);
  return measured === null ? { text: formatPeakMemory(bytes), tone: 'muted' } : { text: formatPeakMemory(measured), sort: measured };
}

export const memorySection: ReportSection = {
  id: 'memory',
  title: 'Memory and start-up',
  build(report) {
    return [
      {
        kind: 'table',
        sortable: true,
        columns: [
          { label: 'run' },
          { label: 'peak RSS', numeric: true, title: "Peak resident set size of the runner process, native memory included" },
          { label: 'model load RSS', numeric: true, title: 'RSS after loading the model minus RSS before' },
          { label: 'OS peak RSS', numeric: true, title: "The OS's own peak RSS at the runner's exit" },
          { label: 'model load time', numeric: true },
          { label: 'first inference', numeric: true },
        ],
        rows: report.runs.map((entry) => {
          const m = entry.run.memory;
          return [
            `#${entry.number} ${entry.label}`,
            peakCell(m.peakRssBytes),
            bytesCell(m.modelLoadRssBytes),
            bytesCell(m.osPeakRssBytes),
            msCell(entry.run.initMs),
            msCell(entry.run.firstInferenceMs),
          ];
        }),
      },
    ];
  },
};

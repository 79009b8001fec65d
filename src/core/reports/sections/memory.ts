import { msCell } from '../format';
import type { Cell } from '../blocks';
import type { ReportSection } from '../report-section';
import type { RunFile } from '../../../shared/run-schema';
import { formatMiB, formatPeakMemory, measuredPeakBytes, NOT_MEASURED_ON_BOARD } from '../../../shared/units';

/** In MiB, as the studio shows memory, so a figure reads the same in the app and in its report. */
function bytesCell(bytes: number | null | undefined): Cell {
  return bytes === undefined || bytes === null ? { text: 'not recorded', tone: 'muted' } : { text: formatMiB(bytes), sort: bytes };
}

/**
 * A run's peak memory as reports show it. A peak of 0 is a target that reports no memory use (a
 * board's firmware): "not measured", as in the studio. A simulated board's figure is the studio's
 * arena estimate plus the model's bytes, not a measurement: it reads as the studio says it.
 */
export function peakMemoryCell(run: Pick<RunFile, 'memory' | 'boardMemory'>): Cell {
  if (run.boardMemory?.simulated === true) return { text: `${NOT_MEASURED_ON_BOARD} (SIMULATED)`, tone: 'muted' };
  const bytes = run.memory.peakRssBytes;
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
            peakMemoryCell(entry.run),
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

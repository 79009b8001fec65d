import type { Block, Cell } from '../blocks';
import type { ReportSection } from '../report-section';
import { energyMethodText, formatJoules, formatWatts } from '../../../shared/energy';

/**
 * Energy per inference of the runs measured with a power source (--energy), each with its method,
 * rails and readings, in doubt where the run says so; runs without energy are listed as not
 * measured. Left out of a report where no run has energy.
 */
export const energySection: ReportSection = {
  id: 'energy',
  title: 'Energy per inference',
  build(report) {
    if (!report.runs.some((entry) => entry.run.energy !== undefined)) return [];
    const blocks: Block[] = [
      {
        kind: 'table',
        sortable: true,
        columns: [
          { label: 'run' },
          { label: 'per inference', numeric: true, title: '(energy over the timed runs − idle power × their duration) / inferences' },
          { label: 'load power', numeric: true },
          { label: 'idle baseline', numeric: true, title: 'Measured just before the timed runs, the runner loaded and waiting' },
          { label: 'inferences', numeric: true },
          { label: 'how it was measured' },
        ],
        rows: report.runs.map((entry): Cell[] => {
          const energy = entry.run.energy;
          const run = `#${entry.number} ${entry.label}`;
          if (energy === undefined) return [run, { text: 'not measured', tone: 'muted' }, '', '', '', ''];
          const figure: Cell =
            energy.perInferenceJ === null
              ? { text: 'no figure', tone: 'bad' }
              : { text: `${formatJoules(energy.perInferenceJ)}${energy.reliable ? '' : ' (unreliable)'}`, sort: energy.perInferenceJ, ...(energy.reliable ? {} : { tone: 'bad' as const }) };
          return [
            run,
            figure,
            { text: formatWatts(energy.load.averagePowerW), sort: energy.load.averagePowerW },
            energy.baseline === 'none' ? { text: 'none (MLPerf Tiny)', tone: 'muted' } : { text: formatWatts(energy.idle.averagePowerW), sort: energy.idle.averagePowerW },
            { text: String(energy.inferences), sort: energy.inferences },
            energyMethodText(energy),
          ];
        }),
      },
    ];
    for (const entry of report.runs) {
      for (const note of entry.run.energy?.notes ?? []) blocks.push({ kind: 'note', tone: 'warning', text: `#${entry.number} ${entry.label}: ${note}` });
    }
    return blocks;
  },
};

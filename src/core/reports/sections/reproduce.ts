import type { Block } from '../blocks';
import type { ReportSection } from '../report-section';
import { reproduceCommand } from '../reproduce-command';

export const reproduceSection: ReportSection = {
  id: 'reproduce',
  title: 'Reproduce',
  build(report) {
    // Runs made before run files recorded the model's path name it by its file name only.
    const withPath = report.runs.filter((entry) => entry.run.model.path !== undefined).length;
    const intro =
      withPath === report.runs.length
        ? 'Each run again (each line names its model file by the path the run loaded it from, so it works from any folder):'
        : withPath === 0
          ? 'Each run again, from the folder that holds its model file:'
          : 'Each run again (a line that names its model file without a folder runs from the folder that holds that file):';
    const blocks: Block[] = [{ kind: 'text', text: intro }];
    for (const entry of report.runs) {
      blocks.push({ kind: 'text', text: `#${entry.number} ${entry.label}` });
      blocks.push({ kind: 'code', lines: [reproduceCommand(entry.run)] });
    }
    return blocks;
  },
};

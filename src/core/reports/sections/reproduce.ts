import type { Block } from '../blocks';
import type { ReportSection } from '../report-section';
import { reproduceCommand } from '../reproduce-command';

export const reproduceSection: ReportSection = {
  id: 'reproduce',
  title: 'Reproduce',
  build(report) {
    const blocks: Block[] = [{ kind: 'text', text: 'Each run again, from the folder that holds its model file:' }];
    for (const entry of report.runs) {
      blocks.push({ kind: 'text', text: `#${entry.number} ${entry.label}` });
      blocks.push({ kind: 'code', lines: [reproduceCommand(entry.run)] });
    }
    return blocks;
  },
};

import type { Block } from '../blocks';
import { formatFraction } from '../format';
import { formatMs } from '../../../shared/units';
import type { ReportSection } from '../report-section';

/** The ops that take most of the time; the full per-node list goes to the Netron attachment. */
const TOP_OPS = 10;

export const profileSection: ReportSection = {
  id: 'profile',
  title: 'Where the time goes (runtime profile)',
  build(report) {
    const blocks: Block[] = [];
    for (const entry of report.runs) {
      const profile = entry.run.profile;
      if (!profile) continue;
      blocks.push({ kind: 'subheading', text: `#${entry.number} ${entry.label}` });
      blocks.push({
        kind: 'text',
        text: `${profile.runs} profiled runs: the runtime's own median ${formatMs(profile.runtimeMedianMs)}, wall clock ${formatMs(profile.wallMedianMs)}; ${profile.nodes.length} nodes.`,
      });
      blocks.push({
        kind: 'table',
        sortable: true,
        columns: [{ label: 'op' }, { label: 'nodes', numeric: true }, { label: 'mean per run', numeric: true }, { label: 'share', numeric: true }],
        rows: [...profile.ops]
          .sort((a, b) => b.share - a.share)
          .slice(0, TOP_OPS)
          .map((op) => [
            op.opType,
            { text: String(op.nodes), sort: op.nodes },
            { text: formatMs(op.meanUs / 1000), sort: op.meanUs },
            { text: formatFraction(op.share), sort: op.share },
          ]),
      });
    }
    return blocks;
  },
};

import { formatBytes } from '../../../shared/units';
import type { ReportSection } from '../report-section';

export const modelSection: ReportSection = {
  id: 'model',
  title: 'Model',
  build(report) {
    return [
      {
        kind: 'table',
        sortable: true,
        columns: [{ label: 'run' }, { label: 'model' }, { label: 'format' }, { label: 'variant' }, { label: 'size', numeric: true }, { label: 'sha256' }, { label: 'inputs' }],
        rows: report.runs.map((entry) => {
          const m = entry.run.model;
          const inputs = entry.run.inputs.map((input) => `${input.name} ${input.dtype}[${input.shape.join('×')}] ${input.fill}`).join('; ');
          return [
            `#${entry.number}`,
            m.name,
            m.format,
            m.variant,
            { text: formatBytes(m.sizeBytes), sort: m.sizeBytes },
            { text: m.sha256.slice(0, 12), title: m.sha256 },
            inputs || '(not recorded)',
          ];
        }),
      },
    ];
  },
};

import { formatFraction, formatMs, msCell, percentileCell } from '../format';
import type { ReportSection } from '../report-section';

export const latencySection: ReportSection = {
  id: 'latency',
  title: 'Latency',
  build(report) {
    return [
      {
        kind: 'table',
        sortable: true,
        columns: [
          { label: 'run' },
          { label: 'runs', numeric: true, title: 'Measured inferences' },
          { label: 'median', numeric: true },
          { label: 'median 95% CI', numeric: true, title: 'Distribution-free 95% confidence interval of the median' },
          { label: 'p50', numeric: true },
          { label: 'p90', numeric: true },
          { label: 'p95', numeric: true },
          { label: 'p99', numeric: true },
          { label: 'mean', numeric: true },
          { label: 'CV', numeric: true, title: 'Coefficient of variation: standard deviation / mean' },
          { label: 'min', numeric: true },
          { label: 'max', numeric: true },
          { label: 'inferences/s', numeric: true },
          { label: 'outliers', numeric: true, title: 'Samples beyond the modified z-score threshold (MAD)' },
        ],
        rows: report.runs.map((entry) => {
          const l = entry.run.latencyMs;
          return [
            `#${entry.number} ${entry.label}`,
            { text: String(l.count), sort: l.count },
            msCell(l.median),
            { text: `${formatMs(l.medianCi95.low)} to ${formatMs(l.medianCi95.high)}`, sort: l.medianCi95.high - l.medianCi95.low },
            percentileCell(entry.run, 'p50'),
            percentileCell(entry.run, 'p90'),
            percentileCell(entry.run, 'p95'),
            percentileCell(entry.run, 'p99'),
            msCell(l.mean),
            { text: formatFraction(l.cv), sort: l.cv },
            msCell(l.min),
            msCell(l.max),
            { text: l.throughputPerSec.toFixed(1), sort: l.throughputPerSec },
            { text: String(l.outliers.madZ), sort: l.outliers.madZ },
          ];
        }),
      },
      {
        kind: 'text',
        text: 'Percentiles need enough samples to mean something (p90: 64, p95: 128, p99: 662, as MLPerf asks); below that the table says "too few samples".',
      },
    ];
  },
};

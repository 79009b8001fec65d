import type { Block, Cell, Column } from '../blocks';
import { formatFraction, msCell, percentileCell } from '../format';
import { formatMs } from '../../../shared/units';
import type { ReportRun } from '../report-types';
import type { ReportSection } from '../report-section';
import { headlineMedianMs } from '../../../shared/run-schema';
import { acrossText, anyBetweenRun, betweenRunCell, msRange } from './between-run-text';

/** A run measured in fresh processes: both CIs in a sentence, and a row per repeat. */
function repeatBlocks(entry: ReportRun): Block[] {
  const { repeats, betweenRun, latencyMs } = entry.run;
  if (!repeats || repeats.length === 0 || !betweenRun) return [];
  const across = betweenRun.ci95 ? msRange(betweenRun.ci95) : 'none (too few repeats)';
  return [
    { kind: 'subheading', text: `#${entry.number} ${entry.label}: ${repeats.length} fresh runs` },
    {
      kind: 'text',
      text:
        `Median of the repeats' medians ${formatMs(betweenRun.medianMs)}. Median 95% CI within this run (all samples pooled): ${msRange(latencyMs.medianCi95)}; ` +
        `${acrossText(betweenRun.repeats)}: ${across}. How the between-run CI is computed: ${betweenRun.method.replace(/\.$/, '')}.`,
    },
    {
      kind: 'table',
      sortable: true,
      columns: [
        { label: 'repeat', numeric: true },
        { label: 'runs', numeric: true },
        { label: 'median', numeric: true },
        { label: 'within-run 95% CI', numeric: true, title: "This repeat's own median CI (order statistics)" },
        { label: 'init', numeric: true, title: 'Loading the model in this fresh process' },
      ],
      rows: repeats.map((r): Cell[] => [
        { text: `#${r.index + 1}`, sort: r.index },
        { text: String(r.count), sort: r.count },
        msCell(r.medianMs),
        r.medianCi95 ? { text: msRange(r.medianCi95), sort: r.medianCi95.high - r.medianCi95.low } : { text: 'too few samples', tone: 'muted' },
        msCell(r.initMs),
      ]),
    },
  ];
}

export const latencySection: ReportSection = {
  id: 'latency',
  title: 'Latency',
  build(report) {
    // The between-run column appears only in reports with a run of repeats: older reports stay as they were.
    const between = anyBetweenRun(report.runs);
    const betweenColumn: Column[] = between ? [{ label: 'between-run 95% CI', numeric: true, title: 'CI of the median across fresh runs (repeats): what changes between processes included' }] : [];
    return [
      {
        kind: 'table',
        sortable: true,
        columns: [
          { label: 'run' },
          { label: 'runs', numeric: true, title: 'Measured inferences' },
          { label: 'median', numeric: true, title: "The run's reported latency: with repeats the median of their medians, in report mode the median of its windows' medians (p50 is the median of all samples)" },
          // Where a run's median is not its samples' (repeats, report mode's windows), the CI beside it is of the samples' median: say so.
          between || report.runs.some((entry) => entry.run.report !== undefined)
            ? { label: 'pooled 95% CI', numeric: true, title: 'Distribution-free 95% confidence interval of the median of all samples pooled (p50): blind to what changes between processes' }
            : { label: 'median 95% CI', numeric: true, title: 'Distribution-free 95% confidence interval of the median' },
          ...betweenColumn,
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
            msCell(headlineMedianMs(entry.run)),
            { text: msRange(l.medianCi95), sort: l.medianCi95.high - l.medianCi95.low },
            ...(between ? [betweenRunCell(entry.run)] : []),
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
      ...(between
        ? [
            {
              kind: 'text',
              text: "The median 95% CI holds for this run's samples; the between-run CI also holds across fresh runner processes, which is what a re-run would see.",
            } satisfies Block,
          ]
        : []),
      ...report.runs.flatMap(repeatBlocks),
    ];
  },
};

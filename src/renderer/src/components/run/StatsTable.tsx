import type { PercentileName, RunFile } from '../../../../shared/run-schema';
import { formatMsRange, formatPercent } from '../../format';
import { formatMs } from '../../../../shared/units';
import { acrossLabel, betweenRunCiText } from '../../repeats-view';
import { percentileCell } from '../../stats-view';

interface Row {
  name: string;
  hint: string;
  value: string;
  /** A percentile below its minimum sample count. */
  tooFew?: boolean;
}

function percentileRow(name: PercentileName, valueMs: number, count: number, hint: string): Row {
  const cell = percentileCell(name, valueMs, count);
  return { name, hint: cell.supported ? hint : cell.title, value: cell.text, tooFew: !cell.supported };
}

function rows(run: RunFile): Row[][] {
  const l = run.latencyMs;
  const n = l.count;
  const reported: Row[] = run.betweenRun
    ? [{ name: 'reported median', hint: `median of the ${run.betweenRun.repeats} repeats' medians`, value: formatMs(run.betweenRun.medianMs) }]
    : run.report
      ? [{ name: 'reported median', hint: `median of the ${run.report.windows.length} windows' medians (MLPerf Tiny's rule)`, value: formatMs(run.report.medianOfWindowsMs) }]
      : [];
  return [
    [
      ...reported,
      { name: 'count', hint: 'measured runs', value: n.toLocaleString('en-US') },
      { name: 'min', hint: 'fastest run', value: formatMs(l.min) },
      { name: 'median', hint: '50th percentile of all samples', value: formatMs(run.report || run.betweenRun ? l.p50 : l.median) },
      { name: 'mean', hint: 'average', value: formatMs(l.mean) },
      percentileRow('p90', l.p90, n, '90th percentile'),
      percentileRow('p95', l.p95, n, '95th percentile'),
      percentileRow('p99', l.p99, n, '99th percentile'),
      { name: 'max', hint: 'slowest run', value: formatMs(l.max) },
    ],
    [
      { name: 'stddev', hint: 'sample standard deviation', value: formatMs(l.stddev) },
      { name: 'CV', hint: 'coefficient of variation: stddev / mean; above 10% the run is unstable', value: formatPercent(l.cv) },
      {
        // Beside a between-run CI, this one says which it is.
        name: run.betweenRun ? 'pooled median CI' : 'median 95% CI',
        hint: run.betweenRun
          ? `95% confidence interval of the median of all samples pooled (${formatMs(l.median)}, from order statistics), not of the reported median: blind to what changes between processes`
          : '95% confidence interval of the median, from order statistics',
        value: formatMsRange(l.medianCi95.low, l.medianCi95.high),
      },
      ...(run.betweenRun
        ? [{ name: `CI across ${run.betweenRun.repeats} runs`, hint: `95% CI of the median ${acrossLabel(run.betweenRun.repeats)} (between-run): ${run.betweenRun.method}`, value: betweenRunCiText(run.betweenRun) }]
        : []),
      { name: 'throughput', hint: 'inferences per second, one at a time', value: `${l.throughputPerSec.toFixed(l.throughputPerSec < 100 ? 1 : 0)} /s` },
      { name: 'outliers (MAD z)', hint: 'modified z-score on the median absolute deviation above 10 (hyperfine’s threshold)', value: String(l.outliers.madZ) },
      {
        name: 'outliers (Tukey)',
        hint: "beyond Tukey's fences: 1.5 IQR (mild, severe included) and 3 IQR (severe)",
        value: `${l.outliers.tukeyMild} mild, ${l.outliers.tukeySevere} severe`,
      },
    ],
  ];
}

/** The run's latency statistics; a percentile below its minimum sample count says so instead of a number. */
export function StatsTable({ run }: { run: RunFile }) {
  return (
    <table className="table compact stats" data-testid="stats-table">
      <caption>Statistics</caption>
      <tbody>
        {rows(run).map((group, g) => [
          g > 0 && (
            <tr key={`divider-${g}`} className="divider" aria-hidden="true">
              <td colSpan={2} />
            </tr>
          ),
          ...group.map((row) => (
            <tr key={row.name} data-stat={row.name}>
              <th scope="row" title={row.hint}>
                {row.name}
              </th>
              <td className={`num${row.tooFew ? ' too-few' : ''}`} title={row.tooFew ? row.hint : undefined}>
                {row.value}
              </td>
            </tr>
          )),
        ])}
      </tbody>
    </table>
  );
}

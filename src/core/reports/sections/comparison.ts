import { messageFor } from '../../../shared/remedies';
import type { Block, Cell } from '../blocks';
import { headlineMedianMs } from '../../../shared/run-schema';
import { compareRuns, DEFAULT_MAX_REGRESSION_PCT, type MetricComparison } from '../compare-runs';
import { formatChangePct, speedupCell, tooFewText } from '../format';
import { formatMs, formatSpeedup } from '../../../shared/units';
import type { ReportSection } from '../report-section';
import { anyBetweenRun, betweenRunCell } from './between-run-text';

function ratioCells(m: MetricComparison): Cell[] {
  if (!m.supported) return [{ text: 'too few samples', tone: 'muted', title: m.metric === 'median' ? undefined : tooFewText(m.metric) }, ''];
  const tone = m.speedup >= 1 ? 'good' : 'bad';
  return [
    { text: `${formatMs(m.currentMs)} (${formatSpeedup(m.speedup)})`, sort: m.ratio },
    { text: formatChangePct(m.changePct), sort: m.changePct, tone },
  ];
}

export const comparisonSection: ReportSection = {
  id: 'comparison',
  title: 'Comparison with the baseline',
  build(report) {
    const baseline = report.baseline;
    if (!baseline || report.runs.length < 2) return [];
    const blocks: Block[] = [
      {
        kind: 'text',
        text: `Baseline #${baseline.number} ${baseline.label}: median ${formatMs(headlineMedianMs(baseline.run))}. Speedup = baseline median / run median, worded as in the studio ("2.00× slower": the run takes twice as long); the p90 and p99 columns compare those percentiles the same way.`,
      },
    ];
    // With repeats in the report: each run's between-run CI, and the regression gate's answer on them.
    const between = anyBetweenRun(report.runs);
    const caveats: string[] = [];
    const rows: Cell[][] = report.runs.map((entry) => {
      const c = compareRuns(baseline.run, entry.run);
      if (entry !== baseline) {
        // The baseline's own caveat is the same for every run: say it once, unprefixed.
        caveats.push(...c.caveats.map((text) => (text.startsWith('The baseline') ? text : `#${entry.number}: ${text}`)));
      }
      const [p90, p99] = [c.metrics[1], c.metrics[2]] as [MetricComparison, MetricComparison];
      return [
        `#${entry.number} ${entry.label}${entry === baseline ? ' (baseline)' : ''}`,
        { text: formatMs(c.median.currentMs), sort: c.median.currentMs },
        entry === baseline ? { text: 'baseline', tone: 'muted', sort: 1 } : speedupCell(c.median.speedup),
        { text: formatChangePct(c.median.changePct), sort: c.median.changePct },
        ...ratioCells(p90),
        ...ratioCells(p99),
        ...(between ? [betweenRunCell(entry.run), entry === baseline ? '' : { text: c.gate.outcome, title: messageFor(c.gate, 'report'), tone: c.gate.outcome === 'regressed' ? ('bad' as const) : c.gate.outcome === 'pass' ? ('good' as const) : ('muted' as const) }] : []),
      ];
    });
    blocks.push({
      kind: 'table',
      sortable: true,
      columns: [
        { label: 'run' },
        { label: 'median', numeric: true },
        { label: 'speedup', numeric: true, title: 'baseline median / run median' },
        { label: 'median change', numeric: true },
        { label: 'p90 (vs baseline)', numeric: true },
        { label: 'p90 change', numeric: true },
        { label: 'p99 (vs baseline)', numeric: true },
        { label: 'p99 change', numeric: true },
        ...(between
          ? [
              { label: 'between-run 95% CI', numeric: true, title: 'CI of the median across fresh runs (repeats)' },
              { label: 'gate', title: `The regression gate on the between-run CIs with a ${DEFAULT_MAX_REGRESSION_PCT}% allowance, as edgebench compare decides: pass, regressed, or undecided (rerun with more repeats)` },
            ]
          : []),
      ],
      rows,
    });
    const unique = [...new Set(caveats)];
    if (unique.length > 0) blocks.push({ kind: 'list', items: unique });
    return blocks;
  },
};

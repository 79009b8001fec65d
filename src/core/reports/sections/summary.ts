/**
 * What a reader needs first (issue 13 item 7): per run its headline median with the CI that goes
 * with it, p99, peak memory, speedup against the baseline and verdict, and how many warnings it
 * has, linking to the section that lists them (last in the report, so a PDF opens with numbers,
 * not pages of warnings).
 */
import type { Block, Cell, Column } from '../blocks';
import { compareRuns } from '../compare-runs';
import { percentileCell, speedupCell } from '../format';
import type { ReportRun } from '../report-types';
import type { ReportSection } from '../report-section';
import { headlineMedianMs } from '../../../shared/run-schema';
import { formatMs } from '../../../shared/units';
import { peakMemoryCell } from './memory';
import { msRange } from './between-run-text';

/** The id of the section that lists every warning (verdict.ts); the summary's counts link there. */
export const WARNINGS_ANCHOR = 'verdict';

/**
 * The CI of the headline median: across fresh runs when the run had repeats (the headline is
 * their median of medians), else of the samples' median. A report-mode run's headline is the
 * median of its windows' medians, which no CI covers: the cell says so rather than show another's.
 */
function headlineCiCell(entry: ReportRun): Cell {
  const { betweenRun, report, latencyMs } = entry.run;
  if (betweenRun) {
    return betweenRun.ci95
      ? { text: msRange(betweenRun.ci95), sort: betweenRun.ci95.high - betweenRun.ci95.low, title: `across ${betweenRun.repeats} fresh runs`, ...(betweenRun.disagree ? { tone: 'bad' as const } : {}) }
      : { text: `too few repeats (${betweenRun.repeats})`, tone: 'muted' };
  }
  if (report) return { text: 'none for a median of windows', tone: 'muted', title: 'The Latency section gives the CI of all samples pooled.' };
  return { text: msRange(latencyMs.medianCi95), sort: latencyMs.medianCi95.high - latencyMs.medianCi95.low };
}

function verdictCell(entry: ReportRun): Cell {
  const { verdict, betweenRun } = entry.run;
  const disagree = betweenRun?.disagree === true;
  return { text: disagree ? `${verdict}: repeats disagree` : verdict, tone: verdict === 'stable' && !disagree ? 'good' : 'bad' };
}

function warningsCell(entry: ReportRun): Cell {
  const count = entry.run.warnings.length;
  if (count === 0) return { text: 'none', sort: 0, tone: 'muted' };
  return { text: `${count} warning${count === 1 ? '' : 's'}`, sort: count, href: `#${WARNINGS_ANCHOR}` };
}

export const summarySection: ReportSection = {
  id: 'summary',
  title: 'Summary',
  build(report) {
    const baseline = report.baseline;
    const columns: Column[] = [
      { label: 'run' },
      { label: 'target' },
      { label: 'median', numeric: true, title: "The run's reported latency: with repeats the median of their medians, in report mode the median of its windows' medians" },
      { label: '95% CI of the median', numeric: true, title: 'Across fresh runs when the run had repeats, else of its samples' },
      { label: 'p99', numeric: true },
      { label: 'peak memory', numeric: true, title: 'Peak resident set size of the runner process' },
      ...(baseline ? [{ label: 'speedup', numeric: true, title: `baseline median / run median; the baseline is #${baseline.number}` }] : []),
      { label: 'verdict' },
      { label: 'warnings', numeric: true },
    ];
    const rows = report.runs.map((entry): Cell[] => {
      const median = headlineMedianMs(entry.run);
      const speedup: Cell[] = [];
      if (baseline) {
        const { median: m } = compareRuns(baseline.run, entry.run);
        speedup.push(entry === baseline ? { text: 'baseline', tone: 'muted', sort: 1 } : speedupCell(m.speedup));
      }
      return [
        `#${entry.number} ${entry.label}`,
        entry.run.target.name,
        { text: formatMs(median), sort: median },
        headlineCiCell(entry),
        percentileCell(entry.run, 'p99'),
        peakMemoryCell(entry.run),
        ...speedup,
        verdictCell(entry),
        warningsCell(entry),
      ];
    });
    const blocks: Block[] = [{ kind: 'table', sortable: true, columns, rows }];
    const warned = report.runs.filter((entry) => entry.run.warnings.length > 0 || entry.run.verdict !== 'stable').length;
    if (warned > 0) {
      blocks.push({ kind: 'text', text: `Each run's verdict and warnings, in full, are in the last section, "Verdict and warnings".` });
    }
    return blocks;
  },
};

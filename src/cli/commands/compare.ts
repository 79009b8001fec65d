import { environmentDifferences } from '../../shared/environment-diff';
import { StudioError } from '../../shared/errors';
import { messageFor } from '../../shared/remedies';
import { compareRuns, DEFAULT_MAX_REGRESSION_PCT, GATE_REPEATS, type MetricComparison } from '../../core/reports/compare-runs';
import { formatChangePct, formatRatio, tooFewText } from '../../core/reports/format';
import { formatMs } from '../../shared/units';
import { loadRunFiles } from '../../core/reports/load-runs';
import { runLabel } from '../../core/reports/report-context';
import type { LoadedRun } from '../../core/reports/report-types';
import { flagBool, flagNumber, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  'max-regression': {
    kind: 'number',
    min: 0,
    valueName: 'PCT',
    help: `The regression allowed, in percent of the baseline's median (default ${DEFAULT_MAX_REGRESSION_PCT}); see the exit codes below.`,
  },
  'allow-single-run': {
    kind: 'boolean',
    help: 'When a run has no between-run CI (made without --repeats), gate on the medians alone (exit 0 or 1, as before repeats existed) instead of exit 3.',
  },
  json: { kind: 'boolean', help: 'Print the comparison as JSON.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const compareHelp = formatHelp(
  'edgebench compare BASELINE.json CURRENT.json [--max-regression PCT] [--allow-single-run] [--json]',
  [
    'Compares two runs (median, and p90 / p99 where both runs have enough samples) and gates CI on the between-run',
    `CIs of runs made with --repeats (${GATE_REPEATS} or more is a good start): the median of a single process moves`,
    'between processes by more than its own CI says, so a gate on two medians alone fails and passes at random.',
    'Exit codes (base = the baseline\'s between-run CI, cur = the current run\'s, median = the headline medians):',
    '  0  no regression beyond PCT: the median is at most PCT % slower and cur.high <= base.high × (1 + PCT/100)',
    '  1  regression: the median is more than PCT % slower and the CIs are apart (cur.low > base.high)',
    '  2  bad input (a missing or damaged run file, a run of another schema version, a bad --max-regression)',
    '  3  cannot decide: a run has no between-run CI (made without --repeats), or the CIs overlap so that',
    `     neither 0 nor 1 holds; rerun with --repeats ${GATE_REPEATS} (or more). --allow-single-run gates runs without`,
    '     a between-run CI on the medians alone instead (0 or 1, as before).',
  ].join('\n'),
  flags,
);

/** The one run a run file holds, refused in one sentence (naming its role) when it holds none or several. */
export async function loadOne(file: string, role: string, oneRunHint = 'Give one run file per side.'): Promise<LoadedRun> {
  const loaded = await loadRunFiles([file]);
  const skipped = loaded.skipped[0];
  if (skipped) throw new StudioError('BAD_INPUT', `The ${role} run file ${skipped.path} cannot be used: ${skipped.reason}`, { file });
  const [entry, ...more] = loaded.runs;
  if (!entry || more.length > 0) {
    throw new StudioError('BAD_INPUT', `The ${role} file '${file}' must hold one run; it holds ${loaded.runs.length}. ${oneRunHint}`, { file });
  }
  return entry;
}

function metricLine(m: MetricComparison): string {
  const name = m.metric.padEnd(8);
  if (!m.supported) return `${name}${m.metric === 'median' ? '' : `${tooFewText(m.metric)} in at least one run`}`;
  return `${name}${formatMs(m.baselineMs).padStart(12)}${formatMs(m.currentMs).padStart(12)}${formatRatio(m.ratio).padStart(9)}${formatChangePct(m.changePct).padStart(10)}`;
}

function ciText(run: LoadedRun['run']): string {
  const b = run.betweenRun;
  if (b === undefined) return 'none (1 process)';
  return b.ci95 === null ? `none (${b.repeats} repeats: too few)` : `${formatMs(b.ci95.low)}–${formatMs(b.ci95.high)} (${b.repeats} repeats)`;
}

/** The CIs the gate decides on, one line. */
function betweenRunLine(baseline: LoadedRun['run'], current: LoadedRun['run']): string {
  return `between-run CI: baseline ${ciText(baseline)}, current ${ciText(current)}`;
}

export async function compareCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('compare', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(compareHelp);
    return 0;
  }
  if (args.positionals.length !== 2) {
    throw new StudioError('BAD_INPUT', `edgebench compare takes two run files, BASELINE.json and CURRENT.json; got ${args.positionals.length}.`);
  }
  const [baselineFile, currentFile] = args.positionals as [string, string];
  const maxRegressionPct = flagNumber(args, 'max-regression') ?? DEFAULT_MAX_REGRESSION_PCT;
  const baseline = await loadOne(baselineFile, 'baseline');
  const current = await loadOne(currentFile, 'current');
  const allowSingleRun = flagBool(args, 'allow-single-run');
  const result = compareRuns(baseline.run, current.run, maxRegressionPct, { allowSingleRun });
  const gate = result.gate;
  const differences = environmentDifferences(baseline.run, current.run, { a: 'the baseline', b: 'the current run' });

  if (flagBool(args, 'json')) {
    io.out(
      JSON.stringify(
        {
          baseline: { id: baseline.run.id, file: baselineFile, label: runLabel(baseline.run) },
          current: { id: current.run.id, file: currentFile, label: runLabel(current.run) },
          ...result,
          environmentDifferences: differences,
        },
        null,
        2,
      ),
    );
  } else {
    const lines = [
      `baseline  ${runLabel(baseline.run)}  (${baselineFile}, ${baseline.run.latencyMs.count} runs)`,
      `current   ${runLabel(current.run)}  (${currentFile}, ${current.run.latencyMs.count} runs)`,
      '',
      `${'metric'.padEnd(8)}${'baseline'.padStart(12)}${'current'.padStart(12)}${'ratio'.padStart(9)}${'change'.padStart(10)}`,
      ...result.metrics.map(metricLine),
      betweenRunLine(baseline.run, current.run),
      ...result.caveats.map((caveat) => `note: ${caveat}`),
      ...(differences.length > 0 ? ['', 'environment differences (likeliest cause first):', ...differences.map((d) => `  ${d.label.padEnd(22)} ${d.a}  →  ${d.b}`)] : []),
      '',
      messageFor(gate, 'cli'),
      ...(gate.outcome === 'undecided' && (gate.baselineCi95 === null || gate.currentCi95 === null)
        ? ['(--allow-single-run gates runs without a between-run CI on their medians alone.)']
        : []),
    ];
    io.out(lines.join('\n'));
  }
  return gate.exitCode;
}

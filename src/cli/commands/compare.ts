import { StudioError } from '../../shared/errors';
import { compareRuns, DEFAULT_MAX_REGRESSION_PCT, type MetricComparison } from '../../core/reports/compare-runs';
import { formatChangePct, formatMs, formatRatio, tooFewText } from '../../core/reports/format';
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
    help: `Exit 1 when the current median is slower than the baseline's by more than PCT percent (default ${DEFAULT_MAX_REGRESSION_PCT}).`,
  },
  json: { kind: 'boolean', help: 'Print the comparison as JSON.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const compareHelp = formatHelp(
  'edgebench compare BASELINE.json CURRENT.json [--max-regression PCT] [--json]',
  [
    'Compares two runs (median, and p90 / p99 where both runs have enough samples) and gates CI on the median.',
    'Exit codes: 0 the median is within PCT percent of the baseline (or faster), 1 it regressed by more,',
    '2 bad input (a missing or damaged run file, a run of another schema version, a bad --max-regression).',
  ].join('\n'),
  flags,
);

async function loadOne(file: string, role: string): Promise<LoadedRun> {
  const loaded = await loadRunFiles([file]);
  const skipped = loaded.skipped[0];
  if (skipped) throw new StudioError('BAD_INPUT', `The ${role} run file ${skipped.path} cannot be used: ${skipped.reason}`, { file });
  const [entry, ...more] = loaded.runs;
  if (!entry || more.length > 0) {
    throw new StudioError('BAD_INPUT', `The ${role} file '${file}' must hold one run; it holds ${loaded.runs.length}. Give one run file per side.`, { file });
  }
  return entry;
}

function metricLine(m: MetricComparison): string {
  const name = m.metric.padEnd(8);
  if (!m.supported) return `${name}${m.metric === 'median' ? '' : `${tooFewText(m.metric)} in at least one run`}`;
  return `${name}${formatMs(m.baselineMs).padStart(12)}${formatMs(m.currentMs).padStart(12)}${formatRatio(m.ratio).padStart(9)}${formatChangePct(m.changePct).padStart(10)}`;
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
  const result = compareRuns(baseline.run, current.run, maxRegressionPct);
  const m = result.median;

  if (flagBool(args, 'json')) {
    io.out(
      JSON.stringify(
        {
          baseline: { id: baseline.run.id, file: baselineFile, label: runLabel(baseline.run) },
          current: { id: current.run.id, file: currentFile, label: runLabel(current.run) },
          ...result,
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
      ...result.caveats.map((caveat) => `note: ${caveat}`),
      '',
      result.regressed
        ? `REGRESSION: the median is ${m.changePct.toFixed(1)}% slower than the baseline, more than the allowed ${maxRegressionPct}%.`
        : m.changePct > 0
          ? `OK: the median is ${m.changePct.toFixed(1)}% slower than the baseline, within the allowed ${maxRegressionPct}%.`
          : `OK: the median is ${Math.abs(m.changePct).toFixed(1)}% faster than the baseline (speedup ${formatRatio(m.speedup)}).`,
    ];
    io.out(lines.join('\n'));
  }
  return result.regressed ? 1 : 0;
}

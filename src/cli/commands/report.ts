import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { buildReportContext, findRun } from '../../core/reports/report-context';
import { loadRunFiles } from '../../core/reports/load-runs';
import { REPORT_EXPORTERS, REPORT_FORMATS } from '../../core/reports/exporters';
import { REPORT_FORMATS as FORMAT_DESCRIPTORS, ReportFormat } from '../../shared/plugins/report-formats';
import { exportReport, findExporter, writeReport } from '../../core/reports/write-report';
import type { LoadedRun } from '../../core/reports/report-types';
import { flagString, formatHelp, parseArgs, type FlagSpecs } from '../args';
import type { CommandIo } from '../io';

/** The formats `edgebench report` prints without --out (one text file): "html, md and json". */
const STDOUT_FORMATS = ReportFormat.options.filter((format) => FORMAT_DESCRIPTORS[format].stdout === true);
const stdoutList = STDOUT_FORMATS.length <= 1 ? STDOUT_FORMATS.join('') : `${STDOUT_FORMATS.slice(0, -1).join(', ')} and ${STDOUT_FORMATS.at(-1)}`;

const flags: FlagSpecs = {
  format: { kind: 'choice', choices: REPORT_FORMATS, valueName: 'FORMAT', help: `${REPORT_FORMATS.join(', ')} (default: from the --out extension, else html).` },
  out: { kind: 'string', valueName: 'FILE', help: `Write the report here. Without it, ${stdoutList} go to stdout.` },
  baseline: { kind: 'string', valueName: 'RUN_ID|FILE', help: 'The run to compare the others with: an id (or its unique prefix) or a run file (default: the first run).' },
  title: { kind: 'string', valueName: 'TEXT', help: 'The report title (default "EdgeBench report").' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

const formatLines = REPORT_EXPORTERS.map((exporter) => `  ${exporter.format.padEnd(8)} ${exporter.description}`);

export const reportHelp = formatHelp(
  `edgebench report RUN.json... [--format ${REPORT_FORMATS.join('|')}] [--out FILE] [--baseline RUN_ID|FILE]`,
  [
    'Makes a report from run files (as written by `edgebench bench --out` or kept in a workspace\'s runs/ folder).',
    'A damaged run file is skipped, named on stderr and in the report; a run of another schema version is refused.',
    '',
    'Formats:',
    ...formatLines,
    '',
    '--format csv writes two files: FILE (one row per run) and FILE without its extension plus -samples.csv',
    '(e.g. --out runs.csv writes runs.csv and runs-samples.csv). --format netron writes one file per profiled run',
    'when several runs have a profile (FILE-1.json, FILE-2.json, numbered as in the report).',
    'PDF is printed by the system Chromium (set EDGEBENCH_CHROMIUM to use another).',
  ].join('\n'),
  flags,
);

/** The format each --out ending chooses (the descriptors' outExtensions). */
const EXTENSION_FORMATS: ReadonlyMap<string, ReportFormat> = new Map(ReportFormat.options.flatMap((format) => FORMAT_DESCRIPTORS[format].outExtensions.map((ext) => [ext, format] as const)));

export function chooseFormat(given: string | undefined, outFile: string | undefined): string {
  if (given) return given;
  if (outFile) {
    const ext = path.extname(outFile).toLowerCase();
    const format = EXTENSION_FORMATS.get(ext);
    if (format) return format;
    throw new StudioError('BAD_INPUT', `Cannot tell the report format from '${outFile}'; pass --format (${REPORT_FORMATS.join(', ')}).`, { flag: 'out' });
  }
  return 'html';
}

/** --baseline names a run in the report, or a run file that joins the report as the baseline. */
async function resolveBaseline(value: string, runs: LoadedRun[], io: CommandIo): Promise<string> {
  if (value.endsWith('.json') || existsSync(value)) {
    const loaded = await loadRunFiles([value]);
    for (const skipped of loaded.skipped) io.err(`edgebench report: skipped ${skipped.path}: ${skipped.reason}`);
    const first = loaded.runs[0];
    if (!first || loaded.runs.length > 1) {
      throw new StudioError('BAD_INPUT', `--baseline '${value}' must hold exactly one run; it holds ${loaded.runs.length}.`, { flag: 'baseline' });
    }
    if (!runs.some((entry) => entry.run.id === first.run.id)) runs.unshift(first);
    return first.run.id;
  }
  return findRun(runs, value).run.id;
}

export async function reportCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('report', argv, flags);
  if (args.flags.has('help')) {
    io.out(reportHelp);
    return 0;
  }
  if (args.positionals.length === 0) {
    throw new StudioError('BAD_INPUT', "edgebench report needs run files, e.g. 'edgebench report runs/*.json --out report.html'.");
  }
  const outFile = flagString(args, 'out');
  const format = chooseFormat(flagString(args, 'format'), outFile);
  const stdout = FORMAT_DESCRIPTORS[findExporter(format).format].stdout;
  if (!outFile && stdout !== true) {
    throw new StudioError('BAD_INPUT', `--format ${format} writes ${stdout.needsOut}; give --out FILE.`, { flag: 'out' });
  }

  const loaded = await loadRunFiles(args.positionals);
  for (const skipped of loaded.skipped) io.err(`edgebench report: skipped ${skipped.path}: ${skipped.reason}`);
  const baselineFlag = flagString(args, 'baseline');
  const baselineId = baselineFlag === undefined ? undefined : await resolveBaseline(baselineFlag, loaded.runs, io);
  const report = buildReportContext({ runs: loaded.runs, skipped: loaded.skipped, baselineId, title: flagString(args, 'title') });

  if (!outFile) {
    const [file] = await exportReport(format, report);
    if (file) io.out(typeof file.data === 'string' ? file.data : Buffer.from(file.data).toString('utf8'));
    return 0;
  }
  const written = await writeReport(format, report, outFile);
  for (const { path: filePath, file } of written) io.err(`Wrote ${filePath}: ${file.description}.`);
  const skipped = loaded.skipped.length > 0 ? `; ${loaded.skipped.length} skipped (see above)` : '';
  io.err(`${report.runs.length} run${report.runs.length === 1 ? '' : 's'} reported${skipped}.`);
  return 0;
}

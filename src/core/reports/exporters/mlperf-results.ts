/**
 * A results.txt per serial run, laid out like the one MLPerf Tiny's runner writes in performance
 * mode (mlcommons/tiny benchmark/runner/main.py, summarize_result): a block per window with its
 * inference count, runtime and throughput, "Runtime requirements have been met." when a window
 * lasted over 10 s, then the median throughput between dashed lines. Ours adds what a reader of a
 * lone file needs: the board, the model, each window's latency and the median of the windows'
 * latencies (the figure the studio reports), and whether the run meets the rule.
 *
 * Runtimes are device time: the board's own microsecond timer (m-lap-us on MLPerf Tiny firmware,
 * the EdgeBench firmware's invoke timer), so latencies print to the microsecond.
 */
import { REPORT_MODE } from '../../../shared/bench-defaults';
import { StudioError, type WordedMessage } from '../../../shared/errors';
import { remedy, worded } from '../../../shared/remedies';
import { medianOf } from '../../../shared/numeric/quantile';
import { TARGET_KINDS, TargetKind } from '../../../shared/plugins/target-kinds';
import type { RunFile } from '../../../shared/run-schema';
import type { FormatExporter, ReportFile } from '../exporter';
import type { ReportRun } from '../report-types';

/** The runtime name mlperf-run.ts gives runs of MLPerf Tiny firmware, whose windows report only their total time. */
const MLPERF_FIRMWARE_RUNTIME = 'mlperf-tiny firmware';
/** The kinds of board that run MLPerf Tiny-style firmware (microcontrollers), as messages name them: 'serial'. */
const BOARD_KINDS = TargetKind.options.filter((kind) => TARGET_KINDS[kind].processor === 'microcontroller').join(' or ');
const RULE = '---------------------------------------------------------';
const MS_PER_S = 1000;

type Windows = NonNullable<RunFile['report']>;

/** Right-aligned, as the reference runner's "{:>10.3f}" fields, so columns line up across windows. */
function fixed(value: number, digits = 3, width = 12): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : 'n/a').padStart(width);
}

function throughputPerSec(window: Windows['windows'][number]): number {
  return window.durationMs > 0 ? (window.runs * MS_PER_S) / window.durationMs : Number.POSITIVE_INFINITY;
}

/** Why the run does not meet MLPerf Tiny's performance rule (5 windows of at least 10 s); empty when it does. */
function ruleBreaches(report: Windows): string[] {
  const breaches: string[] = [];
  if (report.windows.length !== REPORT_MODE.windows) breaches.push(`it has ${report.windows.length} windows, not exactly ${REPORT_MODE.windows}`);
  const short = report.windows.filter((w) => w.durationMs < REPORT_MODE.minWindowMs).length;
  if (short > 0) breaches.push(`${short} of ${report.windows.length} windows ran under ${REPORT_MODE.minWindowMs / MS_PER_S} s`);
  return breaches;
}

function modeLine(run: RunFile, report: Windows): string {
  const rule = `MLPerf Tiny's rule asks ${REPORT_MODE.windows} windows of at least ${REPORT_MODE.minWindowMs / MS_PER_S} s of device time`;
  if (run.settings.mode === 'report') return `report, ${report.windows.length} windows (${rule})`;
  return `quick, ${report.windows.length} shorter windows for a quicker look at the same figure (${rule})`;
}

/** What to do about a run that does not meet the rule. */
function ruleAdvice(run: RunFile): string {
  if (run.settings.mode === 'quick') return 'Benchmark with --mode report for figures that follow MLPerf Tiny\'s rule.';
  // Report mode shortens a window only when the board is so fast that it hit the cap on stored runs.
  return 'The figures are sound, but do not submit them as MLPerf Tiny results.';
}

/** The lines of one run's results.txt; the run must be serial and carry windows. */
export function mlperfResultsLines(run: RunFile, report: Windows): string[] {
  const mlperfFirmware = run.runtime.name === MLPERF_FIRMWARE_RUNTIME;
  const { hardware } = run.target;
  const lines = [
    'EdgeBench results.txt (MLPerf Tiny style, performance mode)',
    `Run          : ${run.id} (${run.createdAt})`,
    `DUT          : ${hardware.cpuModel}${hardware.arch === 'unknown' ? '' : ` (${hardware.arch})`}`,
    `Target       : ${run.target.name} (${run.target.kind})`,
    `Firmware     : ${hardware.os}`,
    `Runtime      : ${run.runtime.name} ${run.runtime.version}, ${run.runtime.backend}`,
    `Model        : ${run.model.name} (${run.model.format}, ${run.model.variant}), ${run.model.sizeBytes} bytes, sha256 ${run.model.sha256}`,
    `Mode         : ${modeLine(run, report)}`,
    `Warmup       : ${run.settings.warmupRuns} inferences${mlperfFirmware ? ' before each window' : ''}`,
    `Latency      : ${
      mlperfFirmware
        ? "each window's mean per inference (MLPerf Tiny firmware reports only a window's total time)"
        : "each window's median inference, timed one by one on the board"
    }`,
  ];
  report.windows.forEach((window, index) => {
    lines.push(
      `Performance results for window ${index + 1}:`,
      `  # Inferences : ${String(window.runs).padStart(12)}`,
      `  Runtime      : ${fixed(window.durationMs / MS_PER_S)} sec.`,
      `  Latency      : ${fixed(window.medianMs)} ms/inf.`,
      `  Throughput   : ${fixed(throughputPerSec(window))} inf./sec.`,
      window.durationMs >= REPORT_MODE.minWindowMs
        ? 'Runtime requirements have been met.'
        : `Runtime is under ${REPORT_MODE.minWindowMs / MS_PER_S} s: this window does not meet MLPerf Tiny's rule.`,
    );
  });
  const breaches = ruleBreaches(report);
  lines.push(
    RULE,
    `Median latency is ${fixed(report.medianOfWindowsMs, 3, 10)} ms/inf. (median of the ${report.windows.length} windows, the reported figure)`,
    `Median throughput is ${fixed(medianOf(report.windows.map(throughputPerSec)), 3, 10)} inf./sec.`,
    RULE,
    breaches.length === 0
      ? `Rule check   : met (${REPORT_MODE.windows} windows, each at least ${REPORT_MODE.minWindowMs / MS_PER_S} s).`
      : `Rule check   : not met: ${breaches.join('; ')}. ${ruleAdvice(run)}`,
    // Run files carry latency only; MLPerf Tiny also measures Top-1 in a separate accuracy-mode run.
    'Accuracy     : not in this run (MLPerf Tiny measures Top-1 in a separate accuracy-mode run).',
    `Verdict      : ${run.verdict}${run.warnings.length > 0 ? ` (${run.warnings.map((w) => w.code).join(', ')})` : ''}`,
  );
  return lines;
}

/** Each run with its windows; refuses, in one sentence naming them, runs that cannot have a results.txt. */
function windowedRuns(runs: readonly ReportRun[]): Array<{ entry: ReportRun; windows: Windows }> {
  const name = (entry: ReportRun): string => `#${entry.number} ${entry.label}`;
  const refuse = (message: string | WordedMessage): StudioError =>
    new StudioError('BAD_INPUT', message, { format: 'mlperf', runs: runs.map((entry) => entry.run.id).join(',') });
  const notSerial = runs.filter((entry) => TARGET_KINDS[entry.run.target.kind].processor !== 'microcontroller');
  if (notSerial.length > 0) {
    const which = notSerial.map((entry) => `${name(entry)} is a ${entry.run.target.kind} run`).join(', ');
    throw refuse(`results.txt is for ${BOARD_KINDS} (MLPerf Tiny-style) runs; pick ${BOARD_KINDS} runs or another format (${which}).`);
  }
  const windowed: Array<{ entry: ReportRun; windows: Windows }> = [];
  const windowless: ReportRun[] = [];
  for (const entry of runs) {
    const windows = entry.run.report;
    if (windows && windows.windows.length > 0) windowed.push({ entry, windows });
    else windowless.push(entry);
  }
  if (windowless.length > 0) {
    const which = windowless.map(name).join(', ');
    throw refuse(
      worded`results.txt reports MLPerf Tiny's windows, and ${which} ${windowless.length === 1 ? 'was' : 'were'} measured without windows; benchmark on the board with ${remedy('mode', 'report')}, or pick another format.`,
    );
  }
  return windowed;
}

export const mlperfResultsExporter: FormatExporter = {
  async export(report) {
    const runs = windowedRuns(report.runs);
    return runs.map(
      ({ entry, windows }): ReportFile => ({
        // One run: the file the user named; several: one file each, numbered as in the report.
        suffix: runs.length === 1 ? '' : `-${entry.number}.txt`,
        mediaType: 'text/plain',
        data: `${mlperfResultsLines(entry.run, windows).join('\n')}\n`,
        description: `results.txt for #${entry.number} ${entry.label}`,
      }),
    );
  },
};

/**
 * The one run-file builder. Every target kind (this computer, an SSH board, a board running the
 * EdgeBench firmware or MLPerf Tiny firmware) gives what it measured and what ran where; the
 * statistics, the verdict and its warnings, the schema, id, time and status are made here, the
 * same way for all of them, whether the run completed or stopped early (a partial run).
 */
import { randomBytes } from 'node:crypto';
import { BenchSettings, RUN_SCHEMA, RunFile, type RunEnvironment, type RunRepeat, type RunStop, type RunWarning } from '../../shared/run-schema';
import { betweenRunEstimate } from './between-run';
import { MEDIAN_CI_MIN_SAMPLES } from './confidence';
import { DEFAULT_REPORT_PLAN, shortWindowWarning, type ReportModePlan, type RunReport } from './report-mode';
import { asSamples, median, sortSamples, summarizeLatency } from './stats';
import { BETWEEN_RUN_WARNING, SAMPLE_WARNING_CODES, assessRun, betweenRunWarning, distinctProcesses, sampleWarnings, verdictOf, type RunAssessmentInput } from './warnings';

/** What ran where: copied into the run file as given. */
export interface RunSubject {
  model: RunFile['model'];
  target: RunFile['target'];
  runtime: RunFile['runtime'];
  /** The matrix job and cell the run belongs to. */
  job?: RunFile['job'];
  /** The settings as they were applied (a board records no time-based warmup, for one). */
  settings: BenchSettings;
}

/** What a target measured, and what judging it needs. */
export interface MeasuredFacts {
  /** Every latency measured, in the order measured (report mode's windows one after another). */
  samplesMs: readonly number[];
  inputs: RunFile['inputs'];
  initMs: number;
  firstInferenceMs: number;
  memory: RunFile['memory'];
  /** Effective resolution of the clock that timed the samples. */
  timerResolutionNs: number;
  /** Cores of the target, to judge its load average. */
  cores: number;
  environment?: RunFile['environment'];
  guessedInputs?: RunAssessmentInput['guessedInputs'];
  /** --max-time stopped measuring before the planned --runs. */
  maxTimeReached?: boolean;
  /** Report mode's windows; with `plan`, windows under its minimum time are warned about. */
  report?: { block: RunReport; plan?: ReportModePlan };
  profile?: RunFile['profile'];
  /** Assessment warnings that do not apply to these samples (an MLPerf Tiny run's window means). */
  notApplicable?: ReadonlySet<string>;
  /** The target's own warnings, after the assessment's. */
  notes?: readonly RunWarning[];
  /** A simulated board ran it: its advice is about this computer, not a board's power supply. */
  simulated?: boolean;
}

/**
 * The run file of `facts` about `subject`: completed, or partial when `stop` says why measuring
 * stopped early. The verdict follows every warning the run carries (see warnings.ts).
 */
export function buildRunFile(subject: RunSubject, facts: MeasuredFacts, stop?: RunStop): RunFile {
  const latencyMs = summarizeLatency(facts.samplesMs);
  const assessment = assessRun({
    latency: latencyMs,
    firstInferenceMs: facts.firstInferenceMs,
    timerResolutionNs: facts.timerResolutionNs,
    cores: facts.cores,
    targetKind: subject.target.kind,
    mode: subject.settings.mode,
    threads: subject.settings.threads,
    ...(facts.simulated === true ? { simulated: true } : {}),
    ...(facts.guessedInputs !== undefined ? { guessedInputs: facts.guessedInputs } : {}),
    ...(facts.environment !== undefined ? { environment: facts.environment } : {}),
    ...(facts.maxTimeReached ? { maxTimeReached: { plannedRuns: subject.settings.runs } } : {}),
  });
  const shortWindows = facts.report?.plan === undefined ? undefined : shortWindowWarning(facts.report.block, facts.report.plan);
  const warnings: RunWarning[] = [
    ...assessment.warnings.filter((w) => !facts.notApplicable?.has(w.code)),
    ...(shortWindows !== undefined ? [shortWindows] : []),
    ...(facts.notes ?? []),
  ];
  const run = RunFile.parse({
    schema: RUN_SCHEMA,
    id: newRunId(),
    createdAt: new Date().toISOString(),
    status: 'completed',
    model: subject.model,
    target: subject.target,
    runtime: subject.runtime,
    ...(subject.job !== undefined ? { job: subject.job } : {}),
    settings: subject.settings,
    inputs: facts.inputs,
    initMs: facts.initMs,
    firstInferenceMs: facts.firstInferenceMs,
    latencyMs,
    memory: facts.memory,
    ...(facts.report !== undefined ? { report: facts.report.block } : {}),
    ...(facts.profile !== undefined ? { profile: facts.profile } : {}),
    ...(facts.environment !== undefined ? { environment: facts.environment } : {}),
    verdict: verdictOf(warnings),
    warnings,
  });
  return stop === undefined ? run : markPartial(run, stop);
}

/** "2026-11-26T18-20-00-123Z-ab12": sorts by time, safe as a file name, unique enough with its random tail. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}

/** The warning every partial run carries, first among its warnings. */
export const STOPPED_EARLY_WARNING = 'stopped-early';

/**
 * `run` as the partial run it is: status 'partial', why it stopped, and never 'stable' (it has
 * fewer runs than planned, and whatever stopped it may have disturbed the last ones). A partial
 * run given again takes the new reason (an outer layer restating the failure).
 */
export function markPartial(run: RunFile, stop: RunStop): RunFile {
  const count = run.latencyMs.count;
  const repeats = run.settings.repeats;
  const planned =
    run.settings.mode === 'quick'
      ? `at least ${run.settings.runs} were planned${repeats > 1 ? ` in each of ${repeats} fresh runs` : ''}`
      : repeats > 1
        ? `report mode planned ${repeats} windows, one in each fresh run`
        : 'report mode planned more windows';
  const warning: RunWarning = {
    code: STOPPED_EARLY_WARNING,
    message: `Measuring stopped early: ${stop.reason} These numbers cover the ${count} run${count === 1 ? '' : 's'} measured before ${stop.before} (${planned}); fix the cause and run again for a complete run.`,
  };
  return RunFile.parse({
    ...run,
    status: 'partial',
    stopped: stop,
    verdict: 'unstable',
    warnings: [warning, ...run.warnings.filter((w) => w.code !== STOPPED_EARLY_WARNING)],
  });
}

/** One repeat of a cell as its fresh runner process measured it: its own run file (completed or partial), and when it started. */
export interface RepeatRun {
  run: RunFile;
  startedAt: string;
}

/** Warnings a pooled run judges again instead of copying them from its repeats. */
const REJUDGED_WARNINGS: ReadonlySet<string> = new Set([...SAMPLE_WARNING_CODES, STOPPED_EARLY_WARNING, BETWEEN_RUN_WARNING, 'report-window-short']);

/**
 * The one run file of a cell measured in several fresh processes (settings.repeats > 1): every
 * repeat's samples pooled in order (latencyMs over all of them), each repeat's share and median in
 * `repeats`, the between-run estimate in `betweenRun`, and the verdict over all of it. Warnings
 * about the samples (variance, CI width, count) are judged again over the pooled samples; the
 * others (inputs guessed, the machine busy or warming, the target's notes) are kept once each, as
 * the first repeat that had them said them. Init and first inference are the first repeat's (each
 * repeat keeps its own init); memory is the highest peak; the profile and the board's native
 * tools come from the last repeat, the only one that runs them. Partial with `stop`.
 */
export function poolRepeats(settings: BenchSettings, measured: readonly RepeatRun[], stop?: RunStop, plan: ReportModePlan = DEFAULT_REPORT_PLAN): RunFile {
  const first = measured[0]?.run;
  const last = measured[measured.length - 1]?.run;
  if (first === undefined || last === undefined) throw new Error('poolRepeats needs at least one measured repeat.');
  const samples: number[] = [];
  const repeats: RunRepeat[] = measured.map(({ run, startedAt }, index) => {
    const sampleOffset = samples.length;
    for (const ms of run.latencyMs.samples) samples.push(ms);
    return {
      index,
      startedAt,
      sampleOffset,
      count: run.latencyMs.count,
      medianMs: run.latencyMs.median,
      medianCi95: run.latencyMs.count >= MEDIAN_CI_MIN_SAMPLES ? run.latencyMs.medianCi95 : null,
      initMs: run.initMs,
      ...(run.environment !== undefined ? { environment: run.environment } : {}),
    };
  });
  const latencyMs = summarizeLatency(samples);
  const betweenRun = betweenRunEstimate(repeats);
  const report = pooledReport(measured.map((m) => m.run));
  // Told again over all the windows, when a repeat found its window short (the count in its own words would be "1 of 1").
  const shortInRepeat = measured.flatMap((m) => m.run.warnings).find((w) => w.code === 'report-window-short');
  const shortWindows = report !== undefined && shortInRepeat !== undefined ? (shortWindowWarning(report, plan) ?? shortInRepeat) : undefined;
  const between = betweenRun === undefined ? undefined : betweenRunWarning(betweenRun, repeats.map((r) => r.environment));
  const kept = new Map<string, RunWarning>();
  for (const { run } of measured) for (const w of run.warnings) if (!REJUDGED_WARNINGS.has(w.code) && !kept.has(w.code)) kept.set(w.code, w);
  const warnings: RunWarning[] = [
    ...sampleWarnings(latencyMs, first.target.kind, first.settings.mode, { threads: first.settings.threads }),
    ...kept.values(),
    ...(shortWindows !== undefined ? [shortWindows] : []),
    ...(between !== undefined ? [between] : []),
  ];
  const environment = pooledEnvironment(measured.map((m) => m.run.environment));
  const osPeaks = measured.flatMap(({ run }) => (typeof run.memory.osPeakRssBytes === 'number' ? [run.memory.osPeakRssBytes] : []));
  const profile = [...measured].reverse().find((m) => m.run.profile !== undefined)?.run.profile;
  const native = [...measured].reverse().find((m) => m.run.native !== undefined)?.run.native;
  const run = RunFile.parse({
    ...first,
    id: newRunId(),
    createdAt: new Date().toISOString(),
    status: 'completed',
    stopped: undefined,
    settings,
    latencyMs,
    memory: {
      peakRssBytes: Math.max(...measured.map((m) => m.run.memory.peakRssBytes)),
      ...(first.memory.modelLoadRssBytes !== undefined ? { modelLoadRssBytes: first.memory.modelLoadRssBytes } : {}),
      ...(osPeaks.length > 0 ? { osPeakRssBytes: Math.max(...osPeaks) } : {}),
    },
    report,
    profile,
    native,
    environment,
    repeats,
    ...(betweenRun !== undefined ? { betweenRun } : {}),
    // A repeat its target judged unstable beyond its warnings' codes (an SSH board that throttled) keeps the cell unstable.
    verdict: measured.some((m) => m.run.verdict === 'unstable' && verdictOf(m.run.warnings) === 'stable') ? 'unstable' : verdictOf(warnings),
    warnings,
  });
  return stop === undefined ? run : markPartial(run, stop);
}

/** Report mode with repeats: each repeat measured one window, so the windows are the repeats'. */
function pooledReport(runs: readonly RunFile[]): RunReport | undefined {
  const windows = runs.flatMap((run) => run.report?.windows ?? []);
  if (windows.length === 0 || runs.some((run) => run.report === undefined)) return undefined;
  return { windows, medianOfWindowsMs: median(sortSamples(asSamples(windows.map((w) => w.medianMs)))) };
}

/**
 * The machine around the whole cell: the first repeat's readings, with the clocks and temperature
 * from the first repeat's start to the last one's end, so a drift across the cell still shows;
 * the busy processes of every repeat; the highest steal and iowait share of any repeat.
 */
function pooledEnvironment(environments: ReadonlyArray<RunEnvironment | undefined>): RunEnvironment | undefined {
  const present = environments.filter((e): e is RunEnvironment => e !== undefined);
  const first = present[0];
  const last = present[present.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const span = (a: { start: number; end: number } | undefined, b: { start: number; end: number } | undefined) =>
    a !== undefined && b !== undefined ? { start: a.start, end: b.end } : a;
  const busy = distinctProcesses(present.flatMap((e) => e.busyProcesses ?? []));
  const highest = (pick: (e: RunEnvironment) => number | undefined): number | undefined => {
    const values = present.flatMap((e) => (typeof pick(e) === 'number' ? [pick(e) as number] : []));
    return values.length === 0 ? undefined : Math.max(...values);
  };
  const steal = highest((e) => e.stealShare);
  const iowait = highest((e) => e.iowaitShare);
  const cpuMHz = span(first.cpuMHz, last.cpuMHz);
  const temperatureC = span(first.temperatureC, last.temperatureC);
  return {
    ...first,
    ...(cpuMHz !== undefined ? { cpuMHz } : {}),
    ...(temperatureC !== undefined ? { temperatureC } : {}),
    ...(busy.length > 0 ? { busyProcesses: busy } : {}),
    ...(steal !== undefined ? { stealShare: steal } : {}),
    ...(iowait !== undefined ? { iowaitShare: iowait } : {}),
  };
}

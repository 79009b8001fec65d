/**
 * The one run-file builder. Every target kind (this computer, an SSH board, a board running the
 * EdgeBench firmware or MLPerf Tiny firmware) gives what it measured and what ran where; the
 * statistics, the verdict and its warnings, the schema, id, time and status are made here, the
 * same way for all of them, whether the run completed or stopped early (a partial run).
 */
import { randomBytes } from 'node:crypto';
import { BenchSettings, RUN_SCHEMA, RunFile, type RunStop, type RunWarning } from '../../shared/run-schema';
import { shortWindowWarning, type ReportModePlan, type RunReport } from './report-mode';
import { summarizeLatency } from './stats';
import { assessRun, verdictOf, type RunAssessmentInput } from './warnings';

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
  const planned = run.settings.mode === 'quick' ? `at least ${run.settings.runs} were planned` : 'report mode planned more windows';
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

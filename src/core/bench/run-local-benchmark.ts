/**
 * One benchmark of one model with one runtime on this computer: a runner process does the
 * inference; this side validates the request, follows the runner through its phases (warmup,
 * measuring in one go or in report-mode windows, profiling), samples the machine's state around
 * the measured runs, and turns it all into a run file with statistics, verdict and warnings.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { BenchPhase } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model-info';
import { BenchSettings, RUN_SCHEMA, RunFile, type RunWarning, type RuntimeName, type TargetKind } from '../../shared/run-schema';
import { RUNTIME_LABELS } from '../../shared/runtimes';
import type { HelloReply, LoadedReply, ProfileReply, SamplesReply } from '../runner/protocol';
import { PartialSamplesError, RunnerClient, partialSamplesOf, type RunnerSpawner, type RunnerTimeouts } from '../runner/runner-client';
import { environmentBetween, findBusyProcesses, sampleEnvironment, type EnvironmentSnapshot } from '../targets/local-environment';
import { checkSettings, inputsRejectedMessage, planBenchInputs, requestsOf, runInputsOf } from './bench-inputs';
import { summarizeProfile } from './profile-summary';
import { DEFAULT_REPORT_PLAN, shortWindowWarning, summarizeWindows, windowProgress, type ReportModePlan } from './report-mode';
import { summarizeLatency } from './stats';
import { int8WeightRangeOf } from '../quantize/weight-range';
import { assessRun, int8SaturationWarning } from './warnings';

export interface LocalBenchJob {
  /** The model file the runner loads. */
  modelPath: string;
  /** Copied into the run file. */
  model: RunFile['model'];
  /** The model's inputs as the reader reported them; used to check --shape/--value before starting. */
  inputsInfo: ModelInfo['inputs'];
  settings: BenchSettings;
  /** Shown as the target, e.g. "This computer". */
  targetName: string;
  /** Where the runner runs; default 'local'. An SSH target's runner speaks the same protocol. */
  targetKind?: TargetKind;
  /** Default onnxruntime, for callers written before there was a choice. */
  runtime?: RuntimeName;
  /** The matrix job and cell this run belongs to; copied into the run file. */
  job?: RunFile['job'];
}

export interface BenchProgress {
  phase: BenchPhase;
  /** Iterations done in this phase and how many are planned (may grow under minTimeMs; in report mode over all windows). */
  completed: number;
  total: number;
  /** 0..1 over the whole job, never decreasing. */
  fraction: number;
}

export interface LocalBenchOptions {
  spawner: RunnerSpawner;
  onProgress?: (progress: BenchProgress) => void;
  signal?: AbortSignal;
  timeouts?: Partial<RunnerTimeouts>;
  /** Reads the state of the machine the runner runs on; default this computer's (an SSH target reads the board's). */
  environment?: EnvironmentProbe;
  /** TESTS ONLY: shorter report-mode windows. Never exposed by the CLI or the UI (the rule is the rule). */
  reportModeOverride?: ReportModePlan;
}

/** Reads a machine's state around the measured runs. */
export interface EnvironmentProbe {
  sample(): Promise<EnvironmentSnapshot>;
  /** Other processes busy during the measured runs; never rejects (it runs beside them). */
  busyProcesses(): Promise<string[]>;
}

/** Where each phase sits in the job's overall fraction; 'saving' (the caller's) takes the rest. Profiling runs at the end of 'measuring'. */
export const PHASE_SPANS: Record<BenchPhase, readonly [number, number]> = {
  starting: [0, 0.02],
  loading: [0.02, 0.1],
  warmup: [0.1, 0.2],
  measuring: [0.2, 0.92],
  profiling: [0.92, 0.98],
  saving: [0.98, 1],
};

/** minTimeMs may add runs up to this many (per window in report mode), so a sub-microsecond model cannot fill memory with samples. */
export const MAX_MEASURED_RUNS = 100_000;

/** Profiling makes runs slower (every kernel is timed and logged); the watchdog allows this factor over measured latencies. */
const PROFILE_SLOWDOWN_ALLOWANCE = 3;

export async function runLocalBenchmark(job: LocalBenchJob, opts: LocalBenchOptions): Promise<RunFile> {
  const settings = BenchSettings.parse(job.settings);
  const runtime = job.runtime ?? 'onnxruntime';
  const plan = opts.reportModeOverride ?? DEFAULT_REPORT_PLAN;
  checkSettings(settings, { format: job.model.format, name: job.model.name, inputs: job.inputsInfo }, runtime, plan);
  const inputs = requestsOf(planBenchInputs(job.inputsInfo, settings, job.model.name));
  const report = progressReporter(opts.onProgress);
  const label = RUNTIME_LABELS[runtime];

  report('starting', 0, 1);
  const client = RunnerClient.start(opts.spawner, { signal: opts.signal, timeouts: opts.timeouts });
  try {
    const hello = await client.hello();
    if (hello.runtimes[runtime] === undefined) {
      const why = hello.unavailable[runtime] ?? 'the runner does not offer it';
      throw new StudioError('RUNTIME', `${label} cannot run on this computer: ${why.replace(/\.$/, '')}.`, { runtime });
    }
    report('starting', 1, 1);

    report('loading', 0, 1);
    const loaded = await client
      .load({ modelPath: job.modelPath, runtime, threads: settings.threads, inputs, options: settings.runtimeOptions })
      .catch((error: unknown) => {
        throw withModelContext(error, job.modelPath, (message) =>
          // TF.js and LiteRT already say "<runtime> could not load '<file>'": no second prefix.
          /could not load '/.test(message) ? message : `${label} could not load '${basename(job.modelPath)}': ${message}`,
        );
      });
    report('loading', 1, 1);

    report('warmup', 0, settings.warmupRuns);
    const { firstInferenceMs } = await client
      .warmup({ runs: settings.warmupRuns, minTimeMs: settings.warmupMinTimeMs }, (p) => report('warmup', p.completed, p.total))
      .catch((error: unknown) => {
        throw withModelContext(error, job.modelPath, (message, runnerCode) =>
          runnerCode === 'INPUTS_REJECTED' ? inputsRejectedMessage(message, loaded.inputs, settings, runtime) : message,
        );
      });

    const machine = opts.environment ?? localEnvironment(client.pid);
    const environmentStart = await machine.sample();
    // Looked for while the runner measures: what competes with the benchmark is what matters.
    const busy = machine.busyProcesses();
    const measured = await measure(client, settings, plan, report).catch((error: unknown) => {
      // Stopped mid-measure: the samples kept so far can still become a run (a partial one).
      throw PartialSamplesError.withRun(error, (samples) =>
        buildRunFile(job, settings, runtime, { plan, hello, loaded, firstInferenceMs, samples, maxTimeReached: false, profiled: null }),
      );
    });
    const environment = environmentBetween(environmentStart, await machine.sample(), await busy);

    if (settings.profileRuns > 0) report('profiling', 0, settings.profileRuns);
    const profiled = await profile(client, settings, loaded, measured.samples);
    // A runner the watchdog stopped (or that crashed) while profiling has nothing left to say.
    if (!(profiled !== null && 'warning' in profiled && profiled.runnerStopped)) await client.bye();
    return buildRunFile(job, settings, runtime, { plan, hello, loaded, firstInferenceMs, ...measured, environment, profiled });
  } finally {
    await client.close();
  }
}

function localEnvironment(runnerPid: number | undefined): EnvironmentProbe {
  return {
    sample: () => Promise.resolve(sampleEnvironment()),
    busyProcesses: () => findBusyProcesses(runnerPid === undefined ? [] : [runnerPid]),
  };
}

type Report = ReturnType<typeof progressReporter>;

interface Measured {
  /** Every sample, windows concatenated in order. */
  samples: readonly number[];
  /** The last samples reply: its memory figures are the runner's peak over all measured runs. Absent for a partial run. */
  last?: SamplesReply;
  maxTimeReached: boolean;
  windows?: number[][];
}

async function measure(client: RunnerClient, settings: BenchSettings, plan: ReportModePlan, report: Report): Promise<Measured> {
  const common = { runs: settings.runs, freshInputs: settings.freshInputs, progressEvery: Math.max(1, Math.floor(settings.runs / 100)) };
  if (settings.mode === 'quick') {
    report('measuring', 0, settings.runs);
    const last = await client.measure(
      { ...common, minTimeMs: settings.minTimeMs, maxTimeMs: settings.maxTimeMs, maxRuns: Math.max(settings.runs, MAX_MEASURED_RUNS) },
      (p) => report('measuring', p.completed, p.total),
    );
    return { samples: last.latencyMs, last, maxTimeReached: last.maxTimeReached };
  }

  report('measuring', 0, settings.runs * plan.windows);
  const windows: number[][] = [];
  let finishedRuns = 0;
  let last: SamplesReply | undefined;
  for (let index = 0; index < plan.windows; index++) {
    last = await client
      .measure({ ...common, minTimeMs: plan.minWindowMs, maxTimeMs: 0, maxRuns: Math.max(settings.runs, MAX_MEASURED_RUNS) }, (p) => {
        const overall = windowProgress(finishedRuns, index, plan, p);
        report('measuring', overall.completed, overall.total);
      })
      .catch((error: unknown) => {
        // The windows already finished are kept too, ahead of the failed window's samples.
        if (!(error instanceof StudioError) || error.code === 'CANCELLED' || windows.length === 0) throw error;
        throw PartialSamplesError.of(error, [...windows.flat(), ...(partialSamplesOf(error) ?? [])]);
      });
    windows.push(last.latencyMs);
    finishedRuns += last.latencyMs.length;
  }
  if (last === undefined) throw new StudioError('INTERNAL', `Report mode was planned with ${plan.windows} windows; it needs at least one.`);
  return { samples: windows.flat(), last, maxTimeReached: false, windows };
}

type Profiled = { profile: ProfileReply } | { warning: RunWarning; runnerStopped: boolean } | null;

/**
 * The runtime's own per-node profile, in extra runs after measuring. Runtimes without a profiler
 * (UNSUPPORTED) are skipped silently; a profile that fails becomes a warning, since the measured
 * runs it would have explained are sound. Cancelling still cancels.
 */
async function profile(client: RunnerClient, settings: BenchSettings, loaded: LoadedReply, samples: readonly number[]): Promise<Profiled> {
  if (settings.profileRuns === 0) return null;
  const slowestMs = samples.reduce((max, ms) => Math.max(max, ms), 0);
  // A second session is created (about initMs) and runs profileRuns + 1 times under the profiler.
  const expectedMs = 2 * loaded.initMs + (settings.profileRuns + 1) * slowestMs * PROFILE_SLOWDOWN_ALLOWANCE;
  try {
    return { profile: await client.profile(settings.profileRuns, expectedMs) };
  } catch (error) {
    if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
    if (error.context.runnerCode === 'UNSUPPORTED') return null;
    return {
      // Errors the runner answered carry its code; a crash or the watchdog's kill do not.
      runnerStopped: error.context.runnerCode === undefined,
      warning: {
        code: 'profile-failed',
        message: `The runtime's per-node profile could not be taken (${error.message.replace(/\.$/, '')}); the measured latencies are unaffected, but the run has no op profile.`,
      },
    };
  }
}

interface RunnerResults extends Measured {
  plan: ReportModePlan;
  hello: HelloReply;
  loaded: LoadedReply;
  firstInferenceMs: number;
  /** Absent for a partial run: measuring never reached its end reading. */
  environment?: NonNullable<RunFile['environment']>;
  profiled: Profiled;
}

function buildRunFile(job: LocalBenchJob, settings: BenchSettings, runtime: RuntimeName, r: RunnerResults): RunFile {
  const latencyMs = summarizeLatency(r.samples);
  const { inputs, guessedInputs } = runInputsOf(job.inputsInfo, settings, r.loaded.inputs);
  const assessment = assessRun({
    guessedInputs,
    latency: latencyMs,
    firstInferenceMs: r.firstInferenceMs,
    timerResolutionNs: r.hello.timerResolutionNs,
    environment: r.environment,
    cores: r.hello.hardware.cores,
    ...(r.maxTimeReached ? { maxTimeReached: { plannedRuns: settings.runs } } : {}),
  });
  const reportBlock = r.windows === undefined ? undefined : summarizeWindows(r.windows);
  // Informational warnings of this module; they leave the verdict as assessRun gave it.
  const extraWarnings: RunWarning[] = [];
  const shortWindows = reportBlock === undefined ? undefined : shortWindowWarning(reportBlock, r.plan);
  if (shortWindows !== undefined) extraWarnings.push(shortWindows);
  if (r.profiled !== null && 'warning' in r.profiled) extraWarnings.push(r.profiled.warning);
  const saturation = job.model.format === 'onnx' ? int8SaturationWarning(int8WeightRangeOf(job.modelPath), r.hello.hardware) : undefined;
  if (saturation !== undefined) extraWarnings.push(saturation);
  if (r.last === undefined) {
    extraWarnings.push({
      code: 'peak-memory-unknown',
      message: "The runner stopped before it reported its peak memory, so the peak RSS shown is its RSS right after loading the model: a lower bound, not the peak.",
    });
  }

  return RunFile.parse({
    schema: RUN_SCHEMA,
    id: newRunId(),
    createdAt: new Date().toISOString(),
    status: 'completed',
    model: job.model,
    target: { kind: job.targetKind ?? 'local', name: job.targetName, hardware: r.hello.hardware },
    runtime: { name: runtime, version: r.hello.runtimes[runtime], threads: settings.threads, backend: r.loaded.backend },
    ...(job.job !== undefined ? { job: job.job } : {}),
    settings,
    inputs,
    initMs: r.loaded.initMs,
    firstInferenceMs: r.firstInferenceMs,
    latencyMs,
    memory: {
      // From the last measure reply, not bye: the profile's second session must not count.
      peakRssBytes: r.last === undefined ? r.loaded.rssAfterBytes : Math.max(r.last.peakRssBytes, r.last.osPeakRssBytes ?? 0),
      modelLoadRssBytes: Math.max(0, r.loaded.rssAfterBytes - r.loaded.rssBeforeBytes),
      ...(r.last !== undefined ? { osPeakRssBytes: r.last.osPeakRssBytes } : {}),
    },
    ...(reportBlock !== undefined ? { report: reportBlock } : {}),
    ...(r.profiled !== null && 'profile' in r.profiled ? { profile: summarizeProfile(r.profiled.profile) } : {}),
    ...(r.environment !== undefined ? { environment: r.environment } : {}),
    verdict: assessment.verdict,
    warnings: [...assessment.warnings, ...extraWarnings],
  });
}

/** "2026-11-26T18-20-00-123Z-ab12": sorts by time, safe as a file name, unique enough with its random tail. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}

function progressReporter(onProgress: LocalBenchOptions['onProgress']) {
  let lastFraction = 0;
  return (phase: BenchPhase, completed: number, total: number): void => {
    const [from, to] = PHASE_SPANS[phase];
    const within = total > 0 ? Math.min(1, completed / total) : 1;
    // Under minTimeMs the planned total can grow, which must not move the bar backwards.
    lastFraction = Math.max(lastFraction, from + (to - from) * within);
    onProgress?.({ phase, completed, total, fraction: lastFraction });
  };
}

/** Rewrites a runtime error's message and adds the model file to its context; other errors pass unchanged. */
function withModelContext(error: unknown, modelPath: string, reword: (message: string, runnerCode: string | undefined) => string): unknown {
  if (!(error instanceof StudioError) || error.code !== 'RUNTIME') return error;
  const runnerCode = error.context.runnerCode;
  return new StudioError('RUNTIME', reword(error.message, runnerCode), { ...error.context, file: modelPath });
}

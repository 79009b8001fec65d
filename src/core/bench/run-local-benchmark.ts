/**
 * One benchmark of one model with one runtime on this computer: a runner process does the
 * inference; this side validates the request, follows the runner through its phases (warmup,
 * measuring in one go or in report-mode windows, profiling), samples the machine's state around
 * the measured runs, and turns it all into a run file with statistics, verdict and warnings: a
 * complete run, or a partial one when measuring stopped after some samples (see cell-outcome.ts).
 */
import { basename } from 'node:path';
import type { BenchPhase } from '../../shared/contract';
import { StudioError, type WordedMessage } from '../../shared/errors';
import { escapeTemplate } from '../../shared/wording';
import type { ModelInfo } from '../../shared/model-info';
import { BenchSettings, type RunFile, type RunStop, type RunWarning, type RuntimeName, type TargetKind } from '../../shared/run-schema';
import { RUNTIME_LABELS } from '../../shared/runtimes';
import type { HelloReply, LoadedReply, ProfileReply, ProgressReply, SamplesReply } from '../runner/protocol';
import { RunnerClient, type RunnerSpawner, type RunnerTimeouts } from '../runner/runner-client';
import { environmentBetween, findBusyProcesses, sampleEnvironment, type EnvironmentSnapshot } from '../targets/local-environment';
import { checkSettings, inputsRejectedMessage, planBenchInputs, requestsOf, runInputsOf } from './bench-inputs';
import { partialOutcome, type Measured } from './cell-outcome';
import { summarizeProfile } from './profile-summary';
import { DEFAULT_REPORT_PLAN, processPlan, summarizeWindows, windowProgress, type ReportModePlan } from './report-mode';
import { buildRunFile } from './run-file';
import { int8WeightRangeOf } from '../quantize/weight-range';
import { int8SaturationWarning } from './warnings';
import type { CellEnergyMeter } from '../power/cell-meter';
import { runAccelerator } from '../targets/python-runtimes-accelerators';

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
  /** With repeats: which fresh process this is (1-based) and how many the cell runs; fraction then spans all of them. */
  repeat?: number;
  repeats?: number;
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
  /** A power source read around the measured runs (--energy): its idle baseline just before them, its energy over them. */
  energy?: CellEnergyMeter;
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

/**
 * The benchmark: its run, complete or partial. A failure before any measured sample (a model that
 * does not load, a runner that does not start) rejects, and so does a cancel.
 */
export async function runLocalBenchmark(job: LocalBenchJob, opts: LocalBenchOptions): Promise<Measured> {
  const settings = BenchSettings.parse(job.settings);
  const runtime = job.runtime ?? 'onnxruntime';
  // With repeats, this process is one of them and measures one report-mode window (see processPlan).
  const rule = opts.reportModeOverride ?? DEFAULT_REPORT_PLAN;
  const plan = processPlan(rule, settings.repeats);
  checkSettings(settings, { format: job.model.format, name: job.model.name, inputs: job.inputsInfo }, runtime, rule);
  const inputs = requestsOf(planBenchInputs(job.inputsInfo, settings, job.model.name));
  const report = progressReporter(opts.onProgress);
  const label = RUNTIME_LABELS[runtime];

  report('starting', 0, 1);
  const client = RunnerClient.start(opts.spawner, { signal: opts.signal, timeouts: opts.timeouts });
  try {
    const hello = await client.hello();
    const runtimeVersion = hello.runtimes[runtime];
    if (runtimeVersion === undefined) {
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
    await opts.energy?.beforeMeasure(opts.signal);
    const outcome = await measure(client, settings, plan, report);
    // Over the samples kept, too, when measuring stopped early: the window then ends where it stopped.
    const energy = await opts.energy?.afterMeasure(outcome.state === 'measured' ? outcome.measured.samples.length : outcome.samples.length);
    if (outcome.state === 'stopped') {
      // Stopped mid-measure: the samples kept so far are a run too, a partial one.
      const { error, samples } = outcome;
      if (samples.length === 0) throw error;
      // An error the runner answered (the runtime failed mid-measure) leaves the runner running.
      const before = error.context.runnerCode !== undefined ? 'the runtime failed' : 'the runner stopped';
      return partialOutcome(error, before, (stop) => {
        const run = localRunFile(job, settings, runtime, { plan, hello, runtimeVersion, loaded, firstInferenceMs, samples, maxTimeReached: false, profiled: null }, stop);
        return energy === undefined ? run : { ...run, energy };
      });
    }
    const measured = outcome.measured;
    const environment = environmentBetween(environmentStart, await machine.sample(), await busy);

    if (settings.profileRuns > 0) report('profiling', 0, settings.profileRuns);
    const profiled = await profile(client, settings, loaded, measured.samples);
    // A runner the watchdog stopped (or that crashed) while profiling has nothing left to say.
    if (!(profiled !== null && 'warning' in profiled && profiled.runnerStopped)) await client.bye();
    const run = localRunFile(job, settings, runtime, { plan, hello, runtimeVersion, loaded, firstInferenceMs, ...measured, environment, profiled });
    return { state: 'completed', run: energy === undefined ? run : { ...run, energy } };
  } finally {
    opts.energy?.dispose();
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

interface MeasuredRuns {
  /** Every sample, windows concatenated in order. */
  samples: readonly number[];
  /** The last samples reply: its memory figures are the runner's peak over all measured runs. Absent for a partial run. */
  last?: SamplesReply;
  maxTimeReached: boolean;
  windows?: number[][];
}

/**
 * Measuring ended by a failure: the failure, and every latency the runner reported before it
 * (its progress replies carry the runs since the previous one; finished windows come first).
 */
type Stopped = { state: 'stopped'; error: StudioError; samples: number[] };

/** Measures in one go or in report mode's windows; a failure mid-measure comes back with the samples kept. A cancel rejects. */
async function measure(client: RunnerClient, settings: BenchSettings, plan: ReportModePlan, report: Report): Promise<{ state: 'measured'; measured: MeasuredRuns } | Stopped> {
  const common = { runs: settings.runs, freshInputs: settings.freshInputs, progressEvery: Math.max(1, Math.floor(settings.runs / 100)) };
  const maxRuns = Math.max(settings.runs, MAX_MEASURED_RUNS);
  // Every latency reported so far, finished windows included, whatever happens next.
  const kept: number[] = [];
  const keep = (p: ProgressReply): void => {
    // A loop, not push(...): one progress of a sub-microsecond model can carry tens of thousands.
    for (const ms of p.latencyMs ?? []) kept.push(ms);
  };
  const stopped = (error: unknown): Stopped => {
    if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
    return { state: 'stopped', error, samples: kept };
  };
  if (settings.mode === 'quick') {
    report('measuring', 0, settings.runs);
    try {
      const last = await client.measure({ ...common, minTimeMs: settings.minTimeMs, maxTimeMs: settings.maxTimeMs, maxRuns }, (p) => {
        keep(p);
        report('measuring', p.completed, p.total);
      });
      return { state: 'measured', measured: { samples: last.latencyMs, last, maxTimeReached: last.maxTimeReached } };
    } catch (error) {
      return stopped(error);
    }
  }

  report('measuring', 0, settings.runs * plan.windows);
  const windows: number[][] = [];
  let last: SamplesReply | undefined;
  for (let index = 0; index < plan.windows; index++) {
    const finishedRuns = kept.length;
    try {
      last = await client.measure({ ...common, minTimeMs: plan.minWindowMs, maxTimeMs: 0, maxRuns }, (p) => {
        keep(p);
        const overall = windowProgress(finishedRuns, index, plan, p);
        report('measuring', overall.completed, overall.total);
      });
    } catch (error) {
      return stopped(error);
    }
    windows.push(last.latencyMs);
    // The samples reply is the window's whole truth: what progress carried is replaced by it.
    kept.length = finishedRuns;
    for (const ms of last.latencyMs) kept.push(ms);
  }
  if (last === undefined) throw new StudioError('INTERNAL', `Report mode was planned with ${plan.windows} windows; it needs at least one.`);
  return { state: 'measured', measured: { samples: windows.flat(), last, maxTimeReached: false, windows } };
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

interface RunnerResults extends MeasuredRuns {
  plan: ReportModePlan;
  hello: HelloReply;
  /** The runtime's version, as the runner's hello announced it. */
  runtimeVersion: string;
  loaded: LoadedReply;
  firstInferenceMs: number;
  /** Absent for a partial run: measuring never reached its end reading. */
  environment?: NonNullable<RunFile['environment']>;
  profiled: Profiled;
}

/** The run file of what the runner measured, through the one builder (see run-file.ts); partial with `stop`. */
function localRunFile(job: LocalBenchJob, settings: BenchSettings, runtime: RuntimeName, r: RunnerResults, stop?: RunStop): RunFile {
  const { inputs, guessedInputs } = runInputsOf(job.inputsInfo, settings, r.loaded.inputs);
  // Informational warnings of this target; they leave the verdict as the assessment gave it.
  const notes: RunWarning[] = [];
  if (r.profiled !== null && 'warning' in r.profiled) notes.push(r.profiled.warning);
  const saturation = job.model.format === 'onnx' ? int8SaturationWarning(int8WeightRangeOf(job.modelPath), r.hello.hardware) : undefined;
  if (saturation !== undefined) notes.push(saturation);
  // How the runtime loaded the model (LiteRT.js's int8 I/O adapter): the run says so, never silently.
  for (const message of r.loaded.notes ?? []) notes.push({ code: 'runtime-load-note', message });
  if (r.last === undefined) {
    notes.push({
      code: 'peak-memory-unknown',
      message: "The runner stopped before it reported its peak memory, so the peak RSS shown is its RSS right after loading the model: a lower bound, not the peak.",
    });
  }
  const accelerator = runAccelerator(r.loaded.accelerator, settings.runtimeOptions);
  const run = buildRunFile(
    {
      model: job.model,
      target: { kind: job.targetKind ?? 'local', name: job.targetName, hardware: r.hello.hardware },
      runtime: { name: runtime, version: r.runtimeVersion, threads: settings.threads, backend: r.loaded.backend },
      ...(job.job !== undefined ? { job: job.job } : {}),
      settings,
    },
    {
      samplesMs: r.samples,
      inputs,
      guessedInputs,
      initMs: r.loaded.initMs,
      firstInferenceMs: r.firstInferenceMs,
      memory: {
        // From the last measure reply, not bye: the profile's second session must not count.
        peakRssBytes: r.last === undefined ? r.loaded.rssAfterBytes : Math.max(r.last.peakRssBytes, r.last.osPeakRssBytes ?? 0),
        modelLoadRssBytes: Math.max(0, r.loaded.rssAfterBytes - r.loaded.rssBeforeBytes),
        ...(r.last !== undefined ? { osPeakRssBytes: r.last.osPeakRssBytes } : {}),
      },
      timerResolutionNs: r.hello.timerResolutionNs,
      cores: r.hello.hardware.cores,
      ...(r.environment !== undefined ? { environment: r.environment } : {}),
      maxTimeReached: r.maxTimeReached,
      ...(r.windows !== undefined ? { report: { block: summarizeWindows(r.windows), plan: r.plan } } : {}),
      ...(r.profiled !== null && 'profile' in r.profiled ? { profile: summarizeProfile(r.profiled.profile) } : {}),
      notes,
    },
    stop,
  );
  return accelerator === undefined ? run : { ...run, accelerator };
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
function withModelContext(error: unknown, modelPath: string, reword: (message: string, runnerCode: string | undefined) => string | WordedMessage): unknown {
  if (!(error instanceof StudioError) || error.code !== 'RUNTIME') return error;
  const runnerCode = error.context.runnerCode;
  const reworded = reword(error.message, runnerCode);
  // A prefix put before the runner's own message keeps that message's remedies.
  const message =
    typeof reworded === 'string' && error.wording !== undefined && reworded.endsWith(error.message)
      ? { message: reworded, wording: { ...error.wording, template: escapeTemplate(reworded.slice(0, reworded.length - error.message.length)) + error.wording.template } }
      : reworded;
  return new StudioError('RUNTIME', message, { ...error.context, file: modelPath }, error.detail !== undefined ? { detail: error.detail } : {});
}

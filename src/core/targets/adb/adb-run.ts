/**
 * One matrix cell on an Android device: TFLite's benchmark_model on the pushed model, pinned to
 * the target's CPUs with taskset, with its delegate and the cell's threads. benchmark_model prints
 * a mean per process, not each inference, so a run is made of windows, as MLPerf Tiny's are: each
 * window is one benchmark_model process whose "Inference (avg)" is one sample (5 windows in quick
 * mode, report mode's plan otherwise). The first window gives the init, first-inference and warmup
 * timings; an extra process with --enable_op_profiling gives the per-op profile, so the profiler's
 * cost stays out of the samples. The thermal status and temperatures are read before and after; a
 * device that throttled makes the run unstable. Finished windows are kept when the device goes.
 */
import { basename } from 'node:path';
import { StudioError } from '../../../shared/errors';
import { ADB_DELEGATE_LABELS, type AdbTargetConfig } from '../../../shared/plugins/target-kinds/adb';
import { BenchSettings, type NativeToolResult, type RunFile, type RunStop, type RunWarning } from '../../../shared/run-schema';
import { partialOutcome, type Measured } from '../../bench/cell-outcome';
import { DEFAULT_REPORT_PLAN } from '../../bench/report-mode';
import { buildRunFile } from '../../bench/run-file';
import type { LocalBenchJob } from '../../bench/run-local-benchmark';
import { benchmarkModelCommand, parseNativeToolOutput, shellQuote } from '../native-tools';
import { nativeRunProfile } from '../native-tools/benchmark-model-profile';
import { progressReporter, type CellOptions } from '../serial/serial-run-common';
import { attachBoardShell } from '../../power/cell-meter';
import { adbRemoteShell } from '../../power/adb-shell';
import { truncateRaw } from '../ssh/native-on-board';
import { adbBinary, adbShell, requireDevice } from './adb-client';
import { hardwareOf, readThermal, thermalEnvironment, type AdbDeviceFacts } from './adb-device';
import { clusterPinning, cpuMask, describeClusters } from '../cpu-clusters';

const QUICK_WINDOWS = 5;
/** benchmark_model times Invoke with its own microsecond clock (it prints whole µs). */
const TOOL_TIMER_RESOLUTION_NS = 1000;
/** Each process gets this long beyond its runs: loading the model, a GPU delegate compiling its shaders. */
const PROCESS_BASE_TIMEOUT_MS = 120_000;
/** Before the first window says how long an inference takes, allow this much per run; after it, 10× the mean. */
const FIRST_WINDOW_MS_PER_RUN = 2000;
const SLOWER_THAN_FIRST_WINDOW = 10;
/** Window means: these two judge single samples, and say nothing about a handful of window means. */
const NOT_FOR_WINDOW_MEANS: ReadonlySet<string> = new Set(['few-samples', 'wide-ci']);

export interface AdbCellContext {
  config: AdbTargetConfig;
  facts: AdbDeviceFacts;
  /** The benchmark_model path on the device, and the model's (pushed before the cell runs). */
  binary: string;
  /** The run's runtime version: benchmark_model prints none, so its binary's identity (adb-matrix-target's benchmarkModelVersion). */
  binaryVersion: string;
  /** run.runtime.binary: the benchmark_model's source, path and identity; absent in the unit tests' contexts. */
  binaryRecord?: RunFile['runtime']['binary'];
  remoteModel: string;
}

/** The benchmark_model flags of a delegate (XNNPACK is the tool's default CPU path; cpu turns it off). */
export function delegateFlags(delegate: AdbTargetConfig['delegate']): string[] {
  switch (delegate) {
    case 'xnnpack':
      return ['--use_xnnpack=true'];
    case 'gpu':
      return ['--use_gpu=true'];
    case 'nnapi':
      return ['--use_nnapi=true'];
    case 'cpu':
      return ['--use_xnnpack=false'];
  }
}

export interface WindowPlan {
  windows: number;
  runsPerWindow: number;
  /** --min_secs per window, ms (report mode's minimum window time; 0 in quick mode). */
  minWindowMs: number;
}

export function adbWindowPlan(settings: BenchSettings, reportPlan = DEFAULT_REPORT_PLAN): WindowPlan {
  if (settings.mode === 'report') return { windows: reportPlan.windows, runsPerWindow: settings.runs, minWindowMs: reportPlan.minWindowMs };
  return { windows: QUICK_WINDOWS, runsPerWindow: Math.max(1, Math.ceil(settings.runs / QUICK_WINDOWS)), minWindowMs: 0 };
}

/** The shell line of one benchmark_model process, pinned with taskset. */
export function benchmarkLine(context: AdbCellContext, settings: BenchSettings, options: { runs: number; minWindowMs: number; profile: boolean }): string {
  // A matrix's CPU axis (settings.cpus) takes the place of the target's own cpus setting.
  const { mask } = cpuMask(settings.cpus ?? context.config.cpus, context.facts.clusters, context.facts.serial);
  const argv = [
    ...benchmarkModelCommand(context.remoteModel, {
      binary: context.binary,
      threads: settings.threads,
      runs: options.runs,
      warmup: settings.warmupRuns,
      minTimeMs: options.minWindowMs,
      opProfiling: options.profile,
      reportPeakMemory: true,
    }),
    ...delegateFlags(context.config.delegate),
  ];
  // No cpufreq to read clusters from (mask ''): the tool runs where the scheduler puts it.
  return mask === '' ? `${shellQuote(argv)} 2>&1` : `taskset ${mask} ${shellQuote(argv)} 2>&1`;
}

export async function runAdbCell(context: AdbCellContext, job: LocalBenchJob, opts: CellOptions): Promise<Measured> {
  const { config, facts } = context;
  if (job.model.format !== 'tflite') {
    throw new StudioError(
      'BAD_INPUT',
      `'${job.model.name}' is a ${job.model.format} model, but ${job.targetName} runs TFLite's benchmark_model: pick the model's .tflite variant (import one, or convert it with edgebench convert --to tflite).`,
      { model: job.model.name, target: job.targetName },
    );
  }
  const settings = BenchSettings.parse({ ...job.settings, warmupMinTimeMs: 0, minTimeMs: 0, maxTimeMs: 0, repeats: 1 });
  const plan = adbWindowPlan(settings, opts.reportModeOverride);
  const { cpus } = cpuMask(settings.cpus ?? config.cpus, facts.clusters, facts.serial);
  const cpuPinning = clusterPinning(settings.cpus, facts.clusters, facts.serial);
  const report = progressReporter(opts.onProgress);
  const signal = opts.signal;
  const call = { ...(signal ? { signal } : {}) };

  report('starting', 0, 1);
  const before = await readThermal(facts.serial, signal);
  report('starting', 1, 1);
  const windows: NativeToolResult[] = [];
  const runFile = (stop?: RunStop, extra: { profile?: RunFile['profile']; profiled?: NativeToolResult; notes?: RunWarning[]; environment?: RunFile['environment'] } = {}): RunFile => {
    const first = windows[0] as NativeToolResult;
    const peak = Math.max(0, ...windows.map((w) => w.memory?.peakBytes ?? w.memory?.overallFootprintBytes ?? 0));
    const notes: RunWarning[] = [
      {
        code: 'window-means',
        message: `Each sample is one benchmark_model process's mean latency (${windows.map((w) => w.latencyMs.count ?? plan.runsPerWindow).join(', ')} inferences): the tool prints a mean per process, not each inference, so the histogram shows ${windows.length} window means.`,
      },
      ...(facts.emulator
        ? [{ code: 'emulated-device', message: `This device (${facts.serial}) is the EdgeBench adb emulator: its benchmark_model is a labelled stand-in whose timings are modelled from the model's size, not measured on hardware.` }]
        : []),
      ...(extra.notes ?? []),
    ];
    const run = buildRunFile(
      {
        model: job.model,
        target: { kind: 'adb', name: job.targetName, hardware: hardwareOf(facts) },
        runtime: {
          name: facts.emulator ? 'benchmark_model (EdgeBench emulator stand-in)' : 'TFLite benchmark_model',
          version: context.binaryVersion,
          threads: settings.threads,
          backend: `${ADB_DELEGATE_LABELS[config.delegate]}, CPUs ${cpus.length > 0 ? cpus.join(',') : 'all (clusters unknown)'}`,
          ...(context.binaryRecord !== undefined ? { binary: context.binaryRecord } : {}),
        },
        ...(job.job !== undefined ? { job: job.job } : {}),
        settings,
      },
      {
        samplesMs: windows.map((w) => w.latencyMs.mean),
        inputs: job.inputsInfo.map((input) => ({ name: input.name, dtype: input.dtype, shape: (input.shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 1)), fill: 'random (benchmark_model)' })),
        initMs: first.initMs ?? 0,
        firstInferenceMs: first.firstInferenceMs ?? first.latencyMs.mean,
        memory: { peakRssBytes: peak, ...(first.memory?.initFootprintBytes !== undefined ? { modelLoadRssBytes: first.memory.initFootprintBytes } : {}), osPeakRssBytes: null },
        timerResolutionNs: TOOL_TIMER_RESOLUTION_NS,
        cores: Math.max(1, cpus.length),
        notApplicable: NOT_FOR_WINDOW_MEANS,
        ...(extra.environment !== undefined ? { environment: extra.environment } : {}),
        ...(extra.profile !== undefined ? { profile: extra.profile } : {}),
        notes,
      },
      stop,
    );
    const native = [first, ...(extra.profiled !== undefined ? [extra.profiled] : [])].map((result) => ({ ...result, raw: truncateRaw(result.raw) }));
    // A device that throttled during the run ran slower than it can: unstable, with the 'throttled' warning, as an SSH board's vcgencmd throttling is (ssh-target.ts).
    const throttled = run.environment?.throttled?.now === true;
    return { ...run, native, ...(throttled ? { verdict: 'unstable' as const } : {}), ...(cpuPinning !== undefined ? { cpuPinning } : {}) };
  };

  const timeoutFor = (runs: number): number => {
    const perRunMs = windows[0] === undefined ? FIRST_WINDOW_MS_PER_RUN : windows[0].latencyMs.mean * SLOWER_THAN_FIRST_WINDOW;
    return PROCESS_BASE_TIMEOUT_MS + plan.minWindowMs + Math.ceil((runs + settings.warmupRuns + 1) * perRunMs);
  };
  // A power meter on the device (--energy android) reads it through an adb shell of its own, from its idle baseline before the first window to after the last.
  attachBoardShell(opts.energy, adbRemoteShell(facts.serial, { adb: adbBinary(), boardName: facts.model }));
  try {
    await opts.energy?.beforeMeasure(signal);
    for (let index = 0; index < plan.windows; index++) {
      report('measuring', index, plan.windows);
      const line = benchmarkLine(context, settings, { runs: plan.runsPerWindow, minWindowMs: plan.minWindowMs, profile: false });
      windows.push(await runTool(context, line, { timeoutMs: timeoutFor(plan.runsPerWindow), call }));
    }
  } catch (error) {
    opts.energy?.dispose();
    if (!(error instanceof StudioError) || error.code === 'CANCELLED' || error.code === 'BAD_INPUT' || windows.length === 0) throw error;
    return partialOutcome(error, `the device stopped answering (${windows.length} of ${plan.windows} windows)`, (stop) => runFile(stop));
  }
  report('measuring', plan.windows, plan.windows);
  const energy = await opts.energy?.afterMeasure(windows.reduce((n, w) => n + (w.latencyMs.count ?? plan.runsPerWindow), 0));

  let profile: RunFile['profile'];
  let profiled: NativeToolResult | undefined;
  const notes: RunWarning[] = [];
  if (settings.profileRuns > 0) {
    report('profiling', 0, 1);
    try {
      profiled = await runTool(context, benchmarkLine(context, settings, { runs: settings.profileRuns, minWindowMs: 0, profile: true }), { timeoutMs: timeoutFor(settings.profileRuns), call });
      profile = await nativeRunProfile([profiled], 'tflite', job.modelPath);
    } catch (error) {
      if (!(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
      notes.push({ code: 'board-profile-failed', message: `The device measured the latencies but not the per-op profile: ${error.message}` });
    }
    report('profiling', 1, 1);
  }
  const after = await readThermal(facts.serial, signal).catch((error: unknown) => {
    if (error instanceof StudioError && error.code !== 'CANCELLED') return null;
    throw error;
  });
  const environment = after === null ? undefined : thermalEnvironment(before, after, facts.clusters);
  if (environment?.throttled?.now === true) {
    notes.push({
      code: 'throttled',
      message: `${facts.model} throttled itself during the run (${environment.throttled.raw}), so it ran slower than it can: let it cool down (off the charger, out of a case), then run again.`,
    });
  }
  report('saving', 0, 1);
  const run = runFile(undefined, { ...(profile !== undefined ? { profile } : {}), ...(profiled !== undefined ? { profiled } : {}), notes, ...(environment !== undefined ? { environment } : {}) });
  return { state: 'completed', run: energy === undefined ? run : { ...run, energy } };
}

/** One benchmark_model process; its parsed result, or a sentence saying why it gave none (the device gone, the tool's own error). */
async function runTool(context: AdbCellContext, line: string, options: { timeoutMs: number; call: { signal?: AbortSignal } }): Promise<NativeToolResult> {
  const { facts } = context;
  const result = await adbShell(facts.serial, line, { timeoutMs: options.timeoutMs, what: `running benchmark_model on ${facts.model}`, ...options.call });
  const output = `${result.stdout}${result.stderr}`;
  try {
    return { ...parseNativeToolOutput('benchmark_model', output), command: line };
  } catch (error) {
    if (!(error instanceof StudioError)) throw error;
    // No timings: the device went away mid-run, or the tool itself refused (its ERROR lines are in the message).
    await requireDevice(facts.serial, { timeoutMs: 10_000, what: 'checking the device is still there', ...options.call });
    if (/not executable: (32|64)-bit ELF|not executable: magic/.test(output)) {
      throw new StudioError('BAD_INPUT', `${basename(context.binary)} cannot run on ${facts.model} (${facts.abi}): the device says "${output.trim().split('\n').at(-1)}"; point the target's benchmark_model to the build for ${facts.abi}.`, { target: facts.serial });
    }
    throw new StudioError('RUNTIME', `${error.message} (on ${facts.model}, ${ADB_DELEGATE_LABELS[context.config.delegate]}, CPUs ${describeClusters(facts.clusters)})`, { target: facts.serial });
  }
}

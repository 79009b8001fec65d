/**
 * The verdict on a run and the warnings behind it. Each warning has a stable code and a message
 * that says what happened, what it means for the numbers and what to do about it.
 *
 * A run is `unstable` when at least one warning puts its numbers in doubt (UNSTABLE_WARNING_CODES):
 *   guessed-inputs (a symbolic dim ran at a size nobody gave: the numbers describe made-up
 *   inputs, however steady they are), high-variance, wide-ci, timer-resolution, few-samples,
 *   cpu-frequency-changed, temperature-changed, busy-system.
 * The others are informational and leave a run `stable`:
 *   slow-first-run (the first inference is kept apart from the measured runs),
 *   max-time-reached (fewer runs than planned; the runs measured are still sound, and
 *   few-samples or wide-ci fire on their own if they were too few).
 */
import { describeGuessedDims, type GuessedInput } from '../../shared/input-messages';
import type { BenchSettingKey } from '../../shared/plugins/bench-settings';
import { TARGET_KINDS, type TargetKind } from '../../shared/plugins/target-kinds';
import type { WordedMessage } from '../../shared/errors';
import { assign, eitherRemedy, joinWorded, remedy, renderRemedy, say, worded } from '../../shared/remedies';
import { PERCENTILE_MIN_SAMPLES, percentileSupported } from '../../shared/run-schema';
import type { BetweenRunEstimate, LatencyStats, PercentileName, RunEnvironment, RunFile, RunMode, RunWarning } from '../../shared/run-schema';
import { lacksVnni } from '../quantize/weight-range';

export const WARNING_CODES = [
  'guessed-inputs',
  'high-variance',
  'wide-ci',
  'slow-first-run',
  'timer-resolution',
  'few-samples',
  'cpu-frequency-changed',
  'temperature-changed',
  'busy-system',
  'max-time-reached',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** Warnings that make a run `unstable`; every other code is informational. */
export const UNSTABLE_WARNING_CODES: ReadonlySet<WarningCode> = new Set<WarningCode>([
  'guessed-inputs',
  'high-variance',
  'wide-ci',
  'timer-resolution',
  'few-samples',
  'cpu-frequency-changed',
  'temperature-changed',
  'busy-system',
]);

export interface BenchWarning extends RunWarning {
  code: WarningCode;
}

export type Verdict = RunFile['verdict'];

/** Coefficient of variation (stddev / mean) above which the machine was probably busy. */
export const HIGH_VARIANCE_CV = 0.1;
/** Half-width of the median's 95% confidence interval, as a share of the median, above which the median is too uncertain. */
export const WIDE_CI_SHARE = 0.02;
/** A first inference this many times the median is worth telling (lazy allocation, JIT, cold caches). */
export const SLOW_FIRST_RUN_FACTOR = 5;
/** The median must span this many timer steps, so one step's error stays below 0.1% of a sample. */
export const TIMER_RESOLUTION_FACTOR = 1000;
/** Fewer samples than this cannot be trusted at all. */
export const MIN_RELIABLE_SAMPLES = 10;
/** A change of the average CPU clock by more than this share between start and end of the run. */
export const CPU_FREQUENCY_CHANGE_SHARE = 0.1;
/** A temperature rise by more than this many °C during the run. */
export const TEMPERATURE_RISE_C = 5;
/** A 1-minute load average above this many runnable processes per core means others were competing. */
export const BUSY_LOAD_PER_CORE = 0.5;

export interface RunAssessmentInput {
  latency: LatencyStats;
  firstInferenceMs: number;
  /** Effective resolution of the clock that timed the samples (see estimateTimerResolutionNs). */
  timerResolutionNs: number;
  /** Readings around the run (see environmentBetween); absent where the target cannot tell. */
  environment?: RunFile['environment'];
  /** Cores of the target, to judge its load average. */
  cores: number;
  /** Set when --max-time stopped measuring before the planned --runs. */
  maxTimeReached?: { plannedRuns: number };
  /** Inputs with dims nobody gave a size for, and the --shape flags that would size them. */
  guessedInputs?: { inputs: readonly GuessedInput[]; suggestedFlags: readonly string[] };
  /** The kind of target that ran it: remedies name only the settings its runs honour (no thread count for a microcontroller). Default: this computer. */
  targetKind?: TargetKind;
  /** The run's mode: a report-mode run is not told to use report mode. Default quick. */
  mode?: RunMode;
  /** The thread count the run asked for (settings.threads; 0: the runtime's choice). A fixed count is not told to fix it. Default 0. */
  threads?: number;
  /** A simulated board: its latencies are this computer's invoke times scaled, so it is told about this computer, not a power supply. */
  simulated?: boolean;
}

export interface RunAssessment {
  verdict: Verdict;
  warnings: BenchWarning[];
}

/** Every warning that applies to the run, in WARNING_CODES order, and the verdict they lead to. */
export function assessRun(input: RunAssessmentInput): RunAssessment {
  const { latency, environment } = input;
  const target = measuredOn(input.targetKind ?? 'local', input);
  const warnings = [
    guessedInputs(input.guessedInputs),
    highVariance(latency, target),
    wideCi(latency, target),
    slowFirstRun(latency, input.firstInferenceMs),
    timerResolution(latency, input.timerResolutionNs),
    fewSamples(latency),
    cpuFrequencyChanged(environment?.cpuMHz),
    temperatureChanged(environment?.temperatureC),
    busySystem(environment, input.cores),
    maxTimeReached(latency, input.maxTimeReached),
  ].filter((w): w is BenchWarning => w !== undefined);
  return { verdict: verdictOf(warnings), warnings };
}

/** The warnings assessRun judges from the samples alone; a run pooled from repeats judges these again over all its samples. */
export const SAMPLE_WARNING_CODES: ReadonlySet<string> = new Set<WarningCode>(['high-variance', 'wide-ci', 'few-samples']);

/** The SAMPLE_WARNING_CODES warnings of `latency`, as assessRun gives them. */
export function sampleWarnings(
  latency: LatencyStats,
  targetKind: TargetKind = 'local',
  mode: RunMode = 'quick',
  run: { threads?: number; simulated?: boolean } = {},
): BenchWarning[] {
  const target = measuredOn(targetKind, { mode, ...run });
  return [highVariance(latency, target), wideCi(latency, target), fewSamples(latency)].filter(
    (w): w is BenchWarning => w !== undefined,
  );
}

/**
 * Informational: a model with full-range int8 weights on an x86 CPU without VNNI, where
 * onnxruntime's u8s8 kernels saturate (see src/core/quantize/weight-range.ts). Its latency is
 * real; its outputs are less accurate than the same variant's on a CPU with VNNI.
 */
export function int8SaturationWarning(weights: 'full' | 'reduced' | null, cpu: { arch: string; cpuFeatures: readonly string[] }): RunWarning | undefined {
  if (weights !== 'full' || !lacksVnni(cpu)) return undefined;
  return {
    code: 'int8-saturation',
    message:
      'This model has full-range int8 weights and ran on an x86 CPU without VNNI, where onnxruntime\'s int8 kernels saturate: its outputs lose accuracy here. ' +
      'Make the variant with weight range 7-bit (or auto, for this CPU) for such targets.',
  };
}

export function verdictOf(warnings: readonly { code: string }[]): Verdict {
  return warnings.some((w) => UNSTABLE_WARNING_CODES.has(w.code as WarningCode) || w.code === BETWEEN_RUN_WARNING) ? 'unstable' : 'stable';
}

/**
 * A run with repeats whose repeats disagree (see between-run.ts): unstable. Not one of
 * WARNING_CODES, which are what assessRun judges from one set of samples.
 */
export const BETWEEN_RUN_WARNING = 'between-run-variation';

/** Steal time above this share of CPU time in a repeat is named as a likely cause. */
export const STEAL_CAUSE_SHARE = 0.02;

/**
 * The warning of repeats that disagree: their medians' range and the likely causes the repeats'
 * environments show (read defensively: a target records what it can). Undefined when they agree.
 */
export function betweenRunWarning(estimate: BetweenRunEstimate, environments: ReadonlyArray<RunEnvironment | undefined>): RunWarning | undefined {
  if (!estimate.disagree) return undefined;
  const causes = betweenRunCauses(environments);
  const seen = causes.length === 0 ? 'The repeats recorded nothing that explains it.' : `Likely causes seen in the repeats: ${causes.join('; ')}.`;
  const text = worded`between-run variation: the medians of ${estimate.repeats} fresh runs range ${shortMs(estimate.rangeMs.min)}–${shortMs(estimate.rangeMs.max)} ms; this machine does not hold a steady speed. ${seen} Compare runs by their between-run CI, not the within-run one; ${say('raise', 'raise the number in')} ${remedy('repeats')} for a firmer between-run CI, and fix the causes (a fixed CPU governor, an idle machine, a cool board) before trusting a small difference.`;
  return { code: BETWEEN_RUN_WARNING, message: text.message, wording: text.wording };
}

/** What differed between the repeats' environments, each as a phrase. */
export function betweenRunCauses(environments: ReadonlyArray<RunEnvironment | undefined>): string[] {
  const envs = environments.filter((e): e is RunEnvironment => e !== undefined);
  const causes: string[] = [];
  const clocks = envs.flatMap((e) => (e.cpuMHz !== undefined && e.cpuMHz.start > 0 ? [e.cpuMHz.start, e.cpuMHz.end] : []));
  if (clocks.length > 0) {
    const low = Math.min(...clocks);
    const high = Math.max(...clocks);
    if ((high - low) / high > CPU_FREQUENCY_CHANGE_SHARE) causes.push(`the CPU clock changed between repeats (${Math.round(low)}–${Math.round(high)} MHz)`);
  }
  const governors = [...new Set(envs.flatMap((e) => (typeof e.governor === 'string' ? [e.governor] : [])))].filter((g) => g !== 'performance');
  if (governors.length > 0) causes.push(`the CPU governor ${governors.join(', ')} lets the clock change`);
  const steal = Math.max(0, ...envs.map((e) => e.stealShare ?? 0));
  if (steal > STEAL_CAUSE_SHARE) causes.push(`the hypervisor stole up to ${percent(steal, 1)} of CPU time (steal time)`);
  const busy = distinctProcesses(envs.flatMap((e) => e.busyProcesses ?? []));
  if (busy.length > 0) causes.push(`other processes used the CPU: ${busy.slice(0, 5).join(', ')}`);
  const temperatures = envs.flatMap((e) => (e.temperatureC !== undefined ? [e.temperatureC.start, e.temperatureC.end] : []));
  if (temperatures.length > 0 && Math.max(...temperatures) - Math.min(...temperatures) > TEMPERATURE_RISE_C) {
    causes.push(`the temperature ranged ${Math.min(...temperatures).toFixed(1)}–${Math.max(...temperatures).toFixed(1)} °C`);
  }
  if (envs.some((e) => e.throttled?.now === true)) causes.push('the board throttled itself');
  return causes;
}

/**
 * Busy processes seen by several repeats, each once: "node (pid 12, 166% of a core)" and
 * "node (pid 12, 132% of a core)" are one process (the first reading is kept).
 */
export function distinctProcesses(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = name.replace(/\(pid (\d+)[^)]*\)$/, '(pid $1)');
    if (!seen.has(key)) seen.set(key, name);
  }
  return [...seen.values()];
}

/** Three significant digits, trailing zeros dropped: 0.0242, 1.3, 12.4. */
function shortMs(valueMs: number): string {
  return String(Number(valueMs.toPrecision(3)));
}

function guessedInputs(guessed: RunAssessmentInput['guessedInputs']): BenchWarning | undefined {
  if (guessed === undefined || guessed.inputs.length === 0) return undefined;
  const examples = guessed.suggestedFlags.map((flag) => remedy('shape', flag.replace(/^--shape /, '')));
  const example = examples.length === 0 ? worded`` : worded` (e.g. ${joinWorded(examples, say(' ', ', '))})`;
  return warning(
    'guessed-inputs',
    worded`Input sizes were guessed, not given: ${describeGuessedDims(guessed.inputs)}. These latencies are for inputs nobody chose and may say nothing about real use. ${say('Give the sizes your application uses with', 'Set the sizes your application uses under')} ${eitherRemedy(remedy('shape'), remedy('dim'))}${example}${say(`, or save them with the model (${renderRemedy({ setting: 'saved-sizes' }, 'cli') ?? ''})`, ', which saves them with the model')}.`,
  );
}

/** What ran the run, as far as advice depends on it. */
interface MeasuredOn {
  /** An application CPU (other programs and thread scheduling add noise), not a microcontroller. */
  computer: boolean;
  /** The settings its kind's runs honour. */
  honoured: ReadonlySet<BenchSettingKey>;
  mode: RunMode;
  /** The run asked for a fixed thread count (not the runtime's choice). */
  fixedThreads: boolean;
  /** A simulated board (timed on this computer). */
  simulated: boolean;
}

/** What the run ran on and with, as the advice needs it. */
function measuredOn(targetKind: TargetKind, options: { mode?: RunMode; threads?: number; simulated?: boolean }): MeasuredOn {
  const kind = TARGET_KINDS[targetKind];
  return {
    computer: kind.processor === 'computer',
    honoured: new Set(kind.benchSettings),
    mode: options.mode ?? 'quick',
    fixedThreads: (options.threads ?? 0) > 0,
    simulated: options.simulated ?? false,
  };
}

/** How to measure longer: more runs, and report mode unless the run already used it (then more repeats, where the target has them). */
function measureLonger(target: MeasuredOn, verb: { cli: string; ui: string }): WordedMessage {
  if (target.mode !== 'report') return worded`${say(verb.cli, verb.ui)} ${remedy('runs')} or ${say('use', 'set')} ${assign('mode', 'report')}`;
  return target.honoured.has('repeats')
    ? worded`${say(verb.cli, verb.ui)} ${remedy('runs')} or ${say('raise', 'the number in')} ${remedy('repeats')}`
    : worded`${say(verb.cli, verb.ui)} ${remedy('runs')}`;
}

/**
 * A computer's noise comes from other programs and thread scheduling (a run that already fixed its
 * thread count is not told to fix it); a real microcontroller has neither, so its power supply is
 * the suspect; a simulated board is timed on this computer, so it gets this computer's advice.
 */
function highVariance(latency: LatencyStats, target: MeasuredOn): BenchWarning | undefined {
  if (!(latency.cv > HIGH_VARIANCE_CV)) return undefined;
  const facts = `Latency varied a lot between runs: the standard deviation is ${percent(latency.cv)} of the mean (more than ${percent(HIGH_VARIANCE_CV)}).`;
  const longer = measureLonger(target, { cli: 'raise', ui: 'raise the number in' });
  const text = target.simulated
    ? worded`${facts} The simulated board times its invokes on this computer: close other programs, and ${longer}.`
    : !target.computer
      ? worded`${facts} Check the board's power supply, and ${longer}.`
      : target.honoured.has('threads') && !target.fixedThreads
        ? worded`${facts} Close other programs, set a fixed thread count ${say('with', 'in')} ${remedy('threads')}, and ${longer}.`
        : worded`${facts} Close other programs, and ${longer}.`;
  return warning('high-variance', text);
}

function wideCi(latency: LatencyStats, target: MeasuredOn): BenchWarning | undefined {
  const halfWidth = (latency.medianCi95.high - latency.medianCi95.low) / 2;
  if (!(halfWidth > WIDE_CI_SHARE * latency.median)) return undefined;
  const share = latency.median > 0 ? `±${percent(halfWidth / latency.median, 1)} of the median` : 'wider than the median itself';
  return warning(
    'wide-ci',
    worded`The median is uncertain: its 95% confidence interval is ${ms(latency.medianCi95.low)} to ${ms(latency.medianCi95.high)}, ${share} (more than ±${percent(WIDE_CI_SHARE)}). ${measureLonger(target, { cli: 'Raise', ui: 'Raise the number in' })} to narrow it.`,
  );
}

function slowFirstRun(latency: LatencyStats, firstInferenceMs: number): BenchWarning | undefined {
  if (!(latency.median > 0 && firstInferenceMs > SLOW_FIRST_RUN_FACTOR * latency.median)) return undefined;
  return {
    code: 'slow-first-run',
    message:
      `The first inference took ${ms(firstInferenceMs)}, ${(firstInferenceMs / latency.median).toFixed(1)}× the median. ` +
      'It is kept apart from the measured runs, so the statistics are not affected; expect this delay once after ' +
      'every model load in your application too (or do one throwaway inference at startup).',
  };
}

function timerResolution(latency: LatencyStats, timerResolutionNs: number): BenchWarning | undefined {
  const medianNs = latency.median * 1e6;
  if (!(medianNs < TIMER_RESOLUTION_FACTOR * timerResolutionNs)) return undefined;
  const error = medianNs > 0 ? `up to ${percent(timerResolutionNs / medianNs, 1)} of a sample` : 'larger than the samples';
  return warning(
    'timer-resolution',
    worded`The median latency (${ms(latency.median)}) is shorter than ${TIMER_RESOLUTION_FACTOR}× the timer's resolution (${timerResolutionNs} ns), so each sample's timing error is ${error}. Give each inference more work (a larger batch or input${say(' with', ', set under')} ${remedy('shape')}) or compare these numbers only roughly.`,
  );
}

function fewSamples(latency: LatencyStats): BenchWarning | undefined {
  if (latency.count >= MIN_RELIABLE_SAMPLES) return undefined;
  const hidden = (Object.keys(PERCENTILE_MIN_SAMPLES) as PercentileName[]).filter(
    (name) => !percentileSupported(name, latency.count),
  );
  const hiddenText = hidden.map((name) => `${name} (needs ${PERCENTILE_MIN_SAMPLES[name]})`).join(', ');
  const shown = hiddenText === '' ? '' : `, and ${hiddenText} ${hidden.length === 1 ? 'is' : 'are'} shown as "too few samples"`;
  return warning(
    'few-samples',
    worded`Only ${latency.count} run${latency.count === 1 ? ' was' : 's were'} measured; fewer than ${MIN_RELIABLE_SAMPLES} samples cannot be trusted${shown}. ${say('Raise', 'Raise the number in')} ${remedy('runs')} or ${say('', 'the time in ')}${remedy('minTimeMs')}.`,
  );
}

function cpuFrequencyChanged(cpuMHz: { start: number; end: number } | undefined): BenchWarning | undefined {
  if (cpuMHz === undefined || !(cpuMHz.start > 0)) return undefined;
  const change = (cpuMHz.end - cpuMHz.start) / cpuMHz.start;
  if (!(Math.abs(change) > CPU_FREQUENCY_CHANGE_SHARE)) return undefined;
  return {
    code: 'cpu-frequency-changed',
    message:
      `The CPU clock changed from ${Math.round(cpuMHz.start)} MHz to ${Math.round(cpuMHz.end)} MHz during the run ` +
      `(${signedPercent(change)}), so early and late samples are not comparable. Set the CPU frequency governor to ` +
      '"performance" (cpupower frequency-set -g performance), check the power supply, let the board cool down, and run again.',
  };
}

function temperatureChanged(temperatureC: { start: number; end: number } | undefined): BenchWarning | undefined {
  if (temperatureC === undefined) return undefined;
  const riseC = temperatureC.end - temperatureC.start;
  if (!(riseC > TEMPERATURE_RISE_C)) return undefined;
  return warning(
    'temperature-changed',
    worded`The CPU warmed from ${temperatureC.start.toFixed(1)} °C to ${temperatureC.end.toFixed(1)} °C during the run (+${riseC.toFixed(1)} °C), so it may have slowed itself down. Let the board cool down (a heatsink or fan helps), or warm it up first ${say('with a longer', 'with more runs in')} ${remedy('warmupRuns')}, and run again.`,
  );
}

/**
 * Only processes seen using the CPU during measuring (our runner excluded) count: the load
 * average also counts our own runner's warmup and the matrix's earlier cells, so on its own it
 * raised false alarms; it is quoted as context when there is real competition.
 */
function busySystem(environment: RunFile['environment'], cores: number): BenchWarning | undefined {
  const load = environment?.loadAverage;
  const busyProcesses = environment?.busyProcesses ?? [];
  if (busyProcesses.length === 0) return undefined;
  const facts = [`other processes were using the CPU: ${busyProcesses.join(', ')}`];
  if (load !== undefined && load > cores * BUSY_LOAD_PER_CORE) facts.push(`the 1-minute load average was ${load.toFixed(2)} on ${cores} cores`);
  return {
    code: 'busy-system',
    message: `The machine was busy during the run: ${facts.join('; ')}. Competing work makes latency slower and noisier. Close ${busyProcesses
      .map((p) => p.replace(/ \(pid .*$/, ''))
      .join(', ')} and run again.`,
  };
}

function maxTimeReached(latency: LatencyStats, reached: { plannedRuns: number } | undefined): BenchWarning | undefined {
  if (reached === undefined) return undefined;
  return warning(
    'max-time-reached',
    worded`Measuring stopped at ${say('', 'the time limit in ')}${remedy('maxTimeMs')} after ${latency.count} of the planned ${reached.plannedRuns} runs; the statistics use the ${latency.count} runs measured. ${say('Raise', 'Raise the time in')} ${remedy('maxTimeMs')} or ${say('lower', 'lower the number in')} ${remedy('runs')} to measure every planned run.`,
  );
}

function warning(code: WarningCode, text: WordedMessage): BenchWarning {
  return { code, message: text.message, wording: text.wording };
}

function ms(valueMs: number): string {
  const digits = valueMs >= 100 ? 1 : valueMs >= 1 ? 2 : 4;
  return `${valueMs.toFixed(digits)} ms`;
}

function percent(ratio: number, digits = 0): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

function signedPercent(ratio: number): string {
  return `${ratio > 0 ? '+' : '−'}${percent(Math.abs(ratio))}`;
}

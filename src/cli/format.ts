/** Human-readable output for the CLI (the --json output is the data itself). */
import { acceleratorLines } from '../shared/runtimes';
import { energyLines } from '../shared/energy';
import { givenAsFlags, guessedInputsOfRun } from '../shared/input-messages';
import { describeClusterStates, describeCpuPinning } from '../shared/cpu-pinning';
import { formatSizes } from '../shared/input-plan';
import { messageFor } from '../shared/remedies';
import type { Dim, ModelInfo, TensorInfo } from '../shared/model-info';
import { PERCENTILE_MIN_SAMPLES, percentileSupported, type PercentileName, type RunFile } from '../shared/run-schema';

// Milliseconds read as in the studio and its reports (src/shared/units): one formatter for every front-end.
import { formatBytes, formatMs, NOT_MEASURED_ON_BOARD } from '../shared/units';

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function formatShape(shape: Dim[] | null): string {
  if (!shape) return '(unknown rank)';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function formatTensor(t: TensorInfo): string {
  return `    ${t.name}  ${t.dtype}  ${formatShape(t.shape)}`;
}

export function formatModelInfo(path: string, info: ModelInfo): string {
  const ops = Object.entries(info.ops)
    .sort((a, b) => b[1] - a[1])
    .map(([op, count]) => `${op}×${count}`)
    .join('  ');
  const lines = [
    `${path}`,
    `  format      ${info.format}${info.formatVersion ? ` (${info.formatVersion})` : ''}`,
    `  producer    ${info.producer ?? 'unknown'}`,
    `  size        ${formatBytes(info.sizeBytes)}   sha256 ${info.sha256}`,
    `  parameters  ${formatCount(info.parameters)}   MACs ${formatCount(info.macs)}`,
    `  inputs`,
    ...info.inputs.map(formatTensor),
    `  outputs`,
    ...info.outputs.map(formatTensor),
    `  ops         ${ops || '(none)'}`,
    ...info.notes.map((note) => `  note        ${note}`),
  ];
  return lines.join('\n');
}

/** A percentile, or "too few samples" below the count MLPerf asks for. */
function formatPercentile(name: PercentileName, value: number, count: number): string {
  return percentileSupported(name, count) ? formatMs(value) : `(too few samples, needs ${PERCENTILE_MIN_SAMPLES[name]})`;
}

export function formatRun(run: RunFile): string {
  const l = run.latencyMs;
  const threads = run.runtime.threads === 0 ? 'auto' : String(run.runtime.threads);
  const reported = run.report
    ? `  reported median ${formatMs(run.report.medianOfWindowsMs)} (median of ${run.report.windows.length} windows' medians: ${run.report.windows.map((w) => formatMs(w.medianMs)).join(', ')})`
    : null;
  const lines = [
    `${run.model.name} (${run.model.format}, ${formatBytes(run.model.sizeBytes)}) on ${run.target.name}: ${run.runtime.name} ${run.runtime.version} (${run.runtime.backend}), threads ${threads}: ${run.verdict.toUpperCase()}${guessedInputsOfRun(run.inputs).length > 0 ? ' (INPUT SIZES GUESSED)' : ''}`,
    `  runs ${l.count} after ${run.settings.warmupRuns} warmup   init ${formatMs(run.initMs)}   first inference ${formatMs(run.firstInferenceMs)}`,
    ...(describeCpuPinning(run) !== null ? [`  cpus ${describeCpuPinning(run)}`, ...describeClusterStates(run.environment).map((line) => `    ${line}`)] : []),
    ...(reported ? [reported] : []),
    ...(run.betweenRun ? [formatBetweenRun(run.betweenRun)] : []),
    `  median ${formatMs(l.median)} (95% CI ${formatMs(l.medianCi95.low)} to ${formatMs(l.medianCi95.high)})   mean ${formatMs(l.mean)}   CV ${(l.cv * 100).toFixed(1)}%`,
    `  p90 ${formatPercentile('p90', l.p90, l.count)}   p95 ${formatPercentile('p95', l.p95, l.count)}   p99 ${formatPercentile('p99', l.p99, l.count)}`,
    `  min ${formatMs(l.min)}   max ${formatMs(l.max)}   stddev ${formatMs(l.stddev)}   outliers ${l.outliers.madZ} (MAD)   ${l.throughputPerSec.toFixed(0)} inferences/s`,
    ...formatInputs(run),
    // A simulated board has no process or RAM: its reported figure is the arena estimate plus the model's bytes.
    run.boardMemory?.simulated === true
      ? `  peak RSS ${NOT_MEASURED_ON_BOARD} (SIMULATED: the board reports the studio's arena estimate plus the model)`
      : `  peak RSS ${formatBytes(run.memory.peakRssBytes)}${run.memory.modelLoadRssBytes !== undefined ? `   model load +${formatBytes(run.memory.modelLoadRssBytes)}` : ''}`,
    ...(run.boardMemory ? [formatBoardMemory(run.boardMemory)] : []),
    ...(run.profile ? [formatProfile(run.profile)] : []),
    ...(run.energy ? energyLines(run.energy) : []),
    ...(run.accelerator ? acceleratorLines(run.accelerator).map((line) => `  accelerator: ${line}`) : []),
    ...run.warnings.map((w) => `  warning: ${messageFor(w, 'cli')}`),
  ];
  return lines.join('\n');
}

/** A run with repeats: the median of the repeats' medians and its between-run 95% CI, beside the within-run figures below it. */
function formatBetweenRun(b: NonNullable<RunFile['betweenRun']>): string {
  const ci = b.ci95 === null ? 'no between-run CI: too few fresh runs' : `between-run 95% CI ${formatMs(b.ci95.low)} to ${formatMs(b.ci95.high)}`;
  const disagree = b.disagree ? '   the runs disagree beyond their own CIs' : '';
  return `  between-run median ${formatMs(b.medianMs)} over ${b.repeats} fresh runs (${ci})   range ${formatMs(b.rangeMs.min)} to ${formatMs(b.rangeMs.max)}${disagree}`;
}

/** One line of the inputs the run built, each guessed dim named; the saved sizes it used, if any. */
function formatInputs(run: RunFile): string[] {
  if (run.inputs.length === 0) return [];
  const inputs = run.inputs.map((input) => {
    const guessed = (input.guessedDims ?? []).map((dim) => `dim ${dim.index + 1}`);
    if (input.rankGuessed) guessed.unshift('rank');
    return `${input.name} ${input.dtype} ${input.shape.length === 0 ? "scalar" : formatSizes(input.shape)} ${input.fill}${guessed.length > 0 ? ` (GUESSED: ${guessed.join(', ')})` : ''}`;
  });
  const lines = [`  inputs  ${inputs.join('; ')}`];
  if (run.savedInputs !== undefined) lines.push(`  inputs saved with the model (flags take precedence): ${givenAsFlags(run.savedInputs)}`);
  return lines;
}

function formatProfile(profile: NonNullable<RunFile['profile']>): string {
  const top = profile.ops
    .slice(0, 5)
    .map((op) => `${op.opType} ${(op.share * 100).toFixed(0)}%`)
    .join(', ');
  if (profile.source === 'board' || profile.source === 'benchmark_model') {
    const who = profile.source === 'board' ? (profile.simulated ? "SIMULATED board's cost model" : "board's TFLM profiler") : 'benchmark_model op profiling';
    return `  per-op profile (${profile.runs} runs, ${who}): ${formatMs(profile.runtimeMedianMs)} per run in ops; by op: ${top}`;
  }
  return `  profile (${profile.runs} runs): onnxruntime's own time ${formatMs(profile.runtimeMedianMs)} vs wall ${formatMs(profile.wallMedianMs)}; by op: ${top}`;
}

/** "arena used 9.8 KiB of 256.0 KiB (board)   estimate 10.1 KiB": measured beside the fit estimate, SIMULATED when it is the simulated board's. */
function formatBoardMemory(board: NonNullable<RunFile['boardMemory']>): string {
  const used = board.arenaUsedBytes === null ? 'not measured' : `${formatBytes(board.arenaUsedBytes)}${board.arenaCapacityBytes !== null ? ` of ${formatBytes(board.arenaCapacityBytes)}` : ''}`;
  const source = board.simulated ? 'SIMULATED: the planner estimate' : 'measured by the board';
  const estimate = board.arenaEstimateBytes === null ? 'no estimate' : `estimate ${formatBytes(board.arenaEstimateBytes)}`;
  return `  tensor arena used ${used} (${source})   ${estimate}`;
}

/** A one-line progress bar for a TTY: "[#####.....] measuring 50/100". */
export function progressLine(phase: string, completed: number, total: number, fraction: number, repeat?: { index: number; of: number }): string {
  const width = 24;
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  const count = total > 0 ? ` ${completed}/${total}` : '';
  const process = repeat === undefined || repeat.of <= 1 ? '' : ` (repeat ${repeat.index}/${repeat.of})`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${phase}${count}${process}`;
}

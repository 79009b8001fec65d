/**
 * What a board run says about its tensor arena and per-op time, in the studio's words: the fit
 * card's estimate beside what the board reported (TFLM's arena_used_bytes), "not measured" where
 * the board did not report it, and SIMULATED wherever the figure is the simulated board's model
 * rather than a measurement. Pure, so the run detail and its tests read the same sentences.
 */
import type { RunFile } from '../../shared/run-schema';
import { formatBytes, formatMs } from '../../shared/units';

export const NOT_MEASURED_TEXT = 'not measured';
export const SIMULATED_TAG = 'SIMULATED';

export interface ArenaRow {
  label: string;
  value: string;
  /** measured: the board's own figure; simulated: the simulated board's model; estimate: the studio's; missing: not reported. */
  tone: 'measured' | 'simulated' | 'estimate' | 'missing';
  hint: string;
  testId: string;
}

export interface BoardArena {
  rows: ArenaRow[];
  /** One sentence under the rows: how far the estimate was off, or why there is no measurement. */
  note: string;
}

/** The arena card of a board run; null for a run that is not on a board. */
export function boardArena(run: RunFile): BoardArena | null {
  const board = run.boardMemory;
  if (board === undefined) {
    if (run.target.kind !== 'serial') return null;
    return {
      rows: [
        { label: 'Estimate', value: 'not in this run', tone: 'missing', hint: 'runs of boards record the fit estimate from EdgeBench firmware runs on', testId: 'arena-estimate' },
        { label: 'Used on the board', value: NOT_MEASURED_TEXT, tone: 'missing', hint: 'the board did not report its tensor arena', testId: 'arena-used' },
      ],
      note:
        run.runtime.name === 'tflite-micro'
          ? 'This run file is from before boards recorded their arena; benchmark the model again to see the arena the board used.'
          : 'This firmware does not report the tensor arena it used (MLPerf Tiny firmware has no such message); the EdgeBench firmware does.',
    };
  }
  const estimate = board.arenaEstimateBytes;
  const used = board.arenaUsedBytes;
  const capacity = board.arenaCapacityBytes === null ? '' : ` of ${formatBytes(board.arenaCapacityBytes)}`;
  const rows: ArenaRow[] = [
    {
      label: 'Estimate (fit card)',
      value: estimate === null ? 'no estimate' : formatBytes(estimate),
      tone: 'estimate',
      hint: "the studio's plan of the arena from the .tflite alone, as the Devices page's fit card shows it",
      testId: 'arena-estimate',
    },
    used === null
      ? { label: 'Used on the board', value: NOT_MEASURED_TEXT, tone: 'missing', hint: 'the board did not report its tensor arena', testId: 'arena-used' }
      : board.simulated
        ? {
            label: `Used on the board (${SIMULATED_TAG})`,
            value: `${formatBytes(used)}${capacity}`,
            tone: 'simulated',
            hint: "the simulated board reports the studio's planner estimate as its arena: a model, not a measurement",
            testId: 'arena-used',
          }
        : {
            label: 'Used on the board (measured)',
            value: `${formatBytes(used)}${capacity}`,
            tone: 'measured',
            hint: "TFLite Micro's MicroInterpreter::arena_used_bytes() after AllocateTensors, as the firmware reported it",
            testId: 'arena-used',
          },
  ];
  return { rows, note: arenaNote(estimate, used, board.simulated) };
}

function arenaNote(estimate: number | null, used: number | null, simulated: boolean): string {
  if (used === null) return 'The board did not report the arena it used, so only the estimate is known.';
  if (simulated) return 'The simulated board has no TFLite Micro inside: the arena it reports is the estimate itself. Run on a real board to measure it.';
  if (estimate === null) return 'No estimate could be made for this model; the board’s figure is the measurement.';
  const diff = used - estimate;
  const pct = estimate > 0 ? Math.round((diff / estimate) * 100) : 0;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  return `The board used ${sign}${formatBytes(Math.abs(diff))} (${sign}${Math.abs(pct)} %) against the estimate.`;
}

type Profile = NonNullable<RunFile['profile']>;

/** The line above a profile's tables for a board's or benchmark_model's profile (onnxruntime's keeps its boundary line); null for onnxruntime. */
export function profileSourceLine(profile: Profile): string | null {
  if (profile.source === 'board') {
    const who = profile.simulated
      ? `${SIMULATED_TAG}: the simulated board's cost model split its modelled latency over the ops (not measured per op)`
      : "the board's own TFLite Micro profiler (ticks per op, protocol v2)";
    return `Per-op time from ${who}: ${formatMs(profile.runtimeMedianMs)} per invoke in ops, mean over ${profile.runs} profiled runs taken after measuring.`;
  }
  if (profile.source === 'benchmark_model') {
    return `Per-op time from benchmark_model's op profiling on the board: ${formatMs(profile.runtimeMedianMs)} per run in ops, mean over ${profile.runs} profiled runs.`;
  }
  return null;
}

/** Why a board run has no per-op profile; null when the run is not on a board. */
export function boardProfileMissing(run: RunFile): string | null {
  if (run.target.kind !== 'serial') return null;
  const version = run.boardMemory?.protocolVersion;
  if (run.runtime.name !== 'tflite-micro') return 'No op profile in this run: this firmware reports no per-op time.';
  if (version === undefined || version < 2) {
    return 'No op profile in this run: the board speaks EdgeBench protocol version 1, which reports no per-op time; flash the version 2 firmware (resources/firmware/esp32-tflm) to see it.';
  }
  if (run.settings.profileRuns === 0) return 'No op profile in this run: its profile runs were set to 0 (Advanced, Profile runs).';
  return 'No op profile in this run: the board did not return one (see the warnings).';
}

/** The fit card's line for a model's newest board run: what the board reported, beside the estimate above it. */
export function measuredArenaLine(run: RunFile): string {
  const board = run.boardMemory;
  const where = `on ${run.target.name}`;
  if (board === undefined || board.arenaUsedBytes === null) return `Arena used ${where}: ${NOT_MEASURED_TEXT} (the board did not report it).`;
  const used = formatBytes(board.arenaUsedBytes);
  if (board.simulated) return `Arena used ${where}: ${used} (${SIMULATED_TAG}: the simulated board reports the estimate; a real board measures it).`;
  return `Arena used ${where}: ${used}, measured by TensorFlow Lite Micro (arena_used_bytes) in the newest run.`;
}

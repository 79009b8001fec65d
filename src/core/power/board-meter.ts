/**
 * A power meter on the board itself: its tool (board-readers.ts) runs in the board's shell from
 * just before the idle baseline until just after the timed runs, while the runner measures over
 * its own channel; its readings are cut to the baseline's and the runs' windows and handed to
 * energy-math.
 *
 * Two clocks meet here. The readings carry the board's clock; the window's edges are this
 * computer's (runLocalBenchmark calls beforeMeasure and afterMeasure). The offset between them is
 * the smallest (arrival − board time) over all readings, the reading that crossed the link
 * fastest, as NTP estimates a clock offset; the edges then sit within the link's one-way latency
 * of where the board saw them, which the runner's own replies are subject to as well.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { StudioError } from '../../shared/errors';
import type { EnergyWindow, RunEnergy } from '../../shared/energy';
import type { CellEnergyMeter } from './cell-meter';
import { alignCounterReadings, energyPerInference, traceBetween, type EnergyTrace, type PowerSample } from './energy-math';
import { MARK, missingToolMessage, type BoardPowerReader, type BoardReading } from './board-readers';
import type { RemoteShell, RemoteStream } from './remote-shell';

export interface BoardMeterOptions {
  intervalMs: number;
  idleMs: number;
  /** 'cell' where the target's timed runs include what it cannot separate (benchmark_model's own start and warmup per window); default 'measured'. */
  window?: EnergyWindow;
  /** How long the tool may take to print its first reading; default 5 s plus three intervals. */
  firstReadingMs?: number;
}

interface Reading {
  /** The board's clock, ms. */
  boardMs: number;
  /** This computer's clock (performance.now) when the reading arrived. */
  arrivedMs: number;
  reading: BoardReading;
}

/** A meter that is read through a board's shell: the target attaches the shell before the cell runs. */
export interface BoardCellMeter extends CellEnergyMeter {
  attachShell(shell: RemoteShell): void;
}

/** The lines of one reading's block as they arrive, and the readings made of them. */
class BlockCollector {
  readonly readings: Reading[] = [];
  /** The first reading's failure: the board's tool printed something that is not a reading. */
  failure: StudioError | undefined;
  private block: string[] | null = null;
  private boardMs: number | null = null;
  private waiters: Array<() => void> = [];

  constructor(private readonly reader: BoardPowerReader) {}

  line(line: string, arrivedMs: number): void {
    if (line.startsWith(`${MARK}t=`)) {
      const ns = line.slice(`${MARK}t=`.length).trim();
      // date +%s%N: ns since the epoch, beyond a double's exact range; µs kept exactly.
      this.boardMs = /^\d+$/.test(ns) ? Number(BigInt(ns) / 1000n) / 1000 : null;
      this.block = [];
      return;
    }
    if (line === `${MARK}end`) {
      if (this.block !== null) this.finish(this.block, arrivedMs);
      this.block = null;
      return;
    }
    if (this.block !== null) this.block.push(line);
    else if (line.startsWith(MARK)) this.reader.header(line);
  }

  private finish(lines: string[], arrivedMs: number): void {
    try {
      const reading = this.reader.read(lines);
      // The tool's own time of reading where it gives one (on its own clock, the same for every reading); else the
      // date after it answered; a board whose date cannot print nanoseconds: the arrival time stands in (said in a note).
      const own = 'atMs' in reading ? reading.atMs : undefined;
      // The same snapshot served again (read sooner than the tool refreshes) is not a new reading.
      if (own === undefined || own !== this.readings.at(-1)?.boardMs) this.readings.push({ boardMs: own ?? this.boardMs ?? arrivedMs, arrivedMs, reading });
    } catch (error) {
      // The first reading fixes the rails: if it fails, the meter cannot start; later ones are left out (the count shows it).
      if (this.readings.length === 0) this.failure ??= error instanceof StudioError ? error : new StudioError('BAD_INPUT', String(error));
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  get boardClockMissing(): boolean {
    return this.readings.some((r) => r.boardMs === r.arrivedMs);
  }

  /** Resolves at the next reading (or failure). */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export function boardCellMeter(reader: BoardPowerReader, options: BoardMeterOptions): BoardCellMeter {
  let shell: RemoteShell | undefined;
  let stream: RemoteStream | undefined;
  let collector: BlockCollector | undefined;
  let idleFrom = 0;
  let loadFrom = 0;
  const firstReadingMs = options.firstReadingMs ?? 5000 + 3 * options.intervalMs;

  /** Waits until `done()` or the stream ends or `ms` pass; false when it did not happen. */
  const waitFor = async (done: () => boolean, ms: number, signal?: AbortSignal): Promise<boolean> => {
    const deadline = performance.now() + ms;
    let ended = false;
    void stream?.ended.then(() => (ended = true));
    while (!done() && !ended && collector?.failure === undefined) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await Promise.race([collector?.next(), sleep(Math.min(left, 50), undefined, { signal }), stream?.ended]);
    }
    return done();
  };

  const startFailure = async (): Promise<StudioError> => {
    const board = shell?.boardName ?? 'the board';
    if (collector?.failure !== undefined) return collector.failure;
    const end = await Promise.race([stream?.ended, sleep(200).then(() => undefined)]);
    if (end !== undefined) {
      if (end.code === 127 || end.stderr.includes(`${MARK}missing=`)) return new StudioError('BAD_INPUT', reader.missingMessage?.(board) ?? missingToolMessage(reader.source, board), { source: reader.source, target: board });
      const said = end.stderr.trim().split('\n').at(-1) ?? '';
      return new StudioError('BAD_INPUT', `${reader.tool} stopped on ${board} before its first reading${said === '' ? '' : ` ('${said.slice(0, 160)}')`}; run it there by hand to see why.`, { source: reader.source, target: board });
    }
    return new StudioError('BAD_INPUT', `${reader.tool} printed no reading on ${board} within ${Math.round(firstReadingMs / 1000)} s; run it there by hand to see why.`, { source: reader.source, target: board });
  };

  return {
    attachShell(given) {
      shell = given;
    },
    async beforeMeasure(signal) {
      if (shell === undefined) throw new StudioError('INTERNAL', `The ${reader.source} meter was started without the board's shell.`);
      const blocks = new BlockCollector(reader);
      collector = blocks;
      stream = await shell.stream(reader.command(options.intervalMs), (line) => blocks.line(line, performance.now()), `reading ${reader.tool}`);
      if (!(await waitFor(() => blocks.readings.length > 0, firstReadingMs, signal))) {
        const failure = await startFailure();
        await stream.stop();
        throw failure;
      }
      idleFrom = performance.now();
      await sleep(options.idleMs, undefined, { signal });
      loadFrom = performance.now();
    },
    async afterMeasure(inferences): Promise<RunEnergy> {
      const loadTo = performance.now();
      if (collector === undefined || stream === undefined) throw new StudioError('INTERNAL', 'afterMeasure was called before beforeMeasure.');
      const blocks = collector;
      // One reading beyond the window's end, so its last stretch is integrated too (not waited for past three intervals).
      await waitFor(() => (blocks.readings.at(-1)?.arrivedMs ?? 0) > loadTo, 3 * options.intervalMs + 1000);
      await stream.stop();
      stream = undefined;
      const offset = Math.min(...blocks.readings.map((r) => r.arrivedMs - r.boardMs));
      const toBoard = (hostMs: number): number => hostMs - offset;
      const trace = traceOf(reader, blocks.readings);
      const energy = energyPerInference({
        source: reader.source,
        method: reader.method(),
        rails: reader.rails(),
        window: options.window ?? 'measured',
        idle: traceBetween(trace, toBoard(idleFrom), toBoard(loadFrom)),
        load: traceBetween(trace, toBoard(loadFrom), toBoard(loadTo)),
        inferences,
      });
      const deviceSampleRateHz = reader.deviceSampleRateHz?.();
      if (deviceSampleRateHz !== undefined) energy.deviceSampleRateHz = deviceSampleRateHz;
      const notes = [
        ...reader.notes(),
        ...(blocks.boardClockMissing ? [`${shell?.boardName ?? 'The board'}'s date printed no nanoseconds, so readings are timed by their arrival over the link, which jitters.`] : []),
      ];
      return notes.length === 0 ? energy : { ...energy, notes: [...energy.notes, ...notes], reliable: false };
    },
    dispose() {
      void stream?.stop();
      stream = undefined;
    },
  };
}

/** The readings as one trace on the board's clock. */
function traceOf(reader: BoardPowerReader, readings: readonly Reading[]): EnergyTrace {
  if (reader.method() === 'counter') {
    // Values another PMIC took at its own time are carried to the reading's (only where the reading is timed by the tool: r.boardMs is its atMs).
    const counters = alignCounterReadings(
      readings.flatMap((r) =>
        'values' in r.reading ? [{ tMs: r.boardMs, values: r.reading.values, ...(r.reading.valueTimesMs !== undefined && r.reading.atMs === r.boardMs ? { valueTimesMs: r.reading.valueTimesMs } : {}) }] : [],
      ),
    );
    // ODPM's accumulators are 64-bit: they do not wrap within a run.
    return { method: 'counter', readings: counters, maxRange: reader.rails().map(() => Number.MAX_SAFE_INTEGER), unitJ: reader.unitJ ?? 1e-6 };
  }
  const samples: PowerSample[] = readings.flatMap((r) => ('watts' in r.reading ? [{ tMs: r.boardMs, watts: r.reading.watts }] : []));
  return { method: 'sampled', samples };
}

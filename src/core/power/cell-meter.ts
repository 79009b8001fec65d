/**
 * A power source around one cell: the idle baseline just before the timed runs (the runner loaded,
 * warmed up and waiting), then the timed runs themselves. runLocalBenchmark calls beforeMeasure
 * right before its first measure request and afterMeasure right after the last samples reply, so
 * the window is the measured runs and nothing else (report mode's windows and the requests
 * between them included; warmup and profiling excluded).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { StudioError } from '../../shared/errors';
import type { RunEnergy } from '../../shared/energy';
import { POWER_SOURCES, PowerSourceName } from '../../shared/plugins/power-sources';
import type { TargetKind } from '../../shared/plugins/target-kinds';
import { energyPerInference, type EnergyTrace } from './energy-math';
import { boardCellMeter, type BoardCellMeter } from './board-meter';
import { boardReader, type AndroidReaderOptions } from './board-readers';
import { openRapl, recordCounters, type CounterRecording, type RaplMeter, type RaplOptions } from './rapl';
import type { RemoteShell } from './remote-shell';

export interface CellEnergyMeter {
  /** Measures the idle baseline, then starts reading for the timed runs. */
  beforeMeasure(signal?: AbortSignal): Promise<void>;
  /** Stops reading; the energy of `inferences` timed runs (a board's meter waits for its last reading to cross the link). */
  afterMeasure(inferences: number): RunEnergy | Promise<RunEnergy>;
  /** Stops any reading left running (a cell that failed or was cancelled). */
  dispose(): void;
}

export interface RaplCellOptions {
  intervalMs: number;
  idleMs: number;
}

export function raplCellMeter(meter: RaplMeter, options: RaplCellOptions): Omit<CellEnergyMeter, 'afterMeasure'> & { afterMeasure(inferences: number): RunEnergy } {
  let idle: EnergyTrace | undefined;
  let recording: CounterRecording | undefined;
  return {
    async beforeMeasure(signal) {
      const baseline = recordCounters(meter, options.intervalMs);
      try {
        await sleep(options.idleMs, undefined, { signal });
      } finally {
        idle = baseline.stop();
      }
      recording = recordCounters(meter, options.intervalMs);
    },
    afterMeasure(inferences) {
      if (idle === undefined || recording === undefined) throw new StudioError('INTERNAL', 'afterMeasure was called before beforeMeasure.');
      const load = recording.stop();
      recording = undefined;
      return energyPerInference({ source: 'rapl', method: 'counter', rails: meter.domains.map((d) => d.label), window: 'measured', idle, load, inferences });
    },
    dispose() {
      recording?.stop();
      recording = undefined;
    },
  };
}

/** What `--energy` asked for: the source and its options. */
export interface EnergyRequest {
  source: PowerSourceName;
  intervalMs: number;
  idleMs: number;
}

/** Test seams of the meters: RAPL's powercap tree, the Android reader's sysfs root. */
export interface EnergySourceSeams {
  rapl?: RaplOptions;
  android?: AndroidReaderOptions;
}

/**
 * Opens a power source for a job on `targetKind`: a factory of one meter per runner process.
 * A source that only parses output, one that cannot measure that target kind, or counters that
 * cannot be read are refused here, in one sentence, before any runner starts. A board's meter
 * (tegrastats, the Pi's PMIC, Android's rails) is read through the board's shell, which its
 * target attaches to the meter before the cell runs (attachShell); whether the board has the
 * tool is known when it first runs there, and a board without it is one sentence then.
 */
export function openEnergySource(request: EnergyRequest, targetKind: TargetKind, seams: EnergySourceSeams = {}): () => CellEnergyMeter {
  const descriptor = POWER_SOURCES[request.source];
  if (descriptor.engine.kind === 'parser') {
    const measuring = PowerSourceName.options.filter((name) => POWER_SOURCES[name].engine.kind === 'bench').join(', ');
    throw new StudioError('BAD_INPUT', `--energy ${request.source}: ${descriptor.engine.limitation}; edgebench bench measures energy with: ${measuring}.`, { source: request.source });
  }
  if (!descriptor.targetKinds.includes(targetKind)) {
    throw new StudioError(
      'BAD_INPUT',
      `--energy ${request.source} measures ${descriptor.targetKinds.map((k) => (k === 'local' ? 'this computer' : `${k} targets`)).join(' and ')} only, not a ${targetKind} target; drop --energy or --target.`,
      { source: request.source, targetKind },
    );
  }
  const source = request.source;
  if (source === 'tegrastats' || source === 'pi-pmic' || source === 'android') {
    // On Android the timed runs are benchmark_model processes, each with its own start and warmup inside the window: 'cell'.
    const window = source === 'android' ? 'cell' : 'measured';
    return () => boardCellMeter(boardReader(source, seams.android), { intervalMs: request.intervalMs, idleMs: request.idleMs, window });
  }
  const meter = openRapl(seams.rapl);
  return () => raplCellMeter(meter, { intervalMs: request.intervalMs, idleMs: request.idleMs });
}

/** A meter read through the board's shell, given it; a meter of this computer is left as it is. */
export function attachBoardShell(meter: CellEnergyMeter | undefined, shell: RemoteShell): void {
  if (meter !== undefined && 'attachShell' in meter) (meter as BoardCellMeter).attachShell(shell);
}

/**
 * The studio's Energy choices as meter factories by target id: each source with its own default
 * interval and baseline. A source a target cannot give, or RAPL counters that cannot be read, is
 * refused here in one sentence, before the job starts.
 */
export function energyMetersFor(
  choices: ReadonlyArray<{ targetId: string; source: PowerSourceName }>,
  targets: ReadonlyArray<{ id: string; name: string; kind: TargetKind }>,
  seams: EnergySourceSeams = {},
): Map<string, () => CellEnergyMeter> {
  const meters = new Map<string, () => CellEnergyMeter>();
  for (const choice of choices) {
    const target = targets.find((t) => t.id === choice.targetId);
    if (target === undefined) continue; // a target not in the job has nothing to measure
    const defaults = POWER_SOURCES[choice.source].options.parse({}) as { intervalMs: number; idleMs: number };
    try {
      meters.set(target.id, openEnergySource({ source: choice.source, intervalMs: defaults.intervalMs, idleMs: defaults.idleMs }, target.kind, seams));
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      // The CLI's wording names its flags; the studio's names the form's option.
      const why = error.message.replace(/^--energy \S+: /, '').replace(/^--energy \S+ measures /, 'it measures ').replace(/; drop --energy or --target\.$/, '.');
      throw new StudioError('BAD_INPUT', `Energy on ${target.name} (${POWER_SOURCES[choice.source].label}): ${why} Turn Energy off for it, or pick another source.`, { target: target.name, source: choice.source });
    }
  }
  return meters;
}

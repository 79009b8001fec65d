/**
 * The one place energy arithmetic happens: counter deltas with wrap-around, the trapezoid rule
 * over power samples, and energy per inference with its idle baseline subtracted and its doubts
 * named. Every power source's engine half turns its readings into an EnergyTrace and hands it here;
 * nothing else divides joules by inferences.
 */
import type { EnergyMethod, EnergySpan, EnergyWindow, RunEnergy } from '../../shared/energy';

/**
 * The energy between two readings of a counter that wraps to 0 after `maxRange` (RAPL's
 * max_energy_range_uj): after < before means it wrapped once. Reading often enough that it cannot
 * wrap twice between two readings is the caller's job (RAPL's package counter wraps after minutes).
 */
export function counterDelta(before: number, after: number, maxRange: number): number {
  if (after >= before) return after - before;
  return maxRange - before + after;
}

/** One counter reading: when (ms, monotonic) and each domain's raw counter value (µJ for RAPL). */
export interface CounterReading {
  readonly tMs: number;
  readonly values: readonly number[];
}

/**
 * Counter readings whose values were not all taken at the reading's time (a phone's two ODPM
 * PMICs each serve their own snapshot, with its own t=, up to 50 ms apart): `valueTimesMs[d]` is
 * when value d was taken. Each such value is carried to the reading's time along the line to the
 * same value's reading on the other side of that time (the straight line the trapezoid rule
 * draws anyway), so every value of a reading stands for one instant. A value with no reading on
 * the other side, or whose counter went backwards (wrapped) in between, is kept as read.
 */
export function alignCounterReadings(readings: ReadonlyArray<CounterReading & { readonly valueTimesMs?: readonly number[] }>): CounterReading[] {
  return readings.map((reading, i) => {
    const times = reading.valueTimesMs;
    if (times === undefined) return { tMs: reading.tMs, values: reading.values };
    const values = reading.values.map((value, d) => {
      const taken = times[d] ?? reading.tMs;
      if (taken === reading.tMs) return value;
      // The neighbour whose own time for value d lies on the other side of this reading's time.
      const step = taken > reading.tMs ? -1 : 1;
      for (let j = i + step; j >= 0 && j < readings.length; j += step) {
        const other = readings[j] as (typeof readings)[number];
        const otherTaken = other.valueTimesMs?.[d] ?? other.tMs;
        const otherValue = other.values[d];
        if (otherValue === undefined || (step < 0 ? otherTaken > reading.tMs : otherTaken < reading.tMs)) continue;
        const [a, b] = step < 0 ? [{ tMs: otherTaken, v: otherValue }, { tMs: taken, v: value }] : [{ tMs: taken, v: value }, { tMs: otherTaken, v: otherValue }];
        return b.v < a.v ? value : between(reading.tMs, a, b, a.v, b.v);
      }
      return value;
    });
    return { tMs: reading.tMs, values };
  });
}

/** One power reading: when (ms) and the summed power of the rails, in watts. */
export interface PowerSample {
  readonly tMs: number;
  readonly watts: number;
}

/**
 * Which ends of a trace are not readings but points interpolated at the window's edges
 * (traceBetween): they bound the integral, and are not counted as readings or in the interval.
 */
export interface TraceEdges {
  readonly start: boolean;
  readonly end: boolean;
}

/** Readings of one stretch (idle or load) as the meter took them. */
export type EnergyTrace =
  | {
      readonly method: 'counter';
      readonly readings: readonly CounterReading[];
      readonly maxRange: readonly number[];
      /** joules per counter unit (1e-6 for µJ) */ readonly unitJ: number;
      readonly edges?: TraceEdges;
    }
  | { readonly method: 'sampled'; readonly samples: readonly PowerSample[]; readonly edges?: TraceEdges };

/** A counter trace's energy: each domain's wrapped deltas summed, in joules. */
export function counterEnergyJ(trace: Extract<EnergyTrace, { method: 'counter' }>): number {
  let units = 0;
  for (let i = 1; i < trace.readings.length; i++) {
    const before = trace.readings[i - 1] as CounterReading;
    const after = trace.readings[i] as CounterReading;
    after.values.forEach((value, domain) => {
      units += counterDelta(before.values[domain] ?? value, value, trace.maxRange[domain] ?? Number.MAX_SAFE_INTEGER);
    });
  }
  return units * trace.unitJ;
}

/** Power samples integrated by the trapezoid rule, in joules (ms × W / 1000). */
export function trapezoidEnergyJ(samples: readonly PowerSample[]): number {
  let joules = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1] as PowerSample;
    const b = samples[i] as PowerSample;
    joules += ((a.watts + b.watts) / 2) * ((b.tMs - a.tMs) / 1000);
  }
  return joules;
}

function timesOf(trace: EnergyTrace): number[] {
  return trace.method === 'counter' ? trace.readings.map((r) => r.tMs) : trace.samples.map((s) => s.tMs);
}

/** The times of the meter's own readings: the interpolated edge points left out. */
function readingTimesOf(trace: EnergyTrace): number[] {
  const times = timesOf(trace);
  return times.slice(trace.edges?.start === true ? 1 : 0, trace.edges?.end === true ? times.length - 1 : times.length);
}

/** A trace as a span: its duration, energy, mean power and reading count. */
export function spanOf(trace: EnergyTrace): EnergySpan {
  const times = timesOf(trace);
  const durationMs = times.length >= 2 ? (times[times.length - 1] as number) - (times[0] as number) : 0;
  const energyJ = trace.method === 'counter' ? counterEnergyJ(trace) : trapezoidEnergyJ(trace.samples);
  return { durationMs, energyJ, averagePowerW: durationMs > 0 ? energyJ / (durationMs / 1000) : 0, samples: readingTimesOf(trace).length };
}

/** The mean interval between the meter's readings, in ms. */
function meanIntervalMs(trace: EnergyTrace): number {
  const times = readingTimesOf(trace);
  return times.length >= 2 ? ((times[times.length - 1] as number) - (times[0] as number)) / (times.length - 1) : 0;
}

/** The value at `tMs` on the straight line between two readings (the trapezoid rule's own assumption). */
function between(tMs: number, a: { tMs: number }, b: { tMs: number }, valueA: number, valueB: number): number {
  return b.tMs === a.tMs ? valueB : valueA + ((valueB - valueA) * (tMs - a.tMs)) / (b.tMs - a.tMs);
}

/**
 * The part of a continuous recording that falls in [fromMs, toMs] (times on the trace's clock),
 * with a point interpolated at each edge that has readings on both sides, so the integral covers
 * the window exactly instead of stopping at the readings nearest its edges. An edge without a
 * reading beyond it is not extrapolated: the trace then ends at its last reading inside. A
 * counter is interpolated only where it did not wrap between the two readings.
 */
export function traceBetween(trace: EnergyTrace, fromMs: number, toMs: number): EnergyTrace {
  const times = timesOf(trace);
  const inside = times.flatMap((t, i) => (t >= fromMs && t <= toMs ? [i] : []));
  const firstInside = inside[0] ?? times.findIndex((t) => t > toMs);
  const lastInside = inside.at(-1) ?? firstInside - 1;
  const before = firstInside > 0 ? firstInside - 1 : -1;
  const after = lastInside >= 0 && lastInside + 1 < times.length ? lastInside + 1 : -1;
  // An edge is interpolated between the reading before it and the next one (inside the window, or beyond its other edge).
  const startEdge = before >= 0 && (inside.length > 0 || after >= 0) && (times[before] as number) < fromMs;
  const endEdge = after >= 0 && (inside.length > 0 || before >= 0) && (times[after] as number) > toMs;
  if (trace.method === 'sampled') {
    const { samples } = trace;
    const at = (tMs: number, i: number, j: number): PowerSample => ({ tMs, watts: between(tMs, samples[i] as PowerSample, samples[j] as PowerSample, (samples[i] as PowerSample).watts, (samples[j] as PowerSample).watts) });
    const kept = inside.map((i) => samples[i] as PowerSample);
    const start = startEdge ? [at(fromMs, before, inside[0] ?? after)] : [];
    const end = endEdge ? [at(toMs, inside.at(-1) ?? before, after)] : [];
    return { method: 'sampled', samples: [...start, ...kept, ...end], edges: { start: startEdge, end: endEdge } };
  }
  const { readings } = trace;
  const at = (tMs: number, i: number, j: number): CounterReading | null => {
    const a = readings[i] as CounterReading;
    const b = readings[j] as CounterReading;
    if (b.values.some((v, d) => v < (a.values[d] ?? v))) return null; // wrapped: no honest line between them
    return { tMs, values: b.values.map((v, d) => between(tMs, a, b, a.values[d] ?? v, v)) };
  };
  const kept = inside.map((i) => readings[i] as CounterReading);
  const start = startEdge ? at(fromMs, before, inside[0] ?? after) : null;
  const end = endEdge ? at(toMs, inside.at(-1) ?? before, after) : null;
  return {
    ...trace,
    readings: [...(start === null ? [] : [start]), ...kept, ...(end === null ? [] : [end])],
    edges: { start: start !== null, end: end !== null },
  };
}

/**
 * How long a window a counter needs before its figure means something: RAPL updates its counters
 * about every millisecond, so a window under 100 updates is dominated by where the updates fell.
 */
export const COUNTER_MIN_WINDOW_MS = 100;
/** Fewer power samples than this over the timed runs cannot show how the power moved. */
export const SAMPLED_MIN_SAMPLES = 5;

export interface EnergyInput {
  source: string;
  method: EnergyMethod;
  rails: readonly string[];
  window: EnergyWindow;
  idle: EnergyTrace;
  load: EnergyTrace;
  inferences: number;
}

/**
 * Energy per inference = (∫ power over the timed runs − idle power × their duration) / inferences,
 * with every reason to doubt it written down: a window too short for the counter, too few samples,
 * a counter that did not move, an idle baseline at or above the load's power.
 */
export function energyPerInference(input: EnergyInput): RunEnergy {
  const idle = spanOf(input.idle);
  const load = spanOf(input.load);
  const notes: string[] = [];
  const minimumSamples = input.method === 'counter' ? 2 : SAMPLED_MIN_SAMPLES;
  if (load.samples < minimumSamples) notes.push(`Only ${load.samples} meter readings fell in the timed runs; at least ${minimumSamples} are needed.`);
  if (idle.samples < 2) notes.push(`The idle baseline has ${idle.samples} readings; it needs at least 2.`);
  if (input.method === 'counter') {
    if (load.durationMs < COUNTER_MIN_WINDOW_MS) {
      notes.push(`The timed runs lasted ${load.durationMs.toFixed(1)} ms, too short for an energy counter that updates about every millisecond (${COUNTER_MIN_WINDOW_MS} ms at least): run more iterations (--runs, --min-time).`);
    }
    if (load.samples >= 2 && load.energyJ === 0) notes.push('The energy counter did not advance during the timed runs: the counter is frozen or the window is shorter than its update interval.');
    if (idle.samples >= 2 && idle.energyJ === 0) notes.push('The energy counter did not advance during the idle baseline: the counter is frozen or the baseline is shorter than its update interval.');
  }
  if (input.window === 'cell') notes.push('The meter covered the whole cell, warmup included: the engine could not see where the measured runs began and ended.');
  const netJ = load.energyJ - idle.averagePowerW * (load.durationMs / 1000);
  let perInferenceJ: number | null = null;
  if (input.inferences <= 0) {
    notes.push('No inference was measured, so there is nothing to divide the energy by.');
  } else if (load.energyJ > 0 && idle.averagePowerW >= load.averagePowerW) {
    notes.push(
      `The idle baseline (${idle.averagePowerW.toFixed(3)} W) is at or above the power during the timed runs (${load.averagePowerW.toFixed(3)} W): the model's energy is lost in what else the machine was doing.`,
    );
  } else if (load.energyJ > 0) {
    perInferenceJ = netJ / input.inferences;
  }
  return {
    source: input.source,
    method: input.method,
    rails: [...input.rails],
    window: input.window,
    intervalMs: meanIntervalMs(input.load),
    idle,
    load,
    inferences: input.inferences,
    perInferenceJ,
    reliable: notes.length === 0 && perInferenceJ !== null,
    notes,
  };
}

/**
 * Repeats in fresh processes pooled into one figure: energies, durations and inferences added up,
 * so the per-inference figure is the whole cell's net energy over all its inferences (not a mean of
 * means). A repeat without energy leaves the pool without a figure, said in its notes.
 */
export function pooledEnergy(energies: ReadonlyArray<RunEnergy | undefined>): RunEnergy | undefined {
  const present = energies.filter((e): e is RunEnergy => e !== undefined);
  const first = present[0];
  if (first === undefined) return undefined;
  const add = (pick: (e: RunEnergy) => EnergySpan): EnergySpan => {
    const durationMs = present.reduce((n, e) => n + pick(e).durationMs, 0);
    const energyJ = present.reduce((n, e) => n + pick(e).energyJ, 0);
    return { durationMs, energyJ, averagePowerW: durationMs > 0 ? energyJ / (durationMs / 1000) : 0, samples: present.reduce((n, e) => n + pick(e).samples, 0) };
  };
  const idle = add((e) => e.idle);
  const load = add((e) => e.load);
  const inferences = present.reduce((n, e) => n + e.inferences, 0);
  const notes = [...new Set(present.flatMap((e) => e.notes))];
  if (present.length < energies.length) notes.push(`${energies.length - present.length} of ${energies.length} repeats have no energy reading; the figure covers the others.`);
  // Each repeat's own net energy (its own baseline) summed: a baseline belongs to the process it preceded.
  const netJ = present.reduce((n, e) => n + (e.load.energyJ - e.idle.averagePowerW * (e.load.durationMs / 1000)), 0);
  const perInferenceJ = present.some((e) => e.perInferenceJ === null) || inferences === 0 ? null : netJ / inferences;
  return {
    ...first,
    intervalMs: present.reduce((n, e) => n + e.intervalMs, 0) / present.length,
    idle,
    load,
    inferences,
    perInferenceJ,
    reliable: present.every((e) => e.reliable) && present.length === energies.length && perInferenceJ !== null,
    notes,
  };
}

/** One measured window of MLPerf Tiny's energy mode: its span and the inferences run in it. */
export interface EnergyWindowInput {
  span: EnergySpan;
  inferences: number;
}

export interface WindowedEnergyInput {
  source: string;
  method: EnergyMethod;
  rails: readonly string[];
  /** The meter's sampling interval in ms; 0 where the files do not say. */
  intervalMs: number;
  windows: readonly EnergyWindowInput[];
  importedFrom?: string;
  notes?: readonly string[];
}

/**
 * MLPerf Tiny's energy score: each window's energy over its inferences, the median across
 * windows (EnergyRunner's "median energy cost"), with no idle baseline subtracted: the metric is
 * all the energy the device under test draws per inference. The load span is the windows' sum.
 */
export function windowedEnergy(input: WindowedEnergyInput): RunEnergy {
  const notes = [...(input.notes ?? [])];
  const perWindow = input.windows.filter((w) => w.inferences > 0).map((w) => w.span.energyJ / w.inferences);
  if (perWindow.length === 0) notes.push('No window with inferences was found, so there is no energy per inference.');
  const sorted = [...perWindow].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? null : sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const durationMs = input.windows.reduce((n, w) => n + w.span.durationMs, 0);
  const energyJ = input.windows.reduce((n, w) => n + w.span.energyJ, 0);
  const load: EnergySpan = { durationMs, energyJ, averagePowerW: durationMs > 0 ? energyJ / (durationMs / 1000) : 0, samples: input.windows.reduce((n, w) => n + w.span.samples, 0) };
  return {
    source: input.source,
    method: input.method,
    rails: [...input.rails],
    window: 'measured',
    intervalMs: input.intervalMs,
    idle: { durationMs: 0, energyJ: 0, averagePowerW: 0, samples: 0 },
    load,
    inferences: input.windows.reduce((n, w) => n + w.inferences, 0),
    perInferenceJ: median,
    reliable: notes.length === 0 && median !== null,
    notes,
    baseline: 'none',
    windows: input.windows.map((w) => ({ durationMs: w.span.durationMs, energyJ: w.span.energyJ, inferences: w.inferences })),
    ...(input.importedFrom !== undefined ? { importedFrom: input.importedFrom } : {}),
  };
}

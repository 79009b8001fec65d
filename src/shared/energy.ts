/**
 * A run's energy per inference, as the run file records it and every front-end words it. The
 * arithmetic that produces it lives in one place (src/core/power/energy-math.ts); this file is
 * the record and its one wording, so the CLI, the studio and reports say the same thing: the
 * method (an energy counter read before and after, or power samples integrated), the rails or
 * domains measured, the sampling interval and count, the idle baseline subtracted, and whether
 * the figure can be trusted. Nothing here is an estimate: a figure that could not be measured is
 * null with the reason beside it.
 */
import { z } from 'zod';
import { POWER_SOURCES } from './plugins/power-sources';

/**
 * 'counter': an energy counter (RAPL energy_uj, ODPM energy_value, an energy monitor's trace) read
 * at every sample, deltas summed; 'sampled': power samples integrated by the trapezoid rule;
 * 'monitor': an external energy monitor's own energy per window, as MLPerf Tiny's EnergyRunner
 * reported it (its trace was not available to integrate here).
 */
export const EnergyMethod = z.enum(['counter', 'sampled', 'monitor']);
export type EnergyMethod = z.infer<typeof EnergyMethod>;

/**
 * What the meter's window covered: exactly the measured runs ('measured'), or the whole cell,
 * warmup included ('cell'), where the engine could not see the measured window's edges.
 */
export const EnergyWindow = z.enum(['measured', 'cell']);
export type EnergyWindow = z.infer<typeof EnergyWindow>;

/** One stretch of meter readings: the idle baseline or the timed runs. */
export const EnergySpan = z.object({
  /** From the first reading to the last, in milliseconds. */
  durationMs: z.number().min(0),
  /** Energy over the span, in joules (counter deltas summed, or power integrated). */
  energyJ: z.number(),
  /** energyJ / duration, in watts. */
  averagePowerW: z.number(),
  /** Meter readings taken over the span (both ends included). */
  samples: z.number().int().min(0),
});
export type EnergySpan = z.infer<typeof EnergySpan>;

export const RunEnergy = z.object({
  /** The power source's registry name (src/shared/plugins/power-sources): 'rapl'. */
  source: z.string(),
  method: EnergyMethod,
  /** The rails or domains summed: RAPL 'package-0', 'dram (package-0)'; a board's 'VDD_IN'. */
  rails: z.array(z.string()).min(1),
  window: EnergyWindow,
  /** The interval the meter was read at, in milliseconds (the actual mean interval between readings). */
  intervalMs: z.number().min(0),
  /**
   * How often the power monitor itself samples its rails, in hertz, where it says (ODPM's
   * sampling_rate; the slowest PMIC's where a phone's differ): what the counter saw between the
   * readings at intervalMs. Absent in runs before it was recorded and for meters that do not say.
   */
  deviceSampleRateHz: z.number().positive().optional(),
  /** Measured just before the timed runs, with the runner loaded and waiting. */
  idle: EnergySpan,
  /** The timed runs. */
  load: EnergySpan,
  /** Inferences in the load span (the run's measured samples). */
  inferences: z.number().int().min(0),
  /**
   * (load energy − idle power × load duration) / inferences, in joules; null when it cannot be
   * said (no inference, a baseline at or above the load power): `notes` says why.
   */
  perInferenceJ: z.number().nullable(),
  /** False when a note puts the figure in doubt (too short for the counter, baseline ≥ load, a counter that did not move). */
  reliable: z.boolean(),
  /** Each reason the figure is doubtful or missing, one sentence each. */
  notes: z.array(z.string()),
  /**
   * Whether an idle baseline was subtracted (absent: it was, as in every run before this field).
   * 'none': the figure is all the energy the device drew per inference, MLPerf Tiny's definition.
   */
  baseline: z.enum(['subtracted', 'none']).optional(),
  /** MLPerf Tiny's energy mode: the median of the windows' energy per inference; its windows here. */
  windows: z.array(z.object({ durationMs: z.number().min(0), energyJ: z.number(), inferences: z.number().int().min(0) })).optional(),
  /** Where a figure measured elsewhere came from: "EnergyRunner 3.0.10 session 20220929192730 (log.txt, trace1-energy.bin)". */
  importedFrom: z.string().optional(),
});
export type RunEnergy = z.infer<typeof RunEnergy>;

/** What lists of runs carry of a run's energy: enough for the results grid's cell. */
export const RunEnergySummary = RunEnergy.pick({ source: true, method: true, perInferenceJ: true, reliable: true, baseline: true });
export type RunEnergySummary = z.infer<typeof RunEnergySummary>;

export function energySummary(energy: RunEnergy): RunEnergySummary {
  return { source: energy.source, method: energy.method, perInferenceJ: energy.perInferenceJ, reliable: energy.reliable, ...(energy.baseline !== undefined ? { baseline: energy.baseline } : {}) };
}

/** How a figure was obtained, in a few words, for a grid cell's title: "RAPL energy counter, idle baseline subtracted". */
export function energyHowShort(energy: RunEnergySummary, sourceLabel: string): string {
  const how = energy.method === 'counter' ? 'energy counter' : energy.method === 'sampled' ? 'power samples' : "energy monitor's own figures";
  const baseline = energy.baseline === 'none' ? 'no idle baseline subtracted (MLPerf Tiny)' : 'idle baseline subtracted';
  return `${sourceLabel} ${how}, ${baseline}`;
}

/** Joules in the unit that reads best: "1.23 mJ", "45.6 µJ", "2.01 J". */
export function formatJoules(joules: number): string {
  const magnitude = Math.abs(joules);
  if (magnitude >= 1) return `${joules.toPrecision(3)} J`;
  if (magnitude >= 1e-3) return `${(joules * 1e3).toPrecision(3)} mJ`;
  if (magnitude >= 1e-6) return `${(joules * 1e6).toPrecision(3)} µJ`;
  return `${(joules * 1e9).toPrecision(3)} nJ`;
}

export function formatWatts(watts: number): string {
  return Math.abs(watts) >= 1 ? `${watts.toPrecision(3)} W` : `${(watts * 1e3).toPrecision(3)} mW`;
}

/** The power source's label ('RAPL'), or its recorded name when this build does not know it. */
export function energySourceLabel(energy: RunEnergy): string {
  return (POWER_SOURCES as Readonly<Record<string, { label: string } | undefined>>)[energy.source]?.label ?? energy.source;
}

/**
 * How the figure was obtained, in words: "RAPL energy counter (package-0, dram (package-0)) read
 * every 20 ms, 512 readings over the measured runs", and "(ODPM sampling at 1.00 kHz)" where the
 * monitor said its own rate.
 */
export function energyMethodText(energy: RunEnergy, sourceLabel: string = energySourceLabel(energy)): string {
  const deviceRate = energy.deviceSampleRateHz === undefined ? '' : ` (ODPM sampling at ${formatHz(energy.deviceSampleRateHz)})`;
  return `${methodWords(energy, sourceLabel)}${deviceRate}`;
}

function methodWords(energy: RunEnergy, sourceLabel: string): string {
  if (energy.windows !== undefined) {
    const rate = energy.intervalMs > 0 ? `sampled at ${formatHz(1000 / energy.intervalMs)}` : 'sample rate not recorded in the files given';
    const how = energy.method === 'monitor' ? "the energy monitor's own figures per window" : 'its trace integrated here per window';
    const from = energy.importedFrom === undefined ? '' : `, imported from ${energy.importedFrom}`;
    return `${sourceLabel}: ${how} (${energy.rails.join(', ')}), ${rate}, median of ${energy.windows.length} windows${from}`;
  }
  const how = energy.method === 'counter' ? `${sourceLabel} energy counter` : `${sourceLabel} power samples`;
  const verb = energy.method === 'counter' ? 'read' : 'sampled';
  const window = energy.window === 'measured' ? 'over the measured runs' : 'over the whole cell, warmup included';
  return `${how} (${energy.rails.join(', ')}) ${verb} every ${energy.intervalMs.toFixed(0)} ms, ${energy.load.samples} readings ${window}`;
}

/** The headline: "1.23 mJ per inference" or "not measured reliably", never a bare number without its doubt. */
export function energyHeadline(energy: RunEnergy): string {
  if (energy.perInferenceJ === null) return 'energy per inference: no figure';
  const doubt = energy.reliable ? '' : ' (UNRELIABLE)';
  return `energy per inference ${formatJoules(energy.perInferenceJ)}${doubt}`;
}

/** "1.00 kHz", "10.0 Hz". */
function formatHz(hz: number): string {
  return hz >= 1000 ? `${(hz / 1000).toPrecision(3)} kHz` : `${hz.toPrecision(3)} Hz`;
}

/** The baseline line: "load 14.2 W over 2.01 s, idle baseline 5.10 W over 1.00 s subtracted". */
export function energyPowerText(energy: RunEnergy): string {
  if (energy.baseline === 'none') {
    return `${formatWatts(energy.load.averagePowerW)} over ${(energy.load.durationMs / 1000).toFixed(2)} s of timed runs, ${energy.inferences} inferences; no idle baseline subtracted (MLPerf Tiny counts all the energy the device draws)`;
  }
  return `load ${formatWatts(energy.load.averagePowerW)} over ${(energy.load.durationMs / 1000).toFixed(2)} s, idle baseline ${formatWatts(energy.idle.averagePowerW)} over ${(energy.idle.durationMs / 1000).toFixed(2)} s subtracted, ${energy.inferences} inferences`;
}

/** The CLI's lines for a run's energy: the figure with its method, the powers behind it, each note. */
export function energyLines(energy: RunEnergy): string[] {
  return [
    `  ${energyHeadline(energy)}   ${energyMethodText(energy)}`,
    `  ${energyPowerText(energy)}`,
    ...energy.notes.map((note) => `  energy note: ${note}`),
  ];
}

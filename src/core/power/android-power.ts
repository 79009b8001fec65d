/**
 * An Android device's power, from what its kernel exposes (read over adb; parsed here):
 *
 *   ODPM, the on-device power monitor of Pixel 6 and later (/sys/bus/iio/devices/iio:deviceN/
 *   energy_value): `t=MS`, then one line per rail `CHn(T=MS)[RAIL], µJ` with the energy accumulated
 *   since boot. Two readings make a counter trace (method 'counter'), one rail per channel. Its
 *   sampling_rate beside it says how often the PMIC itself samples the rails ("%d.%06d" Hz).
 *
 *   The battery (/sys/class/power_supply/<battery or bms>/uevent): POWER_SUPPLY_CURRENT_NOW in µA
 *   and POWER_SUPPLY_VOLTAGE_NOW in µV, one power sample (method 'sampled'). The current's sign is
 *   the driver's (negative while discharging on many, positive on others): its magnitude counts.
 *   The battery sees the whole phone, screen and radios included; its figure is the device's.
 */
import { StudioError } from '../../shared/errors';
import type { CounterReading, EnergyTrace } from './energy-math';

export interface OdpmReading {
  tMs: number;
  /** Rail → energy since boot, µJ. */
  rails: Map<string, number>;
}

const ODPM_RAIL = /^CH\d+\(T=(\d+)\)\[([^\]]+)\],\s*(\d+)\s*$/;

export function parseOdpmEnergy(text: string): OdpmReading {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const header = /^t=(\d+)$/.exec(lines[0] ?? '');
  const rails = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const match = ODPM_RAIL.exec(line);
    if (match !== null) rails.set(match[2] as string, Number(match[3]));
  }
  if (header === null || rails.size === 0) {
    throw new StudioError('BAD_INPUT', "This is not an ODPM energy_value file (a 't=MS' line, then 'CHn(T=MS)[RAIL], µJ' lines): the device may have no on-device power monitor; use its battery's current_now and voltage_now instead.");
  }
  return { tMs: Number(header[1]), rails };
}

/** ODPM readings of the same rails as a counter trace for energy-math (64-bit accumulators: they do not wrap). */
export function odpmTrace(readings: readonly OdpmReading[], rails: readonly string[]): Extract<EnergyTrace, { method: 'counter' }> {
  const counterReadings: CounterReading[] = readings.map((reading) => ({
    tMs: reading.tMs,
    values: rails.map((rail) => {
      const value = reading.rails.get(rail);
      if (value === undefined) throw new StudioError('BAD_INPUT', `ODPM reading at t=${reading.tMs} has no rail '${rail}'; it has ${[...reading.rails.keys()].join(', ')}.`);
      return value;
    }),
  }));
  return { method: 'counter', readings: counterReadings, maxRange: rails.map(() => Number.MAX_SAFE_INTEGER), unitJ: 1e-6 };
}

/**
 * ODPM's sampling_rate file, "%d.%06d" Hz as the Pixel driver prints it ("1000.000000"); undefined
 * for anything else, since the rate only describes the figure and its absence must not stop a run.
 */
export function parseOdpmSamplingRate(text: string): number | undefined {
  const match = /^(\d+)\.(\d{6})$/.exec(text.trim());
  if (match === null) return undefined;
  const hz = Number(match[1]) + Number(match[2]) / 1e6;
  return hz > 0 ? hz : undefined;
}

export interface BatteryPower {
  currentA: number;
  voltageV: number;
  watts: number;
}

/** A power_supply uevent's instantaneous power: |current_now| × voltage_now. */
export function parsePowerSupplyUevent(text: string): BatteryPower {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const current = values.get('POWER_SUPPLY_CURRENT_NOW');
  const voltage = values.get('POWER_SUPPLY_VOLTAGE_NOW');
  if (current === undefined || voltage === undefined || !/^-?\d+$/.test(current) || !/^\d+$/.test(voltage)) {
    throw new StudioError('BAD_INPUT', 'This power_supply uevent has no POWER_SUPPLY_CURRENT_NOW and POWER_SUPPLY_VOLTAGE_NOW in µA and µV: read the battery\'s own folder (battery or bms under /sys/class/power_supply).');
  }
  const currentA = Math.abs(Number(current)) / 1e6;
  const voltageV = Number(voltage) / 1e6;
  return { currentA, voltageV, watts: currentA * voltageV };
}

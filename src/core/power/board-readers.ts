/**
 * The power tools a board has, as commands its shell runs for as long as a cell is measured, and
 * the parsers for what they print. Each command prints one block per reading:
 *
 *   edgebench-t=<the board's clock, ns since the epoch (date +%s%N)>
 *   <the tool's own output, as it prints it>
 *   edgebench-end
 *
 * the time taken right after the tool answered (its output is held in a variable meanwhile), so a
 * reading carries the board's time of reading, not the time it crossed the link; a tool the
 * board lacks is `edgebench-missing=<tool>` on stderr and exit 127. The tools' output formats are
 * parsed by the existing parsers (tegrastats.ts, pi-pmic.ts, android-power.ts).
 */
import { StudioError } from '../../shared/errors';
import type { EnergyMethod } from '../../shared/energy';
import { parseOdpmEnergy, parseOdpmSamplingRate, parsePowerSupplyUevent, type OdpmReading } from './android-power';
import { parsePmicReadAdc } from './pi-pmic';
import { parseTegrastatsLine, tegrastatsPower } from './tegrastats';

export type BoardPowerSource = 'tegrastats' | 'pi-pmic' | 'android';

/**
 * One reading: power (W) for a sampled meter, raw counter values for a counter (ODPM's µJ).
 * `atMs`: when the values were taken, where the tool says so (ODPM's snapshot time, ms since boot),
 * which then times the reading instead of the shell's date after it answered.
 */
export type BoardReading = { readonly watts: number } | { readonly values: readonly number[]; readonly atMs?: number; readonly valueTimesMs?: readonly number[] };

export interface BoardPowerReader {
  readonly source: BoardPowerSource;
  /** The tool, for messages: "tegrastats", "vcgencmd pmic_read_adc". */
  readonly tool: string;
  /** The board script, reading every `intervalMs`. */
  command(intervalMs: number): string;
  /** A header line the script printed before its first block (edgebench-mode=...). */
  header(line: string): void;
  /** One block's lines (between the markers) as a reading; the first fixes the rails. Throws a StudioError naming what is wrong. */
  read(lines: readonly string[]): BoardReading;
  /** Known after the first reading. */
  method(): EnergyMethod;
  rails(): string[];
  /** Doubts the readings themselves raise (a battery charging over USB), one sentence each. */
  notes(): string[];
  /** For a counter: joules per unit. */
  readonly unitJ?: number;
  /** How often the meter itself samples, Hz, where its header said (ODPM's sampling_rate). */
  deviceSampleRateHz?(): number | undefined;
  /** What to say instead of missingToolMessage when the script found the tool but may not use it (a permission). */
  missingMessage?(board: string): string | undefined;
}

/** The marker lines' prefix; a line starting with it is never a tool's output. */
export const MARK = 'edgebench-';

const seconds = (intervalMs: number): string => (intervalMs / 1000).toFixed(3);
const needs = (tool: string): string => `command -v ${tool} >/dev/null 2>&1 || { echo "${MARK}missing=${tool}" >&2; exit 127; }`;
const stamp = `echo "${MARK}t=$(date +%s%N)"`;

/** Jetson's tegrastats, started with --interval; each line is stamped as it leaves tegrastats (stdbuf keeps it line-buffered where the board has it). */
export function tegrastatsReader(): BoardPowerReader {
  let rail: string | undefined;
  return {
    source: 'tegrastats',
    tool: 'tegrastats',
    command: (intervalMs) =>
      [
        needs('tegrastats'),
        "buf=''; command -v stdbuf >/dev/null 2>&1 && buf='stdbuf -oL'",
        `$buf tegrastats --interval ${Math.round(intervalMs)} | while IFS= read -r line; do ${stamp}; printf '%s\\n' "$line"; echo ${MARK}end; done`,
      ].join('\n'),
    header: () => undefined,
    read(lines) {
      const line = lines.join(' ');
      if (rail === undefined) {
        rail = tegrastatsPower(line, 1).rail;
      }
      const mw = parseTegrastatsLine(line).get(rail);
      if (mw === undefined) throw new StudioError('BAD_INPUT', `A tegrastats line had no ${rail} rail: '${line.slice(0, 80)}'.`);
      return { watts: mw / 1000 };
    },
    method: () => 'sampled',
    rails: () => (rail === undefined ? [] : [rail]),
    notes: () => [],
  };
}

/** Raspberry Pi 5's PMIC ADC: `vcgencmd pmic_read_adc` every interval (each call is a firmware request). */
export function piPmicReader(): BoardPowerReader {
  let rails: string[] = [];
  return {
    source: 'pi-pmic',
    tool: 'vcgencmd pmic_read_adc',
    command: (intervalMs) =>
      [needs('vcgencmd'), `while :; do adc=$(vcgencmd pmic_read_adc) || exit 3; ${stamp}; printf '%s\n' "$adc"; echo ${MARK}end; sleep ${seconds(intervalMs)}; done`].join('\n'),
    header: () => undefined,
    read(lines) {
      const power = parsePmicReadAdc(lines.join('\n'));
      if (rails.length === 0) rails = power.rails.map((r) => r.name);
      return { watts: power.watts };
    },
    method: () => 'sampled',
    rails: () => rails,
    notes: () => [],
  };
}

export interface AndroidReaderOptions {
  /** Where the device's sysfs is; '/sys' on a device. TEST SEAM: the tests give a tree they build. */
  sysRoot?: string;
}

/**
 * An Android device's power: the on-device power monitor's rails (every readable
 * iio:device*\/energy_value, summed) where the SoC has one, else the battery's current_now ×
 * voltage_now (battery or bms under power_supply). The script picks and says which on its first
 * line. An energy_value adb's shell user may not read (a user build: SELinux leaves ODPM to the
 * power stats HAL, so reading it takes `adb root` on a userdebug or eng build) is named on a line
 * of its own, so the figure from the battery instead says how to get the rails.
 */
export function androidReader(options: AndroidReaderOptions = {}): BoardPowerReader {
  const sys = options.sysRoot ?? '/sys';
  let mode: 'odpm' | 'battery' | undefined;
  let rails: string[] = [];
  let charging = false;
  let denied: string[] = [];
  const ratesHz: number[] = [];
  const deniedDevices = (): string => denied.map((file) => /(iio:device\d+)\/energy_value$/.exec(file)?.[1] ?? file).join(', ');
  return {
    source: 'android',
    tool: 'the power monitor (energy_value) or battery (current_now, voltage_now)',
    unitJ: 1e-6,
    command: (intervalMs) =>
      [
        `odpm=''; denied=''; for f in ${sys}/bus/iio/devices/iio:device*/energy_value; do [ -e "$f" ] || continue; if cat "$f" >/dev/null 2>&1; then odpm="$odpm $f"; else denied="$denied $f"; fi; done`,
        `[ -z "$denied" ] || echo "${MARK}odpm-denied=$denied"`,
        // Each readable monitor's own sampling rate, beside its energy_value (a header line each; none where the file is missing).
        `if [ -n "$odpm" ]; then echo ${MARK}mode=odpm; for f in $odpm; do r=$(cat "\${f%/energy_value}/sampling_rate" 2>/dev/null) && echo "${MARK}odpm-rate=$r"; done; while :; do e=$(cat $odpm); ${stamp}; printf '%s\n' "$e"; echo ${MARK}end; sleep ${seconds(intervalMs)}; done; fi`,
        `bat=''; for d in ${sys}/class/power_supply/battery ${sys}/class/power_supply/bms; do cat "$d/current_now" "$d/voltage_now" >/dev/null 2>&1 && { bat=$d; break; }; done`,
        `[ -n "$bat" ] || { echo "${MARK}missing=power" >&2; exit 127; }`,
        `echo ${MARK}mode=battery`,
        `while :; do c=$(cat $bat/current_now); v=$(cat $bat/voltage_now); s=$(cat $bat/status 2>/dev/null); ${stamp}; echo "POWER_SUPPLY_CURRENT_NOW=$c"; echo "POWER_SUPPLY_VOLTAGE_NOW=$v"; echo "POWER_SUPPLY_STATUS=$s"; echo ${MARK}end; sleep ${seconds(intervalMs)}; done`,
      ].join('\n'),
    header(line) {
      const match = /^edgebench-mode=(odpm|battery)$/.exec(line);
      if (match !== null) mode = match[1] as 'odpm' | 'battery';
      const rate = line.startsWith(`${MARK}odpm-rate=`) ? parseOdpmSamplingRate(line.slice(`${MARK}odpm-rate=`.length)) : undefined;
      if (rate !== undefined) ratesHz.push(rate);
      if (line.startsWith(`${MARK}odpm-denied=`)) denied = line.slice(`${MARK}odpm-denied=`.length).trim().split(/\s+/).filter((file) => file !== '');
    },
    read(lines) {
      if (mode === 'battery') {
        if (lines.includes('POWER_SUPPLY_STATUS=Charging')) charging = true;
        const battery = parsePowerSupplyUevent(lines.join('\n'));
        if (rails.length === 0) rails = ['battery (current_now × voltage_now)'];
        return { watts: battery.watts };
      }
      // One energy_value file after another, each beginning with its own t= line.
      const files: string[][] = [];
      for (const line of lines) {
        if (/^t=\d+$/.test(line.trim()) || files.length === 0) files.push([]);
        files.at(-1)?.push(line);
      }
      const readings: OdpmReading[] = files.map((file) => parseOdpmEnergy(file.join('\n')));
      const all = new Map<string, { uj: number; tMs: number }>();
      for (const reading of readings) for (const [rail, uj] of reading.rails) all.set(rail, { uj, tMs: reading.tMs });
      if (rails.length === 0) rails = [...all.keys()];
      const taken = rails.map((rail) => {
        const value = all.get(rail);
        if (value === undefined) throw new StudioError('BAD_INPUT', `The power monitor stopped reporting its rail '${rail}'.`);
        return value;
      });
      return {
        // The driver serves a snapshot cached for up to 50 ms (odpm.c, ODPM_MIN_POLLING_TIME_MS): its own t= says when
        // the values were taken, where the date after cat could be that much late. The first PMIC's (the main one,
        // with the CPU clusters, TPU and memory interface) times the reading; the other PMIC's snapshot is its own,
        // so each value keeps its own t= and the meter carries it to the reading's time (alignCounterReadings).
        ...(readings[0] !== undefined ? { atMs: readings[0].tMs } : {}),
        values: taken.map((value) => value.uj),
        ...(readings.length > 1 ? { valueTimesMs: taken.map((value) => value.tMs) } : {}),
      };
    },
    method: () => (mode === 'odpm' ? 'counter' : 'sampled'),
    rails: () => rails,
    // The slowest PMIC's: every rail summed was sampled at least this often.
    deviceSampleRateHz: () => (mode === 'odpm' && ratesHz.length > 0 ? Math.min(...ratesHz) : undefined),
    notes: () => [
      ...(charging ? ["The phone was charging during the run, so its battery current is the charge less what the phone draws; unplug it (adb over Wi-Fi: 'adb tcpip 5555', then 'adb connect') and run again."] : []),
      ...(denied.length === 0
        ? []
        : [
            mode === 'battery'
              ? `The on-device power monitor's energy_value (${deniedDevices()}) is not readable by adb's shell user (on a user build only the power stats HAL may read it), so this figure is the battery's current × voltage, the whole phone: for its rails, run 'adb root' on a userdebug or eng build and measure again.`
              : `The on-device power monitor's energy_value of ${deniedDevices()} is not readable by adb's shell user, so its rails are not in this figure: run 'adb root' on a userdebug or eng build and measure again.`,
          ]),
    ],
    missingMessage: (board) =>
      denied.length === 0
        ? undefined
        : `${board} has an on-device power monitor, but adb's shell user may not read its energy_value (${deniedDevices()}; on a user build only the power stats HAL may) and it shows no battery current_now and voltage_now: run 'adb root' on a userdebug or eng build and measure again, or drop --energy android.`,
  };
}

export function boardReader(source: BoardPowerSource, options: AndroidReaderOptions = {}): BoardPowerReader {
  switch (source) {
    case 'tegrastats':
      return tegrastatsReader();
    case 'pi-pmic':
      return piPmicReader();
    case 'android':
      return androidReader(options);
  }
}

/** What to do when the board has no such tool: one sentence per source. */
export function missingToolMessage(source: BoardPowerSource, board: string): string {
  switch (source) {
    case 'tegrastats':
      return `${board} has no tegrastats on its PATH, so it is not a Jetson (or its L4T tools are not installed): drop --energy tegrastats, or install nvidia-l4t-tools.`;
    case 'pi-pmic':
      return `${board} has no vcgencmd on its PATH: --energy pi-pmic needs a Raspberry Pi 5 with the Raspberry Pi OS firmware tools (package libraspberrypi-bin or raspi-utils).`;
    case 'android':
      return `${board} shows no readable power monitor (iio energy_value) and no battery current_now and voltage_now, so its power cannot be read: try another device, or drop --energy android.`;
  }
}

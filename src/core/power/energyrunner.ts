/**
 * MLPerf Tiny's energy mode as EEMBC's EnergyRunner records it, imported into a run's energy. The
 * studio does not drive that set-up (the device under test behind an Arduino IO manager and level
 * shifters, powered and measured by an energy monitor: ST's LPM01A, a Joulescope JS110 or a
 * Keysight N6705); it reads the session files the runner saves (`$HOME/eembc/.../sessions/<id>/`,
 * and what MLPerf Tiny's results repositories publish per benchmark under energy/):
 *
 *   log.txt                  every line `SSSSS.mmm source: message`; the benchmark's settings
 *                            (`m-bm-cfg-name[ulp-ml]-key[iterInfer]-val[80]`, `...key[model]...`),
 *                            the monitor's name (`m-regfile-fn[trace1-energy.bin]-type[emon]-name[lpm01a]`),
 *                            its supply voltage (`m-voltage-mv[1800]`), the runner's version and the session id.
 *   results.txt              per inference window: `Energy data for window N at time T for D sec.:`, then
 *                            `Energy : X uJ`, `Power : Y uW`, `Energy/Inf. : Z uJ/inf.`; the median;
 *                            then `# Inferences` per window.
 *   trace1-energy.bin        the monitor's trace: one byte (0xF1), the sample rate as a little-endian
 *                            float32 (Hz), then one float32 per sample, the energy of that sample in µJ.
 *   trace1-timestamps.json   the DUT's GPIO timestamps in seconds: the first from the `timestamp`
 *                            command, then a start and an end per inference window.
 *
 * With the trace and the timestamps the windows are integrated here (method 'counter': the trace
 * summed as an energy counter, cut at the timestamps by energy-math's traceBetween), and the
 * sample rate is the trace's own. With results.txt alone the monitor's own figures are taken
 * (method 'monitor') and the sample rate is not known. The windows' inference counts come from
 * results.txt or the log's iterInfer. Files from a set-up we do not have: everything here is
 * parsed from what the runner wrote, never assumed.
 */
import { StudioError } from '../../shared/errors';
import type { RunEnergy } from '../../shared/energy';
import { spanOf, traceBetween, windowedEnergy, type CounterReading, type EnergyTrace, type EnergyWindowInput } from './energy-math';

export interface EnergyRunnerResultsWindow {
  window: number;
  atS: number;
  durationS: number;
  energyUj: number;
  powerUw: number;
  perInferenceUj: number;
  inferences?: number;
}

export interface EnergyRunnerResults {
  windows: EnergyRunnerResultsWindow[];
  /** "Median energy cost is Z uJ/inf." as the runner printed it. */
  medianUjPerInference: number | null;
}

const LINE = /^\s*\d+\.\d+ ([\w.-]+): (.*)$/;
const body = (line: string): string | null => LINE.exec(line)?.[2] ?? null;

export function parseEnergyRunnerResults(text: string): EnergyRunnerResults {
  const windows: EnergyRunnerResultsWindow[] = [];
  const performance = new Map<number, number>();
  let current: Partial<EnergyRunnerResultsWindow> | null = null;
  let performanceWindow: number | null = null;
  let medianUjPerInference: number | null = null;
  const number = (message: string, label: RegExp): number | undefined => {
    const match = label.exec(message);
    return match === null ? undefined : Number(match[1]);
  };
  for (const line of text.split(/\r?\n/)) {
    const message = body(line);
    if (message === null) continue;
    const header = /^Energy data for window (\d+) at time ([\d.]+) for ([\d.]+) sec\.:$/.exec(message);
    if (header !== null) {
      current = { window: Number(header[1]), atS: Number(header[2]), durationS: Number(header[3]) };
      windows.push(current as EnergyRunnerResultsWindow);
      continue;
    }
    const perf = /^Performance results for window (\d+):$/.exec(message);
    if (perf !== null) {
      performanceWindow = Number(perf[1]);
      current = null;
      continue;
    }
    const median = number(message, /^Median energy cost is ([\d.]+) uJ\/inf\.$/);
    if (median !== undefined) medianUjPerInference = median;
    if (current !== null) {
      current.energyUj ??= number(message, /^\s*Energy\s*:\s*([\d.]+) uJ$/);
      current.powerUw ??= number(message, /^\s*Power\s*:\s*([\d.]+) uW$/);
      current.perInferenceUj ??= number(message, /^\s*Energy\/Inf\.\s*:\s*([\d.]+) uJ\/inf\.$/);
    }
    const inferences = number(message, /^\s*# Inferences\s*:\s*(\d+)$/);
    if (inferences !== undefined && performanceWindow !== null) performance.set(performanceWindow, inferences);
  }
  const complete = windows.filter((w) => w.energyUj !== undefined && w.perInferenceUj !== undefined && w.powerUw !== undefined);
  if (complete.length === 0) {
    throw new StudioError('BAD_INPUT', "This is not an EnergyRunner energy results file: it has no 'Energy data for window N' with its Energy, Power and Energy/Inf. lines; give the results.txt of an ML Energy session.");
  }
  for (const w of complete) {
    const count = performance.get(w.window);
    if (count !== undefined) w.inferences = count;
  }
  return { windows: complete, medianUjPerInference };
}

export interface EnergyRunnerLog {
  sessionId?: string;
  runnerVersion?: string;
  benchmark?: string;
  model?: string;
  iterInfer?: number;
  /** The energy monitor, as the runner names it: lpm01a, js110, n6705. */
  monitor?: string;
  voltageMv?: number;
}

export function parseEnergyRunnerLog(text: string): EnergyRunnerLog {
  const log: EnergyRunnerLog = {};
  let lines = 0;
  for (const line of text.split(/\r?\n/)) {
    const message = body(line);
    if (message === null) continue;
    lines++;
    const setting = /m-bm-cfg-name\[[^\]]*\]-key\[(\w+)\]-val\[([^\]]*)\]/.exec(message);
    if (setting?.[1] === 'model') log.model = setting[2];
    if (setting?.[1] === 'iterInfer') log.iterInfer = Number(setting[2]);
    log.sessionId ??= /m-session-start-id\[(\d+)\]/.exec(message)?.[1];
    log.runnerVersion ??= /^m-version\[([\d.]+)\]$/.exec(message)?.[1];
    log.benchmark ??= /m-bmark-run-name\[([^\]]+)\]/.exec(message)?.[1];
    log.monitor ??= /m-regfile-fn\[[^\]]*\]-type\[emon\]-name\[([^\]]+)\]/.exec(message)?.[1];
    const mv = /^m-voltage-mv\[(\d+)\]$/.exec(message)?.[1];
    if (mv !== undefined) log.voltageMv = Number(mv);
  }
  if (lines === 0 || (log.sessionId === undefined && log.benchmark === undefined)) {
    throw new StudioError('BAD_INPUT', "This is not an EnergyRunner session log (lines 'SSSSS.mmm source: message' with m-session-start-id and m-bmark-run-name); give the log.txt of the session.");
  }
  return log;
}

export interface EnergyTraceFile {
  rateHz: number;
  /** Energy of each sample, µJ. */
  samplesUj: Float32Array;
}

/** trace1-energy.bin. Bounds-checked by hand: a format of one tag byte and float32s has no library. */
export function parseEnergyTraceBin(bytes: Uint8Array): EnergyTraceFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rateHz = bytes.byteLength >= 5 ? view.getFloat32(1, true) : Number.NaN;
  if (bytes.byteLength < 9 || bytes[0] !== 0xf1 || !(rateHz > 0 && rateHz <= 10_000_000) || (bytes.byteLength - 5) % 4 !== 0) {
    throw new StudioError('BAD_INPUT', "This is not an EnergyRunner energy trace (trace1-energy.bin: a 0xF1 byte, the sample rate, then float32 µJ per sample); give the file the session's log names after 'm-regfile-fn[' with type emon.");
  }
  const samplesUj = new Float32Array((bytes.byteLength - 5) / 4);
  for (let i = 0; i < samplesUj.length; i++) samplesUj[i] = view.getFloat32(5 + i * 4, true);
  return { rateHz, samplesUj };
}

export function parseEnergyTimestamps(text: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length < 3 || !parsed.every((t) => typeof t === 'number' && Number.isFinite(t))) {
    throw new StudioError('BAD_INPUT', 'This is not an EnergyRunner timestamps file (trace1-timestamps.json: a JSON list of at least three times in seconds); give the one saved beside the trace.');
  }
  return parsed as number[];
}

/** The trace as an energy counter: the samples' running sum, one reading per sample (ms). */
function counterTraceOf(trace: EnergyTraceFile): Extract<EnergyTrace, { method: 'counter' }> {
  const readings: CounterReading[] = new Array<CounterReading>(trace.samplesUj.length + 1);
  let sum = 0;
  readings[0] = { tMs: 0, values: [0] };
  for (let i = 0; i < trace.samplesUj.length; i++) {
    sum += trace.samplesUj[i] as number;
    readings[i + 1] = { tMs: ((i + 1) * 1000) / trace.rateHz, values: [sum] };
  }
  return { method: 'counter', readings, maxRange: [Number.MAX_SAFE_INTEGER], unitJ: 1e-6 };
}

export interface EnergyRunnerFiles {
  results?: string;
  log?: string;
  trace?: Uint8Array;
  timestamps?: string;
}

/** The run's energy from an EnergyRunner session's files: the trace and timestamps where given, else results.txt. */
export function energyRunnerEnergy(files: EnergyRunnerFiles): RunEnergy {
  const log = files.log === undefined ? undefined : parseEnergyRunnerLog(files.log);
  const results = files.results === undefined ? undefined : parseEnergyRunnerResults(files.results);
  const monitor = log?.monitor?.toUpperCase();
  const rail = `the DUT's supply${monitor === undefined ? '' : `, measured by the ${monitor}`}${log?.voltageMv === undefined ? '' : ` at ${log.voltageMv} mV`}`;
  const given = (['log', 'results', 'trace', 'timestamps'] as const).filter((k) => files[k] !== undefined);
  const session = [log?.runnerVersion === undefined ? 'EnergyRunner' : `EnergyRunner ${log.runnerVersion}`, log?.sessionId === undefined ? '' : `session ${log.sessionId}`, log?.model === undefined ? '' : `model ${log.model}`]
    .filter((part) => part !== '')
    .join(' ');
  const importedFrom = `${session} (${given.join(', ')})`;
  const notes: string[] = [];

  if (files.trace !== undefined || files.timestamps !== undefined) {
    if (files.trace === undefined || files.timestamps === undefined) {
      throw new StudioError('BAD_INPUT', 'The energy trace and its timestamps go together: give both trace1-energy.bin and trace1-timestamps.json, or results.txt alone.');
    }
    const trace = parseEnergyTraceBin(files.trace);
    const times = parseEnergyTimestamps(files.timestamps);
    const counter = counterTraceOf(trace);
    // The first timestamp answers the 'timestamp' command; then each window's start and end.
    const edges = times.slice(1);
    const windowCount = Math.floor(edges.length / 2);
    const inferencesOf = (i: number): number | undefined => results?.windows[i]?.inferences ?? log?.iterInfer;
    const windows: EnergyWindowInput[] = [];
    for (let i = 0; i < windowCount; i++) {
      const inferences = inferencesOf(i);
      if (inferences === undefined) {
        throw new StudioError('BAD_INPUT', "The trace's windows need their inference counts: give the session's log.txt (its iterInfer) or results.txt with it.");
      }
      const span = spanOf(traceBetween(counter, (edges[2 * i] as number) * 1000, (edges[2 * i + 1] as number) * 1000));
      windows.push({ span, inferences });
    }
    const endS = trace.samplesUj.length / trace.rateHz;
    if ((edges.at(-1) ?? 0) > endS) notes.push(`The timestamps run to ${edges.at(-1)} s but the trace ends at ${endS.toFixed(3)} s: the monitor dropped samples, so the last window is short.`);
    return windowedEnergy({ source: 'mlperf-tiny-energy', method: 'counter', rails: [rail], intervalMs: 1000 / trace.rateHz, windows, importedFrom, notes });
  }

  if (results === undefined) {
    throw new StudioError('BAD_INPUT', "An EnergyRunner import needs the session's results.txt, or its trace1-energy.bin with trace1-timestamps.json (and log.txt).");
  }
  const windows: EnergyWindowInput[] = results.windows.map((w) => {
    const inferences = w.inferences ?? log?.iterInfer ?? Math.round(w.energyUj / w.perInferenceUj);
    const durationMs = w.durationS * 1000;
    return { span: { durationMs, energyJ: w.energyUj * 1e-6, averagePowerW: w.powerUw * 1e-6, samples: 0 }, inferences };
  });
  if (results.windows.some((w) => w.inferences === undefined) && log?.iterInfer === undefined) {
    notes.push("results.txt has no '# Inferences' for some windows and no log was given: their counts are the runner's energy over its energy per inference, rounded.");
  }
  const energy = windowedEnergy({ source: 'mlperf-tiny-energy', method: 'monitor', rails: [rail], intervalMs: 0, windows, importedFrom, notes });
  // The runner's own median, to the precision it printed: a different figure means a window was misread.
  if (results.medianUjPerInference !== null && energy.perInferenceJ !== null && Math.abs(energy.perInferenceJ * 1e6 - results.medianUjPerInference) > 0.0015 * results.medianUjPerInference) {
    return { ...energy, reliable: false, notes: [...energy.notes, `The median here (${(energy.perInferenceJ * 1e6).toFixed(3)} µJ) differs from the runner's own (${results.medianUjPerInference} µJ): check that results.txt is whole.`] };
  }
  return energy;
}

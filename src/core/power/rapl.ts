/**
 * RAPL through Linux's powercap tree: /sys/class/powercap/intel-rapl:N (package domains) and
 * intel-rapl:N:M named "dram" (DRAM domains), each with energy_uj (a µJ counter) and
 * max_energy_range_uj (where it wraps to 0). AMD Zen CPUs expose the same intel-rapl zones
 * through the same intel_rapl_msr driver on recent kernels (package only, no DRAM domain). psys (the whole platform, where present) overlaps the others and is left
 * out, and so are intel-rapl-mmio zones (the same package counter through MMIO).
 *
 * The tree's root is injectable (EDGEBENCH_POWERCAP_ROOT, or `root`) and so is the file reader
 * (`readFile`): the tests build a powercap tree in a temp dir, and, running as root in CI (where
 * chmod 000 does not stop a read), inject the EACCES a user sees instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { StudioError } from '../../shared/errors';
import { POWERCAP_ROOT, RAPL_PERMISSION_FIX } from '../../shared/plugins/power-sources/rapl';
import type { CounterReading, EnergyTrace } from './energy-math';

export interface RaplDomain {
  /** The zone's folder: intel-rapl:0, intel-rapl:0:2. */
  readonly zone: string;
  /** Its name file: package-0, dram. */
  readonly name: string;
  /** For the run file: "package-0", "dram (package-0)". */
  readonly label: string;
}

export interface RaplOptions {
  /** The powercap tree; default EDGEBENCH_POWERCAP_ROOT, else /sys/class/powercap. TEST SEAM. */
  readonly root?: string;
  /** Reads one sysfs file; TEST SEAM (an injected EACCES where chmod cannot deny root). */
  readonly readFile?: (file: string) => string;
}

export interface RaplMeter {
  readonly root: string;
  readonly domains: readonly RaplDomain[];
  /** Each domain's wrap-around point, in µJ. */
  readonly maxRangeUj: readonly number[];
  /** Every domain's counter, now. */
  read(): CounterReading;
}

/** The root the engine reads: the option, else the test seam's environment variable, else the kernel's. */
export function powercapRoot(options: RaplOptions = {}): string {
  return options.root ?? process.env.EDGEBENCH_POWERCAP_ROOT ?? POWERCAP_ROOT;
}

const ZONE = /^intel-rapl:(\d+)(?::(\d+))?$/;

function noCounters(why: string, context: Record<string, string> = {}): StudioError {
  return new StudioError('BAD_INPUT', `No RAPL counters are readable here: ${why}.`, { source: 'rapl', ...context });
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Opens the counters: finds the package and DRAM zones and reads each once, so a missing tree, a
 * tree without RAPL zones, a permission the kernel withholds or a file that is not a counter is
 * one sentence before any runner starts.
 */
export function openRapl(options: RaplOptions = {}): RaplMeter {
  const root = powercapRoot(options);
  const readFile = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw noCounters(`${root} does not exist (a virtual machine that does not pass RAPL through, a kernel built without powercap, or the intel_rapl_msr module not loaded: try 'sudo modprobe intel_rapl_msr')`, { root });
    }
    throw noCounters(`${root} cannot be listed (${errnoOf(error) ?? String(error)})`, { root });
  }
  const zones = entries
    .map((entry) => ({ entry, match: ZONE.exec(entry) }))
    .filter((z): z is { entry: string; match: RegExpExecArray } => z.match !== null)
    .sort((a, b) => Number(a.match[1]) - Number(b.match[1]) || Number(a.match[2] ?? -1) - Number(b.match[2] ?? -1));
  const read = (zone: string, file: string): string => {
    const full = path.join(root, zone, file);
    try {
      return readFile(full).trim();
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'EACCES' || code === 'EPERM') throw noCounters(`${full} is not readable by this user: ${RAPL_PERMISSION_FIX.cli}`, { file: full });
      throw noCounters(`${full} cannot be read (${code ?? String(error)})`, { file: full });
    }
  };
  const domains: RaplDomain[] = [];
  for (const { entry, match } of zones) {
    const name = read(entry, 'name');
    const isPackage = match[2] === undefined && name.startsWith('package');
    const isDram = match[2] !== undefined && name === 'dram';
    if (!isPackage && !isDram) continue;
    const parent = isDram ? read(`intel-rapl:${match[1]}`, 'name') : name;
    domains.push({ zone: entry, name, label: isDram ? `dram (${parent})` : name });
  }
  if (domains.length === 0) {
    throw noCounters(`${root} has no intel-rapl package zones (this CPU or kernel does not expose RAPL through powercap)`, { root });
  }
  const counter = (zone: string, file: string): number => {
    const text = read(zone, file);
    if (!/^\d+$/.test(text)) throw noCounters(`${path.join(root, zone, file)} holds '${text.slice(0, 40)}', not a counter in µJ`, { file: path.join(root, zone, file) });
    return Number(text);
  };
  const maxRangeUj = domains.map((d) => counter(d.zone, 'max_energy_range_uj'));
  const meter: RaplMeter = {
    root,
    domains,
    maxRangeUj,
    read: () => ({ tMs: performance.now(), values: domains.map((d) => counter(d.zone, 'energy_uj')) }),
  };
  meter.read();
  return meter;
}

/** Readings being taken every `intervalMs` until `stop()`, which takes one last reading and returns the trace. */
export interface CounterRecording {
  stop(): Extract<EnergyTrace, { method: 'counter' }>;
}

/**
 * Reads the counters now, every `intervalMs`, and once more at stop. A reading that fails mid-way
 * (a zone gone) is left out; the trace's reading count says how many there were. Reading often
 * also keeps a wrap-around to at most one per interval, which counterDelta undoes.
 */
export function recordCounters(meter: RaplMeter, intervalMs: number): CounterRecording {
  const readings: CounterReading[] = [];
  const take = (): void => {
    try {
      readings.push(meter.read());
    } catch {
      // Left out: the count of readings in the run file shows the gap.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { method: 'counter', readings, maxRange: meter.maxRangeUj, unitJ: 1e-6 };
    },
  };
}

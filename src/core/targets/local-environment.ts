/**
 * What this machine is doing around a benchmark: CPU clock, temperature, load and busy processes.
 * Sampled before and after a run so the verdict can say "the CPU slowed down" or "something else
 * was running" instead of leaving the user to guess why two runs disagree.
 *
 * Every reading is best effort: a value the platform does not expose is undefined, never a guess
 * and never NaN. Linux exposes all of it (sysfs and procfs); elsewhere only what `os` offers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { RunFile } from '../../shared/run-schema';

/** One reading of the machine's state. */
export interface EnvironmentSnapshot {
  /** Average current clock over all cores, in MHz. */
  cpuMHz?: number;
  /** The hottest thermal zone, in °C. */
  temperatureC?: number;
  /** 1-minute load average (runnable processes, averaged); undefined on Windows, which has none. */
  loadAverage?: number;
}

export type RunEnvironment = NonNullable<RunFile['environment']>;

/** A process using more than this share of one core during the window counts as busy. */
export const BUSY_PROCESS_CORE_SHARE = 0.5;
/** The busiest few are enough to tell the user what to close. */
const MAX_BUSY_PROCESSES = 5;
/**
 * utime and stime in /proc/[pid]/stat count clock ticks of USER_HZ, which the kernel fixes at 100
 * on every architecture Linux ships for (it is ABI, unlike the kernel's internal HZ).
 */
const USER_HZ = 100;
/** Sensors reporting outside this range (disabled zones read 0 or -273 °C) are ignored. */
const PLAUSIBLE_TEMPERATURE_C = { min: 1, max: 150 } as const;

/**
 * Reads the current CPU clock, temperature and load. Synchronous and cheap (a few small sysfs
 * reads on Linux). `fsRoot` exists for tests: a folder laid out like / with `sys/` and `proc/`.
 */
export function sampleEnvironment(fsRoot = '/'): EnvironmentSnapshot {
  const linux = process.platform === 'linux';
  const snapshot: EnvironmentSnapshot = {};
  const cpuMHz = linux ? (sysfsCpuMHz(fsRoot) ?? cpuinfoMHz(fsRoot) ?? osCpuMHz()) : osCpuMHz();
  if (cpuMHz !== undefined) snapshot.cpuMHz = cpuMHz;
  const temperatureC = linux ? thermalZoneMaxC(fsRoot) : undefined;
  if (temperatureC !== undefined) snapshot.temperatureC = temperatureC;
  // os.loadavg() is always [0, 0, 0] on Windows: absent, not idle.
  const loadAverage = process.platform === 'win32' ? undefined : os.loadavg()[0];
  if (loadAverage !== undefined && Number.isFinite(loadAverage)) snapshot.loadAverage = loadAverage;
  return snapshot;
}

/**
 * Names the processes that used more than half a core during `windowMs`, busiest first, e.g.
 * "stress-ng (pid 4312, 98% of a core)". Linux only (reads /proc twice); [] elsewhere.
 * This process and `excludePids` (the runner) are left out: they are the benchmark itself.
 */
export async function findBusyProcesses(excludePids: readonly number[], windowMs = 200, fsRoot = '/'): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const excluded = new Set([process.pid, ...excludePids]);
  const before = await readProcessTicks(fsRoot, excluded);
  const startedMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = await readProcessTicks(fsRoot, excluded);
  const elapsedSec = (performance.now() - startedMs) / 1000;

  const busy: { label: string; coreShare: number }[] = [];
  for (const [pid, now] of after) {
    const then = before.get(pid);
    // A pid reused by a new process between readings is a different process: skip it.
    if (then === undefined || then.name !== now.name) continue;
    const coreShare = (now.ticks - then.ticks) / USER_HZ / elapsedSec;
    if (coreShare > BUSY_PROCESS_CORE_SHARE) {
      busy.push({ label: `${now.name} (pid ${pid}, ${Math.round(coreShare * 100)}% of a core)`, coreShare });
    }
  }
  return busy
    .sort((a, b) => b.coreShare - a.coreShare)
    .slice(0, MAX_BUSY_PROCESSES)
    .map((p) => p.label);
}

/** The run file's environment block from readings before and after the run. */
export function environmentBetween(
  start: EnvironmentSnapshot,
  end: EnvironmentSnapshot,
  busyProcesses: readonly string[],
): RunEnvironment {
  const environment: RunEnvironment = { busyProcesses: [...busyProcesses] };
  if (start.cpuMHz !== undefined && end.cpuMHz !== undefined) {
    environment.cpuMHz = { start: start.cpuMHz, end: end.cpuMHz };
  }
  if (start.temperatureC !== undefined && end.temperatureC !== undefined) {
    environment.temperatureC = { start: start.temperatureC, end: end.temperatureC };
  }
  if (start.loadAverage !== undefined) environment.loadAverage = start.loadAverage;
  return environment;
}

/** cpufreq's scaling_cur_freq (kHz) averaged over cores; absent in most VMs and containers. */
function sysfsCpuMHz(fsRoot: string): number | undefined {
  const cpuDir = join(fsRoot, 'sys/devices/system/cpu');
  const cores = listOrEmpty(cpuDir).filter((name) => /^cpu\d+$/.test(name));
  const kHz = cores.map((core) => parseNumber(readOrUndefined(join(cpuDir, core, 'cpufreq/scaling_cur_freq'))));
  const mean = meanOfPositive(kHz);
  return mean === undefined ? undefined : mean / 1000;
}

/** x86's "cpu MHz" lines in /proc/cpuinfo (Arm boards have none). */
function cpuinfoMHz(fsRoot: string): number | undefined {
  const cpuinfo = readOrUndefined(join(fsRoot, 'proc/cpuinfo'));
  if (cpuinfo === undefined) return undefined;
  return meanOfPositive([...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => parseNumber(m[1])));
}

function osCpuMHz(): number | undefined {
  return meanOfPositive(os.cpus().map((cpu) => cpu.speed));
}

/** The hottest of /sys/class/thermal/thermal_zone*\/temp (millidegrees Celsius). */
function thermalZoneMaxC(fsRoot: string): number | undefined {
  const thermalDir = join(fsRoot, 'sys/class/thermal');
  let hottestC: number | undefined;
  for (const zone of listOrEmpty(thermalDir).filter((name) => name.startsWith('thermal_zone'))) {
    const milliC = parseNumber(readOrUndefined(join(thermalDir, zone, 'temp')));
    if (milliC === undefined) continue;
    const celsius = milliC / 1000;
    if (celsius < PLAUSIBLE_TEMPERATURE_C.min || celsius > PLAUSIBLE_TEMPERATURE_C.max) continue;
    if (hottestC === undefined || celsius > hottestC) hottestC = celsius;
  }
  return hottestC;
}

interface ProcessTicks {
  name: string;
  /** utime + stime, in USER_HZ ticks. */
  ticks: number;
}

async function readProcessTicks(fsRoot: string, excluded: ReadonlySet<number>): Promise<Map<number, ProcessTicks>> {
  const procDir = join(fsRoot, 'proc');
  const pids = (await readdir(procDir).catch(() => [] as string[]))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => !excluded.has(pid));
  const ticks = new Map<number, ProcessTicks>();
  await Promise.all(
    pids.map(async (pid) => {
      // A process can exit between listing and reading: it is simply not busy any more.
      const stat = await readFile(join(procDir, String(pid), 'stat'), 'utf8').catch(() => undefined);
      const parsed = stat === undefined ? undefined : parseProcStat(stat);
      if (parsed !== undefined) ticks.set(pid, parsed);
    }),
  );
  return ticks;
}

/**
 * "/proc/[pid]/stat": `pid (comm) state ppid ... utime stime ...`. comm may hold spaces and
 * parentheses, so fields are counted from the last ')'; utime and stime are fields 14 and 15.
 */
export function parseProcStat(stat: string): ProcessTicks | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so field k is fields[k - 3].
  const utime = parseNumber(fields[11]);
  const stime = parseNumber(fields[12]);
  if (utime === undefined || stime === undefined) return undefined;
  return { name: stat.slice(open + 1, close), ticks: utime + stime };
}

function meanOfPositive(values: readonly (number | undefined)[]): number | undefined {
  const positive = values.filter((v): v is number => v !== undefined && v > 0);
  if (positive.length === 0) return undefined;
  return positive.reduce((sum, v) => sum + v, 0) / positive.length;
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

// Missing sysfs and procfs entries are normal (VMs, containers, other kernels): the reading is
// then undefined, which the verdict treats as "the platform does not tell".
function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function listOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

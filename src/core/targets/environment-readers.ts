/**
 * The one reader of a Linux machine's state, fed file contents instead of touching a filesystem,
 * so this computer (local-environment.ts reads sysfs and procfs under a root) and an SSH board
 * (remote-environment.ts dumps the same files over the connection) go through the same parsing.
 *
 * Every reading is best effort: a file or tool that is missing or unreadable leaves its field
 * absent, never guessed, never NaN. VMs and containers usually lack cpufreq and thermal zones.
 */
import type { RunEnvironment } from '../../shared/run-schema';
import { groupBy, type CpuCluster } from './cpu-clusters';
import { parseNvpmodel, parseThrottled, type ThrottleState } from './ssh/probe-parse';

/** Files and tools of one machine, as the readers see them. */
export interface EnvironmentTree {
  /** A file's contents by absolute path ('/proc/stat'), or undefined when absent or unreadable. */
  read(path: string): string | undefined;
  /** Names inside a folder ('/sys/class/thermal' → ['thermal_zone0', ...]); [] when absent. */
  list(dir: string): string[];
  /** A board tool's output, or undefined when the tool is not there or failed. */
  tool(command: BoardTool): string | undefined;
}

/** The board tools read, as run (no arguments from anywhere else). */
export const BOARD_TOOLS = ['vcgencmd get_throttled', 'nvpmodel -q'] as const;
export type BoardTool = (typeof BOARD_TOOLS)[number];

/** Every file and folder the readers look at, so a remote dump can fetch exactly these. */
export const ENVIRONMENT_PATHS = {
  cpuDir: '/sys/devices/system/cpu',
  thermalDir: '/sys/class/thermal',
  powerSupplyDir: '/sys/class/power_supply',
  platformProfile: '/sys/firmware/acpi/platform_profile',
  stat: '/proc/stat',
  loadavg: '/proc/loadavg',
  cpuinfo: '/proc/cpuinfo',
  meminfo: '/proc/meminfo',
  memoryPressure: '/proc/pressure/memory',
  osrelease: '/proc/sys/kernel/osrelease',
} as const;

/** One core's cpufreq files (kHz in sysfs, MHz here). */
export interface CoreReading {
  cpu: number;
  governor?: string;
  curMHz?: number;
  minMHz?: number;
  maxMHz?: number;
  /** The hardware's highest clock (cpuinfo_max_freq): CPUs of one value are one cluster. */
  cpuinfoMaxMHz?: number;
}

/** The aggregate "cpu" line of /proc/stat, in USER_HZ ticks since boot. */
export interface CpuTimes {
  /** user + nice + system + idle + iowait + irq + softirq + steal (guest time is already inside user and nice). */
  totalTicks: number;
  iowaitTicks: number;
  /** Absent on kernels older than 2.6.11, which have no steal column. */
  stealTicks?: number;
}

export interface ThermalZoneReading {
  /** The sysfs name (thermal_zone0): what pairs a zone's two readings. */
  zone: string;
  /** What the zone measures ("cpu-thermal", "x86_pkg_temp"); the zone's name when it has no type file. */
  type: string;
  temperatureC: number;
}

/** One reading of a machine's state. */
export interface EnvironmentSnapshot {
  /** Average current clock over all cores, in MHz. */
  cpuMHz?: number;
  /** The hottest thermal zone, in °C. */
  temperatureC?: number;
  /** 1-minute load average (runnable processes, averaged); undefined on Windows, which has none. */
  loadAverage?: number;
  /** Cores that have cpufreq, in cpu order. */
  cores?: CoreReading[];
  cpuTimes?: CpuTimes;
  thermalZones?: ThermalZoneReading[];
  /** Raspberry Pi firmware's vcgencmd get_throttled. */
  throttled?: ThrottleState;
  powerSource?: 'ac' | 'battery';
  /** Jetson nvpmodel's mode, or a laptop's ACPI platform profile. */
  powerMode?: string;
  /** PSI avg10 shares (0.05 = 5 % of the last 10 s stalled on memory). */
  memoryPressure?: { someAvg10: number; fullAvg10?: number };
  memAvailableBytes?: number;
  kernel?: string;
}

/** Sensors reporting outside this range (disabled zones read 0 or -273 °C) are ignored. */
export const PLAUSIBLE_TEMPERATURE_C = { min: 1, max: 150 } as const;

/** Reads everything the tree offers; fields it does not offer are absent. */
export function readEnvironment(tree: EnvironmentTree): EnvironmentSnapshot {
  const snapshot: EnvironmentSnapshot = {};
  const cores = readCores(tree);
  if (cores.length > 0) snapshot.cores = cores;
  const cpuMHz = meanOfPositive(cores.map((core) => core.curMHz)) ?? cpuinfoMHz(tree.read(ENVIRONMENT_PATHS.cpuinfo));
  if (cpuMHz !== undefined) snapshot.cpuMHz = cpuMHz;
  const zones = readThermalZones(tree);
  if (zones.length > 0) {
    snapshot.thermalZones = zones;
    snapshot.temperatureC = Math.max(...zones.map((zone) => zone.temperatureC));
  }
  const loadAverage = parseNumber(tree.read(ENVIRONMENT_PATHS.loadavg)?.trim().split(/\s+/)[0]);
  if (loadAverage !== undefined) snapshot.loadAverage = loadAverage;
  const cpuTimes = parseCpuTimes(tree.read(ENVIRONMENT_PATHS.stat));
  if (cpuTimes !== undefined) snapshot.cpuTimes = cpuTimes;
  const throttled = parseThrottled(tree.tool('vcgencmd get_throttled'));
  if (throttled !== null) snapshot.throttled = throttled;
  const powerSource = readPowerSource(tree);
  if (powerSource !== undefined) snapshot.powerSource = powerSource;
  const powerMode = parseNvpmodel(tree.tool('nvpmodel -q')?.replace(/\s+/g, ' ')) ?? nonEmpty(tree.read(ENVIRONMENT_PATHS.platformProfile));
  if (powerMode !== undefined && powerMode !== null) snapshot.powerMode = powerMode;
  const memoryPressure = parseMemoryPressure(tree.read(ENVIRONMENT_PATHS.memoryPressure));
  if (memoryPressure !== undefined) snapshot.memoryPressure = memoryPressure;
  const memAvailableBytes = parseMemAvailable(tree.read(ENVIRONMENT_PATHS.meminfo));
  if (memAvailableBytes !== undefined) snapshot.memAvailableBytes = memAvailableBytes;
  const kernel = nonEmpty(tree.read(ENVIRONMENT_PATHS.osrelease));
  if (kernel !== undefined) snapshot.kernel = kernel;
  return snapshot;
}

/** The run file's environment block from readings before and after the run. */
export function environmentBetween(start: EnvironmentSnapshot, end: EnvironmentSnapshot, busyProcesses: readonly string[]): RunEnvironment {
  const environment: RunEnvironment = { busyProcesses: [...busyProcesses] };
  if (start.cpuMHz !== undefined && end.cpuMHz !== undefined) environment.cpuMHz = { start: start.cpuMHz, end: end.cpuMHz };
  if (start.temperatureC !== undefined && end.temperatureC !== undefined) {
    environment.temperatureC = { start: start.temperatureC, end: end.temperatureC };
  }
  if (start.loadAverage !== undefined) environment.loadAverage = start.loadAverage;

  const governors = [...new Set([...(start.cores ?? []), ...(end.cores ?? [])].flatMap((core) => (core.governor === undefined ? [] : [core.governor])))];
  if (governors.length > 0) environment.governor = governors.sort().join(', ');
  const coresMHz = coresBetween(start.cores ?? [], end.cores ?? []);
  if (coresMHz !== undefined) environment.coresMHz = coresMHz;
  const clusters = clustersBetween(start.cores ?? [], end.cores ?? []);
  if (clusters.length > 0) environment.cpuClusters = clusters;

  const shares = cpuSharesBetween(start.cpuTimes, end.cpuTimes);
  if (shares.steal !== undefined) environment.stealShare = shares.steal;
  if (shares.iowait !== undefined) environment.iowaitShare = shares.iowait;

  const endZones = new Map((end.thermalZones ?? []).map((zone) => [zone.zone, zone]));
  const zones = (start.thermalZones ?? []).flatMap((zone) => {
    const after = endZones.get(zone.zone);
    return after === undefined ? [] : [{ type: zone.type, startC: zone.temperatureC, endC: after.temperatureC }];
  });
  if (zones.length > 0) environment.thermalZones = zones;

  const throttled = end.throttled ?? start.throttled;
  if (throttled !== undefined) {
    environment.throttled = { now: throttled.now.length > 0, sinceBoot: throttled.sinceBoot.length > 0, raw: `throttled=${throttled.raw}`, source: 'vcgencmd get_throttled' };
  }
  const powerSource = start.powerSource ?? end.powerSource;
  const powerMode = start.powerMode ?? end.powerMode;
  if (powerSource !== undefined || powerMode !== undefined) {
    environment.power = { ...(powerSource !== undefined ? { source: powerSource } : {}), ...(powerMode !== undefined ? { mode: powerMode } : {}) };
  }
  // avg10 at the end covers the last 10 s of the run: the pressure the measured runs saw.
  const pressure = end.memoryPressure ?? start.memoryPressure;
  if (pressure !== undefined) environment.memoryPressure = pressure;
  if (start.memAvailableBytes !== undefined) environment.memAvailableBytes = start.memAvailableBytes;
  const kernel = start.kernel ?? end.kernel;
  if (kernel !== undefined) environment.kernel = kernel;
  return environment;
}

function coresBetween(start: readonly CoreReading[], end: readonly CoreReading[]): RunEnvironment['coresMHz'] {
  const current = (cores: readonly CoreReading[]) => cores.flatMap((core) => (core.curMHz === undefined ? [] : [core.curMHz]));
  const [startMHz, endMHz] = [current(start), current(end)];
  if (startMHz.length === 0 || endMHz.length === 0) return undefined;
  const coresMHz: NonNullable<RunEnvironment['coresMHz']> = { start: startMHz, end: endMHz };
  // The allowed range is kept only when every core has it, so index i is core i's in every array.
  const min = start.map((core) => core.minMHz);
  const max = start.map((core) => core.maxMHz);
  if (min.length === startMHz.length && min.every((v) => v !== undefined)) coresMHz.min = min as number[];
  if (max.length === startMHz.length && max.every((v) => v !== undefined)) coresMHz.max = max as number[];
  return coresMHz;
}

/**
 * Each cluster's governor and mean current clock before and after: clusters as given (an adb
 * device's, from its probe), else by cpuinfo_max_freq (cpu-clusters.ts's grouping), or all cores
 * as one where a core lacks that file. A cluster whose CPUs have neither reading at both ends is left out.
 */
export function clustersBetween(
  start: readonly CoreReading[],
  end: readonly CoreReading[],
  known?: readonly Pick<CpuCluster, 'cpus' | 'maxKHz'>[],
): NonNullable<RunEnvironment['cpuClusters']> {
  if (start.length === 0 || end.length === 0) return [];
  const maxes = new Map(start.flatMap((core) => (core.cpuinfoMaxMHz === undefined ? [] : [[core.cpu, core.cpuinfoMaxMHz] as const])));
  const groups: Array<{ cpus: number[]; maxMHz?: number }> =
    known !== undefined && known.length > 0
      ? known.map((cluster) => ({ cpus: [...cluster.cpus], ...(cluster.maxKHz !== undefined ? { maxMHz: cluster.maxKHz / 1000 } : {}) }))
      : maxes.size === start.length
        ? groupBy(maxes).map(({ value, cpus }) => ({ cpus, maxMHz: value }))
        : [{ cpus: start.map((core) => core.cpu) }];
  const state = (readings: readonly CoreReading[], cpus: readonly number[]) => {
    const cores = readings.filter((core) => cpus.includes(core.cpu));
    const governors = [...new Set(cores.flatMap((core) => (core.governor === undefined ? [] : [core.governor])))].sort();
    const meanMHz = meanOfPositive(cores.map((core) => core.curMHz));
    // To 0.1 MHz: a mean of kHz readings is not more exact than that, and the run file keeps it as written.
    return { governor: governors.length > 0 ? governors.join(', ') : undefined, curMHz: meanMHz === undefined ? undefined : Math.round(meanMHz * 10) / 10 };
  };
  return groups.flatMap(({ cpus, maxMHz }) => {
    const [before, after] = [state(start, cpus), state(end, cpus)];
    const cluster: NonNullable<RunEnvironment['cpuClusters']>[number] = { cpus, ...(maxMHz !== undefined ? { maxMHz } : {}) };
    if (before.governor !== undefined && after.governor !== undefined) cluster.governor = { start: before.governor, end: after.governor };
    if (before.curMHz !== undefined && after.curMHz !== undefined) cluster.curMHz = { start: before.curMHz, end: after.curMHz };
    return cluster.governor !== undefined || cluster.curMHz !== undefined ? [cluster] : [];
  });
}

/** Steal and iowait as shares of all CPU time between two /proc/stat readings. */
export function cpuSharesBetween(start: CpuTimes | undefined, end: CpuTimes | undefined): { steal?: number; iowait?: number } {
  if (start === undefined || end === undefined) return {};
  const total = end.totalTicks - start.totalTicks;
  if (!(total > 0)) return {};
  const shares: { steal?: number; iowait?: number } = {};
  // iowait may go backwards on an idle CPU (proc(5)); a negative delta says nothing, so it is left out.
  const iowait = end.iowaitTicks - start.iowaitTicks;
  if (iowait >= 0) shares.iowait = Math.min(1, iowait / total);
  if (start.stealTicks !== undefined && end.stealTicks !== undefined) {
    const steal = end.stealTicks - start.stealTicks;
    if (steal >= 0) shares.steal = Math.min(1, steal / total);
  }
  return shares;
}

/** Each core's cpufreq readings from files by path, as `grep -H .` over cpuN/cpufreq/* prints them (an adb device's dump). */
export function coreReadingsFromFiles(files: ReadonlyMap<string, string>): CoreReading[] {
  const dir = ENVIRONMENT_PATHS.cpuDir;
  const byPath = new Map<string, string>();
  for (const [path, value] of files) {
    const at = /\/cpu(\d+)\/cpufreq\/([a-z_]+)$/.exec(path);
    if (at !== null) byPath.set(`${dir}/cpu${at[1]}/cpufreq/${at[2]}`, value);
  }
  const cpus = [...new Set([...byPath.keys()].map((path) => path.slice(dir.length + 1).split('/')[0] as string))];
  return readCores({ read: (path) => byPath.get(path), list: (listed) => (listed === dir ? cpus : []), tool: () => undefined });
}

function readCores(tree: EnvironmentTree): CoreReading[] {
  const dir = ENVIRONMENT_PATHS.cpuDir;
  return tree
    .list(dir)
    .filter((name) => /^cpu\d+$/.test(name))
    .map((name) => Number(name.slice(3)))
    .sort((a, b) => a - b)
    .flatMap((cpu) => {
      const file = (name: string) => tree.read(`${dir}/cpu${cpu}/cpufreq/${name}`);
      const mhz = (name: string) => {
        const kHz = parseNumber(file(name));
        return kHz !== undefined && kHz > 0 ? kHz / 1000 : undefined;
      };
      const core: CoreReading = { cpu };
      const governor = nonEmpty(file('scaling_governor'));
      if (governor !== undefined) core.governor = governor;
      const [curMHz, minMHz, maxMHz] = [mhz('scaling_cur_freq'), mhz('scaling_min_freq'), mhz('scaling_max_freq')];
      if (curMHz !== undefined) core.curMHz = curMHz;
      if (minMHz !== undefined) core.minMHz = minMHz;
      if (maxMHz !== undefined) core.maxMHz = maxMHz;
      if (Object.keys(core).length === 1) return [];
      // Only with the readings above: the hardware's clock alone says nothing about the run.
      const cpuinfoMaxMHz = mhz('cpuinfo_max_freq');
      if (cpuinfoMaxMHz !== undefined) core.cpuinfoMaxMHz = cpuinfoMaxMHz;
      return [core];
    });
}

function readThermalZones(tree: EnvironmentTree): ThermalZoneReading[] {
  const dir = ENVIRONMENT_PATHS.thermalDir;
  return tree
    .list(dir)
    .filter((name) => /^thermal_zone\d+$/.test(name))
    .sort((a, b) => Number(a.slice(12)) - Number(b.slice(12)))
    .flatMap((zone) => {
      const milliC = parseNumber(tree.read(`${dir}/${zone}/temp`));
      if (milliC === undefined) return [];
      const temperatureC = milliC / 1000;
      if (temperatureC < PLAUSIBLE_TEMPERATURE_C.min || temperatureC > PLAUSIBLE_TEMPERATURE_C.max) return [];
      return [{ zone, type: nonEmpty(tree.read(`${dir}/${zone}/type`)) ?? zone, temperatureC }];
    });
}

/**
 * A mains (or USB) supply online means AC; otherwise a battery that says it is discharging means
 * battery. A machine without power_supply entries (most desktops, VMs, many boards) says nothing.
 */
function readPowerSource(tree: EnvironmentTree): 'ac' | 'battery' | undefined {
  const dir = ENVIRONMENT_PATHS.powerSupplyDir;
  let battery = false;
  let external = false;
  for (const name of tree.list(dir)) {
    const type = nonEmpty(tree.read(`${dir}/${name}/type`));
    const online = nonEmpty(tree.read(`${dir}/${name}/online`));
    if ((type === 'Mains' || type === 'USB') && online === '1') return 'ac';
    if (type === 'Mains' || type === 'USB') external = true;
    if (type === 'Battery' && nonEmpty(tree.read(`${dir}/${name}/status`)) === 'Discharging') battery = true;
  }
  // An external supply that is present but offline, or a discharging battery: on battery.
  if (battery) return 'battery';
  return external && tree.list(dir).some((name) => nonEmpty(tree.read(`${dir}/${name}/type`)) === 'Battery') ? 'battery' : undefined;
}

/** The aggregate line: "cpu  user nice system idle iowait irq softirq steal guest guest_nice". */
export function parseCpuTimes(text: string | undefined): CpuTimes | undefined {
  const line = text?.split('\n').find((l) => /^cpu\s/.test(l));
  if (line === undefined) return undefined;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 5 || fields.slice(0, 8).some((v) => !Number.isFinite(v))) return undefined;
  const times: CpuTimes = { totalTicks: fields.slice(0, 8).reduce((sum, v) => sum + v, 0), iowaitTicks: fields[4] as number };
  if (fields.length >= 8) times.stealTicks = fields[7] as number;
  return times;
}

/** "some avg10=1.50 avg60=... total=...\nfull avg10=0.20 ..." → shares (PSI prints percentages). */
export function parseMemoryPressure(text: string | undefined): EnvironmentSnapshot['memoryPressure'] {
  const avg10 = (kind: string) => parseNumber(text?.match(new RegExp(`^${kind} avg10=([\\d.]+)`, 'm'))?.[1]);
  const some = avg10('some');
  if (some === undefined) return undefined;
  const full = avg10('full');
  return { someAvg10: some / 100, ...(full !== undefined ? { fullAvg10: full / 100 } : {}) };
}

function parseMemAvailable(text: string | undefined): number | undefined {
  const kB = parseNumber(text?.match(/^MemAvailable:\s+(\d+) kB/m)?.[1]);
  return kB === undefined ? undefined : kB * 1024;
}

/** x86's "cpu MHz" lines in /proc/cpuinfo (Arm boards have none). */
function cpuinfoMHz(cpuinfo: string | undefined): number | undefined {
  if (cpuinfo === undefined) return undefined;
  return meanOfPositive([...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => parseNumber(m[1])));
}

export function meanOfPositive(values: readonly (number | undefined)[]): number | undefined {
  const positive = values.filter((v): v is number => v !== undefined && v > 0);
  if (positive.length === 0) return undefined;
  return positive.reduce((sum, v) => sum + v, 0) / positive.length;
}

export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * One Android device as the studio sees it: what it is (model, ABI, Android version, SoC, CPU
 * clusters from cpufreq, memory) and how hot it is (the thermal service's status, the battery's
 * temperature, the thermal zones), each read with one `adb shell` line.
 */
import type { HardwareProfile, RunEnvironment } from '../../../shared/run-schema';
import { adbShell, requireDevice } from './adb-client';
import { clustersFromMaxFreq, describeClusters, parseCpuFreqState, type CpuCluster } from '../cpu-clusters';
import { clustersBetween, coreReadingsFromFiles } from '../environment-readers';
import {
  archOfAbi,
  parseBatteryTemperature,
  parseGetprop,
  parseGrepH,
  parseMemTotalBytes,
  parseThermalStatus,
  parseThermalZones,
  thermalStatusName,
  THROTTLING_STATUS,
} from './adb-parse';

const PROBE_TIMEOUT_MS = 20_000;

export interface AdbDeviceFacts {
  serial: string;
  model: string;
  manufacturer: string;
  /** ro.product.cpu.abi, and every ABI it runs (ro.product.cpu.abilist). */
  abi: string;
  abis: string[];
  androidRelease: string;
  sdk: string;
  /** ro.soc.manufacturer + ro.soc.model (Android 12+), else ro.board.platform / ro.hardware. */
  soc: string;
  clusters: CpuCluster[];
  memoryBytes: number;
  /** The EdgeBench adb emulator says so in ro.edgebench.emulator: its benchmark_model timings are modelled. */
  emulator: boolean;
}

export interface ThermalReading {
  /** dumpsys thermalservice's status (0 none … 6 shutdown); undefined before Android 10. */
  status?: number;
  batteryC?: number;
  zones: Array<{ type: string; celsius: number }>;
  /** The cpufreq lines of the same `grep -H .` dump, by path: each online CPU's scaling_cur_freq (kHz) and scaling_governor. */
  cpufreqFiles: ReadonlyMap<string, string>;
}

export async function probeAdbDevice(serial: string, signal?: AbortSignal): Promise<AdbDeviceFacts> {
  await requireDevice(serial, { timeoutMs: PROBE_TIMEOUT_MS, what: 'asking for the device', ...(signal ? { signal } : {}) });
  const { stdout } = await adbShell(serial, 'getprop; cat /proc/meminfo; grep -H . /sys/devices/system/cpu/cpu*/cpufreq/cpuinfo_max_freq', {
    timeoutMs: PROBE_TIMEOUT_MS,
    what: "reading the device's properties",
    ...(signal ? { signal } : {}),
  });
  const props = parseGetprop(stdout);
  const abi = props['ro.product.cpu.abi'] ?? 'unknown';
  const socParts = [props['ro.soc.manufacturer'], props['ro.soc.model']].filter((part): part is string => part !== undefined && part !== '');
  return {
    serial,
    model: props['ro.product.model'] ?? serial,
    manufacturer: props['ro.product.manufacturer'] ?? '',
    abi,
    abis: (props['ro.product.cpu.abilist'] ?? abi).split(',').filter((a) => a !== ''),
    androidRelease: props['ro.build.version.release'] ?? 'unknown',
    sdk: props['ro.build.version.sdk'] ?? 'unknown',
    soc: socParts.length > 0 ? socParts.join(' ') : props['ro.board.platform'] || props['ro.hardware'] || 'unknown',
    clusters: clustersFromMaxFreq(parseGrepH(stdout)),
    memoryBytes: parseMemTotalBytes(stdout),
    emulator: props['ro.edgebench.emulator'] === '1',
  };
}

export async function readThermal(serial: string, signal?: AbortSignal): Promise<ThermalReading> {
  const { stdout } = await adbShell(
    serial,
    'dumpsys thermalservice; dumpsys battery; grep -H . /sys/class/thermal/thermal_zone*/type /sys/class/thermal/thermal_zone*/temp /sys/devices/system/cpu/cpu*/cpufreq/scaling_cur_freq /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor',
    {
    timeoutMs: PROBE_TIMEOUT_MS,
      what: "reading the device's temperatures and clocks",
      ...(signal ? { signal } : {}),
    },
  );
  const status = parseThermalStatus(stdout);
  const batteryC = parseBatteryTemperature(stdout);
  const grep = parseGrepH(stdout);
  const cpufreqFiles = new Map([...grep].filter(([path]) => path.includes('/cpufreq/')));
  return { ...(status !== undefined ? { status } : {}), ...(batteryC !== undefined ? { batteryC } : {}), zones: parseThermalZones(grep), cpufreqFiles };
}

export function hardwareOf(facts: AdbDeviceFacts): HardwareProfile {
  const cores = facts.clusters.reduce((n, c) => n + c.cpus.length, 0);
  return {
    arch: archOfAbi(facts.abi),
    cpuModel: `${facts.soc}${facts.clusters.length > 0 ? ` (${describeClusters(facts.clusters)})` : ''}`,
    cores,
    memoryBytes: facts.memoryBytes,
    os: `Android ${facts.androidRelease} (API ${facts.sdk}) on ${facts.manufacturer ? `${facts.manufacturer} ` : ''}${facts.model}${facts.emulator ? ' — EMULATED DEVICE, modelled timings' : ''}`,
    cpuFeatures: [],
  };
}

/** "severe (3)" or "unknown (no thermal service status)". */
export function describeThermal(reading: ThermalReading): string {
  const status = reading.status === undefined ? 'thermal status unknown' : `thermal status ${thermalStatusName(reading.status)}`;
  return reading.batteryC === undefined ? status : `${status}, battery ${reading.batteryC.toFixed(1)} °C`;
}

/**
 * The run's environment from the readings before and after: the hottest zone, every zone, the
 * battery, throttling, and the clocks and governors, per core and per cluster (the device's
 * clusters, from its probe).
 */
export function thermalEnvironment(before: ThermalReading, after: ThermalReading, clusters: readonly CpuCluster[]): RunEnvironment {
  const hottest = (reading: ThermalReading): number | undefined => (reading.zones.length === 0 ? undefined : Math.max(...reading.zones.map((z) => z.celsius)));
  const start = hottest(before);
  const end = hottest(after);
  const zones = before.zones.flatMap((zone, i) => {
    const later = after.zones.find((z, j) => z.type === zone.type && j === i) ?? after.zones.find((z) => z.type === zone.type);
    return later === undefined ? [] : [{ type: zone.type, startC: zone.celsius, endC: later.celsius }];
  });
  if (before.batteryC !== undefined && after.batteryC !== undefined) zones.push({ type: 'battery (dumpsys battery)', startC: before.batteryC, endC: after.batteryC });
  const environment: RunEnvironment = {
    ...(start !== undefined && end !== undefined ? { temperatureC: { start, end } } : {}),
    ...(zones.length > 0 ? { thermalZones: zones } : {}),
  };
  const [freqBefore, freqAfter] = [parseCpuFreqState(before.cpufreqFiles), parseCpuFreqState(after.cpufreqFiles)];
  if (freqBefore.coresKHz.length > 0 && freqBefore.coresKHz.length === freqAfter.coresKHz.length) {
    const mhz = (khz: number[]): number[] => khz.map((k) => Math.round(k / 100) / 10);
    const mean = (values: number[]): number => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
    environment.cpuMHz = { start: mean(mhz(freqBefore.coresKHz)), end: mean(mhz(freqAfter.coresKHz)) };
    environment.coresMHz = { start: mhz(freqBefore.coresKHz), end: mhz(freqAfter.coresKHz) };
  }
  const governors = [...new Set([...freqBefore.governors, ...freqAfter.governors])];
  if (governors.length > 0) environment.governor = governors.join(', ');
  const cpuClusters = clustersBetween(coreReadingsFromFiles(before.cpufreqFiles), coreReadingsFromFiles(after.cpufreqFiles), clusters);
  if (cpuClusters.length > 0) environment.cpuClusters = cpuClusters;
  if (before.status !== undefined || after.status !== undefined) {
    const name = (s: number | undefined): string => (s === undefined ? 'unknown' : `${thermalStatusName(s)} (${s})`);
    environment.throttled = {
      now: (after.status ?? 0) >= THROTTLING_STATUS,
      sinceBoot: (before.status ?? 0) >= THROTTLING_STATUS || (after.status ?? 0) >= THROTTLING_STATUS,
      raw: `thermal status before: ${name(before.status)}, after: ${name(after.status)}`,
      source: 'dumpsys thermalservice',
    };
  }
  return environment;
}

/**
 * What an Android device prints, read into facts: getprop's "[key]: [value]" lines, `grep -H .`
 * over sysfs (cpufreq, thermal zones), /proc/meminfo, `dumpsys battery` and `dumpsys
 * thermalservice`, `adb devices -l`, and the ELF header of a benchmark_model binary. Pure
 * functions over text and bytes; the device's output is data, so every number is checked.
 */
import { StudioError } from '../../../shared/errors';

export function parseGetprop(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const match of text.matchAll(/^\[([^\]]+)\]: \[(.*)\]\s*$/gm)) props[match[1] as string] = match[2] as string;
  return props;
}

/** `grep -H . FILE...` lines, "path:value", by path. */
export function parseGrepH(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const cut = line.indexOf(':');
    if (cut > 0) values.set(line.slice(0, cut), line.slice(cut + 1).trim());
  }
  return values;
}

export interface CpuCluster {
  /** CPU numbers, ascending. */
  cpus: number[];
  maxKHz: number;
}

/** CPUs grouped by cpuinfo_max_freq (a cluster shares its clock), slowest first. */
export function clustersFromMaxFreq(grep: Map<string, string>): CpuCluster[] {
  const byFreq = new Map<number, number[]>();
  for (const [path, value] of grep) {
    const cpu = /\/cpu(\d+)\/cpufreq\/cpuinfo_max_freq$/.exec(path)?.[1];
    const khz = Number(value);
    if (cpu === undefined || !Number.isInteger(khz) || khz <= 0) continue;
    byFreq.set(khz, [...(byFreq.get(khz) ?? []), Number(cpu)]);
  }
  return [...byFreq.entries()].sort((a, b) => a[0] - b[0]).map(([maxKHz, cpus]) => ({ maxKHz, cpus: cpus.sort((a, b) => a - b) }));
}

/** "4 × 2.02 GHz + 3 × 2.80 GHz + 1 × 3.19 GHz" */
export function describeClusters(clusters: readonly CpuCluster[]): string {
  return clusters.map((c) => `${c.cpus.length} × ${(c.maxKHz / 1e6).toFixed(2)} GHz`).join(' + ');
}

/**
 * The taskset mask for a target's `cpus`: all, little (slowest cluster), big (fastest), mid (the
 * clusters between), or a hex mask, which must name at least one CPU the device has. '' for all
 * when the device has no cpufreq to tell its CPUs.
 */
export function cpuMask(cpus: string, clusters: readonly CpuCluster[], device: string): { mask: string; cpus: number[] } {
  const all = clusters.flatMap((c) => c.cpus).sort((a, b) => a - b);
  const pick = (chosen: number[]): { mask: string; cpus: number[] } => ({ mask: chosen.reduce((m, cpu) => m | (1n << BigInt(cpu)), 0n).toString(16), cpus: chosen });
  const refuse = (why: string): StudioError =>
    new StudioError('BAD_INPUT', `cpus=${cpus} does not fit ${device}: ${why}; its CPUs are ${describeClusters(clusters) || 'unknown (no cpufreq)'}, so use all${clusters.length > 1 ? ', little, big' : ''} or a mask of CPUs 0–${Math.max(0, ...all)}.`, { target: device });
  // Without cpufreq the CPUs are unknown: no mask, and no taskset.
  if (cpus === 'all') return all.length === 0 ? { mask: '', cpus: [] } : pick(all);
  if (clusters.length === 0) throw refuse('its clusters are unknown');
  if (cpus === 'little') return pick([...(clusters[0] as CpuCluster).cpus]);
  if (cpus === 'big') return pick([...(clusters.at(-1) as CpuCluster).cpus]);
  if (cpus === 'mid') {
    if (clusters.length < 3) throw refuse(`it has ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, so no middle one`);
    return pick(clusters.slice(1, -1).flatMap((c) => c.cpus).sort((a, b) => a - b));
  }
  const mask = BigInt(cpus);
  const chosen = all.filter((cpu) => ((mask >> BigInt(cpu)) & 1n) === 1n);
  if (chosen.length === 0) throw refuse(`mask ${cpus} selects none of its CPUs`);
  return pick(chosen);
}

export function parseMemTotalBytes(meminfo: string): number {
  const kib = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1]);
  return Number.isFinite(kib) ? kib * 1024 : 0;
}

/** `grep -H . .../thermal_zone*\/type .../temp`: each zone's type and °C (sysfs gives millidegrees). */
export function parseThermalZones(grep: Map<string, string>): Array<{ type: string; celsius: number }> {
  const zones = new Map<string, { type?: string; celsius?: number }>();
  for (const [path, value] of grep) {
    const match = /\/(thermal_zone\d+)\/(type|temp)$/.exec(path);
    if (match === null) continue;
    const zone = zones.get(match[1] as string) ?? {};
    if (match[2] === 'type') zone.type = value;
    else if (/^-?\d+$/.test(value)) zone.celsius = Number(value) / 1000;
    zones.set(match[1] as string, zone);
  }
  return [...zones.entries()]
    .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
    .flatMap(([name, zone]) => (zone.celsius === undefined ? [] : [{ type: zone.type ?? name, celsius: zone.celsius }]));
}

/** dumpsys battery's temperature (tenths of °C) in °C, or undefined when it prints none. */
export function parseBatteryTemperature(dumpsys: string): number | undefined {
  const tenths = /^\s*temperature: (-?\d+)\s*$/m.exec(dumpsys)?.[1];
  return tenths === undefined ? undefined : Number(tenths) / 10;
}

/** Android's thermal status names (PowerManager.THERMAL_STATUS_*), by value. */
export const THERMAL_STATUS = ['none', 'light', 'moderate', 'severe', 'critical', 'emergency', 'shutdown'] as const;
/** From SEVERE on, the platform throttles (PowerManager: "performance is heavily affected"). */
export const THROTTLING_STATUS = 3;

/** dumpsys thermalservice's "Thermal Status: N" (Android 10+), or undefined on older devices. */
export function parseThermalStatus(dumpsys: string): number | undefined {
  const status = /^Thermal Status: (\d+)\s*$/m.exec(dumpsys)?.[1];
  return status === undefined ? undefined : Number(status);
}

export function thermalStatusName(status: number): string {
  return THERMAL_STATUS[status] ?? `status ${status}`;
}

export interface AdbDeviceEntry {
  serial: string;
  /** device, unauthorized, offline, no permissions, ... as adb says it. */
  state: string;
  model?: string;
  product?: string;
}

/** `adb devices -l`: one line per device, "SERIAL  STATE key:value...". */
export function parseAdbDevices(text: string): AdbDeviceEntry[] {
  const entries: AdbDeviceEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('List of devices') || line.startsWith('*')) continue;
    const match = /^(\S+)\s+(no permissions.*?(?=\s+\w+:|$)|\S+)(.*)$/.exec(line.trim());
    if (match === null) continue;
    const fields = Object.fromEntries([...(match[3] as string).matchAll(/(\w+):(\S+)/g)].map((m) => [m[1], m[2]]));
    entries.push({ serial: match[1] as string, state: match[2] as string, ...(fields.model ? { model: fields.model.replace(/_/g, ' ') } : {}), ...(fields.product ? { product: fields.product } : {}) });
  }
  return entries;
}

/** The ABI an ELF binary is built for, from its header (e_ident class, e_machine); null when it is not ELF. */
export function elfAbi(header: Uint8Array): string | null {
  if (header.length < 20 || header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return null;
  const machine = (header[18] as number) | ((header[19] as number) << 8);
  const is64 = header[4] === 2;
  switch (machine) {
    case 183:
      return 'arm64-v8a';
    case 40:
      return 'armeabi-v7a';
    case 62:
      return 'x86_64';
    case 3:
      return 'x86';
    default:
      return `${is64 ? '64' : '32'}-bit ELF for machine ${machine}`;
  }
}

/** Each CPU's current clock (kHz) and governor from `grep -H .` over cpufreq's scaling_cur_freq and scaling_governor, in CPU order. */
export function parseCpuFreqState(grep: Map<string, string>): { coresKHz: number[]; governors: string[] } {
  const cur = new Map<number, number>();
  const governors = new Map<number, string>();
  for (const [path, value] of grep) {
    const match = /\/cpu(\d+)\/cpufreq\/(scaling_cur_freq|scaling_governor)$/.exec(path);
    if (match === null) continue;
    const cpu = Number(match[1]);
    if (match[2] === 'scaling_governor') governors.set(cpu, value);
    else if (/^\d+$/.test(value)) cur.set(cpu, Number(value));
  }
  const order = (map: Map<number, unknown>): number[] => [...map.keys()].sort((a, b) => a - b);
  return { coresKHz: order(cur).map((cpu) => cur.get(cpu) as number), governors: order(governors).map((cpu) => governors.get(cpu) as string) };
}

/** The HardwareProfile arch for an Android ABI. */
export function archOfAbi(abi: string): string {
  return { 'arm64-v8a': 'arm64', 'armeabi-v7a': 'arm', x86_64: 'x64', x86: 'ia32' }[abi] ?? abi;
}

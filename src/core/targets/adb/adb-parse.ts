/**
 * What an Android device prints, read into facts: getprop's "[key]: [value]" lines, `grep -H .`
 * over sysfs (cpufreq, thermal zones), /proc/meminfo, `dumpsys battery` and `dumpsys
 * thermalservice`, `adb devices -l`, and the ELF header of a benchmark_model binary. Pure
 * functions over text and bytes; the device's output is data, so every number is checked. CPU
 * clusters, taskset masks and cpufreq state are read by ../cpu-clusters.ts, shared with SSH boards.
 */

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

/** The HardwareProfile arch for an Android ABI. */
export function archOfAbi(abi: string): string {
  return { 'arm64-v8a': 'arm64', 'armeabi-v7a': 'arm', x86_64: 'x64', x86: 'ia32' }[abi] ?? abi;
}

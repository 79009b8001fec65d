/**
 * The emulated Android device: its state (properties, clusters, thermal zones, battery, how it
 * heats up), kept in the files a phone exposes it through (/system/build.prop, cpufreq and thermal
 * sysfs, /proc/meminfo, the battery's power_supply) inside its root (device-root.ts), and its shell
 * (device-shell.ts: each `shell:` command in a real POSIX shell chrooted there). What the stand-in
 * tools print follows the real tools' formats (getprop's "[key]: [value]", dumpsys battery's
 * "  temperature: 285"), so the studio parses it as it would a phone's. Executing the
 * benchmark_model stand-in reaches this process through a socket (stand-in-exec.c relays it), which
 * runs it with the device's state.
 */
import net from 'node:net';
import { chmodSync } from 'node:fs';
import { ABI_ELF, STAND_IN_MARKER, standInBenchmarkModel, type EmulatedDeviceSpec } from './device-spec';
import { runStandInBenchmarkModel } from './benchmark-model-stand-in';
import { DeviceRoot } from './device-root';
import { EmulatedPower } from './power-rails';
import { DeviceShell, EMULATOR_DIR, STAND_IN_SOCKET, type ShellProcess } from './device-shell';

export interface ShellIo {
  stdout(data: string | Buffer): void;
  stderr(data: string | Buffer): void;
}

export const STAND_IN_PATH = '/data/local/tmp/benchmark_model';

export class EmulatedAndroid {
  readonly root = new DeviceRoot();
  readonly props: Record<string, string>;
  benchmarkRuns = 0;
  /** benchmark_model processes running now, and the most that ever ran at once. */
  runningBenchmarks = 0;
  maxConcurrentBenchmarks = 0;
  thermalStatus: number;
  private batteryTenthsC: number;
  private readonly zoneC: number[];
  /** The device's simulated power: its ODPM rails (where the spec has them) and battery. */
  readonly power: EmulatedPower;
  private shell: DeviceShell | undefined;
  private standInServer: net.Server | undefined;
  /** Called as each benchmark_model run starts (the device uses it to drop the link mid-run). */
  onBenchmarkStart?: (run: number) => void;

  constructor(readonly spec: EmulatedDeviceSpec) {
    this.thermalStatus = spec.thermalStatus;
    this.batteryTenthsC = spec.batteryTenthsC;
    this.zoneC = spec.zones.map((zone) => zone.celsius);
    const cpus = spec.clusters.flatMap((c) => c.cpus);
    const cpuCount = Math.max(...cpus) + 1;
    this.props = {
      'ro.product.model': spec.model,
      'ro.product.manufacturer': spec.manufacturer,
      'ro.product.name': spec.product,
      'ro.product.device': spec.product,
      'ro.product.cpu.abi': spec.abi,
      'ro.product.cpu.abilist': spec.abi === 'arm64-v8a' ? 'arm64-v8a,armeabi-v7a,armeabi' : spec.abi,
      'ro.build.version.release': spec.release,
      'ro.build.version.sdk': String(spec.sdk),
      'ro.soc.manufacturer': spec.socManufacturer,
      'ro.soc.model': spec.socModel,
      'ro.serialno': 'EDGEBENCHEMU0001',
      'ro.edgebench.emulator': '1',
      'ro.kernel.qemu': '0',
    };
    const root = this.root;
    root.writeSystemFile('/system/build.prop', `# EdgeBench adb emulator: the emulated device's properties (getprop reads them)\n${Object.keys(this.props).sort().map((key) => `${key}=${this.props[key]}`).join('\n')}\n`);
    root.writeSystemFile(`${EMULATOR_DIR}/README`, 'EdgeBench adb emulator: an EMULATED Android device for tests, not a phone. Its benchmark_model is a labelled stand-in whose timings are modelled.\n');
    root.writeSystemFile(`${EMULATOR_DIR}/cpus`, `${cpus.join(' ')}\n`);
    root.writeSystemFile(`${EMULATOR_DIR}/machine`, `${{ 'arm64-v8a': 'aarch64', 'armeabi-v7a': 'armv8l', x86_64: 'x86_64', x86: 'i686' }[spec.abi]}\n`);
    root.writeSystemFile(`${EMULATOR_DIR}/meminfo`, `MemTotal:       ${spec.memTotalKiB} kB\nMemFree:        ${Math.round(spec.memTotalKiB * 0.31)} kB\nMemAvailable:   ${Math.round(spec.memTotalKiB * 0.52)} kB\n`);
    root.writeSystemFile('/sys/devices/system/cpu/possible', `0-${cpuCount - 1}\n`);
    root.writeSystemFile('/sys/devices/system/cpu/online', `0-${cpuCount - 1}\n`);
    for (const cluster of spec.clusters) {
      for (const cpu of cluster.cpus) {
        const dir = `/sys/devices/system/cpu/cpu${cpu}/cpufreq`;
        root.writeSystemFile(`${dir}/cpuinfo_max_freq`, `${cluster.maxKHz}\n`);
        root.writeSystemFile(`${dir}/cpuinfo_min_freq`, `${Math.round(cluster.maxKHz / 6)}\n`);
        root.writeSystemFile(`${dir}/scaling_governor`, 'schedutil\n');
      }
    }
    spec.zones.forEach((zone, index) => root.writeSystemFile(`/sys/class/thermal/thermal_zone${index}/type`, `${zone.type}\n`));
    // The battery's power_supply files and the ODPM's, following the stand-in's activity (SIMULATED).
    this.power = new EmulatedPower(spec, root);
    if (spec.preinstalledBenchmarkModel) root.writePushed(STAND_IN_PATH, standInBenchmarkModel(spec.abi), 0o755);
    this.refresh();
  }

  /** Starts the device's shell and the stand-in's socket. */
  async start(): Promise<void> {
    this.shell = await DeviceShell.start(this.root);
    const server = net.createServer((socket) => this.serveStandIn(socket));
    const socketPath = this.root.hostPath(STAND_IN_SOCKET);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    chmodSync(socketPath, 0o666);
    this.standInServer = server;
  }

  get throttled(): boolean {
    return this.thermalStatus >= 3;
  }

  /** A finished benchmark_model run warms the device; past `throttleAfterBenchmarks` runs it throttles. */
  heatUp(): void {
    this.benchmarkRuns++;
    this.batteryTenthsC += 2;
    this.zoneC.forEach((c, i) => (this.zoneC[i] = Math.round((c + 0.3) * 10) / 10));
    if (this.spec.throttleAfterBenchmarks !== undefined && this.benchmarkRuns >= this.spec.throttleAfterBenchmarks) {
      this.thermalStatus = Math.max(this.thermalStatus, 3);
      this.zoneC.forEach((c, i) => (this.zoneC[i] = Math.max(c, 47.5)));
    }
    this.refresh();
  }

  /** Runs one `shell:` command line in the device's shell. */
  runShell(command: string): ShellProcess {
    if (this.shell === undefined) throw new Error('the emulated device was not started');
    return this.shell.spawn(command);
  }

  /** Pids of the processes running on the device now. */
  processes(): number[] {
    return this.shell?.processes() ?? [];
  }

  async close(): Promise<void> {
    this.power.close();
    await this.shell?.close();
    await new Promise<void>((resolve) => (this.standInServer ? this.standInServer.close(() => resolve()) : resolve()));
    this.root.remove();
  }

  /** Writes the files whose contents follow the device's state: clocks, temperatures, the services' reports. */
  private refresh(): void {
    const root = this.root;
    for (const cluster of this.spec.clusters) {
      for (const cpu of cluster.cpus) root.writeSystemFile(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`, `${this.throttled ? Math.round(cluster.maxKHz * 0.6) : cluster.maxKHz}\n`);
    }
    this.spec.zones.forEach((_, index) => root.writeSystemFile(`/sys/class/thermal/thermal_zone${index}/temp`, `${Math.round((this.zoneC[index] ?? 0) * 1000)}\n`));
    root.writeSystemFile(`${EMULATOR_DIR}/dumpsys-battery`, this.dumpsysBattery());
    root.writeSystemFile(`${EMULATOR_DIR}/dumpsys-thermalservice`, this.dumpsysThermal());
  }

  /** One run of the stand-in, asked for by stand-in-exec.c: a count of strings (path, cwd, affinity, arguments) in, frames out (1 stdout, 2 stderr, 3 exit). */
  private serveStandIn(socket: net.Socket): void {
    let pending: Buffer = Buffer.alloc(0);
    const frame = (kind: number, data: Buffer): void => {
      const head = Buffer.alloc(5);
      head.writeUInt8(kind, 0);
      head.writeUInt32LE(data.length, 1);
      if (!socket.destroyed) socket.write(Buffer.concat([head, data]));
    };
    const io: ShellIo = { stdout: (data) => frame(1, Buffer.from(data)), stderr: (data) => frame(2, Buffer.from(data)) };
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const strings = readStrings(pending);
      if (strings === null) return;
      socket.removeAllListeners('data');
      const [path = '', cwd = '/', cpus = '', ...args] = strings;
      const affinity = cpus === '' ? null : cpus.split(',').map(Number);
      void this.execute(path, args, cwd, io, affinity).then((status) => {
        frame(3, Buffer.from([status & 0xff]));
        socket.end();
      });
    });
  }

  /** The stand-in, after the checks a phone's kernel and mksh make of an ELF file (ABI, the stand-in's marker). */
  private async execute(path: string, args: string[], cwd: string, io: ShellIo, affinity: number[] | null): Promise<number> {
    const data = this.root.read(path, cwd);
    if (data === undefined) {
      io.stderr(`/system/bin/sh: ${path}: inaccessible or not found\n`);
      return 127;
    }
    const elf = data.length >= 20 && data.readUInt32BE(0) === 0x7f454c46;
    const { machine, elfClass } = ABI_ELF[this.spec.abi];
    if (!elf || data.readUInt16LE(18) !== machine || data[4] !== elfClass) {
      // mksh's words for an ENOEXEC from the kernel.
      io.stderr(`/system/bin/sh: ${path}: not executable: ${elf ? `${data[4] === 2 ? 64 : 32}-bit ELF file` : `magic ${data.subarray(0, 2).toString('hex').toUpperCase()}`}\n`);
      return 126;
    }
    if (!data.includes(STAND_IN_MARKER)) {
      io.stderr(`${path}: the EdgeBench adb emulator runs only its labelled benchmark_model stand-in, not other programs\n`);
      return 1;
    }
    const cpus = affinity ?? this.spec.clusters.flatMap((c) => c.cpus);
    this.onBenchmarkStart?.(this.benchmarkRuns + 1);
    this.runningBenchmarks++;
    this.maxConcurrentBenchmarks = Math.max(this.maxConcurrentBenchmarks, this.runningBenchmarks);
    try {
      return await runStandInBenchmarkModel(this, args, cwd, cpus, io);
    } finally {
      this.runningBenchmarks--;
      this.heatUp();
    }
  }

  /** dumpsys battery's report: unplugged (the emulator is reached over TCP, as `adb tcpip` leaves a phone) unless the spec says charging. */
  private dumpsysBattery(): string {
    const charging = this.spec.battery?.charging ?? false;
    return [
      'Current Battery Service state:',
      '  AC powered: false',
      `  USB powered: ${charging}`,
      '  Wireless powered: false',
      '  Max charging current: 500000',
      '  Max charging voltage: 5000000',
      '  Charge counter: 3874000',
      // BatteryManager: 2 charging, 3 discharging.
      `  status: ${charging ? 2 : 3}`,
      '  health: 2',
      '  present: true',
      '  level: 83',
      '  scale: 100',
      `  voltage: ${Math.round((this.spec.battery?.voltageMicroV ?? 4_198_000) / 1000)}`,
      `  temperature: ${this.batteryTenthsC}`,
      '  technology: Li-ion',
      '',
    ].join('\n');
  }

  private dumpsysThermal(): string {
    const temperature = (value: number, type: number, name: string): string =>
      `\tTemperature{mValue=${value.toFixed(1)}, mType=${type}, mName=${name}, mStatus=${this.thermalStatus}}`;
    return [
      'IsStatusOverride: false',
      'ThermalEventListeners:',
      '\tcallbacks: 1',
      'ThermalStatusListeners:',
      '\tcallbacks: 1',
      `Thermal Status: ${this.thermalStatus}`,
      'Cached temperatures:',
      temperature(this.zoneC[0] ?? 0, 0, 'cpu0'),
      'HAL Ready: true',
      'HAL connection:',
      '\tThermalHAL 2.0 connected: yes',
      'Current temperatures from HAL:',
      ...this.spec.zones.map((zone, i) => temperature(this.zoneC[i] ?? 0, zone.type === 'battery' ? 2 : zone.type === 'gpu' ? 1 : 0, zone.type)),
      '',
    ].join('\n');
  }
}

/** The request's strings (a u32 count, then u32 length + bytes each), or null until all have arrived. */
function readStrings(data: Buffer): string[] | null {
  if (data.length < 4) return null;
  const count = data.readUInt32LE(0);
  const strings: string[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (data.length < at + 4) return null;
    const length = data.readUInt32LE(at);
    if (data.length < at + 4 + length) return null;
    strings.push(data.subarray(at + 4, at + 4 + length).toString('utf8'));
    at += 4 + length;
  }
  return strings;
}

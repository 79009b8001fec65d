/**
 * The emulated device's small userland, reached through `shell:`: a shell line is split on ; && ||
 * into commands (quotes, globs and 2>&1 / >/dev/null redirections as mksh reads them), each run by
 * one of the toybox-like commands below, or by the benchmark_model stand-in when a file in the
 * emulated file system is executed. What a command prints follows the real tool's format
 * (getprop's "[key]: [value]", dumpsys battery's "  temperature: 285"), so the studio parses it as
 * it would a phone's.
 */
import { ABI_ELF, STAND_IN_MARKER, standInBenchmarkModel, type EmulatedDeviceSpec } from './device-spec';
import { runStandInBenchmarkModel } from './benchmark-model-stand-in';
import { FakeFs, normalize } from './fake-fs';

export interface ShellIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const STAND_IN_PATH = '/data/local/tmp/benchmark_model';

interface Word {
  text: string;
  glob: boolean;
}

/** Splits one shell line into commands and their words; `op` is what joins a command to the one before. */
export function parseShellLine(line: string): Array<{ op: ';' | '&&' | '||'; words: Word[] }> {
  const commands: Array<{ op: ';' | '&&' | '||'; words: Word[] }> = [];
  let words: Word[] = [];
  let current = null as Word | null;
  let op: ';' | '&&' | '||' = ';';
  const end = (): void => {
    if (current !== null) words.push(current);
    current = null;
  };
  const flush = (next: ';' | '&&' | '||'): void => {
    end();
    if (words.length > 0) commands.push({ op, words });
    words = [];
    op = next;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      const stop = close < 0 ? line.length : close;
      current = { text: (current?.text ?? '') + line.slice(i + 1, stop), glob: current?.glob ?? false };
      i = stop;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) i++;
        text += line[i];
      }
      current = { text: (current?.text ?? '') + text, glob: current?.glob ?? false };
    } else if (c === '\\' && i + 1 < line.length) {
      current = { text: (current?.text ?? '') + line[++i], glob: current?.glob ?? false };
    } else if (c === ';' || c === '\n') flush(';');
    else if (c === '&' && line[i + 1] === '&') {
      flush('&&');
      i++;
    } else if (c === '|' && line[i + 1] === '|') {
      flush('||');
      i++;
    } else if (c === ' ' || c === '\t') end();
    else current = { text: (current?.text ?? '') + c, glob: (current?.glob ?? false) || c === '*' || c === '?' || c === '[' };
  }
  flush(';');
  return commands;
}

export class EmulatedAndroid {
  readonly fs = new FakeFs();
  readonly props: Record<string, string>;
  benchmarkRuns = 0;
  /** benchmark_model processes running now, and the most that ever ran at once. */
  runningBenchmarks = 0;
  maxConcurrentBenchmarks = 0;
  thermalStatus: number;
  private batteryTenthsC: number;
  private readonly zoneC: number[];
  /** Called as each benchmark_model run starts (the device uses it to drop the link mid-run). */
  onBenchmarkStart?: (run: number) => void;

  constructor(readonly spec: EmulatedDeviceSpec) {
    this.thermalStatus = spec.thermalStatus;
    this.batteryTenthsC = spec.batteryTenthsC;
    this.zoneC = spec.zones.map((zone) => zone.celsius);
    const cpuCount = Math.max(...spec.clusters.flatMap((c) => c.cpus)) + 1;
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
    this.fs.mkdirs('/data/local/tmp');
    this.fs.write('/proc/meminfo', () => `MemTotal:       ${spec.memTotalKiB} kB\nMemFree:        ${Math.round(spec.memTotalKiB * 0.31)} kB\nMemAvailable:   ${Math.round(spec.memTotalKiB * 0.52)} kB\n`);
    this.fs.write('/sys/devices/system/cpu/possible', `0-${cpuCount - 1}\n`);
    for (const cluster of spec.clusters) {
      for (const cpu of cluster.cpus) {
        const dir = `/sys/devices/system/cpu/cpu${cpu}/cpufreq`;
        this.fs.write(`${dir}/cpuinfo_max_freq`, `${cluster.maxKHz}\n`);
        this.fs.write(`${dir}/cpuinfo_min_freq`, `${Math.round(cluster.maxKHz / 6)}\n`);
        this.fs.write(`${dir}/scaling_cur_freq`, () => `${this.throttled ? Math.round(cluster.maxKHz * 0.6) : cluster.maxKHz}\n`);
        this.fs.write(`${dir}/scaling_governor`, 'schedutil\n');
      }
    }
    spec.zones.forEach((zone, index) => {
      this.fs.write(`/sys/class/thermal/thermal_zone${index}/type`, `${zone.type}\n`);
      this.fs.write(`/sys/class/thermal/thermal_zone${index}/temp`, () => `${Math.round((this.zoneC[index] ?? 0) * 1000)}\n`);
    });
    if (spec.preinstalledBenchmarkModel) this.fs.write(STAND_IN_PATH, standInBenchmarkModel(spec.abi), 0o755);
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
  }

  /** Runs one shell line; resolves with the exit status of its last command. */
  async run(line: string, io: ShellIo): Promise<number> {
    let status = 0;
    for (const { op, words } of parseShellLine(line)) {
      if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
      const argv: string[] = [];
      let quiet = false;
      for (const word of words) {
        if (word.text === '2>&1') continue;
        if (word.text === '>/dev/null' || word.text === '2>/dev/null') {
          quiet = word.text.startsWith('2') ? quiet : true;
          continue;
        }
        if (word.glob) {
          const matches = this.fs.glob(normalize(word.text));
          argv.push(...(matches.length > 0 ? matches : [word.text]));
        } else argv.push(word.text);
      }
      const out: ShellIo = quiet ? { stdout: () => undefined, stderr: io.stderr } : io;
      status = await this.command(argv, out);
    }
    return status;
  }

  private async command(argv: string[], io: ShellIo): Promise<number> {
    const [name, ...args] = argv;
    if (name === undefined) return 0;
    switch (name) {
      case 'true':
        return 0;
      case 'echo':
        io.stdout(`${args.join(' ')}\n`);
        return 0;
      case 'getprop':
        if (args[0] !== undefined) io.stdout(`${this.props[args[0]] ?? ''}\n`);
        else for (const key of Object.keys(this.props).sort()) io.stdout(`[${key}]: [${this.props[key]}]\n`);
        return 0;
      case 'uname':
        io.stdout(`${{ 'arm64-v8a': 'aarch64', 'armeabi-v7a': 'armv8l', x86_64: 'x86_64', x86: 'i686' }[this.spec.abi]}\n`);
        return 0;
      case 'cat':
        return this.cat(args, io);
      case 'grep':
        return this.grep(args, io);
      case 'ls':
        return this.ls(args, io);
      case 'mkdir':
        for (const path of args.filter((a) => !a.startsWith('-'))) this.fs.mkdirs(path);
        return 0;
      case 'chmod': {
        const [mode, ...paths] = args;
        let status = 0;
        for (const path of paths) {
          if (!this.fs.chmod(path, Number.parseInt(mode ?? '', 8))) {
            io.stderr(`chmod: ${path}: No such file or directory\n`);
            status = 1;
          }
        }
        return status;
      }
      case 'rm': {
        const recursive = args.some((a) => /^-\w*r/.test(a));
        const force = args.some((a) => /^-\w*f/.test(a));
        let status = 0;
        for (const path of args.filter((a) => !a.startsWith('-'))) {
          if (!this.fs.remove(path, recursive) && !force) {
            io.stderr(`rm: ${path}: No such file or directory\n`);
            status = 1;
          }
        }
        return status;
      }
      case 'test':
      case '[': {
        const [flag, path] = args;
        const stat = path === undefined ? undefined : this.fs.stat(path);
        if (flag === '-e') return stat ? 0 : 1;
        if (flag === '-x') return stat && (stat.mode & 0o111) !== 0 ? 0 : 1;
        return 2;
      }
      case 'dumpsys':
        return this.dumpsys(args[0], io);
      case 'taskset':
        return this.taskset(args, io);
      default:
        if (name.includes('/')) return this.execute(name, args, io, null);
        io.stderr(`/system/bin/sh: ${name}: inaccessible or not found\n`);
        return 127;
    }
  }

  private cat(paths: string[], io: ShellIo): number {
    let status = 0;
    for (const path of paths) {
      const data = this.fs.read(path);
      if (data === undefined) {
        io.stderr(`cat: ${path}: ${this.fs.get(path)?.kind === 'dir' ? 'Is a directory' : 'No such file or directory'}\n`);
        status = 1;
      } else io.stdout(data.toString('utf8'));
    }
    return status;
  }

  /** `grep -H . FILES`: every non-empty line with its file's name, the one-command way to read many sysfs files. */
  private grep(args: string[], io: ShellIo): number {
    const withName = args.includes('-H');
    const rest = args.filter((a) => !a.startsWith('-'));
    const [pattern, ...paths] = rest;
    if (pattern === undefined) {
      io.stderr('grep: need a pattern\n');
      return 2;
    }
    const regex = new RegExp(pattern === '.' ? '.' : pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    let matched = false;
    let status = 0;
    for (const path of paths) {
      const data = this.fs.read(path);
      if (data === undefined) {
        if (!args.includes('-s')) io.stderr(`grep: ${path}: No such file or directory\n`);
        status = 2;
        continue;
      }
      for (const line of data.toString('utf8').split('\n')) {
        if (line !== '' && regex.test(line)) {
          matched = true;
          io.stdout(withName || paths.length > 1 ? `${path}:${line}\n` : `${line}\n`);
        }
      }
    }
    return status === 2 && !matched ? 2 : matched ? 0 : 1;
  }

  private ls(args: string[], io: ShellIo): number {
    const long = args.some((a) => a.startsWith('-') && a.includes('l'));
    let status = 0;
    for (const path of args.filter((a) => !a.startsWith('-'))) {
      const stat = this.fs.stat(path);
      if (stat === undefined) {
        io.stderr(`ls: ${path}: No such file or directory\n`);
        status = 1;
        continue;
      }
      const names = (stat.mode & 0o040000) !== 0 ? (this.fs.list(path) ?? []).map((name) => `${normalize(path)}/${name}`) : [normalize(path)];
      for (const full of names) {
        const entry = this.fs.stat(full);
        const shown = (stat.mode & 0o040000) !== 0 ? full.slice(full.lastIndexOf('/') + 1) : path;
        io.stdout(long && entry ? `${(entry.mode & 0o040000) !== 0 ? 'd' : '-'}${modeText(entry.mode)} 1 shell shell ${entry.size} 2024-01-01 00:00 ${shown}\n` : `${shown}\n`);
      }
    }
    return status;
  }

  private dumpsys(service: string | undefined, io: ShellIo): number {
    if (service === 'battery') {
      io.stdout(
        [
          'Current Battery Service state:',
          '  AC powered: false',
          '  USB powered: true',
          '  Wireless powered: false',
          '  Max charging current: 500000',
          '  Max charging voltage: 5000000',
          '  Charge counter: 3874000',
          '  status: 2',
          '  health: 2',
          '  present: true',
          '  level: 83',
          '  scale: 100',
          '  voltage: 4198',
          `  temperature: ${this.batteryTenthsC}`,
          '  technology: Li-ion',
          '',
        ].join('\n'),
      );
      return 0;
    }
    if (service === 'thermalservice') {
      const temperature = (value: number, type: number, name: string): string =>
        `\tTemperature{mValue=${value.toFixed(1)}, mType=${type}, mName=${name}, mStatus=${this.thermalStatus}}`;
      io.stdout(
        [
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
        ].join('\n'),
      );
      return 0;
    }
    io.stderr(`Can't find service: ${service ?? ''}\n`);
    return 0;
  }

  /** toybox taskset: `taskset MASK COMMAND...` (hex mask), refusing a mask with no online CPU. */
  private async taskset(args: string[], io: ShellIo): Promise<number> {
    const [maskText, ...command] = args;
    const cpus = this.spec.clusters.flatMap((c) => c.cpus);
    const mask = maskText === undefined ? Number.NaN : Number.parseInt(maskText.replace(/^0x/i, ''), 16);
    if (!Number.isFinite(mask) || command.length === 0) {
      io.stderr('usage: taskset [-ap] [mask] [PID | cmd [args...]]\n');
      return 1;
    }
    const chosen = cpus.filter((cpu) => (mask & (1 << cpu)) !== 0);
    if (chosen.length === 0) {
      io.stderr('taskset: sched_setaffinity: Invalid argument\n');
      return 1;
    }
    const [name, ...rest] = command as [string, ...string[]];
    if (!name.includes('/')) return this.command(command, io);
    return this.execute(name, rest, io, chosen);
  }

  /** Executes a file of the emulated file system: the kernel's and mksh's checks, then the stand-in. */
  private async execute(path: string, args: string[], io: ShellIo, affinity: number[] | null): Promise<number> {
    const stat = this.fs.stat(path);
    const data = this.fs.read(path);
    if (stat === undefined || data === undefined) {
      io.stderr(`/system/bin/sh: ${path}: inaccessible or not found\n`);
      return 127;
    }
    if ((stat.mode & 0o111) === 0) {
      io.stderr(`/system/bin/sh: ${path}: can't execute: Permission denied\n`);
      return 126;
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
      return await runStandInBenchmarkModel(this, args, cpus, io);
    } finally {
      this.runningBenchmarks--;
      this.heatUp();
    }
  }
}

function modeText(mode: number): string {
  return [6, 3, 0].map((shift) => `${mode & (4 << shift) ? 'r' : '-'}${mode & (2 << shift) ? 'w' : '-'}${mode & (1 << shift) ? 'x' : '-'}`).join('');
}


/**
 * What the emulated Android device is: its properties, CPU clusters, thermal zones and battery,
 * and how it heats up. Every default names itself an emulator (ro.product.model, ro.edgebench.emulator)
 * so nothing it produces can pass for a real phone.
 */
export type AndroidAbi = 'arm64-v8a' | 'armeabi-v7a' | 'x86_64' | 'x86';

export interface EmulatedCluster {
  cpus: number[];
  /** cpufreq cpuinfo_max_freq, kHz. */
  maxKHz: number;
}

export interface EmulatedDeviceSpec {
  model: string;
  manufacturer: string;
  /** ro.product.name / ro.product.device. */
  product: string;
  abi: AndroidAbi;
  release: string;
  sdk: number;
  /** ro.soc.manufacturer / ro.soc.model (Android 12+). */
  socManufacturer: string;
  socModel: string;
  clusters: EmulatedCluster[];
  memTotalKiB: number;
  /** The thermal service's status at start (0 NONE … 6 SHUTDOWN). */
  thermalStatus: number;
  /** After this many benchmark_model runs the device throttles: status 3 (SEVERE) and the modelled latency 1.6× slower. */
  throttleAfterBenchmarks?: number;
  /** Battery temperature at start, tenths of °C (as dumpsys battery prints it). */
  batteryTenthsC: number;
  /** The battery's power_supply files (current_now µA, voltage_now µV, status), or null for none; the Android power meter reads them. */
  battery: { currentMicroA: number; voltageMicroV: number; charging: boolean } | null;
  /** Thermal zones at start, °C. */
  zones: Array<{ type: string; celsius: number }>;
  gpuDelegate: boolean;
  nnapiDelegate: boolean;
  /** A benchmark_model stand-in already at /data/local/tmp/benchmark_model. */
  preinstalledBenchmarkModel: boolean;
  /** Answer the host's CNXN with AUTH and never accept a key: the host lists the device as unauthorized. */
  unauthorized: boolean;
  /** Drop the TCP connection this many ms into the Nth benchmark_model run (1-based): the device is gone mid-run. */
  dropDuringBenchmark?: { run: number; afterMs: number };
}

export const EMULATED_DEVICE_DEFAULTS: EmulatedDeviceSpec = {
  model: 'EdgeBench adb emulator',
  manufacturer: 'EdgeBench (emulator)',
  product: 'edgebench_emulator',
  abi: 'arm64-v8a',
  release: '14',
  sdk: 34,
  socManufacturer: 'EdgeBench',
  socModel: 'EMULATED-8G',
  // A 4 + 3 + 1 layout, as many 2023 phone SoCs have.
  clusters: [
    { cpus: [0, 1, 2, 3], maxKHz: 2016000 },
    { cpus: [4, 5, 6], maxKHz: 2803200 },
    { cpus: [7], maxKHz: 3187200 },
  ],
  memTotalKiB: 7_812_500,
  thermalStatus: 0,
  batteryTenthsC: 285,
  // Discharging at 0.6 A × 3.9 V: unplugged, as a phone reached over adb's TCP transport can be.
  battery: { currentMicroA: -600_000, voltageMicroV: 3_900_000, charging: false },
  zones: [
    { type: 'cpu-0-0', celsius: 36.2 },
    { type: 'cpu-1-0', celsius: 37.9 },
    { type: 'gpu', celsius: 34.1 },
    { type: 'battery', celsius: 28.5 },
  ],
  gpuDelegate: true,
  nnapiDelegate: true,
  preinstalledBenchmarkModel: false,
  unauthorized: false,
};

/** The ELF e_machine of each ABI (elf.h: EM_AARCH64 183, EM_ARM 40, EM_X86_64 62, EM_386 3) and its class (2 = 64-bit). */
export const ABI_ELF: Record<AndroidAbi, { machine: number; elfClass: 1 | 2 }> = {
  'arm64-v8a': { machine: 183, elfClass: 2 },
  'armeabi-v7a': { machine: 40, elfClass: 1 },
  x86_64: { machine: 62, elfClass: 2 },
  x86: { machine: 3, elfClass: 1 },
};

/** What marks a file as the emulator's labelled benchmark_model stand-in. */
export const STAND_IN_MARKER = 'EDGEBENCH ADB EMULATOR: stand-in for TFLite benchmark_model, prints modelled timings';

/**
 * A "binary" the emulator runs as its benchmark_model stand-in: a real ELF header for `abi`
 * (so ABI checks read it as a real tool would be read) followed by the marker. Not a program.
 */
export function standInBenchmarkModel(abi: AndroidAbi): Buffer {
  const { machine, elfClass } = ABI_ELF[abi];
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, elfClass, 1, 1], 0);
  header.writeUInt16LE(3, 16); // ET_DYN, as Android's PIE executables are
  header.writeUInt16LE(machine, 18);
  header.writeUInt32LE(1, 20);
  return Buffer.concat([header, Buffer.from(`\n${STAND_IN_MARKER}\n`)]);
}

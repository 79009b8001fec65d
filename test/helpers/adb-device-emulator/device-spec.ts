/**
 * What the emulated Android device is: its properties, CPU clusters, thermal zones, battery and power monitor,
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
  /** An on-device power monitor (ODPM) like a Tensor Pixel's, or null for none (most phones' kernels expose none). */
  odpm: EmulatedOdpm | null;
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
  odpm: null,
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

/** What a rail feeds, for the emulator's activity model: the CPU clusters, the GPU, the NPU, the memory interface, the SoC's internal logic, or the rest. */
export type PowerRole = 'little' | 'mid' | 'big' | 'gpu' | 'tpu' | 'mif' | 'int' | 'other';

export interface EmulatedOdpmRail {
  /** The regulator's name in available_rails: 'BUCK4M'. */
  name: string;
  /** The schematic name energy_value prints: 'S4M_VDD_CPUCL0'. */
  schematic: string;
  /** The subsystem enabled_rails prints: 'CPU(LITTLE)'. */
  subsys: string;
  /** Idle draw, mW (SIMULATED). */
  idleMw: number;
  role: PowerRole;
}

export interface EmulatedOdpmChip {
  /** The IIO device's name: 's2mpg10-odpm'. */
  name: string;
  /** The PMIC's platform device, where /sys/bus/iio/devices/iio:deviceN points. */
  platformDir: string;
  /** sampling_rate, Hz. */
  samplingRateHz: number;
  /** The 8 channels' rails, CH0 first. */
  rails: EmulatedOdpmRail[];
}

export interface EmulatedOdpm {
  /** One IIO device per PMIC: iio:device0, iio:device1. */
  chips: EmulatedOdpmChip[];
  /** False: energy_value is readable by root only, as SELinux leaves it to adb's shell user on a user build (the emulator uses the file's mode). */
  readable: boolean;
}

const rail = (name: string, schematic: string, subsys: string, idleMw: number, role: PowerRole = 'other'): EmulatedOdpmRail => ({ name, schematic, subsys, idleMw, role });

/**
 * The ODPM of a Tensor Pixel: two PMICs of 8 channels each, with the channels and schematic names
 * a Pixel 6 prints by default (recorded in AOSP's Oboe ODPM script: S2M/S3M/S4M_VDD_CPUCL2/1/0 the
 * big, mid and little clusters, S2S_VDD_G3D the GPU, S10M_VDD_TPU the TPU), each IIO device under
 * its PMIC's platform device in the layout Tensor's sepolicy labels sysfs_odpm
 * (acpm_mfd_bus@…/s2mpgNN-meter/s2mpgNN-odpm/iio:deviceN; the bus addresses here are the
 * emulator's own). Idle draws are SIMULATED.
 */
export const TENSOR_ODPM: EmulatedOdpm = {
  readable: true,
  chips: [
    {
      name: 's2mpg10-odpm',
      platformDir: '/sys/devices/platform/acpm_mfd_bus@17500000/i2c-1/1-001f/s2mpg10-meter/s2mpg10-odpm',
      samplingRateHz: 1000,
      rails: [
        rail('BUCK10M', 'S10M_VDD_TPU', 'TPU', 12, 'tpu'),
        rail('VSYS_PWR_MODEM', 'VSYS_PWR_MODEM', 'Modem', 85),
        rail('VSYS_PWR_RFFE', 'VSYS_PWR_RFFE', 'RFFE', 9),
        rail('BUCK2M', 'S2M_VDD_CPUCL2', 'CPU(BIG)', 22, 'big'),
        rail('BUCK3M', 'S3M_VDD_CPUCL1', 'CPU(MID)', 18, 'mid'),
        rail('BUCK4M', 'S4M_VDD_CPUCL0', 'CPU(LITTLE)', 41, 'little'),
        rail('BUCK5M', 'S5M_VDD_INT', 'INT', 31, 'int'),
        rail('BUCK1M', 'S1M_VDD_MIF', 'MIF', 60, 'mif'),
      ],
    },
    {
      name: 's2mpg11-odpm',
      platformDir: '/sys/devices/platform/acpm_mfd_bus@17510000/i2c-2/2-002f/s2mpg11-meter/s2mpg11-odpm',
      samplingRateHz: 1000,
      rails: [
        rail('VSYS_PWR_WLAN_BT', 'VSYS_PWR_WLAN_BT', 'WLAN-BT', 128),
        rail('LDO2S', 'L2S_VDD_AOC_RET', 'AOC', 8),
        rail('BUCK9S', 'S9S_VDD_AOC', 'AOC', 19),
        rail('BUCK5S', 'S5S_VDDQ_MEM', 'DDR', 13),
        rail('BUCK10S', 'S10S_VDD2L', 'DDR', 16),
        rail('BUCK4S', 'S4S_VDD2H_MEM', 'DDR', 40),
        rail('BUCK2S', 'S2S_VDD_G3D', 'GPU', 15, 'gpu'),
        rail('VSYS_PWR_DISPLAY', 'VSYS_PWR_DISPLAY', 'Display', 230),
      ],
    },
  ],
};

/**
 * A Tensor Pixel-like device: 4 + 2 + 2 clusters, the ODPM's rails readable (adb root on a
 * userdebug build), a battery beside them. `adbEmulatorProfile('rails-denied')` is the same phone
 * on a user build.
 */
export const TENSOR_PIXEL_DEVICE: Partial<EmulatedDeviceSpec> = {
  model: 'EdgeBench adb emulator (Tensor Pixel-like, ODPM rails)',
  product: 'edgebench_emulator_tensor',
  socManufacturer: 'EdgeBench',
  socModel: 'EMULATED-TENSOR',
  clusters: [
    { cpus: [0, 1, 2, 3], maxKHz: 1803000 },
    { cpus: [4, 5], maxKHz: 2253000 },
    { cpus: [6, 7], maxKHz: 2802000 },
  ],
  odpm: TENSOR_ODPM,
};

/** The emulator's device profiles: 'battery' (no power monitor, today's default), 'rails' (ODPM readable), 'rails-denied' (ODPM present, energy_value readable by root only). */
export const ADB_EMULATOR_PROFILES = ['battery', 'rails', 'rails-denied'] as const;
export type AdbEmulatorProfile = (typeof ADB_EMULATOR_PROFILES)[number];

export function adbEmulatorProfile(profile: AdbEmulatorProfile): Partial<EmulatedDeviceSpec> {
  switch (profile) {
    case 'battery':
      return {};
    case 'rails':
      return TENSOR_PIXEL_DEVICE;
    case 'rails-denied':
      return { ...TENSOR_PIXEL_DEVICE, model: 'EdgeBench adb emulator (Tensor Pixel-like, user build)', odpm: { ...TENSOR_ODPM, readable: false } };
  }
}

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

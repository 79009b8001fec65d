/**
 * Reads the probe script's `key=value` output into what the studio knows about a board. Pure,
 * so it is tested on recorded outputs of real boards (test/integration/ssh/fixtures).
 */
import type { HardwareProfile } from '../../../shared/run-schema';
import { cpuFeaturesFromCpuinfo } from '../local-target';
import { armCoreName, cpuTopology, parseCpuFreqState, type CpuTopology } from '../cpu-clusters';

/** vcgencmd get_throttled, decoded: what is happening now and what happened since boot. */
export interface ThrottleState {
  raw: string;
  now: ThrottleFlag[];
  sinceBoot: ThrottleFlag[];
}
export type ThrottleFlag = 'under-voltage' | 'frequency-capped' | 'throttled' | 'soft-temperature-limit';

export interface PythonInfo {
  path: string;
  version: string;
  /** Module name → version: onnxruntime, tflite_runtime, ai_edge_litert, tensorflow, pyarmnn. */
  runtimes: Record<string, string>;
}

export interface SshProbe {
  hardware: HardwareProfile;
  /** uname -m, e.g. aarch64 (hardware.arch uses Node's names: arm64). */
  machine: string;
  kernel: string;
  /** The login's home folder; the upload cache lives under it. */
  home: string;
  /** /proc/device-tree/model, e.g. "Raspberry Pi 4 Model B Rev 1.4". */
  boardModel: string | null;
  /** Present when vcgencmd is (Raspberry Pi). */
  pi: { temperatureC: number | null; throttled: ThrottleState | null } | null;
  /** Present when nvpmodel or tegrastats is (Jetson). */
  jetson: { powerMode: string | null; tegrastats: boolean } | null;
  /** The interpreter with the most runtimes (python3 on the PATH first on a tie). */
  python: PythonInfo | null;
  /** Every interpreter probed: python3 on the PATH and /usr/bin/python3. */
  pythons: PythonInfo[];
  node: { path: string; version: string } | null;
  /** Native benchmark tools found on the board, name → path. */
  nativeTools: Partial<Record<NativeTool, string>>;
  cpu: BoardCpus;
}

/** The board's CPU clusters and each CPU's governor and clocks at the probe; taskset, which pins runs to CPUs, where the board has it. */
export interface BoardCpus {
  topology: CpuTopology;
  /** In CPU order, as cpufreq has them (empty without cpufreq). */
  governors: string[];
  curKHz: number[];
  /** The path of taskset (util-linux), or null when the board has none. */
  taskset: string | null;
}

export type NativeTool = 'benchmark_model' | 'trtexec' | 'onnxruntime_perf_test';

/** uname -m → Node's process.arch names, so local and SSH hardware profiles compare. */
const NODE_ARCH: Record<string, string> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', armv6l: 'arm', i686: 'ia32', i386: 'ia32', riscv64: 'riscv64' };

const THROTTLE_BITS: ThrottleFlag[] = ['under-voltage', 'frequency-capped', 'throttled', 'soft-temperature-limit'];

export function parseProbeOutput(text: string): SshProbe {
  const lines = text.split('\n').flatMap((line) => {
    const eq = line.indexOf('=');
    return eq > 0 ? [[line.slice(0, eq), line.slice(eq + 1).trim()] as const] : [];
  });
  const get = (key: string): string | undefined => {
    const value = lines.find(([k]) => k === key)?.[1];
    return value === undefined || value === '' ? undefined : value;
  };

  const machine = get('machine') ?? 'unknown';
  const kernel = get('kernel') ?? 'unknown';
  const osPretty = get('os_pretty');
  const memKb = Number(get('mem_total_kb'));
  const cores = Number(get('cores'));
  const flags = get('cpu_flags') ?? '';
  const pythons = pythonsOf(lines);
  const nodePath = get('node_path');
  const nodeVersion = get('node_version');
  const piTemp = get('pi_temp');
  const piThrottled = get('pi_throttled');
  const nvpmodel = get('jetson_nvpmodel');
  const tegrastats = get('jetson_tegrastats') === 'yes';

  const nativeTools: SshProbe['nativeTools'] = {};
  for (const tool of ['benchmark_model', 'trtexec', 'onnxruntime_perf_test'] as const) {
    const path = get(`tool_${tool}`);
    if (path !== undefined) nativeTools[tool] = path;
  }

  return {
    hardware: {
      arch: NODE_ARCH[machine] ?? machine,
      cpuModel: cpuModelOf(get),
      cores: Number.isInteger(cores) && cores > 0 ? cores : 1,
      memoryBytes: Number.isFinite(memKb) ? memKb * 1024 : 0,
      os: `${get('uname_s') ?? 'Linux'} ${kernel}${osPretty !== undefined ? ` (${osPretty})` : ''}`,
      cpuFeatures: cpuFeaturesFromCpuinfo(`flags: ${flags}`),
    },
    machine,
    kernel,
    home: get('home') ?? '',
    boardModel: get('board_model') ?? null,
    pi: piTemp !== undefined || piThrottled !== undefined ? { temperatureC: parseVcgencmdTemp(piTemp), throttled: parseThrottled(piThrottled) } : null,
    jetson: nvpmodel !== undefined || tegrastats ? { powerMode: parseNvpmodel(nvpmodel), tegrastats } : null,
    python: bestPython(pythons),
    pythons,
    node: nodePath !== undefined && nodeVersion !== undefined ? { path: nodePath, version: nodeVersion } : null,
    nativeTools,
    cpu: boardCpusOf(get('cpu_sysfs') ?? '', get('cpu_parts') ?? '', get('taskset') ?? null),
  };
}

/**
 * The probe's cpu_sysfs ("path:value" of each file, folded onto one line: paths and values hold no
 * spaces) and cpu_parts (cpuinfo's processor / CPU implementer / CPU part lines, folded).
 */
export function boardCpusOf(sysfs: string, parts: string, taskset: string | null): BoardCpus {
  const files = new Map<string, string>();
  for (const token of sysfs.split(/\s+/)) {
    const cut = token.indexOf(':');
    if (cut > 0) files.set(token.slice(0, cut), token.slice(cut + 1));
  }
  const cpuinfo = parts.replace(/\s+(?=processor\s*:|CPU implementer\s*:|CPU part\s*:)/g, '\n');
  const { coresKHz, governors } = parseCpuFreqState(files);
  return { topology: cpuTopology(files, cpuinfo), governors, curKHz: coresKHz, taskset };
}

function cpuModelOf(get: (key: string) => string | undefined): string {
  const named = get('cpuinfo_model') ?? get('lscpu_model');
  const part = get('cpuinfo_part')?.toLowerCase();
  const implementer = get('cpuinfo_implementer')?.toLowerCase();
  const core = part !== undefined && implementer !== undefined ? armCoreName(implementer, part) : undefined;
  // On Arm, cpuinfo's "Model" names the board (that is boardModel); the core type is what a CPU model means here.
  if (core !== undefined) return core;
  return get('lscpu_model') ?? named ?? 'unknown CPU';
}

/** "temp=47.2'C" → 47.2 */
export function parseVcgencmdTemp(text: string | undefined): number | null {
  const match = text?.match(/temp=([\d.]+)/);
  return match?.[1] !== undefined ? Number(match[1]) : null;
}

/** "throttled=0x50005" → flags now (bits 0-3) and since boot (bits 16-19). */
export function parseThrottled(text: string | undefined): ThrottleState | null {
  const match = text?.match(/throttled=(0x[0-9a-fA-F]+)/);
  if (match?.[1] === undefined) return null;
  const bits = Number.parseInt(match[1], 16);
  return {
    raw: match[1],
    now: THROTTLE_BITS.filter((_, index) => (bits & (1 << index)) !== 0),
    sinceBoot: THROTTLE_BITS.filter((_, index) => (bits & (1 << (index + 16))) !== 0),
  };
}

/** "NV Power Mode: MAXN 0" (nvpmodel -q, folded onto one line) → "MAXN (mode 0)". */
export function parseNvpmodel(text: string | undefined): string | null {
  const match = text?.match(/NV Power Mode:\s*(\S+)(?:\s+(\d+))?/);
  if (match?.[1] === undefined) return null;
  return match[2] !== undefined ? `${match[1]} (mode ${match[2]})` : match[1];
}

function pythonsOf(lines: ReadonlyArray<readonly [string, string]>): PythonInfo[] {
  const pythons: PythonInfo[] = [];
  for (const [key, value] of lines) {
    if (key === 'python_path') pythons.push({ path: value, version: '', runtimes: {} });
    const current = pythons[pythons.length - 1];
    if (current === undefined) continue;
    if (key === 'python_version') current.version = value;
    if (key === 'python_runtime') {
      const eq = value.indexOf('=');
      if (eq > 0) current.runtimes[value.slice(0, eq)] = value.slice(eq + 1);
    }
  }
  // An interpreter that printed no version did not start (a broken shim): it cannot run anything.
  return pythons.filter((python) => python.version !== '');
}

function bestPython(pythons: PythonInfo[]): PythonInfo | null {
  let best: PythonInfo | null = null;
  for (const python of pythons) {
    if (best === null || Object.keys(python.runtimes).length > Object.keys(best.runtimes).length) best = python;
  }
  return best;
}

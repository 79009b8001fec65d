/**
 * "This computer": the hardware profile of the machine the engine (or a runner) runs on.
 * The runner calls this too, so a Node runner on an SSH board reports the board's hardware.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { HardwareProfile } from '../../shared/run-schema';

/** CPU flags that change which inference kernels a runtime can use; everything else in /proc/cpuinfo is noise here. */
export const INFERENCE_CPU_FEATURES = [
  // x86: wide vectors, fused multiply-add, int8 dot products (VNNI), bf16/fp16 and AMX tiles
  'avx',
  'avx2',
  'fma',
  'avx512f',
  'avx512_vnni',
  'avx_vnni',
  'avx512_bf16',
  'avx512_fp16',
  'amx_tile',
  'amx_int8',
  'amx_bf16',
  // Arm: NEON, int8 dot product, fp16 arithmetic, int8 matrix multiply, scalable vectors, bf16
  'asimd',
  'asimddp',
  'asimdhp',
  'i8mm',
  'sve',
  'sve2',
  'bf16',
] as const;

/** Probes this machine. Synchronous and cheap (a few small /proc reads on Linux). */
export function probeLocalHardware(): HardwareProfile {
  const cpus = os.cpus();
  const cpuinfo = process.platform === 'linux' ? readTextOrNull('/proc/cpuinfo') : null;
  return {
    arch: os.arch(),
    cpuModel: cpuModelName(cpus[0]?.model, cpuinfo),
    // os.cpus() can be empty in some containers; availableParallelism never is.
    cores: cpus.length > 0 ? cpus.length : os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: osDescription(),
    cpuFeatures: cpuinfo === null ? [] : cpuFeaturesFromCpuinfo(cpuinfo),
  };
}

/** Picks the inference-relevant flags out of /proc/cpuinfo text ("flags" on x86, "Features" on Arm), in INFERENCE_CPU_FEATURES order. */
export function cpuFeaturesFromCpuinfo(cpuinfo: string): string[] {
  const line = cpuinfo.split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
  if (line === undefined) return [];
  const present = new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/));
  return INFERENCE_CPU_FEATURES.filter((feature) => present.has(feature));
}

function cpuModelName(fromOs: string | undefined, cpuinfo: string | null): string {
  const trimmed = fromOs?.trim();
  if (trimmed !== undefined && trimmed !== '' && trimmed !== 'unknown') return trimmed;
  // Many Arm boards leave the model out of os.cpus(); /proc/cpuinfo names the board instead.
  const match = cpuinfo?.match(/^(?:model name|Model|Hardware)\s*:\s*(.+)$/m);
  return match?.[1]?.trim() ?? 'unknown CPU';
}

function osDescription(): string {
  const base = `${os.type()} ${os.release()}`;
  if (process.platform === 'linux') {
    const pretty = readTextOrNull('/etc/os-release')?.match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1];
    return pretty ? `${base} (${pretty})` : base;
  }
  if (process.platform === 'darwin' || process.platform === 'win32') return `${base} (${os.version()})`;
  return base;
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // A missing /proc or /etc/os-release only makes the profile less detailed, never wrong.
    return null;
  }
}

/**
 * Which int8 weight range suits a CPU. onnxruntime's u8s8 integer kernels on x86 without VNNI
 * (SSE4/AVX2, and AVX-512 without its VNNI extension) multiply with VPMADDUBSW, which adds two
 * u8×s8 products into a saturating int16: full-range weights (|w| up to 127) overflow it and lose
 * accuracy, 7-bit weights (up to 64) do not. With VNNI (VPDPBUSD sums into int32) and on Arm
 * (whose kernels widen before adding) full range is exact. onnxruntime's own quantizer offers
 * reduce_range for this reason.
 */
import type { WeightRange } from '../../shared/variants';

export interface CpuInfo {
  /** os.arch() or `uname -m` spelling. */
  arch: string;
  /** Flags from /proc/cpuinfo (HardwareProfile.cpuFeatures); empty when unknown. */
  cpuFeatures: readonly string[];
  /** For messages: "this machine (Intel Xeon ...)", "board pi4". */
  label: string;
}

const X86 = new Set(['x64', 'x86_64', 'amd64', 'ia32', 'x86', 'i386', 'i686']);
const VNNI = ['avx512_vnni', 'avx_vnni', 'amx_int8'];

export function isX86(arch: string): boolean {
  return X86.has(arch.toLowerCase());
}

/** True for an x86 CPU that lacks VNNI (or whose flags are unknown, which is treated as lacking it). */
export function lacksVnni(cpu: Pick<CpuInfo, 'arch' | 'cpuFeatures'>): boolean {
  return isX86(cpu.arch) && !cpu.cpuFeatures.some((feature) => VNNI.includes(feature));
}

/** The range to use and, for 'auto', the sentence saying why. */
export function resolveWeightRange(range: WeightRange, cpu: CpuInfo): { range: 'full' | 'reduced'; note?: string } {
  if (range !== 'auto') return { range };
  if (!lacksVnni(cpu)) return { range: 'full' };
  const known = cpu.cpuFeatures.length > 0;
  return {
    range: 'reduced',
    note:
      `Weights are 7-bit (-64..64): ${cpu.label} is x86 ${known ? 'without VNNI' : 'with unknown CPU flags (treated as without VNNI)'}, where onnxruntime's ` +
      'int8 kernels saturate with full-range weights. Choose weight range full for a CPU with VNNI.',
  };
}

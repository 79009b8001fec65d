/**
 * Which int8 weight range suits a CPU. onnxruntime's u8s8 integer kernels on x86 without VNNI
 * (SSE4/AVX2, and AVX-512 without its VNNI extension) multiply with VPMADDUBSW, which adds two
 * u8×s8 products into a saturating int16: full-range weights (|w| up to 127) overflow it
 * (2 × 255 × 127 = 64770 > 32767) and lose accuracy, 7-bit weights (up to 64: 32640) do not.
 * With VNNI, VPDPBUSD sums four products straight into int32. onnxruntime's own quantizer offers
 * reduce_range for this reason.
 *
 * On Arm full range is exact, so 'auto' keeps it there: MLAS's aarch64 QGEMM kernels never hold
 * a sum of products in 16 bits. Without the dot-product extension they widen each byte to 16
 * bits and multiply-accumulate into int32 lanes (UMLAL/SMLAL in QgemmU8X8KernelNeon.S); with it,
 * UDOT/SDOT add four byte products into an int32 lane (QgemmU8X8KernelUdot.S,
 * QgemmS8S8KernelSdot.S), and with i8mm UMMLA/SMMLA accumulate 2×8 by 8×2 blocks into int32
 * (QgemmU8X8KernelUmmla.S, QgemmS8S8KernelSmmla.S). 32-bit Arm's NEON kernels likewise widen
 * (VMULL to 16 bits for one product, then pairwise add-accumulate into 32 bits).
 */
import { readFileSync } from 'node:fs';
import type { HardwareProfile } from '../../shared/run-schema';
import { autoWeightRange, hasVnni, isX86Arch, type AutoWeightRange, type WeightRange } from '../../shared/variants';
import type { GraphProto } from '../formats/onnx/generated/onnx_pb';
import { decodeModelProto, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { tensorArray } from '../formats/onnx/onnx-tensors';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { GraphIndex } from './graph';
import { REDUCED_WEIGHT_MAX } from './weights';

export interface CpuInfo {
  /** os.arch() or `uname -m` spelling; '' when unknown (a target not probed yet). */
  arch: string;
  /** Flags from /proc/cpuinfo (HardwareProfile.cpuFeatures); empty when unknown. */
  cpuFeatures: readonly string[];
  /** For messages: "This computer", "pi@192.168.1.20". */
  label: string;
}

/** The CPU of a target as the quantizer takes it: its probed hardware, or unknown ('' arch) when it has none yet. */
export function cpuInfoOf(label: string, hardware: Pick<HardwareProfile, 'arch' | 'cpuFeatures'> | null): CpuInfo {
  return { label, arch: hardware?.arch ?? '', cpuFeatures: hardware?.cpuFeatures ?? [] };
}

/** 'auto' resolved for a CPU (src/shared/variants.ts holds the rule, shared with the Variants form). */
export function autoRangeFor(cpu: CpuInfo): AutoWeightRange {
  return autoWeightRange({ label: cpu.label, arch: cpu.arch === '' ? null : cpu.arch, cpuFeatures: cpu.cpuFeatures });
}

export function isX86(arch: string): boolean {
  return isX86Arch(arch);
}

/** True for an x86 CPU that lacks VNNI (or whose flags are unknown, which is treated as lacking it). */
export function lacksVnni(cpu: Pick<CpuInfo, 'arch' | 'cpuFeatures'>): boolean {
  return isX86Arch(cpu.arch) && !hasVnni(cpu.cpuFeatures);
}

const SATURATE = "where onnxruntime's int8 kernels saturate with full-range weights";

/** The range to use and, for 'auto' when it picks 7-bit weights, the sentence saying why. */
export function resolveWeightRange(range: WeightRange, cpu: CpuInfo): { range: 'full' | 'reduced'; note?: string } {
  if (range !== 'auto') return { range };
  const auto = autoRangeFor(cpu);
  if (auto.range === 'full') return { range: 'full' };
  const note =
    auto.basis === 'not-probed'
      ? `Weights are 7-bit (-64..64): ${cpu.label} has not been probed yet, so its CPU is unknown and is treated as x86 without VNNI, ${SATURATE}. ` +
        "Test its connection first (on the Targets page, or with 'edgebench targets probe') and make the variant again: an Arm board or a CPU with VNNI gets full-range weights."
      : `Weights are 7-bit (-64..64): ${auto.why}, ${SATURATE}. Choose weight range full for a CPU with VNNI.`;
  return { range: 'reduced', note };
}

/**
 * The range of a model's int8 weights as onnxruntime's integer kernels will see them: the int8
 * constants that MatMulInteger/ConvInteger multiply or that a DequantizeLinear turns into weights,
 * wherever they are (bodies included). 'full' when any exceeds 7 bits, null when there are none.
 */
export function onnxInt8WeightRange(bytes: Uint8Array, fileName = 'model.onnx'): 'full' | 'reduced' | null {
  const model = decodeModelProto(bytes, fileName);
  let found = false;
  let max = 0;
  const visit = (graph: GraphProto, parent?: GraphIndex): void => {
    const index = new GraphIndex(graph, parent);
    for (const node of graph.node) {
      const slot = node.opType === 'MatMulInteger' || node.opType === 'ConvInteger' ? 1 : node.opType === 'DequantizeLinear' ? 0 : -1;
      const tensor = slot >= 0 ? index.constant(node.input[slot] ?? '') : undefined;
      if (tensor?.dataType === OnnxDataType.INT8) {
        found = true;
        for (const v of tensorArray(tensor) as Int8Array) max = Math.max(max, Math.abs(v));
      }
      for (const { graph: body } of nodeSubgraphs(node)) visit(body, index);
    }
  };
  if (model.graph) visit(model.graph);
  return found ? (max > REDUCED_WEIGHT_MAX ? 'full' : 'reduced') : null;
}

/** onnxInt8WeightRange of a model file; null when it cannot be read here (a path on a remote target) or parsed. */
export function int8WeightRangeOf(modelPath: string): 'full' | 'reduced' | null {
  try {
    return onnxInt8WeightRange(new Uint8Array(readFileSync(modelPath)), modelPath);
  } catch {
    return null;
  }
}

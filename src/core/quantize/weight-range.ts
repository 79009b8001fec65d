/**
 * Which int8 weight range suits a CPU. onnxruntime's u8s8 integer kernels on x86 without VNNI
 * (SSE4/AVX2, and AVX-512 without its VNNI extension) multiply with VPMADDUBSW, which adds two
 * u8×s8 products into a saturating int16: full-range weights (|w| up to 127) overflow it and lose
 * accuracy, 7-bit weights (up to 64) do not. With VNNI (VPDPBUSD sums into int32) and on Arm
 * (whose kernels widen before adding) full range is exact. onnxruntime's own quantizer offers
 * reduce_range for this reason.
 */
import { readFileSync } from 'node:fs';
import type { WeightRange } from '../../shared/variants';
import type { GraphProto } from '../formats/onnx/generated/onnx_pb';
import { decodeModelProto, nodeSubgraphs } from '../formats/onnx/onnx-codec';
import { tensorArray } from '../formats/onnx/onnx-tensors';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { GraphIndex } from './graph';
import { REDUCED_WEIGHT_MAX } from './weights';

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

/**
 * The precision a node computes in, as a model diff compares it: precision.ts's answer (the one
 * definition of which nodes are quantized, fp16 or float), with int8 and uint8 as one "int8"
 * (a diff reports that a layer went integer, not the signedness its quantizer chose) and no entry
 * for the converters (QuantizeLinear/DequantizeLinear) or for nodes with no float data (Shape, index ops).
 */
import type { ModelGraph } from '../model-graph';
import { nodePrecisions as precisionsOf } from './precision';

export type NodePrecision = 'int8' | 'fp16' | 'float';

export function nodePrecisions(graph: ModelGraph): Map<string, NodePrecision> {
  const result = new Map<string, NodePrecision>();
  for (const [id, info] of precisionsOf(graph)) {
    if (info.precision === 'int8' || info.precision === 'uint8') result.set(id, 'int8');
    else if (info.precision === 'fp16' || info.precision === 'float') result.set(id, info.precision);
  }
  return result;
}

/**
 * Pruning a model file (issue 14 item 5): the format's pruner, then the facts every front end shows
 * (per-layer sparsity, parameters and MACs before and after, the speed-up answer per engine).
 */
import { StudioError } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model-info';
import { inspectModelBuffers } from '../formats/inspect';
import { pruneOnnx } from './prune-onnx';
import { pruneTflite } from './prune-tflite';
import { speedupAnswers, type SpeedupAnswer } from './speedup';
import type { PruneOptions, PruneResult, PruneSkipped } from './types';

export type { LayerSparsity, PruneMethod, PruneOptions, PruneResult, PruneSkipped } from './types';
export type { SpeedupAnswer } from './speedup';

export interface PrunedModel extends PruneResult {
  infoBefore: ModelInfo;
  infoAfter: ModelInfo;
  speedup: SpeedupAnswer[];
}

export function pruneModel(bytes: Uint8Array, fileName: string, options: PruneOptions): PrunedModel {
  if (!(options.amount > 0 && options.amount < 1)) {
    throw new StudioError('BAD_INPUT', `The pruning amount must be between 0 and 1 (0.5 = half the weights, or a quarter of the channels with 0.25); got ${options.amount}.`, { flag: 'sparsity' });
  }
  // A TF.js model.json comes without its shards here: say what it is before the reader asks for them.
  const tfjs = (): never => {
    throw new StudioError('BAD_INPUT', `'${fileName}' is a TF.js model; the studio prunes ONNX and TFLite models. Prune the ONNX or TFLite file of the same network.`, { file: fileName });
  };
  if (fileName.toLowerCase().endsWith('.json')) tfjs();
  const infoBefore = inspectModelBuffers([{ name: fileName, data: bytes }]);
  const format = infoBefore.format === 'tfjs' ? tfjs() : infoBefore.format;
  const outcome = format === 'onnx' ? pruneOnnx(bytes, options, fileName) : pruneTflite(bytes, options, fileName);
  const infoAfter = inspectModelBuffers([{ name: fileName, data: outcome.bytes }]);
  const weights = outcome.layers.reduce((sum, l) => sum + l.weightsAfter, 0);
  const weightsBefore = outcome.layers.reduce((sum, l) => sum + l.weightsBefore, 0);
  const zeros = outcome.layers.reduce((sum, l) => sum + Math.round(l.sparsity * l.weightsAfter), 0);
  if (outcome.layers.length === 0) {
    const why = outcome.skipped.length > 0 ? ` (${summarizeSkipped(outcome.skipped)})` : '';
    throw new StudioError('BAD_INPUT', `Nothing in '${fileName}' could be pruned ${options.method === 'channels' ? 'by channels' : 'by magnitude'}${why}; try the other method, or a model with float32 convolution or dense weights.`, { file: fileName });
  }
  return {
    ...outcome,
    format,
    method: options.method,
    amount: options.amount,
    overallSparsity: weights > 0 ? zeros / weights : 0,
    removedShare: 1 - weights / Math.max(1, weightsBefore),
    parametersBefore: infoBefore.parameters,
    parametersAfter: infoAfter.parameters,
    infoBefore,
    infoAfter,
    speedup: speedupAnswers({ format, method: options.method, layers: outcome.layers, macsBefore: infoBefore.macs, macsAfter: infoAfter.macs }),
  };
}

/** "31 layers (op:2, op:8, op:11, …): its filter is not …" per distinct reason, so a refusal stays one readable sentence. */
function summarizeSkipped(skipped: readonly PruneSkipped[]): string {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.layer]);
  return [...byReason]
    .map(([reason, layers]) => `${layers.length === 1 ? layers[0] : `${layers.length} layers (${layers.slice(0, 3).join(', ')}${layers.length > 3 ? ', …' : ''})`}: ${reason.replace(/\.$/, '')}`)
    .join('; ');
}

/** The worker's prune task: read the model, prune it, write the variant atomically, answer with the report. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { PruneOutcome, WorkerRequest } from '../workers/worker-protocol';
import { pruneModel } from './index';

type PruneRequest = Extract<WorkerRequest, { type: 'prune' }>;

export async function runPrune(request: PruneRequest, progress: (message: string) => void): Promise<PruneOutcome> {
  progress('pruning');
  const bytes = new Uint8Array(await fs.readFile(request.modelPath));
  const result = pruneModel(bytes, path.basename(request.modelPath), { method: request.recipe.method, amount: request.recipe.amount, exclude: request.recipe.exclude ?? [] });
  await writeFileAtomic(request.outPath, result.bytes);
  return {
    type: 'pruned',
    overall: result.method === 'magnitude' ? result.overallSparsity : result.removedShare,
    parameters: { before: result.parametersBefore, after: result.parametersAfter },
    macs: { before: result.infoBefore.macs, after: result.infoAfter.macs },
    layers: result.layers.map(({ layer, op, weightsBefore: wb, weightsAfter: wa, sparsity, channelsBefore, channelsAfter }) => ({
      layer,
      op,
      weightsBefore: wb,
      weightsAfter: wa,
      sparsity,
      ...(channelsBefore !== undefined ? { channelsBefore } : {}),
      ...(channelsAfter !== undefined ? { channelsAfter } : {}),
    })),
    skipped: result.skipped.map((s) => ({ node: s.layer, opType: s.op, reason: s.reason })),
    speedup: result.speedup,
    notes: result.notes,
  };
}

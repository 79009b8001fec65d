/**
 * Accuracy and fidelity of workspace models on a workspace dataset, each model in its own
 * runner; the latest result per model and dataset is kept in the workspace (evals/).
 */
import type { EvalRecord } from '../../shared/eval-schema';
import { evaluateModels, type EvalModel } from '../eval/run-evaluation';
import type { RunnerSpawner } from '../runner/runner-client';
import { savedInputsForRun } from '../workspace/inputs-store';
import { mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

export interface EvalRequest {
  modelIds: string[];
  datasetId: string;
  referenceId?: string;
  limit?: number;
}

export async function runEvaluations(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: EvalRequest,
  onProgress: (message: string) => void,
): Promise<EvalRecord[]> {
  const dataset = await workspace.readDataset(request.datasetId);
  // The fidelity reference: asked for, or the parent of the first variant among the models.
  const entries = await Promise.all(request.modelIds.map((id) => workspace.readModelEntry(id)));
  const referenceId = request.referenceId ?? entries.find((entry) => entry.origin)?.origin?.parentId ?? null;
  const addReference = referenceId !== null && !request.modelIds.includes(referenceId);
  const ids = addReference ? [referenceId, ...request.modelIds] : [...request.modelIds];
  const all = addReference ? [await workspace.readModelEntry(referenceId), ...entries] : entries;
  // Each model's saved sizes and values feed the inputs the dataset does not, and the dataset must have
  // the saved sizes, or its accuracy is for inputs the benchmarks never ran (eval-inputs.ts).
  const models: EvalModel[] = all.map((entry) => ({
    name: entry.name,
    path: mainModelPath(workspace, entry),
    info: entry.info,
    variant: entry.variant,
    savedInputs: savedInputsForRun(entry),
  }));
  const results = await evaluateModels(models, { dir: dataset.dir }, {
    spawner,
    reference: referenceId ? ids.indexOf(referenceId) : null,
    limit: request.limit,
    frontEnd: 'ui',
    onProgress: (p) => onProgress(`${p.model}: ${p.phase}${p.total > 0 ? ` ${p.completed}/${p.total}` : ''}`),
  });
  const createdAt = new Date().toISOString();
  const records: EvalRecord[] = results.map((result, index) => ({
    schema: 'edgebench.eval/1',
    modelId: ids[index] as string,
    datasetId: request.datasetId,
    referenceId,
    createdAt,
    result,
  }));
  for (const record of records) await workspace.writeEval(record);
  return records;
}

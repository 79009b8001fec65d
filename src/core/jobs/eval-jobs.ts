/**
 * Accuracy and fidelity of workspace models on a workspace dataset, each model in its own
 * runner; the latest result per model and dataset is kept in the workspace (evals/). The models
 * the dataset does not fit are skipped with the reason, by the same check that ticks the models
 * on the Accuracy page (checkEvaluable).
 */
import type { EvalCheck, EvalRecord, EvalRunResult } from '../../shared/eval-schema';
import { checkEvalReadiness } from '../eval/eval-readiness';
import { evaluateModelsThatFit, type EvalModel } from '../eval/run-evaluation';
import type { RunnerSpawner } from '../runner/runner-client';
import { savedInputsForRun } from '../workspace/inputs-store';
import { mainModelPath } from '../workspace/model-store';
import type { ModelEntry } from '../../shared/contract';
import type { Workspace } from '../workspace/workspace';

export interface EvalRequest {
  modelIds: string[];
  datasetId: string;
  referenceId?: string;
  limit?: number;
}

function evalModel(workspace: Workspace, entry: ModelEntry): EvalModel {
  return { name: entry.name, path: mainModelPath(workspace, entry), info: entry.info, variant: entry.variant, savedInputs: savedInputsForRun(entry) };
}

/** Whether each model can take the dataset, and if not why: the Accuracy page ticks the ones that can. */
export async function checkEvaluable(workspace: Workspace, request: { datasetId: string; modelIds?: string[] }): Promise<EvalCheck[]> {
  const dataset = await workspace.readDataset(request.datasetId);
  const entries = request.modelIds ? await Promise.all(request.modelIds.map((id) => workspace.readModelEntry(id))) : await workspace.listModels();
  const checks: EvalCheck[] = [];
  for (const entry of entries) {
    const readiness = await checkEvalReadiness(evalModel(workspace, entry), dataset.dir, { frontEnd: 'ui' });
    checks.push({ modelId: entry.id, evaluable: readiness.ok, reason: readiness.ok ? null : readiness.error.message });
  }
  return checks;
}

/**
 * Evaluates the models that can take the dataset and lists the others with the reason; when
 * none can, the first one's reason is thrown (one sentence, BAD_INPUT for a dataset that does not fit).
 */
export async function runEvaluations(
  workspace: Workspace,
  spawner: RunnerSpawner,
  request: EvalRequest,
  onProgress: (message: string) => void,
): Promise<EvalRunResult> {
  const dataset = await workspace.readDataset(request.datasetId);
  // The fidelity reference: asked for, or the parent of the first variant among the models.
  const entries = await Promise.all(request.modelIds.map((id) => workspace.readModelEntry(id)));
  const referenceId = request.referenceId ?? entries.find((entry) => entry.origin)?.origin?.parentId ?? null;
  const addReference = referenceId !== null && !request.modelIds.includes(referenceId);
  const ids = addReference ? [referenceId, ...request.modelIds] : [...request.modelIds];
  const all = addReference ? [await workspace.readModelEntry(referenceId), ...entries] : entries;
  // Each model's saved sizes and values feed the inputs the dataset does not, and the dataset must have
  // the saved sizes, or its accuracy is for inputs the benchmarks never ran (eval-inputs.ts).
  const models: EvalModel[] = all.map((entry) => evalModel(workspace, entry));
  const outcome = await evaluateModelsThatFit(models, { dir: dataset.dir }, {
    spawner,
    reference: referenceId ? ids.indexOf(referenceId) : null,
    limit: request.limit,
    frontEnd: 'ui',
    onProgress: (p) => onProgress(`${p.model}: ${p.phase}${p.total > 0 ? ` ${p.completed}/${p.total}` : ''}`),
  });
  const createdAt = new Date().toISOString();
  const records: EvalRecord[] = outcome.evaluated.map(({ result, index }) => ({
    schema: 'edgebench.eval/1',
    modelId: ids[index] as string,
    datasetId: request.datasetId,
    referenceId,
    createdAt,
    result,
  }));
  for (const record of records) await workspace.writeEval(record);
  return { records, skipped: outcome.skipped.map(({ index, error }) => ({ modelId: ids[index] as string, reason: error.message })) };
}

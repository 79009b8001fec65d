import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { DatasetEntry, ModelEntry } from '../../../../shared/contract';
import type { EvalCheck, EvalRunResult, EvalSkipped } from '../../../../shared/eval-schema';
import { toErrorData, type ErrorCode } from '../../../../shared/errors';
import { messageFor } from '../../../../shared/remedies';
import { useApi } from '../../data/api-context';

/**
 * Whether each model can take the dataset (evals.check: the engine's own check, which also decides
 * what an evaluation skips). Refetched when the models, their saved inputs or the dataset change.
 * undefined while the engine answers; null when it could not say (then every model is offered).
 */
export function useEvalChecks(models: readonly ModelEntry[], dataset: DatasetEntry | undefined): ReadonlyMap<string, EvalCheck> | null | undefined {
  const api = useApi();
  const modelsKey = models.map((m) => `${m.id}:${JSON.stringify(m.savedInputs)}`).join(',');
  const query = useQuery({
    queryKey: ['evalChecks', dataset?.id ?? '', JSON.stringify(dataset ?? null), modelsKey],
    queryFn: async () => new Map((await api.evals.check({ datasetId: dataset?.id ?? '' })).map((check) => [check.modelId, check])),
    enabled: dataset !== undefined && models.length > 0,
    retry: false,
  });
  if (query.isError) return null;
  return query.data;
}

/**
 * The ticked models: what the user ticked or unticked, else whether the dataset fits the model, so
 * a model that cannot take the dataset starts unticked (its reason beside it) and new variants that
 * can join the next evaluation.
 */
export function useEvalPicks(models: readonly ModelEntry[], checks: ReadonlyMap<string, EvalCheck> | null | undefined) {
  const [choices, setChoices] = useState<ReadonlyMap<string, boolean>>(new Map());
  // Unknown while the engine answers (nothing ticked yet); the engine could not say: every model, as before.
  const byDefault = (id: string): boolean => (checks === null ? true : (checks?.get(id)?.evaluable ?? false));
  const picked = models.filter((m) => choices.get(m.id) ?? byDefault(m.id)).map((m) => m.id);
  const pick = (modelId: string, on: boolean): void => setChoices((map) => new Map(map).set(modelId, on));
  return { picked, pick };
}

/** Failures that concern the models asked for (the dataset fits none of a family, a runtime refused them): the other families still run. */
const MODEL_FAILURES: readonly ErrorCode[] = ['BAD_INPUT', 'MODEL_FORMAT', 'RUNTIME', 'RUNNER'];

/**
 * Evaluates each family in turn and gathers what was skipped and why; a family the engine
 * refused as a whole is listed as skipped too (each model with its own reason where the check
 * knew it, else the engine's), so one family never stops the others.
 */
export async function evaluateFamilies(
  groups: ReadonlyArray<{ modelIds: string[]; referenceId: string | undefined }>,
  request: { datasetId: string; limit: number | undefined },
  evaluate: (req: { modelIds: string[]; datasetId: string; referenceId?: string; limit?: number }) => Promise<EvalRunResult>,
  checks?: ReadonlyMap<string, EvalCheck> | null,
): Promise<EvalSkipped[]> {
  const skipped: EvalSkipped[] = [];
  for (const group of groups) {
    try {
      const outcome = await evaluate({ modelIds: group.modelIds, datasetId: request.datasetId, referenceId: group.referenceId, limit: request.limit });
      skipped.push(...outcome.skipped);
    } catch (error) {
      const data = toErrorData(error);
      if (!MODEL_FAILURES.includes(data.code)) throw error;
      const reason = messageFor(data, 'ui');
      skipped.push(...group.modelIds.map((modelId) => ({ modelId, reason: checks?.get(modelId)?.reason ?? reason })));
    }
  }
  return skipped;
}

/**
 * Accuracy against latency for a set of runs: a run gets a point when its model (matched by the
 * model file's sha256, as the Accuracy page matches them) has an evaluation on the chosen dataset.
 */
import type { ModelEntry } from '../../../../shared/contract';
import type { EvalRecord } from '../../../../shared/eval-schema';
import { accuracyKey, accuracyOf, evalRows, type AccuracyKey, type ScatterPoint } from '../../accuracy';
import type { TargetRun } from './across-targets';

/** The dataset on which most of the runs' models were evaluated (ties: the first seen); null when none was. */
export function bestDatasetId(records: readonly EvalRecord[], models: readonly ModelEntry[], runs: readonly TargetRun[]): string | null {
  const shas = new Set(runs.map((r) => r.modelSha256));
  const modelIds = new Set(models.filter((m) => shas.has(m.info.sha256)).map((m) => m.id));
  const counts = new Map<string, Set<string>>();
  for (const record of records) {
    if (!modelIds.has(record.modelId)) continue;
    counts.set(record.datasetId, (counts.get(record.datasetId) ?? new Set()).add(record.modelId));
  }
  let best: string | null = null;
  for (const [datasetId, ids] of counts) if (best === null || ids.size > (counts.get(best)?.size ?? 0)) best = datasetId;
  return best;
}

/** A run's point, with the target it ran on (its label beside the point; the colour says the model). */
export type RunPoint = ScatterPoint & { targetName: string };

/** One point per run whose model was evaluated: x its headline median, y its accuracy. */
export function runAccuracyPoints(
  records: readonly EvalRecord[],
  models: readonly ModelEntry[],
  datasetId: string,
  runs: readonly TargetRun[],
  nameOf: (run: TargetRun) => string,
): { key: AccuracyKey; points: RunPoint[] } {
  const rows = evalRows(records, models, datasetId);
  const key = accuracyKey(rows);
  const bySha = new Map(rows.map((row) => [row.model.info.sha256, row]));
  const points = runs.flatMap((run) => {
    const row = bySha.get(run.modelSha256);
    const accuracy = row ? accuracyOf(row.record.result, key) : null;
    if (!row || accuracy === null) return [];
    return [{ x: run.medianMs, y: accuracy, modelId: row.model.id, label: `${nameOf(run)} · ${run.targetName}`, targetName: run.targetName }];
  });
  return { key, points };
}

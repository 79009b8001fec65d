import type { ModelEntry } from '../../shared/contract';
import { cpusLabelPart } from '../../shared/cpu-pinning';
import type { EvalRecord, EvalResult } from '../../shared/eval-schema';
import type { RunSummary } from '../../shared/run-schema';
import { familyOrder, parentOf } from './variant-view';

/** The stored evaluation of one model on the chosen dataset, with the model it belongs to. */
export interface EvalRow {
  model: ModelEntry;
  record: EvalRecord;
}

/** The newest record per model on `datasetId`, models in family order (float first, then its variants). */
export function evalRows(records: readonly EvalRecord[], models: readonly ModelEntry[], datasetId: string): EvalRow[] {
  const newest = new Map<string, EvalRecord>();
  for (const record of records) {
    if (record.datasetId !== datasetId) continue;
    const seen = newest.get(record.modelId);
    if (!seen || seen.createdAt < record.createdAt) newest.set(record.modelId, record);
  }
  return familyOrder(models).flatMap(({ model }) => {
    const record = newest.get(model.id);
    return record ? [{ model, record }] : [];
  });
}

export type AccuracyKey = 'top1' | 'agreement';

/** Top-1 when the dataset has labels; otherwise agreement with the float model, the accuracy stand-in fidelity gives. */
export function accuracyKey(rows: readonly EvalRow[]): AccuracyKey {
  return rows.some((r) => r.record.result.top1 !== null) ? 'top1' : 'agreement';
}

export const ACCURACY_LABELS: Record<AccuracyKey, string> = { top1: 'top-1 accuracy', agreement: 'top-1 agreement with float' };

export function accuracyOf(result: EvalResult, key: AccuracyKey): number | null {
  // The reference agrees with itself; its agreement is null only because there is nothing to compare.
  if (key === 'agreement' && result.agreement === null && result.reference !== null && result.reference === result.model) return 1;
  return result[key];
}

export interface ScatterPoint {
  /** Latency in ms, or size in KiB or MiB. */
  x: number;
  /** Accuracy, 0..1. */
  y: number;
  modelId: string;
  label: string;
}

/**
 * Accuracy against median latency: one point per (model, target, runtime, threads, CPU selection),
 * from the newest run of that combination; a pinned run's label names its CPUs. Runs are matched to models by the model file's sha256.
 */
export function latencyPoints(rows: readonly EvalRow[], runs: readonly RunSummary[], key: AccuracyKey): ScatterPoint[] {
  const newestFirst = [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const points: ScatterPoint[] = [];
  for (const { model, record } of rows) {
    const accuracy = accuracyOf(record.result, key);
    if (accuracy === null) continue;
    const seen = new Set<string>();
    for (const run of newestFirst) {
      if (run.modelSha256 !== model.info.sha256) continue;
      const combo = `${run.targetName}\n${run.runtime}\n${run.threads}\n${run.cpus ?? ''}`;
      if (seen.has(combo)) continue;
      seen.add(combo);
      const threads = run.threads === 0 ? 'auto threads' : `${run.threads}t`;
      points.push({ x: run.median, y: accuracy, modelId: model.id, label: `${model.name} · ${run.targetName} · ${run.runtime} · ${threads}${cpusLabelPart(run.cpus)}` });
    }
  }
  return points;
}

/** Sizes in KiB, or MiB once a model reaches 1 MiB, so that the axis gets round ticks in the unit it shows. */
export function sizePoints(rows: readonly EvalRow[], key: AccuracyKey): { unit: 'KiB' | 'MiB'; points: ScatterPoint[] } {
  const largestBytes = Math.max(0, ...rows.map((r) => r.model.info.sizeBytes));
  const unit = largestBytes >= 1024 * 1024 ? 'MiB' : 'KiB';
  const divisor = unit === 'MiB' ? 1024 * 1024 : 1024;
  const points = rows.flatMap(({ model, record }) => {
    const accuracy = accuracyOf(record.result, key);
    return accuracy === null ? [] : [{ x: model.info.sizeBytes / divisor, y: accuracy, modelId: model.id, label: model.name }];
  });
  return { unit, points };
}

/**
 * The points no other point beats: nothing else is at least as fast and at least as accurate.
 * Sorted by x; walking from the fastest, a point is on the front when it is more accurate than
 * every faster one.
 */
export function paretoFront(points: readonly ScatterPoint[]): ScatterPoint[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const front: ScatterPoint[] = [];
  for (const point of sorted) {
    const best = front[front.length - 1];
    if (!best || point.y > best.y) front.push(point);
  }
  return front;
}

/** Evaluation groups: each family (float model and its picked variants) runs with the float model as reference. */
export function evalGroups(pickedIds: readonly string[], models: readonly ModelEntry[]): Array<{ referenceId: string | undefined; modelIds: string[] }> {
  const groups = new Map<string, string[]>();
  for (const model of models) {
    if (!pickedIds.includes(model.id)) continue;
    const root = parentOf(model, models)?.id ?? model.id;
    groups.set(root, [...(groups.get(root) ?? []), model.id]);
  }
  return [...groups].map(([root, ids]) => ({
    referenceId: ids.some((id) => id !== root) ? root : undefined,
    // The reference first, so its row is computed before the variants compared with it.
    modelIds: ids.includes(root) ? [root, ...ids.filter((id) => id !== root)] : ids,
  }));
}

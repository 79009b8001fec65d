import { useQueries } from '@tanstack/react-query';
import type { DatasetEntry } from '../../../../shared/contract';
import type { EvalCheck } from '../../../../shared/eval-schema';
import { useApi } from '../../data/api-context';

/**
 * Whether the model can take each dataset, by the engine's own check (evals.check, which ticks the
 * Accuracy page's models): calibration feeds the model the same samples, so a dataset the check
 * refuses fails Create. Asked only while `enabled` (a mode that calibrates). Per dataset id: the
 * check, undefined while the engine answers, null when it could not say.
 */
export function useCalibrationFits(modelId: string, datasets: readonly DatasetEntry[], enabled: boolean): ReadonlyMap<string, EvalCheck | null | undefined> {
  const api = useApi();
  const results = useQueries({
    queries: datasets.map((dataset) => ({
      queryKey: ['calibrationFit', modelId, dataset.id, JSON.stringify(dataset)],
      queryFn: async () => (await api.evals.check({ datasetId: dataset.id, modelIds: [modelId] })).find((check) => check.modelId === modelId) ?? null,
      enabled,
      retry: false,
    })),
  });
  return new Map(datasets.map((dataset, i) => [dataset.id, results[i]?.isError ? null : results[i]?.data]));
}

export interface CalibrationPick {
  /** The dataset to preselect: '' when every dataset was checked and none fits. */
  datasetId: string;
  /** Beside the picker: why the shown choice will not calibrate this model (null: nothing to say). */
  warning: string | null;
}

/**
 * The dataset to preselect: the usual default when it fits, else the first that fits, else none
 * (with the default's reason); while the checks are under way, the usual default. `chosen` (the
 * user's own pick) is kept, with its reason when the model cannot take it.
 */
export function pickCalibration(
  datasets: readonly DatasetEntry[],
  fits: ReadonlyMap<string, EvalCheck | null | undefined>,
  usual: string,
  chosen: string | null,
): CalibrationPick {
  const reasonOf = (id: string): string | null => {
    const check = fits.get(id);
    // The check words its reasons for the Accuracy page ("Evaluating 'm': …"); here the model is the form's own.
    return check && !check.evaluable && check.reason !== null ? check.reason.replace(/^Evaluating '[^']*': /, '') : null;
  };
  if (chosen !== null) {
    const reason = chosen === '' ? null : reasonOf(chosen);
    return { datasetId: chosen, warning: reason === null ? null : `This dataset does not fit the model: ${reason}` };
  }
  const fitsModel = (id: string): boolean => fits.get(id)?.evaluable === true;
  if (usual === '' || fitsModel(usual) || fits.get(usual) === undefined || fits.get(usual) === null) return { datasetId: usual, warning: null };
  const other = datasets.find((dataset) => fitsModel(dataset.id));
  if (other !== undefined) return { datasetId: other.id, warning: null };
  // The others may still be being checked: keep the usual one until they all answer.
  if (datasets.some((dataset) => fits.get(dataset.id) === undefined)) return { datasetId: usual, warning: null };
  const name = datasets.find((dataset) => dataset.id === usual)?.name ?? usual;
  return { datasetId: '', warning: `No dataset here fits this model, so none is picked; '${name}', for one: ${reasonOf(usual) ?? ''}` };
}

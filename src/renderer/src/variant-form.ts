import type { DatasetEntry } from '../../shared/contract';
import { DEFAULT_PERCENTILE, type CalibrationMethod, type QuantMode, type QuantRecipeInput, type WeightRange } from '../../shared/variants';

/** The "Create variant" form as typed: numbers stay strings until submitted. */
export interface VariantForm {
  mode: QuantMode;
  datasetId: string;
  method: CalibrationMethod;
  percentile: string;
  samples: string;
  perChannel: boolean;
  activationSymmetric: boolean;
  /** int8 weights: auto (7-bit on x86 without VNNI), full or reduced. */
  weightRange: WeightRange;
  exclude: string[];
}

export const DEMO_DATASET_ID = 'demo-digits';
export const DEFAULT_CALIBRATION_SAMPLES = 200;

export function defaultVariantForm(datasets: readonly DatasetEntry[]): VariantForm {
  const dataset = datasets.find((d) => d.id === DEMO_DATASET_ID) ?? datasets[0];
  return {
    mode: 'dynamic',
    datasetId: dataset?.id ?? '',
    method: 'minmax',
    percentile: String(DEFAULT_PERCENTILE),
    samples: String(DEFAULT_CALIBRATION_SAMPLES),
    perChannel: true,
    activationSymmetric: false,
    weightRange: 'auto',
    exclude: [],
  };
}

export interface QuantizeRequest {
  modelId: string;
  recipe: QuantRecipeInput;
  datasetId?: string;
  calibrationSamples: number;
}

export type FormErrors = Partial<Record<'datasetId' | 'percentile' | 'samples', string>>;

/** The models.quantize request the form describes, or what is wrong with it (per field). */
export function toQuantizeRequest(modelId: string, form: VariantForm): { request: QuantizeRequest } | { errors: FormErrors } {
  if (form.mode !== 'static') {
    return {
      request: {
        modelId,
        recipe: {
          mode: form.mode,
          perChannel: form.mode === 'dynamic' && form.perChannel,
          exclude: form.exclude,
          ...(form.mode === 'dynamic' ? { weightRange: form.weightRange } : {}),
        },
        calibrationSamples: DEFAULT_CALIBRATION_SAMPLES,
      },
    };
  }
  const errors: FormErrors = {};
  const samples = Number(form.samples);
  if (!Number.isInteger(samples) || samples < 1 || samples > 10_000) errors.samples = 'A whole number from 1 to 10,000.';
  const percentile = Number(form.percentile);
  if (form.method === 'percentile' && !(percentile > 0 && percentile <= 100)) errors.percentile = 'Above 0, at most 100 (e.g. 99.999).';
  if (!form.datasetId) errors.datasetId = 'Import a dataset on the Datasets page to calibrate with.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    request: {
      modelId,
      recipe: {
        mode: 'static',
        method: form.method,
        ...(form.method === 'percentile' ? { percentile } : {}),
        perChannel: form.perChannel,
        activationSymmetric: form.activationSymmetric,
        exclude: form.exclude,
        weightRange: form.weightRange,
      },
      datasetId: form.datasetId,
      calibrationSamples: samples,
    },
  };
}

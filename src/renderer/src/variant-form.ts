import type { DatasetEntry, TargetEntry } from '../../shared/contract';
import { autoWeightRange, DEFAULT_PERCENTILE, type CalibrationMethod, type QuantMode, type QuantRecipeInput, type TfliteDenseWeights, type TfliteIo, type WeightRange } from '../../shared/variants';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';

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
  /** The target (id) whose CPU weight range auto is chosen for; 'local' is This computer. */
  madeFor: string;
  exclude: string[];
  /** TFLite full integer (mode static): the variant's input and output type. */
  io: TfliteIo;
  /** TFLite full integer: FULLY_CONNECTED weights per tensor (the default, every kernel takes it) or per channel. */
  denseWeights: TfliteDenseWeights;
  /** TFLite full integer: fold the int8 weights' mean error on the calibration samples into the biases (default on). */
  biasCorrection: boolean;
}

/** The formats the studio makes variants of; a TFLite model's form offers TFLite's modes. */
export type VariantFormat = 'onnx' | 'tflite';

export const LOCAL_TARGET_ID = 'local';

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
    madeFor: LOCAL_TARGET_ID,
    exclude: [],
    // int8 in and out is what a microcontroller build wants (the converter's inference_input_type = int8).
    io: 'int8',
    // The quantizer's own defaults (weightChoices in src/core/quantize-tflite/full-int8.ts, which the
    // CLI gets too); a unit test holds the two together.
    denseWeights: 'per-tensor',
    biasCorrection: true,
  };
}

/** What the "Made for" select offers: This computer and the boards with an application CPU (a microcontroller runs no ONNX int8 model). */
export function madeForOptions(targets: readonly TargetEntry[]): Array<{ id: string; label: string; target: TargetEntry }> {
  return targets
    .filter((target) => TARGET_KINDS[target.kind].processor === 'computer')
    .map((target) => ({ id: target.id, label: target.hardware === null ? `${target.name} (not probed yet)` : target.name, target }));
}

/** The target the form makes the variant for: its choice while the list has it, else This computer. */
export function madeForTarget(form: VariantForm, targets: readonly TargetEntry[]): TargetEntry | undefined {
  const options = madeForOptions(targets);
  return (options.find((o) => o.id === form.madeFor) ?? options.find((o) => o.id === LOCAL_TARGET_ID))?.target;
}

/**
 * What weight range auto will give, shown before Create: "auto → 7-bit: Lab PC is x86 without
 * VNNI". null when the range is not auto, for fp16, or before the targets list has arrived.
 */
export function autoRangePreview(form: VariantForm, targets: readonly TargetEntry[], format: VariantFormat = 'onnx'): string | null {
  if (format === 'tflite' || form.mode === 'fp16' || form.weightRange !== 'auto') return null;
  const target = madeForTarget(form, targets);
  if (!target) return null;
  const auto = autoWeightRange({ label: target.name, arch: target.hardware?.arch ?? null, cpuFeatures: target.hardware?.cpuFeatures ?? [] });
  const hint = auto.basis === 'not-probed' ? '; test its connection on the Targets page first' : '';
  return `auto → ${auto.range === 'reduced' ? '7-bit' : 'full range'}: ${auto.why}${hint}`;
}

export interface QuantizeRequest {
  modelId: string;
  recipe: QuantRecipeInput;
  datasetId?: string;
  calibrationSamples: number;
  /** The target the variant is made for (weight range auto only). */
  targetId?: string;
}

export type FormErrors = Partial<Record<'datasetId' | 'percentile' | 'samples', string>>;

/** The models.quantize request the form describes, or what is wrong with it (per field). */
export function toQuantizeRequest(modelId: string, form: VariantForm, targets: readonly TargetEntry[] = [], format: VariantFormat = 'onnx'): { request: QuantizeRequest } | { errors: FormErrors } {
  if (format === 'tflite') return toTfliteRequest(modelId, form);
  // The target matters only where weight range auto is resolved against its CPU.
  const madeFor = form.mode !== 'fp16' && form.weightRange === 'auto' ? { targetId: madeForTarget(form, targets)?.id ?? LOCAL_TARGET_ID } : {};
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
        ...madeFor,
      },
    };
  }
  const { errors, samples, percentile } = calibrationFields(form);
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
      ...madeFor,
    },
  };
}

/**
 * A TFLite model's request: TFLite's modes fix per-channel convolution weights and the weight
 * range, so the form sends the mode, exclusions and, for full integer (static), the dataset,
 * samples, I/O type and the quantizer's choices (range method and percentile, dense-layer weights,
 * bias correction), spelled out even at their defaults so the variant's recipe records them; the
 * target does not matter.
 */
function toTfliteRequest(modelId: string, form: VariantForm): { request: QuantizeRequest } | { errors: FormErrors } {
  if (form.mode !== 'static') {
    return { request: { modelId, recipe: { mode: form.mode, perChannel: form.mode === 'dynamic', exclude: form.exclude }, calibrationSamples: DEFAULT_CALIBRATION_SAMPLES } };
  }
  const { errors, samples, percentile } = calibrationFields(form);
  if (Object.keys(errors).length > 0) return { errors };
  return {
    request: {
      modelId,
      recipe: {
        mode: 'static',
        method: form.method,
        ...(form.method === 'percentile' ? { percentile } : {}),
        perChannel: true,
        io: form.io,
        denseWeights: form.denseWeights,
        biasCorrection: form.biasCorrection,
        exclude: form.exclude,
      },
      datasetId: form.datasetId,
      calibrationSamples: samples,
    },
  };
}

/** The calibration fields both formats' static (full-integer) forms share, read and checked once. */
function calibrationFields(form: VariantForm): { errors: FormErrors; samples: number; percentile: number } {
  const errors: FormErrors = {};
  const samples = Number(form.samples);
  if (!Number.isInteger(samples) || samples < 1 || samples > 10_000) errors.samples = 'A whole number from 1 to 10,000.';
  const percentile = Number(form.percentile);
  if (form.method === 'percentile' && !(percentile > 0 && percentile <= 100)) errors.percentile = 'Above 0, at most 100 (e.g. 99.999).';
  if (!form.datasetId) errors.datasetId = 'Import a dataset on the Datasets page to calibrate with.';
  return { errors, samples, percentile };
}

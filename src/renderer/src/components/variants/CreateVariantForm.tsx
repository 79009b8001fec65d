import { useState, type FormEvent } from 'react';
import type { DatasetEntry, TargetEntry } from '../../../../shared/contract';
import { CalibrationMethod, QuantMode, TfliteIo, WeightRange } from '../../../../shared/variants';
import { autoRangePreview, defaultVariantForm, madeForOptions, madeForTarget, toQuantizeRequest, type QuantizeRequest, type VariantForm, type VariantFormat } from '../../variant-form';
import { NumberField } from '../bench/NumberField';
import { FormError } from '../FormError';
import { pickCalibration, useCalibrationFits } from './calibration-fit';
import { ExcludeField } from './ExcludeField';
import './calibration-fit.css';
import { TfliteFullIntegerFields } from './TfliteFullIntegerFields';

interface Props {
  modelId: string;
  /** A TFLite model gets TFLite's modes: dynamic range, fp16, and full integer with its I/O type. */
  format: VariantFormat;
  datasets: readonly DatasetEntry[];
  /** The workspace's targets: weight range auto is chosen for one of them (This computer or an SSH board). */
  targets: readonly TargetEntry[];
  suggestions: readonly string[];
  busy: boolean;
  /** The engine's latest progress line while a variant is being made. */
  progress: string | null;
  /** Why the last Create variant failed, in the UI's words (null: it did not, or it is running again). */
  error: string | null;
  onCreate: (request: QuantizeRequest) => void;
}

const WEIGHT_RANGE_LABELS: Record<WeightRange, string> = {
  auto: 'auto',
  full: 'full (8-bit)',
  reduced: '7-bit',
};

const MODE_HINTS: Record<QuantMode, string> = {
  dynamic: 'int8 weights; activations quantized at run time. No data needed.',
  static: 'int8 weights and activations (QDQ), ranges calibrated on a dataset.',
  fp16: 'float16 weights and compute; inputs and outputs stay float32.',
};

const TFLITE_MODE_LABELS: Record<QuantMode, string> = { dynamic: 'int8 dynamic', static: 'int8 full integer', fp16: 'fp16' };

const TFLITE_MODE_HINTS: Record<QuantMode, string> = {
  dynamic: "int8 weights (per channel for convolutions), float activations through TFLite's hybrid kernels; weights under 1024 elements stay float. No data needed.",
  static: "int8 weights and activations per TFLite's quantization spec, calibrated on a dataset: what TFLite Micro runs on a microcontroller. An op without an int8 kernel is named and refused.",
  fp16: 'float16 weights behind DEQUANTIZE ops; computes in float32. About half the size.',
};

const IO_LABELS: Record<TfliteIo, string> = { int8: 'int8', uint8: 'uint8', float: 'float (QUANTIZE/DEQUANTIZE at the edges)' };

/** The recipe of a new variant of an ONNX or TFLite model. */
export function CreateVariantForm({ modelId, format, datasets, targets, suggestions, busy, progress, error, onCreate }: Props) {
  const tflite = format === 'tflite';
  // null until edited: the defaults follow the datasets, which may arrive after the first render.
  const [edited, setEdited] = useState<VariantForm | null>(null);
  // The calibration dataset follows the engine's check (the model must take its samples) until the user picks one.
  const [datasetChosen, setDatasetChosen] = useState<string | null>(null);
  const base = edited ?? defaultVariantForm(datasets);
  const fits = useCalibrationFits(modelId, datasets, base.mode === 'static');
  const calibration = pickCalibration(datasets, fits, defaultVariantForm(datasets).datasetId, datasetChosen);
  const form: VariantForm = { ...base, datasetId: calibration.datasetId };
  const patch = (change: Partial<VariantForm>): void => {
    if (change.datasetId !== undefined) setDatasetChosen(change.datasetId);
    setEdited({ ...form, ...change });
  };
  const [showErrors, setShowErrors] = useState(false);
  const result = toQuantizeRequest(modelId, form, targets, format);
  const madeFor = madeForTarget(form, targets);
  const preview = autoRangePreview(form, targets, format);
  const errors = showErrors && 'errors' in result ? result.errors : {};
  const isStatic = form.mode === 'static';

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setShowErrors(true);
    if ('request' in result && !busy) onCreate(result.request);
  };

  return (
    // noValidate: the browser's own check would refuse 99.999 (a number input steps by 1); toQuantizeRequest validates.
    <form className="variant-form" noValidate onSubmit={submit} aria-label="Create variant" data-testid="variant-form">
      <h3 className="section-title">Create variant</h3>
      <div className="form-row">
        <fieldset className="field">
          <legend className="field-label">Mode</legend>
          <div className="segmented" role="radiogroup">
            {QuantMode.options.map((mode) => (
              <label key={mode} className={`segment${form.mode === mode ? ' active' : ''}`}>
                <input type="radio" name={`variant-mode-${modelId}`} checked={form.mode === mode} data-testid={`variant-mode-${mode}`} onChange={() => patch({ mode })} />
                {tflite ? TFLITE_MODE_LABELS[mode] : mode === 'fp16' ? 'fp16' : `int8 ${mode}`}
              </label>
            ))}
          </div>
          <span className="field-hint wide-hint">{(tflite ? TFLITE_MODE_HINTS : MODE_HINTS)[form.mode]}</span>
        </fieldset>
      </div>
      {isStatic && (
        <div className="form-row" data-testid="variant-static-fields">
          <label className={`field dataset-field${errors.datasetId || calibration.warning !== null ? ' invalid' : ''}`}>
            <span className="field-label">Calibration dataset</span>
            <select value={form.datasetId} onChange={(e) => patch({ datasetId: e.currentTarget.value })} data-testid="variant-dataset-select">
              {datasets.length === 0 && <option value="">No datasets</option>}
              {datasets.length > 0 && form.datasetId === '' && <option value="">None fits this model</option>}
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
            <span className="field-hint">{calibration.warning === null ? (errors.datasetId ?? ' ') : 'Does not fit: see the reason below'}</span>
          </label>
          {tflite ? (
            <label className="field io-field" title="The type of the variant's inputs and outputs (TFLite's inference_input_type and inference_output_type)">
              <span className="field-label">I/O type</span>
              <select value={form.io} onChange={(e) => patch({ io: TfliteIo.parse(e.currentTarget.value) })} data-testid="variant-io-select">
                {TfliteIo.options.map((io) => (
                  <option key={io} value={io}>
                    {IO_LABELS[io]}
                  </option>
                ))}
              </select>
              <span className="field-hint">Inputs and outputs</span>
            </label>
          ) : (
          <label className="field method-field">
            <span className="field-label">Method</span>
            <select value={form.method} onChange={(e) => patch({ method: CalibrationMethod.parse(e.currentTarget.value) })} data-testid="variant-method-select">
              {CalibrationMethod.options.map((method) => (
                <option key={method} value={method}>
                  {method}
                </option>
              ))}
            </select>
            <span className="field-hint">How activation ranges are chosen</span>
          </label>
          )}
          {!tflite && form.method === 'percentile' && (
            <NumberField label="Percentile" hint="Of |x|, cut from the tails" value={form.percentile} error={errors.percentile} testId="variant-percentile-input" onChange={(percentile) => patch({ percentile })} />
          )}
          <NumberField label="Samples" hint="Calibration samples" value={form.samples} error={errors.samples} testId="variant-samples-input" onChange={(samples) => patch({ samples })} />
        </div>
      )}
      {isStatic && calibration.warning !== null && (
        <p className="field-hint wide-hint calibration-fit" role="note" data-testid="variant-dataset-fit">
          {calibration.warning}
        </p>
      )}
      {tflite && isStatic && <TfliteFullIntegerFields form={form} errors={errors} patch={patch} />}
      <div className="form-row">
        {!tflite && form.mode !== 'fp16' && (
          <label className="q-check" title="One scale per output channel of Conv/Gemm/MatMul weights">
            <input type="checkbox" checked={form.perChannel} data-testid="variant-per-channel" onChange={(e) => patch({ perChannel: e.currentTarget.checked })} />
            Per-channel weights
          </label>
        )}
        {!tflite && form.mode !== 'fp16' && (
          <label
            className="field weight-range-field"
            title="onnxruntime's int8 kernels on x86 CPUs without VNNI saturate with full-range weights; 7-bit weights avoid it. Auto picks 7-bit when the CPU the variant is made for is such a CPU, or has not been probed yet."
          >
            <span className="field-label">Weight range</span>
            <select value={form.weightRange} onChange={(e) => patch({ weightRange: WeightRange.parse(e.currentTarget.value) })} data-testid="variant-weight-range">
              {WeightRange.options.map((range) => (
                <option key={range} value={range}>
                  {WEIGHT_RANGE_LABELS[range]}
                </option>
              ))}
            </select>
          </label>
        )}
        {!tflite && form.mode !== 'fp16' && form.weightRange === 'auto' && (
          <label className="field made-for-field" title="The CPU that will run the variant: auto chooses its weight range for it (from the target's last connection test)">
            <span className="field-label">Made for</span>
            <select value={madeFor?.id ?? form.madeFor} onChange={(e) => patch({ madeFor: e.currentTarget.value })} data-testid="variant-made-for">
              {madeForOptions(targets).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {!tflite && isStatic && (
          <label className="q-check" title="int8 activations with zero point 0 instead of asymmetric uint8">
            <input type="checkbox" checked={form.activationSymmetric} data-testid="variant-symmetric" onChange={(e) => patch({ activationSymmetric: e.currentTarget.checked })} />
            Symmetric activations
          </label>
        )}
      </div>
      {preview && (
        <p className="field-hint wide-hint" data-testid="variant-weight-range-choice" aria-live="polite">
          {preview}
        </p>
      )}
      <div className="form-row">
        <ExcludeField value={form.exclude} suggestions={suggestions} onChange={(exclude) => patch({ exclude })} />
      </div>
      <FormError message={busy ? null : error} testId="variant-error" />
      <footer className="variant-form-footer">
        <span className="task-line muted" data-testid="variant-progress" aria-live="polite">
          {busy ? (progress ?? 'Working…') : ' '}
        </span>
        <button type="submit" className="button primary" disabled={busy} data-testid="variant-create">
          {busy ? 'Making variant…' : 'Create variant'}
        </button>
      </footer>
    </form>
  );
}

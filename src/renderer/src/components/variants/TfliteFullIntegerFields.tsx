import { CalibrationMethod, TfliteDenseWeights } from '../../../../shared/variants';
import type { FormErrors, VariantForm } from '../../variant-form';
import { NumberField } from '../bench/NumberField';

interface Props {
  form: VariantForm;
  errors: FormErrors;
  patch: (change: Partial<VariantForm>) => void;
}

const METHOD_LABELS: Record<CalibrationMethod, string> = {
  minmax: 'min/max',
  percentile: 'percentile',
  // The quantizer refuses it (src/core/quantize-tflite/full-int8.ts): on PaddleOCR's detector it zeroed the output.
  entropy: 'entropy (not offered)',
};

/** What the chosen range method does, one line. */
const METHOD_HINTS: Record<CalibrationMethod, string> = {
  minmax: 'Every value seen fits in the range.',
  percentile: 'Rare outliers are clipped.',
  entropy: '',
};

const ENTROPY_REASON = 'Entropy is not offered for TFLite: it broke a real detector model in our checks.';

const DENSE_WEIGHT_LABELS: Record<TfliteDenseWeights, string> = {
  'per-tensor': 'per layer',
  'per-channel': 'per output channel',
};

const DENSE_WEIGHT_HINTS: Record<TfliteDenseWeights, string> = {
  'per-tensor': 'Runs on every TFLite and TFLite Micro kernel.',
  'per-channel': 'More accurate; needs TFLite 2.15+ or a recent TFLite Micro.',
};

/**
 * The full-integer quantizer's choices beyond the spec (the CLI's --method, --percentile,
 * --dense-weights and --no-bias-correction), at the quantizer's defaults until changed.
 */
export function TfliteFullIntegerFields({ form, errors, patch }: Props) {
  return (
    <div className="form-row" data-testid="variant-tflite-choices">
      <label className="field tflite-method-field" title={`How each activation's int8 range is chosen from the calibration samples. ${ENTROPY_REASON}`}>
        <span className="field-label">Activation ranges</span>
        <select value={form.method} onChange={(e) => patch({ method: CalibrationMethod.parse(e.currentTarget.value) })} data-testid="variant-method-select">
          {CalibrationMethod.options.map((method) => (
            <option key={method} value={method} disabled={method === 'entropy'} title={method === 'entropy' ? ENTROPY_REASON : undefined}>
              {METHOD_LABELS[method]}
            </option>
          ))}
        </select>
        <span className="field-hint">{METHOD_HINTS[form.method]}</span>
      </label>
      {form.method === 'percentile' && (
        <NumberField label="Percentile" hint="Share of values kept, in %" value={form.percentile} error={errors.percentile} testId="variant-percentile-input" onChange={(percentile) => patch({ percentile })} />
      )}
      <label className="field dense-weights-field" title="The scales of FULLY_CONNECTED (dense) layers' int8 weights; convolutions always get one per output channel">
        <span className="field-label">Dense-layer weight scales</span>
        <select value={form.denseWeights} onChange={(e) => patch({ denseWeights: TfliteDenseWeights.parse(e.currentTarget.value) })} data-testid="variant-dense-weights">
          {TfliteDenseWeights.options.map((choice) => (
            <option key={choice} value={choice}>
              {DENSE_WEIGHT_LABELS[choice]}
            </option>
          ))}
        </select>
        <span className="field-hint">{DENSE_WEIGHT_HINTS[form.denseWeights]}</span>
      </label>
      <div className="field bias-correction-field">
        <label className="q-check">
          <input type="checkbox" checked={form.biasCorrection} data-testid="variant-bias-correction" onChange={(e) => patch({ biasCorrection: e.currentTarget.checked })} />
          Bias correction
        </label>
        <span className="field-hint">Each bias absorbs its int8 weights&apos; average error on the calibration samples.</span>
      </div>
    </div>
  );
}

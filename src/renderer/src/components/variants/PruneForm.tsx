import { useState, type FormEvent } from 'react';
import type { PruneRecipe } from '../../../../shared/variants';
import { NumberField } from '../bench/NumberField';
import { FormError } from '../FormError';
import { ExcludeField } from './ExcludeField';

interface Props {
  modelId: string;
  suggestions: readonly string[];
  busy: boolean;
  progress: string | null;
  /** Why the last pruning failed, in the UI's words (null: it did not, or it is running again). */
  error: string | null;
  onPrune: (recipe: PruneRecipe) => void;
}

type Method = PruneRecipe['method'];

const METHOD_LABELS: Record<Method, string> = { magnitude: 'Zero smallest weights', channels: 'Remove channels' };
const METHOD_HINTS: Record<Method, string> = {
  magnitude: "Each layer's smallest weights become 0: same size and shape. Only a runtime with sparse kernels could run it faster; the variant says which.",
  channels: "Each convolution's weakest output channels are removed with what reads them: a smaller model that does less work. Channels that feed a residual Add or a Concat stay.",
};
/** What each method starts at: half the weights, a quarter of the channels. */
const DEFAULT_PERCENT: Record<Method, string> = { magnitude: '50', channels: '25' };

/** Percent text → a fraction in (0, 1), or the sentence the field shows. */
function parseAmount(text: string): { amount: number } | { error: string } {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value >= 100) return { error: 'A percentage above 0 and below 100' };
  return { amount: value / 100 };
}

/** A pruned variant of an ONNX or TFLite model: zero the smallest weights, or remove convolution channels. */
export function PruneForm({ modelId, suggestions, busy, progress, error, onPrune }: Props) {
  const [method, setMethod] = useState<Method>('magnitude');
  const [percent, setPercent] = useState<string | null>(null);
  const [exclude, setExclude] = useState<string[]>([]);
  const [showErrors, setShowErrors] = useState(false);
  const shownPercent = percent ?? DEFAULT_PERCENT[method];
  const parsed = parseAmount(shownPercent);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setShowErrors(true);
    if ('amount' in parsed && !busy) onPrune({ method, amount: parsed.amount, exclude });
  };

  return (
    <form className="variant-form" noValidate onSubmit={submit} aria-label="Prune" data-testid="prune-form">
      <h3 className="section-title">Prune</h3>
      <div className="form-row">
        <fieldset className="field">
          <legend className="field-label">Method</legend>
          <div className="segmented" role="radiogroup">
            {(['magnitude', 'channels'] as const).map((m) => (
              <label key={m} className={`segment${method === m ? ' active' : ''}`}>
                <input type="radio" name={`prune-method-${modelId}`} checked={method === m} data-testid={`prune-method-${m}`} onChange={() => setMethod(m)} />
                {METHOD_LABELS[m]}
              </label>
            ))}
          </div>
          <span className="field-hint wide-hint">{METHOD_HINTS[method]}</span>
        </fieldset>
        <NumberField
          label={method === 'magnitude' ? 'Sparsity %' : 'Channels removed %'}
          hint={method === 'magnitude' ? "Of each layer's weights" : "Of each convolution's outputs"}
          value={shownPercent}
          error={showErrors && 'error' in parsed ? parsed.error : undefined}
          testId="prune-amount"
          onChange={setPercent}
        />
      </div>
      <div className="form-row">
        <ExcludeField value={exclude} suggestions={suggestions} onChange={setExclude} emptyHint="Nothing excluded: every convolution and dense layer that can be pruned is." />
      </div>
      <FormError message={busy ? null : error} testId="prune-error" />
      <footer className="variant-form-footer">
        <span className="task-line muted" data-testid="prune-progress" aria-live="polite">
          {busy ? (progress ?? 'Working…') : ' '}
        </span>
        <button type="submit" className="button primary" disabled={busy} data-testid="prune-create">
          {busy ? 'Pruning…' : 'Make pruned variant'}
        </button>
      </footer>
    </form>
  );
}

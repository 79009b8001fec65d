import type { ModelEntry } from '../../../../shared/contract';
import { RUNTIME_LABELS, RUNTIMES_FOR_FORMAT } from '../../../../shared/runtimes';
import { distinctQualifiers } from '../../model-labels';
import { variantTag } from './variant-tag';

interface Props {
  models: ModelEntry[];
  picked: readonly string[];
  error: string | undefined;
  onChange: (modelIds: string[]) => void;
}

/** The models of a matrix job, each shown with the runtime its format runs on. */
export function ModelPicker({ models, picked, error, onChange }: Props) {
  // Same-named models say what tells them apart; the variant tag and the format badge are shown beside the name.
  const qualifiers = distinctQualifiers(models, { omit: ['format'] });
  const toggle = (id: string, on: boolean): void => {
    // Keep the models' own order, so cells come out in the order the list shows.
    onChange(models.map((m) => m.id).filter((m) => (m === id ? on : picked.includes(m))));
  };
  return (
    <fieldset className={`field model-picker${error ? ' invalid' : ''}`} data-testid="bench-models">
      <legend className="field-label">
        Models <span className="muted">· each runs on its format&apos;s runtime</span>
      </legend>
      {models.length === 0 ? (
        <p className="muted">No models yet: import one on the Models page.</p>
      ) : (
        <ul className="model-options">
          {models.map((model) => {
            const runtime = RUNTIMES_FOR_FORMAT[model.info.format][0];
            const tag = variantTag(model);
            return (
              <li key={model.id}>
                <label className="model-option" data-testid="bench-model-option" data-model-id={model.id}>
                  <input
                    type="checkbox"
                    checked={picked.includes(model.id)}
                    data-testid="bench-model-checkbox"
                    onChange={(event) => toggle(model.id, event.currentTarget.checked)}
                  />
                  <span className="model-option-name">
                    {model.name}
                    {qualifiers.get(model.id) && <span className="muted model-qualifier">{qualifiers.get(model.id)}</span>}
                    {tag !== null && <span className="tag">{tag}</span>}
                  </span>
                  <span className={`format format-${model.info.format}`}>{model.info.format}</span>
                  <span className="muted runtime-name">{runtime ? RUNTIME_LABELS[runtime] : 'no runtime'}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      <span className="field-hint">{error ?? ' '}</span>
    </fieldset>
  );
}

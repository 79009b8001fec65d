import type { DatasetEntry, ModelEntry } from '../../../../shared/contract';
import type { EvalCheck, EvalSkipped } from '../../../../shared/eval-schema';
import { formatBytes } from '../../../../shared/units';
import { distinctQualifiers } from '../../model-labels';
import { familyOrder, listLabel } from '../../variant-view';
import './eval-controls.css';

interface Props {
  models: readonly ModelEntry[];
  datasets: readonly DatasetEntry[];
  datasetId: string;
  onDataset: (id: string) => void;
  picked: readonly string[];
  onPick: (modelId: string, on: boolean) => void;
  limit: string;
  onLimit: (limit: string) => void;
  busy: boolean;
  progress: string | null;
  onEvaluate: () => void;
  /** Whether each model can take the dataset (undefined while the engine answers, null when it could not say). */
  checks?: ReadonlyMap<string, EvalCheck> | null;
  /** The models the last evaluation skipped, each with the reason. */
  skipped?: readonly EvalSkipped[];
}

/** What to evaluate: a dataset, the models (each family against its float model), and how many samples. */
export function EvalControls(props: Props) {
  const { models, datasets, datasetId, picked, busy } = props;
  const dataset = datasets.find((d) => d.id === datasetId);
  const limit = props.limit.trim() === '' ? null : Number(props.limit);
  const limitValid = limit === null || (Number.isInteger(limit) && limit >= 1);
  const skipped = props.skipped ?? [];
  const skippedShown = !busy && skipped.length > 0;
  // Why each model the dataset does not fit starts unticked, outside the scrolling list so it is seen, in list
  // order; one the last evaluation skipped has its reason in that warning instead.
  const cannotTake = familyOrder(models).flatMap(({ model }) => {
    const check = props.checks?.get(model.id);
    const inWarning = skippedShown && skipped.some((skip) => skip.modelId === model.id);
    return check?.evaluable === false && check.reason !== null && !inWarning ? [check] : [];
  });
  // Same-named models say what tells them apart (the format badge is beside each name).
  const qualifiers = distinctQualifiers(models, { base: (m) => listLabel(m, models).name, omit: ['format'] });
  const nameOf = (id: string): string => {
    const model = models.find((m) => m.id === id);
    return model ? `${listLabel(model, models).name}${qualifiers.get(id) ?? ''} (${model.info.format})` : id;
  };
  return (
    <div className="card eval-controls" data-testid="eval-controls">
      <div className="form-row">
        <label className="field dataset-field">
          <span className="field-label">Dataset</span>
          <select value={datasetId} onChange={(e) => props.onDataset(e.currentTarget.value)} data-testid="eval-dataset-select">
            {datasets.length === 0 && <option value="">No datasets</option>}
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          <span className="field-hint">
            {dataset ? `${dataset.samples.toLocaleString('en-US')} samples${dataset.labeled ? '' : ' · unlabeled: fidelity only'}` : 'Import one on the Datasets page'}
          </span>
        </label>
        <fieldset className="field grow">
          <legend className="field-label">Models · each variant is compared with its float model</legend>
          <ul className="model-options eval-models">
            {familyOrder(models).map(({ model, isVariant }) => {
              const check = props.checks?.get(model.id);
              return (
                <li key={model.id}>
                  <label
                    className={`model-option${isVariant ? ' variant-of' : ''}${check?.evaluable === false ? ' cannot-take' : ''}`}
                    data-testid="eval-model-option"
                    data-model-id={model.id}
                    data-evaluable={check === undefined ? 'unknown' : String(check.evaluable)}
                  >
                    <input type="checkbox" checked={picked.includes(model.id)} data-testid="eval-model-checkbox" onChange={(e) => props.onPick(model.id, e.currentTarget.checked)} />
                    <span className="model-option-name">
                      {isVariant && '↳ '}
                      {listLabel(model, models).name}
                      {qualifiers.get(model.id) && <span className="muted model-qualifier">{qualifiers.get(model.id)}</span>}
                    </span>
                    <span className={`format format-${model.info.format}`}>{model.info.format}</span>
                    <span className="muted runtime-name">{formatBytes(model.info.sizeBytes)}</span>
                  </label>
                  {/* The reason itself is under the list (the list scrolls); here, which models it concerns. */}
                  {check?.reason && (
                    <p className="field-hint eval-model-cannot" data-testid="eval-model-cannot">
                      The dataset does not fit it (why: under the list).
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </fieldset>
        <label className={`field number${limitValid ? '' : ' invalid'}`}>
          <span className="field-label">Samples</span>
          <input type="number" min={1} value={props.limit} placeholder="all" data-testid="eval-limit-input" onChange={(e) => props.onLimit(e.currentTarget.value)} />
          <span className="field-hint">{limitValid ? 'Blank: the whole dataset' : 'A whole number, 1 or more'}</span>
        </label>
      </div>
      {cannotTake.length > 0 && (
        <div className="eval-cannot-take" role="note" data-testid="eval-cannot-take">
          <p>
            The dataset does not fit {cannotTake.length === 1 ? 'this model, so it starts' : `these ${cannotTake.length} models, so they start`} unticked; ticked
            anyway, {cannotTake.length === 1 ? 'it is' : 'each is'} skipped for this reason:
          </p>
          <ul>
            {cannotTake.map((check) => (
              <li key={check.modelId} className="eval-model-reason" data-testid="eval-model-reason" data-model-id={check.modelId}>
                <strong>{nameOf(check.modelId)}</strong>: {check.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {skippedShown && (
        <div className="banner banner-warning eval-skipped" role="status" data-testid="eval-skipped">
          <p className="banner-text">
            Skipped {skipped.length} model{skipped.length === 1 ? '' : 's'} the last evaluation could not take; the others were evaluated.
          </p>
          <ul>
            {skipped.map((skip) => (
              <li key={skip.modelId} data-testid="eval-skipped-model" data-model-id={skip.modelId}>
                <strong>{nameOf(skip.modelId)}</strong>: {skip.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      <footer className="variant-form-footer">
        <span className="task-line muted" data-testid="eval-progress" aria-live="polite">
          {busy ? (props.progress ?? 'Evaluating…') : ' '}
        </span>
        <button
          type="button"
          className="button primary"
          disabled={busy || picked.length === 0 || !dataset || !limitValid}
          onClick={props.onEvaluate}
          data-testid="eval-run"
        >
          {busy ? 'Evaluating…' : `Evaluate ${picked.length} model${picked.length === 1 ? '' : 's'}`}
        </button>
      </footer>
    </div>
  );
}

import { BreakableText } from '../BreakableText';
import { useState } from 'react';
import { toErrorData } from '../../../../shared/errors';
import { messageFor } from '../../../../shared/remedies';
import type { DatasetEntry, ModelEntry } from '../../../../shared/contract';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { useTargets } from '../../data/queries';
import { useTask } from '../../hooks/useTask';
import type { QuantizeRequest } from '../../variant-form';
import { parentOf, variantsOf } from '../../variant-view';
import type { PruneRecipe } from '../../../../shared/variants';
import { CreateVariantForm } from './CreateVariantForm';
import { PruneForm } from './PruneForm';
import { LinkPanel } from './LinkPanel';
import { VariantRow } from './VariantRow';

interface Props {
  model: ModelEntry;
  models: readonly ModelEntry[];
  datasets: readonly DatasetEntry[];
  onSelect: (id: string) => void;
  onError: (error: unknown) => void;
  /** Benchmarks models together on This computer (a pruned variant against its parent); absent where no job can start. */
  onBenchmark?: (modelIds: string[]) => void;
}

/** An error as the studio's banners word it. */
const uiMessage = (error: unknown): string => messageFor(toErrorData(error), 'ui');

/** Op types of the model, then node names the studio has seen in its variants (skipped or excluded). */
function excludeSuggestions(model: ModelEntry, variants: readonly ModelEntry[]): string[] {
  const names = new Set(Object.keys(model.info.ops));
  for (const variant of variants) {
    if (variant.origin?.kind !== 'quantized') continue;
    for (const skipped of variant.origin.skipped) names.add(skipped.node);
    for (const excluded of variant.origin.recipe.exclude) names.add(excluded);
  }
  return [...names];
}

/** Under a model: its variants and the form that makes another; under a variant: where it came from. */
export function VariantsPanel({ model, models, datasets, onSelect, onError, onBenchmark }: Props) {
  const task = useTask('quantize');
  const pruneTask = useTask('prune');
  const { mutateAsync: quantize } = useWorkspaceChange(workspaceChanges.quantize);
  const { mutateAsync: prune } = useWorkspaceChange(workspaceChanges.prune);
  // Read again when the panel opens: a board tested since in another window (no event says so) then shows its CPU in Made for.
  const targets = useTargets({ refetchOnMount: 'always' });
  const [freshId, setFreshId] = useState<string | null>(null);
  // A failure is said under the form that caused it, not in the page's banners above the scrolled view.
  const [createError, setCreateError] = useState<string | null>(null);
  const [pruneError, setPruneError] = useState<string | null>(null);
  const parent = parentOf(model, models);
  const canLink = model.info.format !== 'onnx';
  // The studio makes variants of ONNX and TFLite models; other formats' variants are made elsewhere and linked.
  const canQuantize = model.info.format === 'onnx' || model.info.format === 'tflite';

  if (model.origin) {
    return (
      <section className="card variants-panel" data-testid="variant-origin" aria-label="Variant origin">
        <h3 className="section-title">Variant of {parent?.name ?? 'a model no longer in the workspace'}</h3>
        {parent && (
          <ul className="variant-list">
            <VariantRow variant={model} parent={parent} datasets={datasets} fresh={false} onOpen={onSelect} {...(onBenchmark ? { onBenchmark } : {})} />
          </ul>
        )}
        {parent && (
          <button type="button" className="link-button" onClick={() => onSelect(parent.id)}>
            Show {parent.name} and its other variants
          </button>
        )}
        {canLink && <LinkPanel model={model} models={models} onError={onError} />}
      </section>
    );
  }

  const variants = variantsOf(model.id, models);
  const makePruned = (recipe: PruneRecipe): void => {
    setPruneError(null);
    pruneTask.run(`Pruning ${model.name}…`, () => prune({ modelId: model.id, recipe })).then(
      (entry) => setFreshId(entry.id),
      (error: unknown) => setPruneError(uiMessage(error)),
    );
  };
  const create = (request: QuantizeRequest): void => {
    setCreateError(null);
    task.run(`Quantizing ${model.name}…`, () => quantize(request)).then(
      (entry) => setFreshId(entry.id),
      (error: unknown) => setCreateError(uiMessage(error)),
    );
  };

  return (
    <section className="card variants-panel" data-testid="variants-panel" aria-label={`Variants of ${model.name}`}>
      <h3 className="section-title">
        Variants{' '}
        <span className="muted">
          of <BreakableText text={model.name} />
        </span>
      </h3>
      {variants.length === 0 ? (
        <p className="muted" data-testid="variants-empty">
          {!canQuantize
            ? 'No variants. The studio quantizes ONNX and TFLite models; link a variant made elsewhere from its own page.'
            : 'No variants yet: make an int8, fp16 or pruned one below, then compare them on the Accuracy page.'}
        </p>
      ) : (
        <ul className="variant-list" data-testid="variant-list">
          {variants.map((variant) => (
            <VariantRow key={variant.id} variant={variant} parent={model} datasets={datasets} fresh={variant.id === freshId} onOpen={onSelect} {...(onBenchmark ? { onBenchmark } : {})} />
          ))}
        </ul>
      )}
      {canQuantize && (
        <CreateVariantForm
          key={model.id}
          modelId={model.id}
          format={model.info.format === 'tflite' ? 'tflite' : 'onnx'}
          datasets={datasets}
          targets={targets}
          suggestions={excludeSuggestions(model, variants)}
          busy={task.busy}
          progress={task.message}
          error={createError}
          onCreate={create}
        />
      )}
      {canQuantize && <PruneForm key={`prune-${model.id}`} modelId={model.id} suggestions={excludeSuggestions(model, variants)} busy={pruneTask.busy} progress={pruneTask.message} error={pruneError} onPrune={makePruned} />}
      {canLink && <LinkPanel model={model} models={models} onError={onError} />}
    </section>
  );
}

import { useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import { descendantsOf } from '../../../../shared/model-family';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { listLabel } from '../../variant-view';
import { ConfirmRemove, type RemovedItem } from './ConfirmRemove';

interface Props {
  model: ModelEntry;
  models: readonly ModelEntry[];
  /** After the engine removed them, with the ids that went. */
  onRemoved: (ids: string[]) => void;
  onClose: () => void;
}

function itemOf(model: ModelEntry, models: readonly ModelEntry[]): RemovedItem {
  const label = listLabel(model, models);
  return { key: model.id, label: `${label.name}${label.tag ? ` · ${label.tag}` : ''} · ${model.info.format}`, detail: `models/${model.id}` };
}

/**
 * Removing a model from the list. A model with variants asks whether they go too: unticked, it is
 * not removed (a variant keeps its float model to be remade and compared with), and says so.
 */
export function RemoveModelDialog({ model, models, onRemoved, onClose }: Props) {
  const variants = descendantsOf(models, model.id);
  const [withVariants, setWithVariants] = useState(false);
  const { mutateAsync: removeModel } = useWorkspaceChange(workspaceChanges.removeModel);
  const going = withVariants ? [model, ...variants] : [model];
  const count = variants.length === 1 ? 'its variant' : `its ${variants.length} variants`;
  return (
    <ConfirmRemove
      title={going.length === 1 ? 'Remove this model?' : `Remove this model and ${count}?`}
      items={going.map((m) => itemOf(m, models))}
      blocked={variants.length > 0 && !withVariants ? `It has ${variants.length === 1 ? 'a variant' : `${variants.length} variants`}: tick the box above to remove them with it, or remove the variants first.` : null}
      onConfirm={async () => {
        const { removedIds } = await removeModel({ id: model.id, withVariants });
        onRemoved(removedIds ?? [model.id]);
      }}
      onClose={onClose}
    >
      {variants.length > 0 && (
        <label className="checkbox" data-testid="remove-with-variants">
          <input type="checkbox" checked={withVariants} onChange={(event) => setWithVariants(event.currentTarget.checked)} />
          <span>
            Also remove {count}: {variants.map((v) => listLabel(v, models).tag ?? v.variant).join(', ')}
          </span>
        </label>
      )}
      <p className="muted">Runs made with {going.length === 1 ? 'it' : 'them'} stay and keep opening: a run file holds everything it shows.</p>
    </ConfirmRemove>
  );
}

import { useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { distinctModelLabels } from '../../model-labels';
import { parentOf } from '../../variant-view';

interface Props {
  model: ModelEntry;
  models: readonly ModelEntry[];
  onError: (error: unknown) => void;
}

/**
 * A variant made elsewhere (an int8 .tflite, say) is tied to its float model here, so the
 * accuracy page compares it with that model.
 */
export function LinkPanel({ model, models, onError }: Props) {
  const { mutateAsync: linkModel } = useWorkspaceChange(workspaceChanges.linkModel);
  const candidates = models.filter((m) => m.id !== model.id && m.origin === null);
  const candidateLabels = distinctModelLabels(candidates, { base: (c) => `${c.name} (${c.info.format})`, omit: ['format'] });
  const current = parentOf(model, models);
  const [parentId, setParentId] = useState('');
  const [busy, setBusy] = useState(false);
  const chosen = candidates.some((c) => c.id === parentId) ? parentId : '';

  const link = async (): Promise<void> => {
    if (!chosen) return;
    setBusy(true);
    try {
      await linkModel({ modelId: model.id, parentId: chosen });
      setParentId('');
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="link-panel" data-testid="link-panel">
      <p className="muted">
        {current ? (
          <>
            Linked to <strong>{current.name}</strong> as <span data-testid="link-origin">{model.variant}</span>.
          </>
        ) : (
          <>Made elsewhere from one of your float models? Link it, and accuracy compares it with that model.</>
        )}
      </p>
      <div className="form-row">
        <label className="field grow">
          <span className="field-label">{current ? 'Link to another float model…' : 'Link to float model…'}</span>
          <select value={chosen} onChange={(e) => setParentId(e.currentTarget.value)} data-testid="link-parent-select">
            <option value="">Choose the float model…</option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {candidateLabels.get(c.id)}
              </option>
            ))}
          </select>
        </label>
        <div className="field actions">
          <button type="button" className="button" disabled={!chosen || busy} onClick={() => void link()} data-testid="link-button">
            {busy ? 'Linking…' : 'Link'}
          </button>
        </div>
      </div>
    </div>
  );
}

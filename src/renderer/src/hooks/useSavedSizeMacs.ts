import { useEffect, useState } from 'react';
import type { ModelEntry, ModelMacs, StudioApi } from '../../../shared/contract';
import { hasOpenSizes } from '../input-sizes-form';

/** The key a figure is valid for: the model and the saved sizes it was counted at. */
function keyOf(model: ModelEntry): string | null {
  const saved = model.savedInputs;
  if (saved === null || !hasOpenSizes(model.info.inputs)) return null;
  return `${model.id}:${saved.fromModelId}:${saved.updatedAt}`;
}

/**
 * MACs at the sizes saved with each model that has open dims (the engine counts them: models.macs),
 * by model id; a model without saved sizes, or whose figure is still being counted, is absent and
 * shows the reader's own count (open dims as 1). Counted again when the saved sizes change.
 */
export function useSavedSizeMacs(api: StudioApi, models: readonly ModelEntry[]): ReadonlyMap<string, ModelMacs> {
  const [counted, setCounted] = useState<ReadonlyMap<string, { key: string; macs: ModelMacs }>>(new Map());
  const wanted = models.flatMap((model) => {
    const key = keyOf(model);
    return key === null ? [] : [{ id: model.id, key }];
  });
  const wantedKey = wanted.map((w) => w.key).join('|');

  useEffect(() => {
    let live = true;
    for (const { id, key } of wanted) {
      if (counted.get(id)?.key === key) continue;
      api.models.macs({ id }).then(
        (macs) => {
          if (live) setCounted((before) => new Map(before).set(id, { key, macs }));
        },
        // Sizes that cannot be counted (a damaged inputs.json) are shown by the Input sizes form; the figure stays at dims as 1.
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
    // wantedKey stands for `wanted`; `counted` is read, not watched, so an answer does not start another count.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, wantedKey]);

  const current = new Map<string, ModelMacs>();
  for (const { id, key } of wanted) {
    const entry = counted.get(id);
    if (entry?.key === key) current.set(id, entry.macs);
  }
  return current;
}

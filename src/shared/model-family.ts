/** A model's family in the workspace: the variants made from it, for removal (engine) and its confirmation (studio). */
import type { ModelEntry } from './contract';

/** Every variant made from `id`, and the variants made from those, in the workspace's order. */
export function descendantsOf(models: readonly ModelEntry[], id: string): ModelEntry[] {
  const found: ModelEntry[] = [];
  const parents = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const model of models) {
      const parent = model.origin?.parentId;
      if (parent !== undefined && parents.has(parent) && !parents.has(model.id)) {
        parents.add(model.id);
        found.push(model);
        grew = true;
      }
    }
  }
  return found;
}

import type { ModelEntry } from '../../../../shared/contract';

/**
 * The variant chip beside a model's name, or null: none for a float model, and none where the name
 * already says the variant ("demo-mnist · fp16", as variants are named when made), which would
 * only repeat it.
 */
export function variantTag(model: Pick<ModelEntry, 'name' | 'variant'>): string | null {
  if (model.variant === 'float') return null;
  return model.name.toLowerCase().includes(model.variant.toLowerCase()) ? null : model.variant;
}

import type { DatasetEntry, ModelEntry } from '../../shared/contract';
import { madeForLabel, pruneLabel, rangeForMadeFor, recipeLabel, type QuantRecipe, type VariantOrigin } from '../../shared/variants';

/** The model a variant derives from, when it is still in the workspace. */
export function parentOf(model: ModelEntry, models: readonly ModelEntry[]): ModelEntry | null {
  const parentId = model.origin?.parentId;
  return parentId ? (models.find((m) => m.id === parentId) ?? null) : null;
}

export function variantsOf(parentId: string, models: readonly ModelEntry[]): ModelEntry[] {
  return models.filter((m) => m.origin?.parentId === parentId);
}

/** The model a family is named after: the parent of a variant, or the model itself. */
export function familyRoot(model: ModelEntry, models: readonly ModelEntry[]): ModelEntry {
  return parentOf(model, models) ?? model;
}

/** Models with each family together: a model, then its variants (a variant whose parent is gone stands alone). */
export function familyOrder(models: readonly ModelEntry[]): Array<{ model: ModelEntry; isVariant: boolean }> {
  const out: Array<{ model: ModelEntry; isVariant: boolean }> = [];
  for (const model of models) {
    if (parentOf(model, models)) continue;
    out.push({ model, isVariant: false });
    for (const variant of variantsOf(model.id, models)) out.push({ model: variant, isVariant: true });
  }
  return out;
}

/** "int8 static (minmax) · from demo-mnist" or "int8 (imported) · linked to demo-mnist". */
export function originLabel(model: ModelEntry, models: readonly ModelEntry[]): string {
  if (!model.origin) return model.variant;
  const parentName = parentOf(model, models)?.name ?? `a removed model (${model.origin.parentId})`;
  if (model.origin.kind === 'linked') return `${model.variant} · linked to ${parentName}`;
  if (model.origin.kind === 'pruned') return `${pruneLabel(model.origin.recipe)} · from ${parentName}`;
  return `${recipeLabel(model.origin.recipe)} · from ${parentName}`;
}

/** What a quantized variant's recipe says beyond its label: range method, activations, TFLite's dense weights and bias correction, weight range, opset, exclusions. */
export function recipeDetails(origin: VariantOrigin): string[] {
  if (origin.kind !== 'quantized') return [];
  const { recipe } = origin;
  const parts: string[] = [];
  if (recipe.method === 'percentile') parts.push(`percentile ${recipe.percentile ?? 99.999}`);
  if (recipe.mode === 'static' && recipe.io === undefined) parts.push(recipe.activationSymmetric ? 'symmetric int8 activations' : 'asymmetric uint8 activations');
  if (recipe.io !== undefined) parts.push(`int8 activations, ${recipe.io} inputs and outputs`);
  // TFLite full integer's choices, recorded since the Variants panel offers them (older variants have neither).
  if (recipe.denseWeights !== undefined) parts.push(recipe.denseWeights === 'per-channel' ? 'dense-layer weights per channel' : 'dense-layer weights per tensor');
  if (recipe.biasCorrection !== undefined) parts.push(recipe.biasCorrection ? 'bias correction' : 'no bias correction');
  if (recipe.mode !== 'fp16' && recipe.weightRange !== 'auto') {
    const weights = recipe.weightRange === 'reduced' ? '7-bit weights' : 'full-range weights';
    // "7-bit weights, for Raspberry Pi 5 (arm64)": the CPU weight range auto was chosen for.
    parts.push(origin.madeFor ? `${weights}, for ${madeForLabel(origin.madeFor)}` : weights);
  }
  if (origin.opset) parts.push(`opset raised ${origin.opset.from} → ${origin.opset.to}`);
  if (recipe.exclude.length > 0) parts.push(`excludes ${recipe.exclude.join(', ')}`);
  return parts;
}

/** "demo-digits, 200 samples", naming the dataset when it is still in the workspace. */
export function calibrationLabel(origin: VariantOrigin, datasets: readonly DatasetEntry[]): string | null {
  if (origin.kind !== 'quantized' || !origin.calibration) return null;
  const { datasetId, samples } = origin.calibration;
  const name = datasets.find((d) => d.id === datasetId)?.name ?? datasetId;
  return `${name}, ${samples.toLocaleString('en-US')} samples`;
}

/** A static int8 (QDQ) ONNX variant, which per-layer SQNR and triage compare with its parent; a TFLite full-integer one (io set) is not. */
export function isStaticInt8(model: ModelEntry): boolean {
  return model.origin?.kind === 'quantized' && model.origin.recipe.mode === 'static' && model.origin.recipe.io === undefined;
}

/**
 * A row of the models list: a quantized variant sits under its parent, so its name drops the
 * parent's prefix ("demo-mnist · int8 dynamic" → "int8 dynamic"); a linked one keeps its name and says what it is linked to.
 */
export function listLabel(model: ModelEntry, models: readonly ModelEntry[]): { name: string; tag: string | null } {
  if (!model.origin) return { name: model.name, tag: model.variant === 'float' ? null : model.variant };
  const parent = parentOf(model, models);
  if (model.origin.kind === 'linked' || !parent) return { name: model.name, tag: originLabel(model, models) };
  const prefix = `${parent.name} · `;
  const name = model.name.startsWith(prefix) ? model.name.slice(prefix.length) : model.name;
  // Indented under its parent, the row needs no tag to say where it came from.
  return { name, tag: name === model.name ? `${model.origin.kind === 'pruned' ? 'pruned' : 'quantized'} from ${parent.name}` : null };
}

/**
 * The recipe and target that re-make a variant with more layers excluded, for the CPU it was made
 * for: its target again when it is still there (weight range 'auto' resolves as before), else the
 * weight range 'auto' gave it then (a target removed since, or a variant the CLI made).
 */
export function remakeFor(origin: Extract<VariantOrigin, { kind: 'quantized' }>, exclude: string[], targetIds: ReadonlySet<string>): { recipe: QuantRecipe; targetId?: string } {
  const recipe: QuantRecipe = { ...origin.recipe, exclude };
  const madeFor = origin.madeFor;
  if (madeFor === undefined || recipe.weightRange !== 'auto') return { recipe };
  if (madeFor.targetId !== undefined && targetIds.has(madeFor.targetId)) return { recipe, targetId: madeFor.targetId };
  return { recipe: { ...recipe, weightRange: rangeForMadeFor(madeFor) } };
}

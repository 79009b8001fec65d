/**
 * Names of models shown together in one picker (the bench form, Accuracy, per-layer SQNR, Diff,
 * Devices, linking and formats). Two imports can share a name (a TF.js model.json and an .onnx
 * both called "model"; the same network's ONNX and TFLite files; two int8 variants of one model
 * with other exclusions), so where names collide each says what tells it apart, in this order and
 * only as far as needed: its format, its variant recipe's details, its file name, when it was
 * imported, and last the start of its SHA-256 (as the Models page shows it).
 * Pure, so every picker and the tests read the same labels.
 */
import type { ModelEntry } from '../../shared/contract';
import { formatLabel } from '../../shared/networks';
import { modelVariantLabel } from '../../shared/variants';
import { formatDate } from './format';
import { recipeDetails } from './variant-view';

type Qualifier = 'format' | 'recipe' | 'file' | 'imported' | 'sha256';

/** What can tell two same-named models apart, from the cheapest to read to the last resort. */
const QUALIFIERS: ReadonlyArray<[Qualifier, (model: ModelEntry) => string[]]> = [
  ['format', (model) => [formatLabel(model.info.format)]],
  // One part per detail ("excludes conv1", "7-bit weights, for Lab PC"), so only the ones that differ are said.
  ['recipe', (model) => (model.origin ? recipeDetails(model.origin) : [])],
  ['file', (model) => [model.info.fileName]],
  ['imported', (model) => (Number.isNaN(Date.parse(model.importedAt)) ? [] : [`imported ${formatDate(model.importedAt)}`])],
  // The start of the SHA-256 the Models page shows for each model: always tells two files apart.
  ['sha256', (model) => [`SHA-256 ${model.info.sha256.slice(0, 8)}`]],
];

export interface LabelOptions {
  /** The label before any qualifier; default: the name, with the variant when it is not the float original. */
  base?: (model: ModelEntry) => string;
  /** What the picker already shows beside each label (its format badge): it still tells models apart, but the label does not repeat it. */
  omit?: readonly Qualifier[];
}

/**
 * What each model's label needs after `base(model)` in a picker of `models` to be told apart: ""
 * for a label no other shares, else " · " and what differs ("ONNX", "excludes conv1", "model.json").
 */
export function distinctQualifiers(models: readonly ModelEntry[], options: LabelOptions = {}): Map<string, string> {
  const base = options.base ?? modelVariantLabel;
  const groups = new Map<string, ModelEntry[]>();
  for (const model of models) {
    const label = base(model);
    groups.set(label, [...(groups.get(label) ?? []), model]);
  }
  const out = new Map<string, string>();
  for (const group of groups.values()) {
    const added = new Map<string, string[]>(group.map((m) => [m.id, []]));
    qualify(group, 0, options.omit ?? [], added);
    for (const m of group) {
      const parts = added.get(m.id) ?? [];
      out.set(m.id, parts.length > 0 ? ` · ${parts.join(' · ')}` : '');
    }
  }
  return out;
}

/**
 * Tells the models of `group` (labels alike so far) apart with QUALIFIERS[from...]: each
 * qualifier's parts that not every member shares are added (omitted ones only tell, the picker
 * shows them), then the models that still read alike go on to the next qualifier among themselves.
 */
function qualify(group: readonly ModelEntry[], from: number, omit: readonly Qualifier[], added: Map<string, string[]>): void {
  const entry = QUALIFIERS[from];
  if (group.length < 2 || entry === undefined) return;
  const [name, partsOf] = entry;
  const values = group.map(partsOf);
  // What every member shares tells nothing: leave it out.
  const telling = values.map((v) => v.filter((part) => !values.every((other) => other.includes(part))));
  const shown = name === 'sha256' || !omit.includes(name);
  const alike = new Map<string, ModelEntry[]>();
  group.forEach((m, i) => {
    const parts = telling[i] ?? [];
    if (shown) added.get(m.id)?.push(...parts);
    const key = parts.join('\n');
    alike.set(key, [...(alike.get(key) ?? []), m]);
  });
  for (const rest of alike.values()) qualify(rest, from + 1, omit, added);
}

/** Each model's whole label in a picker of `models`: the base label and, where labels are shared, what differs. */
export function distinctModelLabels(models: readonly ModelEntry[], options: LabelOptions = {}): Map<string, string> {
  const base = options.base ?? modelVariantLabel;
  const qualifiers = distinctQualifiers(models, options);
  return new Map(models.map((m) => [m.id, `${base(m)}${qualifiers.get(m.id) ?? ''}`]));
}

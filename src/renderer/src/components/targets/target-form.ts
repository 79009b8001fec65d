/**
 * The Add/Edit target form's model, generated from the target kind registry: the kinds offered are
 * the stored kinds, and each kind's form (items, defaults, fromConfig, toConfig with its per-field
 * messages) is its descriptor's `stored.form` (src/shared/plugins/target-kinds/<kind>.ts). What is
 * left here is what no kind owns: the target's name.
 */
import { StudioError } from '../../../../shared/errors';
import { STORED_KINDS, TARGET_KINDS, TargetConfig, TargetKind, type StoredKindName, type TargetFormField, type TargetFormItem } from '../../../../shared/plugins/target-kinds';

type FormValues = Readonly<Record<string, string>>;

/** A kind's form as the renderer calls it: every kind's config is a TargetConfig. */
export interface TargetFormModel {
  readonly kind: StoredKindName;
  readonly label: string;
  readonly kindHint: string;
  readonly namePlaceholder: string;
  readonly items: readonly TargetFormItem[];
  readonly defaults: FormValues;
  fromConfig(config: TargetConfig): FormValues;
  toConfig(values: FormValues, name: string): { ok: true; config: TargetConfig } | { ok: false; errors: Record<string, string> };
}

/** The form of one stored kind. */
export function targetFormModel(kind: StoredKindName): TargetFormModel {
  const descriptor = TARGET_KINDS[kind];
  // Each kind's form takes its own config; formFromConfig hands it only configs of that kind, so widening it to TargetConfig is safe.
  const form = descriptor.stored.form as unknown as Omit<TargetFormModel, 'kind' | 'label'>;
  return {
    kind,
    label: descriptor.label,
    kindHint: form.kindHint,
    namePlaceholder: form.namePlaceholder,
    items: form.items,
    defaults: form.defaults,
    fromConfig: (config) => form.fromConfig(config),
    toConfig: (values, name) => form.toConfig(values, name),
  };
}

/** The kinds the Add form offers, in registry order: the first is preselected. */
export function offeredKinds(): TargetFormModel[] {
  return STORED_KINDS.map(targetFormModel);
}

export interface TargetFormState {
  readonly kind: StoredKindName;
  readonly name: string;
  /** Each kind's values, so switching kind and back keeps what was typed. */
  readonly fields: Readonly<Record<StoredKindName, FormValues>>;
}

export type TargetFormErrors = Readonly<Record<string, string>>;

function defaultFields(): Record<StoredKindName, FormValues> {
  return Object.fromEntries(STORED_KINDS.map((kind) => [kind, targetFormModel(kind).defaults])) as Record<StoredKindName, FormValues>;
}

export function emptyTargetForm(): TargetFormState {
  const kind = STORED_KINDS[0];
  if (kind === undefined) throw new StudioError('INTERNAL', 'The target kind registry has no stored kind to add.');
  return { kind, name: '', fields: defaultFields() };
}

export function formFromConfig(config: TargetConfig): TargetFormState {
  return { kind: config.kind, name: config.name, fields: { ...defaultFields(), [config.kind]: targetFormModel(config.kind).fromConfig(config) } };
}

function shown(condition: { readonly key: string; readonly in: readonly string[] } | undefined, values: FormValues): boolean {
  return condition === undefined || condition.in.includes(values[condition.key] ?? '');
}

/** The kind's items as they show for these values (a field or note with showWhen only while it holds), each with its place in the form. */
export function visibleItems(model: TargetFormModel, values: FormValues): Array<{ index: number; item: TargetFormItem }> {
  return model.items.flatMap((item, index): Array<{ index: number; item: TargetFormItem }> => {
    if ('row' in item) {
      const row = item.row.filter((field) => shown(field.showWhen, values));
      return row.length === 0 ? [] : [{ index, item: { row } }];
    }
    const condition = 'field' in item ? item.field.showWhen : item.note.showWhen;
    return shown(condition, values) ? [{ index, item }] : [];
  });
}

/** Every field of a kind's form, rows flattened. */
export function formFields(model: TargetFormModel): TargetFormField[] {
  return model.items.flatMap((item) => ('row' in item ? item.row : 'field' in item ? [item.field] : []));
}

/** Names only the implicit target (This computer) may have. */
const RESERVED_NAMES = TargetKind.options.filter((kind) => TARGET_KINDS[kind].stored === null).map((kind) => TARGET_KINDS[kind].label);

function checkName(name: string, otherNames: readonly string[]): string | undefined {
  const reserved = RESERVED_NAMES.find((label) => label.toLowerCase() === name.toLowerCase());
  if (reserved !== undefined) return `'${reserved}' is the studio's own machine: choose another name.`;
  if (name === '') return 'Give the target a name, e.g. pi4-lab.';
  if (name.length > 100) return 'Use at most 100 characters.';
  if (otherNames.some((other) => other.toLowerCase() === name.toLowerCase())) return `Another target is called '${name}': choose a different name.`;
  return undefined;
}

/**
 * Either the config to store, or one message per wrong field saying what to type (the kind's own
 * fields by its toConfig). `otherNames` are the other stored targets' names (names must tell targets apart in charts).
 */
export function validateTargetForm(state: TargetFormState, otherNames: readonly string[]): { ok: true; config: TargetConfig } | { ok: false; errors: TargetFormErrors } {
  const name = state.name.trim();
  const nameError = checkName(name, otherNames);
  const result = targetFormModel(state.kind).toConfig(state.fields[state.kind], name);
  const errors = { ...(nameError !== undefined && { name: nameError }), ...(result.ok ? {} : result.errors) };
  if (!result.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  // The contract's own validator has the last word, so the form never sends what the engine refuses.
  const parsed = TargetConfig.safeParse(result.config);
  if (!parsed.success) return { ok: false, errors: { name: parsed.error.issues[0]?.message ?? 'Check the fields.' } };
  return { ok: true, config: parsed.data };
}

/**
 * The Runs page's runtime option fields, generated from the runtime registry: each runtime's
 * option specs (label, hint, testId, field kind, enabledWhen) and its zod schema (the values a
 * select offers, a number's limits, the defaults). A new runtime or option shows up here with no
 * renderer change.
 */
import { z } from 'zod';
import type { ModelFormat } from '../../shared/plugins/model-formats';
import type { OptionSpec } from '../../shared/plugins/plugin';
import { RUNTIMES, RUNTIMES_FOR_FORMAT, RuntimeName, RuntimeOptions } from '../../shared/plugins/runtimes';
import { checkNumberText, type NumberLimits } from './number-text';

/** What a field's input is: its kind from the spec, its values and limits from the schema. */
export type RuntimeFieldInput =
  | { readonly kind: 'select'; readonly choices: ReadonlyArray<{ readonly value: string; readonly label: string }> }
  | ({ readonly kind: 'number' } & NumberLimits)
  | { readonly kind: 'toggle' }
  | { readonly kind: 'text'; readonly placeholder?: string };

export interface RuntimeField {
  readonly runtime: RuntimeName;
  /** Its key in the run's runtimeOptions. */
  readonly key: string;
  readonly label: string;
  readonly hint: string;
  readonly testId: string;
  readonly input: RuntimeFieldInput;
  /** Off unless another option holds a value; the reason shows in its place. */
  readonly enabledWhen?: { readonly key: string; readonly equals: string | number | boolean; readonly reason: string };
}

/** A runtime's fields under its label (the Advanced section shows one group per runtime in use). */
export interface RuntimeFieldGroup {
  readonly runtime: RuntimeName;
  readonly label: string;
  readonly fields: readonly RuntimeField[];
}

/** Option values as the form holds them: a select's value or a number as typed, a toggle's state. */
export type RuntimeFieldValues = Readonly<Record<string, string | boolean>>;

/*
 * Upper limits the option schemas do not state yet. Until they do (the lead is told), the form
 * keeps the limit it always had: inter-op threads up to the contract's 256 threads.
 */
const LOCAL_MAX: Readonly<Record<string, number>> = { interOpThreads: 256 };

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

function inputOf(key: string, spec: OptionSpec<unknown, unknown>, property: JsonProperty): RuntimeFieldInput {
  const field = spec.field;
  switch (field.kind) {
    case 'select': {
      // The list's order is the spec's; values the schema does not take, or the spec leaves unlabelled, are not offered.
      const values = (property.enum ?? []).map(String);
      const choices = Object.entries(field.choices)
        .filter(([value]) => values.includes(value))
        .map(([value, label]) => ({ value, label }));
      return { kind: 'select', choices };
    }
    case 'number': {
      const schemaMax = property.maximum !== undefined && property.maximum < Number.MAX_SAFE_INTEGER ? property.maximum : undefined;
      const max = schemaMax ?? LOCAL_MAX[key];
      return { kind: 'number', min: property.minimum ?? 0, integer: property.type === 'integer', ...(max !== undefined && { max }) };
    }
    case 'toggle':
      return { kind: 'toggle' };
    case 'text':
      return { kind: 'text', ...(field.placeholder !== undefined && { placeholder: field.placeholder }) };
  }
}

/** One runtime's fields, in its option specs' order. */
export function runtimeFields(runtime: RuntimeName): RuntimeField[] {
  const descriptor = RUNTIMES[runtime];
  const schema = z.toJSONSchema(descriptor.options, { io: 'input' }) as { properties?: Record<string, JsonProperty> };
  const specs = descriptor.optionSpecs as Readonly<Record<string, OptionSpec<unknown, unknown>>>;
  return Object.entries(specs).map(([key, spec]) => ({
    runtime,
    key,
    label: spec.label,
    hint: spec.field.hint ?? '',
    testId: spec.field.testId ?? spec.flag,
    input: inputOf(key, spec, schema.properties?.[key] ?? {}),
    ...(spec.field.enabledWhen !== undefined && { enabledWhen: spec.field.enabledWhen }),
  }));
}

/** The runtimes the ticked models run on: each format's default runtime (the job sends no runtimes), in registry order. */
export function runtimesForFormats(formats: readonly ModelFormat[]): RuntimeName[] {
  const used = new Set(formats.map((format) => RUNTIMES_FOR_FORMAT[format][0]));
  return RuntimeName.options.filter((name) => used.has(name));
}

/** Whether a runtime the ticked models run on has a per-op profiler the studio reads (its descriptor's `profiler`), so Profile runs means something. */
export function profilerInUse(formats: readonly ModelFormat[]): boolean {
  return runtimesForFormats(formats).some((runtime) => RUNTIMES[runtime].profiler);
}

/** The Advanced section's fields for the ticked models' formats: one group per runtime that has options. */
export function advancedFieldsFor(formats: readonly ModelFormat[]): RuntimeFieldGroup[] {
  return runtimesForFormats(formats)
    .map((runtime) => ({ runtime, label: RUNTIMES[runtime].label, fields: runtimeFields(runtime) }))
    .filter((group) => group.fields.length > 0);
}

/** Every runtime's defaults, as the form holds them. */
export const DEFAULT_RUNTIME_FIELDS: RuntimeFieldValues = Object.fromEntries(
  Object.entries(RuntimeOptions.parse({})).map(([key, value]) => [key, typeof value === 'boolean' ? value : String(value)]),
);

/** Why a field is off (its enabledWhen not met), or undefined while it is on. */
export function disabledReason(field: RuntimeField, values: RuntimeFieldValues): string | undefined {
  const when = field.enabledWhen;
  if (when === undefined) return undefined;
  return String(values[when.key]) === String(when.equals) ? undefined : when.reason;
}

function valueOf(field: RuntimeField, raw: string | boolean): { value: unknown } | { error: string } {
  const input = field.input;
  if (input.kind === 'toggle') return { value: raw === true || raw === 'true' };
  const text = String(raw);
  if (input.kind === 'number') {
    const checked = checkNumberText(text, input);
    return typeof checked === 'string' ? { error: checked } : { value: checked };
  }
  if (input.kind === 'select' && !input.choices.some((choice) => choice.value === text)) return { error: 'Choose one of the listed values.' };
  return { value: text };
}

/**
 * The runtime options a job sends: the fields of the runtimes in use as typed (a field that is off
 * keeps its default), every other runtime's defaults; or one message per wrong field.
 */
export function readRuntimeOptions(
  values: RuntimeFieldValues,
  formats: readonly ModelFormat[],
): { ok: true; options: RuntimeOptions } | { ok: false; errors: Record<string, string> } {
  const chosen: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of advancedFieldsFor(formats).flatMap((group) => group.fields)) {
    const raw = values[field.key];
    if (raw === undefined || disabledReason(field, values) !== undefined) continue;
    const read = valueOf(field, raw);
    if ('error' in read) errors[field.key] = read.error;
    else chosen[field.key] = read.value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // The schema has the last word, so the form never sends what the engine refuses.
  const parsed = RuntimeOptions.safeParse(chosen);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, errors: { [String(issue?.path[0] ?? '')]: issue?.message ?? 'Check the value.' } };
  }
  return { ok: true, options: parsed.data };
}

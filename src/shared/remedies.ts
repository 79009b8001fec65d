/**
 * Remedies in each front-end's own words. A warning or an error that tells the user to change a
 * setting carries the setting (and value) as data, in a template (wording.ts); the CLI renders it
 * as the flag (`--threads`), the UI as the field where the setting lives ("the Threads field"),
 * a report in the CLI's words (its readers rerun with the CLI). The names come from the plug-in
 * tables (bench settings, runtimes' option specs, target kinds' CLI flags and forms), never retyped.
 */
import { StudioError, type WordedMessage } from './errors';
import { INPUT_SIZES_FIELD } from './input-messages';
import { BENCH_SETTING_SPECS, type BenchSettingKey } from './plugins/bench-settings';
import { RUNTIMES } from './plugins/runtimes';
import { TARGET_KINDS, type TargetKind } from './plugins/target-kinds';
import type { TargetFormField } from './plugins/target-kinds/target-kind';
import { escapeTemplate, fillTemplate, TEMPLATE_SLOT, type Phrase, type Remedy, type Wording } from './wording';

export type { Phrase, Remedy, Wording } from './wording';

/** Who shows the message: the CLI, the studio's UI, or a report (worded as the CLI, which its readers rerun). */
export type RemedyFrontEnd = 'cli' | 'ui' | 'report';

export interface SettingName {
  /** The CLI's words: a flag without its dashes, or a command. */
  readonly cli: { readonly flag: string } | { readonly command: string };
  /** The UI's words: where the user changes it ("the Threads field"). */
  readonly ui: string;
}

/** Input sizes and values are set with flags in the CLI and on the Models page in the UI. */
const INPUT_SETTINGS = {
  shape: { cli: { flag: 'shape' }, ui: INPUT_SIZES_FIELD },
  dim: { cli: { flag: 'dim' }, ui: INPUT_SIZES_FIELD },
  value: { cli: { flag: 'value' }, ui: `a value under ${INPUT_SIZES_FIELD}` },
  // The CLI's sentence has always named both ways of saving sizes.
  'saved-sizes': { cli: { command: `edgebench inputs set, or ${INPUT_SIZES_FIELD}` }, ui: INPUT_SIZES_FIELD },
} as const satisfies Record<string, SettingName>;


function formFields(kind: TargetKind): TargetFormField[] {
  const stored = TARGET_KINDS[kind].stored;
  if (stored === null) return [];
  return stored.form.items.flatMap((item) => ('row' in item ? [...item.row] : 'field' in item ? [item.field] : []));
}

function targetFlagNames(): Record<string, SettingName> {
  const names: Record<string, SettingName> = {};
  for (const kind of Object.keys(TARGET_KINDS) as TargetKind[]) {
    for (const [flag, spec] of Object.entries(TARGET_KINDS[kind].cliFlags)) {
      const where = spec.ui;
      const field = where !== undefined && 'field' in where ? formFields(kind).find((f) => f.key === where.field) : undefined;
      const ui =
        where !== undefined && 'action' in where ? where.action : field === undefined ? "the target's settings on the Targets page" : `the target's ${field.label} field on the Targets page`;
      names[flag] = { cli: { flag }, ui };
    }
  }
  return names;
}

function runtimeOptionNames(): Record<string, SettingName> {
  const names: Record<string, SettingName> = {};
  for (const runtime of Object.values(RUNTIMES)) {
    for (const [key, spec] of Object.entries(runtime.optionSpecs as Record<string, { flag: string; label: string; field: { kind: string } }>)) {
      names[key] = { cli: { flag: spec.flag }, ui: `the ${spec.label} ${spec.field.kind === 'toggle' ? 'checkbox' : 'field'}` };
    }
  }
  return names;
}

function benchSettingNames(): Record<BenchSettingKey, SettingName> {
  const entries = (Object.keys(BENCH_SETTING_SPECS) as BenchSettingKey[]).map((key) => {
    const spec = BENCH_SETTING_SPECS[key];
    // A yes/no setting is a checkbox on the Runs page: "untick the Fresh random input checkbox".
    return [key, { cli: { flag: spec.flag }, ui: `the ${spec.label} ${spec.kind === 'boolean' ? 'checkbox' : 'field'}` }] as const;
  });
  return Object.fromEntries(entries) as Record<BenchSettingKey, SettingName>;
}

/** Every setting a remedy may name, keyed by what the remedy says: bench settings, runtime options, target flags, inputs. */
export const settingNames: Readonly<Record<string, SettingName>> = {
  ...targetFlagNames(),
  ...runtimeOptionNames(),
  ...benchSettingNames(),
  ...INPUT_SETTINGS,
};

export type RemedySetting = BenchSettingKey | keyof typeof INPUT_SETTINGS | (string & {});

/** A slot of a worded message: one setting, or alternatives ("--shape or --dim") a front-end may merge. */
export interface RemedySlot {
  readonly remedies: readonly Remedy[];
}

/** Words a front-end says its own way around a remedy: `say('Pass', 'Set')` before a setting. */
export interface PhraseSlot {
  readonly phrase: Phrase;
}

/** The CLI's words and the UI's for the same part of a sentence ("drop" a flag, "clear" a field). Reports use the CLI's. */
export function say(cli: string, ui: string): PhraseSlot {
  return { phrase: { cli, ui } };
}

/** `remedy('threads')`, `remedy('mode', 'report')`, `remedy('shape', 'x=1x3x224x224')`; an unknown name throws (a typo in our own code). */
export function remedy(setting: RemedySetting, value?: string): RemedySlot {
  if (settingNames[setting] === undefined) throw new StudioError('INTERNAL', `A remedy names the setting '${setting}', which settingNames does not have.`);
  return { remedies: [{ setting, ...(value !== undefined ? { value } : {}) }] };
}

/** A setting and the value a verb before it gives it: `${say('Pass', 'Set')} ${assign('runs', '10')}` reads "Set the Runs field to 10" in the studio. */
export function assign(setting: RemedySetting, value: string): RemedySlot {
  return { remedies: [{ ...remedy(setting, value).remedies[0]!, form: 'assign' }] };
}

/** Alternatives in one slot: the CLI says "--shape or --dim", the UI names their one field once. */
export function eitherRemedy(...slots: RemedySlot[]): RemedySlot {
  return { remedies: slots.flatMap((slot) => slot.remedies) };
}

/**
 * A message whose remedies are data: `worded\`Set it with ${remedy('threads')}.\`` gives the CLI's
 * sentence as `message` and the template for the others. A worded part (a shared clause) brings
 * its remedies along; other interpolations are quoted as text.
 */
export function worded(strings: TemplateStringsArray, ...parts: ReadonlyArray<string | number | RemedySlot | PhraseSlot | WordedMessage>): WordedMessage {
  const remedies: Remedy[] = [];
  const phrases: Phrase[] = [];
  let template = escapeTemplate(strings[0] ?? '');
  parts.forEach((part, index) => {
    if (typeof part !== 'object') template += escapeTemplate(String(part));
    else if ('wording' in part) {
      // A worded part's slots are renumbered after the ones already taken.
      const remedyOffset = remedies.length;
      const phraseOffset = phrases.length;
      remedies.push(...part.wording.remedies);
      phrases.push(...(part.wording.phrases ?? []));
      template += part.wording.template.replace(TEMPLATE_SLOT, (match, slot: string | undefined, phraseIndex: string | undefined) => {
        if (phraseIndex !== undefined) return `{=${Number(phraseIndex) + phraseOffset}}`;
        return slot === undefined ? match : `{${slot.split('|').map((i) => Number(i) + remedyOffset).join('|')}}`;
      });
    } else if ('phrase' in part) {
      phrases.push(part.phrase);
      template += `{=${phrases.length - 1}}`;
    } else {
      const slots = part.remedies.map((r) => {
        remedies.push(r);
        return String(remedies.length - 1);
      });
      template += `{${slots.join('|')}}`;
    }
    template += escapeTemplate(strings[index + 1] ?? '');
  });
  const wording: Wording = { template, remedies, ...(phrases.length > 0 ? { phrases } : {}) };
  return { message: renderWording(wording, 'cli') ?? template, wording };
}

/** Worded parts one after another with `separator` between ("--shape x=1x3 --shape y=1x8"). */
export function joinWorded(parts: readonly (RemedySlot | WordedMessage)[], separator: string | PhraseSlot): WordedMessage {
  return parts.reduce<WordedMessage>((joined, part, index) => (index === 0 ? worded`${part}` : worded`${joined}${separator}${part}`), worded``);
}

/** One remedy in a front-end's words; undefined for a setting this version does not know. */
export function renderRemedy(remedy: Remedy, frontEnd: RemedyFrontEnd): string | undefined {
  const name = settingNames[remedy.setting];
  if (name === undefined) return undefined;
  if (frontEnd === 'ui') {
    if (remedy.value === undefined) return name.ui;
    if (!(remedy.setting in INPUT_SETTINGS)) return `${name.ui} ${remedy.form === 'assign' ? 'to' : 'set to'} ${remedy.value}`;
    // A placeholder ("NAME=DIMS", "input=DIMS", "x=1x...") says only where; a real size ("x=1x3x224x224") is quoted as the form shows it.
    return isPlaceholder(remedy.value) ? name.ui : remedy.value.replace('=', ' = ');
  }
  const words = 'flag' in name.cli ? `--${name.cli.flag}` : name.cli.command;
  return remedy.value === undefined ? words : `${words} ${remedy.value}`;
}

/** A value that stands for what the user must choose ("NAME=DIMS", "input=N", "x=1x..."), not one to type as is. */
function isPlaceholder(value: string): boolean {
  return /(^|=)[A-Z]+$/.test(value) || value.includes('...') || value.includes('…');
}

/** The wording's sentence in a front-end's words; undefined when it names a setting this version does not know. */
export function renderWording(wording: Wording, frontEnd: RemedyFrontEnd): string | undefined {
  return fillTemplate(
    wording,
    (slot) => {
      const words = slot.map((r) => renderRemedy(r, frontEnd));
      if (words.some((w) => w === undefined)) return undefined;
      return [...new Set(words)].join(' or ');
    },
    (phrase) => (frontEnd === 'ui' ? phrase.ui : phrase.cli),
  );
}

/** What a front-end shows for a warning or an error: rendered from its remedies, or its stored message (older data, unknown settings). */
export function messageFor(item: { readonly message: string; readonly wording?: Wording | undefined }, frontEnd: RemedyFrontEnd): string {
  return (item.wording !== undefined ? renderWording(item.wording, frontEnd) : undefined) ?? item.message;
}

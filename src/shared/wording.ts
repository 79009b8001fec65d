/**
 * A message whose advice names settings: the sentence as a template with numbered slots, and the
 * remedy (setting, and value) each slot stands for. Each front-end fills the slots in its own
 * words (remedies.ts): the CLI writes `--threads`, the UI "the Threads field". The plain
 * `message` beside it keeps the CLI's words, a complete sentence for readers that predate this.
 *
 * Schema only, and no plug-in import, so errors.ts and run-schema.ts can carry it.
 */
import { z } from 'zod';

/** One setting to change: a bench setting, a runtime option, a target kind's flag, or an input's size or value. */
export const Remedy = z.object({
  /** A key of settingNames (remedies.ts); a name this version does not know falls back to the stored message. */
  setting: z.string(),
  /** The value to give it, as the CLI takes it ("report", "x=1x3x224x224"). */
  value: z.string().optional(),
  /**
   * 'assign': the value follows a verb that sets it ("Set the Runs field to 10" in the UI, "Pass
   * --runs 10" in the CLI); absent: the remedy is a noun ("the Mode field set to report").
   */
  form: z.literal('assign').optional(),
});
export type Remedy = z.infer<typeof Remedy>;

/** Words that differ by front-end around a remedy: the CLI "pass", the UI "set". */
export const Phrase = z.object({ cli: z.string(), ui: z.string() });
export type Phrase = z.infer<typeof Phrase>;

export const Wording = z.object({
  /** The sentence, with `{0}`, `{1}`... where the remedies go and `{=0}`... where the phrases go; a literal brace is doubled. */
  template: z.string(),
  remedies: z.array(Remedy),
  /** Absent when the sentence has no phrase slot. */
  phrases: z.array(Phrase).optional(),
});
export type Wording = z.infer<typeof Wording>;

/** Every slot of a template: a remedy slot `{0}` or `{0|1}`, a phrase slot `{=0}`, or a doubled brace. */
export const TEMPLATE_SLOT = /\{\{|\}\}|\{(\d+(?:\|\d+)*)\}|\{=(\d+)\}/g;

/**
 * The template with each remedy slot replaced by `fill(remedies)` (a slot is `{0}`, or
 * alternatives `{0|1}`) and each phrase slot by `phrase(phrases[n])`; undefined when a slot names
 * a remedy or phrase that is not there, or `fill` cannot word it.
 */
export function fillTemplate(wording: Wording, fill: (remedies: Remedy[]) => string | undefined, phrase: (words: Phrase) => string = (words) => words.cli): string | undefined {
  let failed = false;
  const filled = wording.template.replace(TEMPLATE_SLOT, (match, slot: string | undefined, phraseIndex: string | undefined) => {
    if (phraseIndex !== undefined) {
      const words = wording.phrases?.[Number(phraseIndex)];
      if (words === undefined) failed = true;
      return words === undefined ? '' : phrase(words);
    }
    if (slot === undefined) return match[0] ?? '';
    const remedies = slot.split('|').map((index) => wording.remedies[Number(index)]);
    const text = remedies.every((r) => r !== undefined) ? fill(remedies as Remedy[]) : undefined;
    if (text === undefined) failed = true;
    return text ?? '';
  });
  return failed ? undefined : filled;
}

/** Doubles braces, so text quoted into a template (a path, a runtime's words) stays literal. */
export function escapeTemplate(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}

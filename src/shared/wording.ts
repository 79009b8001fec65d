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
});
export type Remedy = z.infer<typeof Remedy>;

export const Wording = z.object({
  /** The sentence, with `{0}`, `{1}`... where the remedies go; a literal brace is doubled. */
  template: z.string(),
  remedies: z.array(Remedy),
});
export type Wording = z.infer<typeof Wording>;

/**
 * The template with each slot replaced by `fill(remedies)`: a slot is `{0}`, or alternatives
 * `{0|1}`; undefined when a slot names a remedy that is not there or `fill` cannot word it.
 */
export function fillTemplate(wording: Wording, fill: (remedies: Remedy[]) => string | undefined): string | undefined {
  let failed = false;
  const filled = wording.template.replace(/\{\{|\}\}|\{(\d+(?:\|\d+)*)\}/g, (match, slot: string | undefined) => {
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

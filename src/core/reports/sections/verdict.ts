import { describeGuessedDims, guessedInputsOfRun } from '../../../shared/input-messages';
import type { Block } from '../blocks';
import { formatMs } from '../../../shared/units';
import { acrossText, medianRangeText, msRange } from './between-run-text';
import type { ReportSection } from '../report-section';

export const verdictSection: ReportSection = {
  id: 'verdict',
  title: 'Verdict and warnings',
  build(report) {
    const blocks: Block[] = [];
    for (const entry of report.runs) {
      const { verdict, warnings } = entry.run;
      const guessed = guessedInputsOfRun(entry.run.inputs);
      const tone = verdict === 'stable' ? (warnings.length > 0 ? 'info' : 'ok') : 'warning';
      const summary =
        guessed.length > 0
          ? `#${entry.number} ${entry.label}: UNSTABLE: input sizes were guessed (${describeGuessedDims(guessed)}), so its numbers in this report are for inputs nobody chose.`
          : verdict === 'stable'
            ? `#${entry.number} ${entry.label}: stable${warnings.length > 0 ? ', with notes' : ', no warnings'}.`
            : `#${entry.number} ${entry.label}: UNSTABLE: its numbers in this report may not repeat.`;
      blocks.push({ kind: 'note', tone, text: summary });
      // With repeats, whether the fresh runs agree (the warnings below give the causes the engine saw).
      const b = entry.run.betweenRun;
      if (b) {
        const ci = b.ci95 ? `95% CI ${acrossText(b.repeats)} ${msRange(b.ci95)}` : `too few (${b.repeats}) for a between-run CI`;
        blocks.push(
          b.disagree
            ? { kind: 'note', tone: 'warning', text: `#${entry.number}: its fresh runs disagree: ${medianRangeText(b)}, beyond their own CIs; this machine did not hold a steady speed (${ci}).` }
            : { kind: 'note', tone: 'info', text: `#${entry.number}: ${b.repeats} fresh runs agree (within their own CIs, or within ±2 % of their median of medians ${formatMs(b.medianMs)}): ${medianRangeText(b)}; ${ci}.` },
        );
      }
      if (warnings.length > 0) blocks.push({ kind: 'list', items: warnings.map((w) => `${w.code}: ${w.message}`) });
    }
    return blocks;
  },
};

/**
 * What the studio shows of a run's repeats (issue 12): each fresh process's share of the samples,
 * its spread, and the between-run estimate beside the within-run CI. Medians and CIs are read
 * from the run file (the engine computed them); the boxes' quartiles come from the one quantile
 * (src/shared/numeric/quantile.ts).
 */
import { asSamples, percentile, sortSamples } from '../../shared/numeric/quantile';
import { messageFor, remedy, worded } from '../../shared/remedies';
import type { BetweenRunEstimate, RunFile, RunSummary } from '../../shared/run-schema';
import { formatMsRange } from './format';

export const NO_REPEATS = '—, no repeats';

export interface RepeatView {
  index: number;
  /** "#1", "#2"... in the order run. */
  label: string;
  count: number;
  medianMs: number;
  /** Within this repeat's process; null below 6 samples. */
  ci95: { low: number; high: number } | null;
  initMs: number;
  /** The middle half of this repeat's samples (25th to 75th percentile), or null when it has none. */
  quartilesMs: { q1: number; q3: number } | null;
  /** Its fastest and slowest sample. */
  rangeMs: { min: number; max: number } | null;
}

/** Each repeat's samples: latencyMs.samples[sampleOffset, sampleOffset + count). */
export function repeatSamples(run: Pick<RunFile, 'latencyMs'>, repeat: { sampleOffset: number; count: number }): number[] {
  return run.latencyMs.samples.slice(repeat.sampleOffset, repeat.sampleOffset + repeat.count);
}

export function repeatViews(run: Pick<RunFile, 'latencyMs' | 'repeats'>): RepeatView[] {
  return (run.repeats ?? []).map((repeat) => {
    const samples = repeatSamples(run, repeat);
    const sorted = samples.length > 0 ? sortSamples(asSamples(samples)) : null;
    return {
      index: repeat.index,
      label: `#${repeat.index + 1}`,
      count: samples.length,
      medianMs: repeat.medianMs,
      ci95: repeat.medianCi95,
      initMs: repeat.initMs,
      quartilesMs: sorted ? { q1: percentile(sorted, 25), q3: percentile(sorted, 75) } : null,
      rangeMs: sorted ? { min: sorted[0], max: sorted[sorted.length - 1] ?? sorted[0] } : null,
    };
  });
}

/** "across 5 fresh runs" — the label every view puts beside the between-run CI. */
export function acrossLabel(repeats: number): string {
  return `across ${repeats} fresh runs`;
}

/** The between-run CI as a cell: its range, "too few repeats" when the engine could not say, or "—, no repeats". */
export function betweenRunCiText(betweenRun: Pick<BetweenRunEstimate, 'repeats' | 'ci95'> | undefined): string {
  if (!betweenRun) return NO_REPEATS;
  if (!betweenRun.ci95) return `too few repeats (${betweenRun.repeats})`;
  return formatMsRange(betweenRun.ci95.low, betweenRun.ci95.high);
}

/**
 * The between-run warning in the words, for a file whose repeats disagree but whose
 * warnings do not say so (a file written before the engine warned): never shown twice.
 */
export function betweenRunDisagreement(run: Pick<RunFile, 'betweenRun' | 'warnings'>): string | null {
  const b = run.betweenRun;
  if (!b?.disagree) return null;
  if (run.warnings.some((w) => w.code.startsWith('between-run'))) return null;
  return (
    `Between-run variation: the medians of ${b.repeats} fresh runs range ${formatMsRange(b.rangeMs.min, b.rangeMs.max)}, ` +
    'beyond their own CIs; this machine does not hold a steady speed.'
  );
}

/** For the results grid's tooltip: whether the runs disagreed. */
export function betweenRunTitle(summary: Pick<RunSummary, 'betweenRun'>): string {
  const b = summary.betweenRun;
  if (!b) return messageFor(worded`One process: no between-run CI (${remedy('repeats')} of 2 or more measures one).`, 'ui');
  return `95% CI of the median ${acrossLabel(b.repeats)}${b.disagree ? '; the repeats disagree beyond their own CIs' : ''}`;
}


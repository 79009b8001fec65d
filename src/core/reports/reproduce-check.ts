/**
 * Did a fresh run reproduce a run file? `edgebench repro` re-runs the file's own settings and asks
 * whether the new headline median lands inside the original's between-run 95 % CI
 * (run.betweenRun.ci95), the interval that holds what changes between processes. An original
 * without one (made without repeats, or with too few) is checked against its within-run CI, which
 * only holds the samples of one process: the verdict says so loudly, since between-process
 * variation alone often lands a fresh median outside it (issue 12 measured six in six). When the
 * median lands outside, the environment facts that differ between the two runs are listed.
 */
import { environmentDifferences, type EnvironmentDifference } from '../../shared/environment-diff';
import type { WordedMessage } from '../../shared/errors';
import { remedy, worded } from '../../shared/remedies';
import { medianCiRanks } from '../bench/confidence';
import { headlineMedianMs, type RunFile } from '../../shared/run-schema';
import { GATE_REPEATS, type Interval } from './compare-runs';
import { formatMs } from '../../shared/units';

/** reproduced (exit 0), not-reproduced (exit 1), undecided (exit 3: the original has no CI to land in). */
export type ReproduceOutcome = 'reproduced' | 'not-reproduced' | 'undecided';

export interface ReproduceVerdict extends WordedMessage {
  outcome: ReproduceOutcome;
  exitCode: 0 | 1 | 3;
  original: {
    id: string;
    medianMs: number;
    /** The interval the fresh median was checked against; null when the original has none. */
    ci95: Interval | null;
    /** between-run: across fresh processes; within-run: the samples of one process only. */
    ciKind: 'between-run' | 'within-run' | null;
    repeats: number;
  };
  fresh: { id: string; medianMs: number; repeats: number };
  /** Sentences that weaken the verdict (the within-run CI was used). */
  notes: WordedMessage[];
  /** The environment facts that differ (environmentDifferences), listed when the median landed outside. */
  differences: EnvironmentDifference[];
}

function ciOf(run: RunFile): { ci95: Interval; kind: 'between-run' | 'within-run' } | null {
  const between = run.betweenRun?.ci95;
  if (between) return { ci95: between, kind: 'between-run' };
  // Below 6 samples the within-run "CI" is the whole range, not a 95 % interval (confidence.ts).
  if (medianCiRanks(run.latencyMs.count) === undefined) return null;
  return { ci95: run.latencyMs.medianCi95, kind: 'within-run' };
}

function repeatsOf(run: RunFile): number {
  return run.betweenRun?.repeats ?? 1;
}

/** The verdict on `fresh` as a re-run of `original`. */
export function reproduceVerdict(original: RunFile, fresh: RunFile): ReproduceVerdict {
  const ci = ciOf(original);
  const freshMedianMs = headlineMedianMs(fresh);
  const base = {
    original: { id: original.id, medianMs: headlineMedianMs(original), ci95: ci?.ci95 ?? null, ciKind: ci?.kind ?? null, repeats: repeatsOf(original) },
    fresh: { id: fresh.id, medianMs: freshMedianMs, repeats: repeatsOf(fresh) },
  };
  const notes: WordedMessage[] = [];
  const needsRepeats = worded`the check needs an original made with ${remedy('repeats', String(GATE_REPEATS))}`;
  if (ci === null) {
    return {
      ...base,
      outcome: 'undecided',
      exitCode: 3,
      notes,
      differences: [],
      ...worded`CANNOT DECIDE: run ${original.id} has no CI to land in (no between-run CI, and ${original.latencyMs.count} samples are too few for a within-run one); ${needsRepeats}. The fresh median is ${formatMs(freshMedianMs)}, the original's ${formatMs(base.original.medianMs)}.`,
    };
  }
  if (ci.kind === 'within-run') {
    const processes = repeatsOf(original) === 1 ? '1 process' : `${repeatsOf(original)} processes, too few`;
    notes.push(
      worded`NOTE: run ${original.id} has no between-run CI (${processes}), so this checks against its within-run CI, which ignores what changes between processes (CPU clock, placement, steal time, heat): a fresh median often lands outside it on a machine that is fine; for a real check, make the original with ${remedy('repeats', String(GATE_REPEATS))}.`,
    );
  }
  const range = `${formatMs(ci.ci95.low)}–${formatMs(ci.ci95.high)}`;
  const inside = freshMedianMs >= ci.ci95.low && freshMedianMs <= ci.ci95.high;
  if (inside) {
    return {
      ...base,
      outcome: 'reproduced',
      exitCode: 0,
      notes,
      differences: [],
      ...worded`REPRODUCED: the fresh median ${formatMs(freshMedianMs)} is inside run ${original.id}'s ${ci.kind} 95 % CI (${range}).`,
    };
  }
  const found = environmentDifferences(original, fresh, { a: 'the original run', b: 'the fresh run' });
  const side = freshMedianMs > ci.ci95.high ? 'above' : 'below';
  const why = found.length === 0 ? 'no recorded environment fact differs' : `${found.length} environment fact${found.length === 1 ? ' differs' : 's differ'} (listed below)`;
  return {
    ...base,
    outcome: 'not-reproduced',
    exitCode: 1,
    notes,
    differences: found,
    ...worded`NOT REPRODUCED: the fresh median ${formatMs(freshMedianMs)} is ${side} run ${original.id}'s ${ci.kind} 95 % CI (${range}); ${why}.`,
  };
}

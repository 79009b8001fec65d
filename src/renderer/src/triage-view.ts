/**
 * What the triage table shows of each step: its accuracy and what the step bought against the
 * step before ("+1.8 points"), its latency on the chosen target with its CI and what the step
 * cost ("+0.42 ms, +6 %"). The arithmetic is src/shared/triage.ts's; this file only words it.
 */
import { accuracyChangePoints, latencyChange, sameCell, type LatencyChange, type TriageLatency, type TriageSession, type TriageStep } from '../../shared/triage';
import { cpusLabelPart } from '../../shared/cpu-pinning';
import { formatMsRange, formatPercent, formatThreads } from './format';
import { formatMs } from '../../shared/units';

const MINUS = '\u2212';

function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return `${value > 0 ? '+' : MINUS}${text}`;
}

/**
 * Percentage points of accuracy: 1.8 → "+1.8 points", -0.35 → "−0.3 points"; a change under a
 * tenth of a point keeps two decimals (97.00 % → 96.95 % is "−0.05 points", never "±0.0").
 */
export function formatPoints(points: number): string {
  const digits = points !== 0 && Math.abs(points) < 0.095 ? 2 : 1;
  return `${signed(points, digits)} point${Math.abs(Number(points.toFixed(digits))) === 1 ? '' : 's'}`;
}

/** A change of median latency: "+0.42 ms, +6 %" (ms with the precision formatMs gives the magnitude). */
export function formatLatencyChange(change: LatencyChange): string {
  const ms = formatMs(Math.abs(change.deltaMs)).replace(/ ms$/, '');
  const sign = Number(ms) === 0 ? '±' : change.deltaMs > 0 ? '+' : MINUS;
  return `${sign}${ms} ms, ${signed(change.deltaPct, 0)} %`;
}

export interface TriageRow {
  index: number;
  variantId: string;
  /** "int8 (start)" for the first step; the layers it added for the others. */
  title: string;
  excluded: string;
  accuracy: string;
  /** "on 500 samples": the evaluation the accuracy comes from. */
  accuracyTitle: string | null;
  /** vs the step before; null for the first step or when either accuracy is missing. */
  accuracyChange: string | null;
  /** Bought: the step raised accuracy; lost: it lowered it. */
  accuracyTone: 'bought' | 'lost' | 'same' | null;
  latency: string;
  latencyCi: string | null;
  latencyChange: string | null;
  /** Cost: slower; saved: faster; noise: the CIs overlap, so the change is within what the runs vary by. */
  latencyTone: 'cost' | 'saved' | 'noise' | null;
  latencyTitle: string | null;
  /**
   * "within noise" when the change is inside both runs' CIs; when the step before has no run with
   * this one's settings, what differs ("not compared with the step before: not pinned here, CPUs 0x2 there").
   */
  latencyNote: string | null;
  /** Why the step stopped early, in the engine's words. */
  stopped: string | null;
}

/** The latency a step shows on a target: the run on that target matching the first step's runtime, threads and CPUs, or its first there. */
function latencyOn(step: TriageStep, targetId: string, like: TriageLatency | undefined): TriageLatency | undefined {
  const matching = like ? sameCell(step.latency, like) : undefined;
  return matching ?? step.latency.find((l) => l.targetId === targetId);
}

/** The settings two runs differ in, each side in words: ["not pinned", "CPUs 0x2"]. */
function differences(mine: TriageLatency, theirs: TriageLatency): [string, string] {
  const parts: Array<[string, string]> = [];
  if (mine.runtime !== theirs.runtime) parts.push([mine.runtime, theirs.runtime]);
  if (mine.threads !== theirs.threads) parts.push([formatThreads(mine.threads), formatThreads(theirs.threads)]);
  const cpus = (l: TriageLatency): string => (l.cpus === undefined ? 'not pinned' : `CPUs ${l.cpus}`);
  if (mine.cpus !== theirs.cpus) parts.push([cpus(mine), cpus(theirs)]);
  return [parts.map((p) => p[0]).join(' · '), parts.map((p) => p[1]).join(' · ')];
}

/** Why a step's latency has no change beside it although the step before was benchmarked on this target. */
function mismatchNote(mine: TriageLatency, before: TriageStep): string | null {
  const theirs = before.latency.find((l) => l.targetId === mine.targetId);
  if (!theirs) return null;
  const [here, there] = differences(mine, theirs);
  return `not compared with the step before: ${here} here, ${there} there`;
}

export function triageRows(session: TriageSession, targetId: string): TriageRow[] {
  const reference = session.steps.map((s) => s.latency.find((l) => l.targetId === targetId)).find((l) => l !== undefined);
  return session.steps.map((step, index) => {
    const before = index > 0 ? session.steps[index - 1] : undefined;
    const points = before ? accuracyChangePoints(before.accuracy, step.accuracy) : null;
    const mine = latencyOn(step, targetId, reference);
    const theirs = before && mine ? sameCell(before.latency, mine) : undefined;
    const change = latencyChange(theirs, mine);
    const mismatch = before && mine && !theirs ? mismatchNote(mine, before) : null;
    const metric = step.accuracy?.metric === 'agreement' ? ' agreement' : '';
    return {
      index,
      variantId: step.variantId,
      title: index === 0 ? 'start' : `+ ${step.added.join(', ')}`,
      excluded: step.exclude.length === 0 ? 'none' : step.exclude.join(', '),
      accuracy: step.accuracy ? `${formatPercent(step.accuracy.value, 2)}${metric}` : 'not evaluated',
      accuracyTitle: step.accuracy ? `on ${step.accuracy.samples.toLocaleString('en-US')} samples` : null,
      accuracyChange: points === null ? null : formatPoints(points),
      accuracyTone: points === null ? null : Math.abs(points) < 0.05 ? 'same' : points > 0 ? 'bought' : 'lost',
      latency: mine ? `${formatMs(mine.medianMs)}${mine.partial ? ' (partial run)' : ''}` : 'not benchmarked here',
      latencyCi: mine?.ci95 ? `95 % CI ${formatMsRange(mine.ci95.low, mine.ci95.high)}${mine.ciKind === 'between-run' ? ' between runs' : ''}` : null,
      latencyChange: change ? formatLatencyChange(change) : null,
      latencyTone: change === null ? null : change.beyondNoise === false ? 'noise' : change.deltaMs > 0 ? 'cost' : 'saved',
      latencyTitle: mine
        ? `${mine.targetName} · ${mine.runtime} · ${formatThreads(mine.threads)}${cpusLabelPart(mine.cpus)}${change?.beyondNoise === false ? ' · the two 95 % CIs overlap: within noise' : ''}`
        : null,
      latencyNote: change?.beyondNoise === false ? 'within noise' : mismatch,
      stopped: step.stopped?.reason ?? null,
    };
  });
}

/** Number formatting shared by every report format (milliseconds and bytes come from src/shared/units, as in the studio). */
import type { Cell } from './blocks';
import { PERCENTILE_MIN_SAMPLES, percentileSupported, type PercentileName, type RunFile } from '../../shared/run-schema';

/** For axis ticks: three significant digits, no trailing zeros ("20 µs", "1.5 ms"). */
export function formatMsShort(ms: number): string {
  const [value, unit] = ms < 0.1 ? [ms * 1000, 'µs'] : [ms, 'ms'];
  return `${Number(value.toPrecision(3))} ${unit}`;
}

import { formatMs, formatSpeedup } from '../../shared/units';

/** A fraction as a percentage: 0.0123 → "1.2%". */
export function formatFraction(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A change in percent with its sign: +20.0%, −3.1%. */
export function formatChangePct(pct: number): string {
  const rounded = pct.toFixed(1);
  return pct >= 0 ? `+${rounded}%` : `−${rounded.slice(1)}%`;
}

/** "1.25×", "12.5×"; below 0.1 two significant digits, so a board 400 times slower reads "0.0025×", not "0.00×". */
export function formatRatio(ratio: number): string {
  if (ratio > 0 && ratio < 0.1) return `${Number(ratio.toPrecision(2))}×`;
  return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`;
}

export function threadsText(threads: number): string {
  return threads === 0 ? 'auto' : String(threads);
}

export function tooFewText(name: PercentileName): string {
  return `too few samples (needs ${PERCENTILE_MIN_SAMPLES[name]})`;
}

/**
 * A speedup against the baseline (baseline median / run median) in the studio's words ("1.71×
 * slower"), coloured as the studio's Compare table colours it: within half a percent is neither.
 */
export function speedupCell(speedup: number): Cell {
  const tone = speedup > 1.005 ? 'good' : speedup < 0.995 ? 'bad' : undefined;
  return { text: formatSpeedup(speedup), sort: speedup, ...(tone ? { tone } : {}) };
}

/** A millisecond cell that sorts by its value. */
export function msCell(ms: number): Cell {
  return { text: formatMs(ms), sort: ms };
}

/** A percentile, or "too few samples" below the count MLPerf asks for (such cells sort last). */
export function percentileCell(run: RunFile, name: PercentileName): Cell {
  const latency = run.latencyMs;
  if (!percentileSupported(name, latency.count)) {
    // Short in the table (the note under it gives every minimum); the tooltip gives this one.
    return { text: 'too few samples', tone: 'muted', title: `${name} needs ${PERCENTILE_MIN_SAMPLES[name]} samples; this run has ${latency.count}.` };
  }
  return msCell(latency[name]);
}

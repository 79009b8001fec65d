import type { Dim } from '../../shared/model-info';

import { formatMs } from '../../shared/units';

// Sizes and memory figures come from src/shared/units (IEC units, KiB/MiB, as the CLI and reports): formatPeakMemory for a
// peak (0 reads "not measured"; measuredPeakBytes says whether there is one), formatMiB for other memory, formatBytes for sizes;
// so do speedups (formatSpeedup: "1.71× slower", the reports' words too).

/** 1234567 → "1.23 M"; small counts stay exact. */
export function formatCount(count: number): string {
  if (count < 10_000) return count.toLocaleString('en-US');
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (count >= size) return `${(count / size).toPrecision(3)} ${suffix}`;
  }
  return String(count);
}

/** A latency for a chart axis, whose title carries the unit: 0.01234 → "0.0123", 12.3456 → "12.3". */
export function formatAxisMs(latencyMs: number): string {
  if (latencyMs === 0) return '0';
  return Math.abs(latencyMs) < 1 ? latencyMs.toPrecision(3) : Number(latencyMs.toPrecision(3)).toString();
}

/** A range of latencies with the unit once: "0.00948 – 0.00960 ms". */
export function formatMsRange(lowMs: number, highMs: number): string {
  return `${formatMs(lowMs).replace(/ ms$/, '')} – ${formatMs(highMs)}`;
}

// One formatter for every date: toLocaleString builds a new one per call, which shows in long lists.
const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return DATE_FORMAT.format(date);
}

/** A dimension as the model names it: a number, a symbolic name, or "?" when unknown. */
export function formatDim(dim: Dim): string {
  return dim === null ? '?' : String(dim);
}

export function shortHash(sha256: string): string {
  return sha256.length > 16 ? `${sha256.slice(0, 16)}…` : sha256;
}

/** Microseconds for per-op tables: 3.2 µs, 41.6 µs, 1,204 µs. */
export function formatUs(durationUs: number): string {
  if (durationUs < 10) return `${durationUs.toFixed(2)} µs`;
  if (durationUs < 100) return `${durationUs.toFixed(1)} µs`;
  return `${Math.round(durationUs).toLocaleString('en-US')} µs`;
}

/** A fraction as a percentage: 0.0834 → "8.3%". */
export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Thread count as the runtime got it: 0 means the runtime chose. */
export function formatThreads(threads: number): string {
  return threads === 0 ? 'auto threads' : `${threads} thread${threads === 1 ? '' : 's'}`;
}

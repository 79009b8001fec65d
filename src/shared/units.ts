/**
 * Byte sizes as every front-end shows them (CLI, reports, UI): powers of 1024 with IEC units
 * (KiB, MiB), since the values are binary multiples; "MB" beside a 1024-based value would be off by
 * 5 %. One formatter, so a size reads the same in the terminal, in a report and in the studio.
 */
const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.50 KiB"; 27709200 → "26.4 MiB"; below 1 KiB whole bytes ("512 B"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/**
 * Always in MiB, for columns that compare memory: one decimal ("98.4 MiB"), and below 1 MiB two
 * significant digits, so a microcontroller's 49 KiB arena reads "0.047 MiB", not "0.0 MiB".
 */
export function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib > 0 && mib < 0.95) return `${Number(mib.toPrecision(2))} MiB`;
  return `${mib.toFixed(1)} MiB`;
}

/** What a memory figure reads when nothing measured it. */
export const NOT_MEASURED = 'not measured';

/** What a simulated board's memory reads: it has no process or RAM, and its reported figure is the arena estimate plus the model. */
export const NOT_MEASURED_ON_BOARD = 'not measured on the board';

/**
 * A peak memory as measured, or null: no process or board holds a model in zero bytes, so 0 (or
 * less) is what a target that reports no memory use leaves (MLPerf Tiny firmware), never a figure.
 */
export function measuredPeakBytes(bytes: number): number | null {
  return bytes > 0 && Number.isFinite(bytes) ? bytes : null;
}

/** A peak memory in MiB, or "not measured" (see measuredPeakBytes). */
export function formatPeakMemory(bytes: number): string {
  const measured = measuredPeakBytes(bytes);
  return measured === null ? NOT_MEASURED : formatMiB(measured);
}

/**
 * Milliseconds as every front-end but the CLI shows them (studio and reports), with precision that
 * fits the magnitude: 0.01234 → "0.0123 ms", 12.3456 → "12.35 ms", 123.456 → "123.5 ms". One
 * formatter, so a latency reads the same in the studio and in a report exported from it.
 */
export function formatMs(latencyMs: number): string {
  if (latencyMs > 0 && latencyMs < 1) return `${latencyMs.toPrecision(3)} ms`;
  return `${latencyMs.toFixed(latencyMs < 100 ? 2 : 1)} ms`;
}

/**
 * How much faster a run is than the baseline, from their medians (baseline / run): 1.8 → "1.80×
 * faster", 0.5 → "2.00× slower"; equal medians read "same". One wording for the studio's grid and
 * Compare table and for the reports.
 */
export function formatSpeedup(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return '–';
  if (Math.abs(ratio - 1) < 0.005) return 'same';
  return ratio > 1 ? `${ratio.toFixed(2)}× faster` : `${(1 / ratio).toFixed(2)}× slower`;
}

/**
 * What a board's own benchmark tool reported, parsed from its console output into one shape,
 * so the studio can show it beside its runner's result for the same model. The tools measure
 * different spans (Invoke only, a whole query with copies, Session::Run), so each result says
 * in `measures` what its numbers cover.
 */
import { StudioError } from '../../../shared/errors';
import { NativeLatency, NativeToolName, NativeToolResult } from '../../../shared/run-schema';

// The shapes live in the run schema (a run file carries them); the parsers here fill them in.
export { NativeLatency, NativeToolName, NativeToolResult };

/** A number as C++ iostreams print it: integers, decimals, and 6-significant-digit exponents (1.52634e+06). */
export const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/** The number captured by the first group of `pattern` in its last match in `text`, or undefined. */
export function lastNumber(text: string, pattern: RegExp): number | undefined {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  let found: number | undefined;
  for (const match of text.matchAll(new RegExp(pattern.source, flags))) {
    const value = Number(match[1]);
    if (Number.isFinite(value)) found = value;
  }
  return found;
}

/**
 * A value converted to another unit (µs → ms, s → ms), rounded to 12 significant digits so the
 * conversion adds no binary noise (0.0288912 s is 28.8912 ms, not 28.891199999999998); the
 * tools print 6 digits at most.
 */
export function scaled(value: number, factor: number): number {
  return Number((value * factor).toPrecision(12));
}

/** Drops undefined fields so results compare and serialize cleanly. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The error for output that lacks the tool's result lines: quotes the tool's own error lines, or its last lines. */
export function outputError(tool: NativeToolName, missing: string, text: string, errorLine: RegExp): StudioError {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const errors = lines.filter((line) => errorLine.test(line));
  const shown = (errors.length > 0 ? errors : lines).slice(-3).join(' | ');
  const said = shown === '' ? 'it printed nothing' : `it said: ${shown}`;
  return new StudioError('RUNTIME', `${tool} printed no ${missing}, so it did not finish measuring; ${said}`, { tool });
}

/** Refuses a run setting that is not a whole number of at least `min`, naming it. */
export function checkCount(setting: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StudioError('BAD_INPUT', `The native tool's ${setting} must be a whole number of at least ${min}, not ${value}.`, { setting });
  }
}

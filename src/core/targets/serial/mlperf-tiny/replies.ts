/** Parsing the board's answers to "infer N W%" and "results%". */
import { StudioError } from '../../../../shared/errors';

export interface InferReply {
  inferences: number;
  warmups: number;
  /** Every "m-lap-us-T" value in the answer: the board's microsecond clock around the timed loop. */
  lapsUs: number[];
  /** Device time of the timed loop: last lap minus first lap, in microseconds. */
  elapsedUs: number;
  /** elapsedUs / inferences. */
  latencyUs: number;
  /** "m-results-[...]": the last inference's output vector, when the firmware printed it. */
  results?: number[];
}

/**
 * The board prints its timer as an unsigned long (%lu): 32 bits on the Cortex-M and ESP32
 * firmware MLPerf Tiny runs on, so it wraps after 2^32 µs (71.6 minutes). A window that spans
 * the wrap reads end < start; adding 2^32 gives the true span.
 */
const TIMER_WRAP_US = 2 ** 32;

export function lapElapsedUs(startUs: number, endUs: number): number {
  return endUs >= startUs ? endUs - startUs : endUs + TIMER_WRAP_US - startUs;
}

export function parseScores(text: string, port: string): number[] {
  const scores = text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  if (scores.some((s) => !Number.isFinite(s))) {
    throw new StudioError('DEVICE', `The board on ${port} printed results that are not numbers ("${text}"): check its th_results() output format.`, { port, results: text });
  }
  return scores;
}

export function findResults(lines: string[], port: string): number[] | undefined {
  const text = lines.map((line) => /m-results-\[([^\]]*)\]/.exec(line)?.[1]).find((v) => v !== undefined);
  return text === undefined ? undefined : parseScores(text, port);
}

export function parseInferReply(lines: string[], inferences: number, warmups: number, port: string): InferReply {
  const lapsUs = lines.flatMap((line) => {
    const match = /m-lap-us-(\d+)/.exec(line);
    return match ? [Number(match[1])] : [];
  });
  const first = lapsUs[0];
  const last = lapsUs[lapsUs.length - 1];
  if (lapsUs.length < 2 || first === undefined || last === undefined) {
    throw new StudioError(
      'DEVICE',
      `The board on ${port} ran 'infer ${inferences} ${warmups}%' without printing two m-lap-us timestamps: build its firmware in performance mode (EE_CFG_ENERGY_MODE 0), which times the loop with th_timestamp().`,
      { port },
      { detail: { kind: 'no-timestamps', port } },
    );
  }
  const elapsedUs = lapElapsedUs(first, last);
  const results = findResults(lines, port);
  return { inferences, warmups, lapsUs, elapsedUs, latencyUs: elapsedUs / inferences, ...(results && { results }) };
}

/**
 * What one cell of a benchmark came to, as data, discriminated on `state` (tinybench keeps a task
 * that stopped with statistics as a state, 'aborted-with-statistics', not as an exception):
 *
 *   completed  every planned run was measured: its run file.
 *   partial    measuring stopped early (the runner died, the SSH link dropped, the board stopped
 *              answering or restarted): the run file of the samples measured before, with their
 *              statistics, status 'partial' and why it stopped (run.stopped), plus the failure as
 *              the user reads it and the runner's last words.
 *   failed     nothing was measured: the failure and the runner's last words.
 *   cancelled  the user stopped the job while this cell ran; what it had measured is dropped.
 *
 * Measuring code returns `Measured` (completed or partial), so samples a board measured cannot be
 * lost to a call site that forgot to catch; a failure before any sample, and a cancel, are thrown,
 * and the matrix turns them into 'failed' and 'cancelled' (failedOrCancelled).
 */
import { StudioError, toErrorData, type ErrorData } from '../../shared/errors';
import type { RunFile, RunStop } from '../../shared/run-schema';
import { escapeTemplate } from '../../shared/wording';
import { markPartial } from './run-file';

export type CellOutcome =
  | { state: 'completed'; run: RunFile }
  | { state: 'partial'; run: RunFile; error: ErrorData; runnerLog: string[] }
  | { state: 'failed'; error: ErrorData; runnerLog: string[] }
  | { state: 'cancelled'; error: ErrorData };

export type CellState = CellOutcome['state'];

/** What measuring a cell returns: the run, complete or partial. */
export type Measured = Extract<CellOutcome, { state: 'completed' | 'partial' }>;
export type PartialOutcome = Extract<CellOutcome, { state: 'partial' }>;

/** For the `default` of a switch over a union: a new state is a compile error there until handled. */
export function unhandledState(value: never): never {
  throw new StudioError('INTERNAL', `A benchmark cell ended in a state this code does not handle: ${JSON.stringify(value)}.`);
}

/**
 * The partial outcome of a cell whose measuring `failure` ended after some samples: `build` makes
 * its run file from those samples, marked with the stop it is given. `before` says what ended the
 * measuring, as the messages word it ("the runner stopped", "the board stopped answering").
 */
export function partialOutcome(failure: StudioError, before: string, build: (stop: RunStop) => RunFile): PartialOutcome {
  const run = build(stopOf(failure, before));
  return { state: 'partial', run, error: keptSamplesError(failure.toData(), run), runnerLog: lastWords(failure.context) };
}

/**
 * `outcome` with its failure restated by an outer layer that knows better (the runner "crashed"
 * because the SSH link dropped; the board "stopped answering" because it restarted): the run
 * keeps its samples and records the new reason.
 */
export function restatePartial(outcome: PartialOutcome, restated: StudioError, before: string): PartialOutcome {
  const run = markPartial(outcome.run, stopOf(restated, before));
  const runnerLog = lastWords(restated.context);
  return { state: 'partial', run, error: keptSamplesError(restated.toData(), run), runnerLog: runnerLog.length > 0 ? runnerLog : outcome.runnerLog };
}

/**
 * A cell measured in repeats whose later repeat stopped (`failure`): the run `build` pools from
 * the repeats measured, partial, with the failure told over all of their samples.
 */
export function stoppedInRepeat(failure: ErrorData, runnerLog: string[], before: string, build: (stop: RunStop) => RunFile): PartialOutcome {
  const run = build({ code: failure.code, reason: sentence(failure.message), before });
  return { state: 'partial', run, error: keptSamplesError(failure, run), runnerLog };
}

/** A partial outcome's failure as it was before the sentence about its kept samples was added (to be told again over more samples). */
export function failureOf(outcome: PartialOutcome): ErrorData {
  const kept = keptSentence(outcome.run);
  const { partialSamples: _samples, partialMedianMs: _median, ...context } = outcome.error.context;
  const strip = (text: string, tail: string): string => (text.endsWith(tail) ? text.slice(0, text.length - tail.length) : text);
  const wording = outcome.error.wording;
  return {
    code: outcome.error.code,
    message: strip(outcome.error.message, kept),
    context,
    ...(outcome.error.detail !== undefined ? { detail: outcome.error.detail } : {}),
    ...(wording !== undefined ? { wording: { ...wording, template: strip(wording.template, escapeTemplate(kept)) } } : {}),
  };
}

/** A thrown error as the cell's outcome: cancelled, or failed with the runner's last words. */
export function failedOrCancelled(error: unknown): Extract<CellOutcome, { state: 'failed' | 'cancelled' }> {
  const data = toErrorData(error);
  if (data.code === 'CANCELLED') return { state: 'cancelled', error: data };
  return { state: 'failed', error: data, runnerLog: lastWords(data.context) };
}

/** The runner's last stderr lines carried in an error's context (runnerLog), blank lines dropped. */
export function lastWords(context: Record<string, string>): string[] {
  return (context.runnerLog ?? '').split('\n').filter((line) => line.trim() !== '');
}

function stopOf(failure: StudioError, before: string): RunStop {
  return { code: failure.code, reason: sentence(failure.message), before };
}

/**
 * The failure as the user reads it for a partial cell: its message plus how many samples were
 * kept and their median; the count and median also go into the context, for the UI and scripts.
 */
function keptSamplesError(failure: ErrorData, run: RunFile): ErrorData {
  const count = run.latencyMs.count;
  const medianMs = Number(run.latencyMs.median.toPrecision(3));
  const kept = keptSentence(run);
  return {
    code: failure.code,
    message: `${sentence(failure.message)}${kept}`,
    context: { ...failure.context, partialSamples: String(count), partialMedianMs: String(medianMs) },
    ...(failure.detail !== undefined ? { detail: failure.detail } : {}),
    ...(failure.wording !== undefined ? { wording: { ...failure.wording, template: `${sentence(failure.wording.template)}${escapeTemplate(kept)}` } } : {}),
  };
}

function keptSentence(run: RunFile): string {
  const count = run.latencyMs.count;
  const medianMs = Number(run.latencyMs.median.toPrecision(3));
  const before = run.stopped?.before ?? 'it stopped';
  return ` The studio kept ${count} sample${count === 1 ? '' : 's'} measured before ${before} (median ${medianMs} ms).`;
}

function sentence(text: string): string {
  return text.replace(/\.?$/, '.');
}

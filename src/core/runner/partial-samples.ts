/**
 * A benchmark that stopped mid-measure is not lost: the error that ends it carries the latencies
 * measured before (PartialSamplesError), and the code that ran the cell attaches a builder that
 * turns them into a run file. The cell's caller (the matrix) asks `partialRunOf` for that run,
 * marked 'partial' with why it stopped, and writes it like any run.
 *
 * The builder is called once the failure is final, because outer layers restate it (a runner
 * that "crashed" because the SSH link dropped is reported as the lost link; a serial board that
 * printed its boot banner restarted) and the run must record the final reason.
 */
import { StudioError } from '../../shared/errors';
import { RunFile, type RunStop, type RunWarning } from '../../shared/run-schema';
import { asSamples, median, sortSamples } from '../bench/stats';

/** Builds the run file of the kept samples as its cell would have (statistics, target, runtime, inputs). */
export type PartialRunBuilder = (samplesMs: readonly number[]) => RunFile;

/**
 * A benchmark that failed mid-measure, with the latencies measured before it failed (from the
 * runner's progress replies, or the board's pages). The samples stay out of the error's data
 * (they can be many); its context carries their count and median, and its message says they were kept.
 */
export class PartialSamplesError extends StudioError {
  private constructor(
    code: StudioError['code'],
    /** The failure itself, without the sentence about the kept samples. */
    readonly reason: string,
    context: Record<string, string>,
    /** Every latency measured before the failure, in the order measured. */
    readonly partialSamplesMs: number[],
    /** What ended the measuring, as the message words it: "the runner stopped", "the link dropped". */
    readonly before: string,
    /** Turns the samples into a run file; set by the code that ran the cell. */
    readonly buildRun: PartialRunBuilder | undefined,
  ) {
    const medianMs = Number(median(sortSamples(asSamples(partialSamplesMs))).toPrecision(3));
    const count = partialSamplesMs.length;
    super(code, `${sentence(reason)} The studio kept ${count} sample${count === 1 ? '' : 's'} measured before ${before} (median ${medianMs} ms).`, {
      ...context,
      partialSamples: String(count),
      partialMedianMs: String(medianMs),
    });
  }

  /**
   * `error` carrying these samples ("measured before <before>"); `error` itself when there are
   * none. A PartialSamplesError given again keeps its reason and run builder (and its wording
   * unless `before` is given).
   */
  static of(error: StudioError, samplesMs: readonly number[], before?: string): StudioError {
    if (samplesMs.length === 0) return error;
    if (error instanceof PartialSamplesError) {
      return new PartialSamplesError(error.code, error.reason, error.context, [...samplesMs], before ?? error.before, error.buildRun);
    }
    // An error the runner answered (the runtime failed mid-measure) leaves the runner running.
    const wording = before ?? (error.context.runnerCode !== undefined ? 'the runtime failed' : 'the runner stopped');
    return new PartialSamplesError(error.code, error.message, error.context, [...samplesMs], wording, undefined);
  }

  /**
   * `restated` (a truer account of the same failure) keeping what `original` kept: its samples
   * and its run builder. `restated` itself when `original` kept nothing.
   */
  static restate(original: unknown, restated: StudioError, before: string): StudioError {
    if (!(original instanceof PartialSamplesError)) return restated;
    const { partialSamples: _count, partialMedianMs: _median, ...context } = restated.context;
    return new PartialSamplesError(restated.code, restated.message, context, original.partialSamplesMs, before, original.buildRun);
  }

  /** `error` with the builder of its partial run attached; any other error passes unchanged. */
  static withRun(error: unknown, buildRun: PartialRunBuilder): unknown {
    if (!(error instanceof PartialSamplesError)) return error;
    return new PartialSamplesError(error.code, error.reason, error.context, error.partialSamplesMs, error.before, buildRun);
  }
}

/** The latencies a failed benchmark measured before it failed, if it measured any. */
export function partialSamplesOf(error: unknown): number[] | undefined {
  return error instanceof PartialSamplesError ? error.partialSamplesMs : undefined;
}

/** The warning every partial run carries, first among its warnings. */
export const STOPPED_EARLY_WARNING = 'stopped-early';

/**
 * The partial run file of a benchmark that stopped mid-measure: its kept samples with their
 * statistics, status 'partial', why it stopped, and never 'stable' (it has fewer runs than
 * planned, and whatever stopped it may have disturbed the last ones). Undefined when the error
 * kept no samples or its cell could not describe them as a run.
 */
export function partialRunOf(error: unknown): RunFile | undefined {
  if (!(error instanceof PartialSamplesError) || error.buildRun === undefined) return undefined;
  const stop: RunStop = { code: error.code, reason: sentence(error.reason), before: error.before };
  return markPartial(error.buildRun(error.partialSamplesMs), stop);
}

/** `run` (built from the kept samples) as the partial run it is. */
export function markPartial(run: RunFile, stop: RunStop): RunFile {
  const count = run.latencyMs.count;
  const planned = run.settings.mode === 'quick' ? `at least ${run.settings.runs} were planned` : 'report mode planned more windows';
  const warning: RunWarning = {
    code: STOPPED_EARLY_WARNING,
    message: `Measuring stopped early: ${stop.reason} These numbers cover the ${count} run${count === 1 ? '' : 's'} measured before ${stop.before} (${planned}); fix the cause and run again for a complete run.`,
  };
  return RunFile.parse({
    ...run,
    status: 'partial',
    stopped: stop,
    verdict: 'unstable',
    warnings: [warning, ...run.warnings.filter((w) => w.code !== STOPPED_EARLY_WARNING)],
  });
}

function sentence(text: string): string {
  return text.replace(/\.?$/, '.');
}

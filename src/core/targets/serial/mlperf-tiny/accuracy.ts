/**
 * MLPerf Tiny's accuracy mode: for every labeled sample, load it and run "infer 1 0%" (one
 * inference, no warmup); the answer carries "m-results-[...]" (ee_infer calls th_results), and
 * "results%" is asked when a firmware leaves it out. Top-1 is the arg-max of the scores.
 */
import { StudioError, type ErrorData } from '../../../../shared/errors';
import type { DutIdentity, MlperfTinyClient } from './dut-client';

export interface LabeledSample {
  /** Exactly the bytes the firmware's th_load_tensor() expects. */
  input: Uint8Array;
  /** The true class index. */
  label: number;
}

export interface SamplePrediction {
  index: number;
  label: number;
  /** Arg-max of the scores (the first one on a tie). */
  predicted: number;
  correct: boolean;
  scores: number[];
  /** Device time of the one inference, from the board's m-lap-us timestamps. */
  latencyMs: number;
}

export interface AccuracyResult {
  board: DutIdentity;
  samples: number;
  correct: number;
  /** correct / samples, as a fraction. */
  top1: number;
  predictions: SamplePrediction[];
}

export interface AccuracyOptions {
  /** Bound on one sample's answer. Default 30000 (the reference runner's infer timeout). */
  inferTimeoutMs?: number;
  signal?: AbortSignal;
  onSample?: (prediction: SamplePrediction, done: number, total: number) => void;
}

export type AccuracyOutcome =
  | { state: 'completed'; result: AccuracyResult }
  | { state: 'interrupted'; error: ErrorData; board: DutIdentity; predictions: SamplePrediction[] };

export function argMax(scores: number[]): number {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  scores.forEach((score, index) => {
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return best;
}

export async function runAccuracy(client: MlperfTinyClient, samples: LabeledSample[], options: AccuracyOptions = {}): Promise<AccuracyOutcome> {
  if (samples.length === 0) throw new StudioError('BAD_INPUT', `Accuracy on ${client.port} needs at least one labeled sample; the dataset given is empty.`, { port: client.port });
  const board = client.identity ?? (await client.identify());
  const predictions: SamplePrediction[] = [];
  try {
    for (const [index, sample] of samples.entries()) {
      if (options.signal?.aborted) throw new StudioError('CANCELLED', `The MLPerf Tiny accuracy run on ${client.port} was cancelled after ${index} samples; their predictions are kept.`, { port: client.port });
      await client.loadInput(sample.input);
      const reply = await client.infer(1, 0, options.inferTimeoutMs ?? 30_000);
      const scores = reply.results ?? (await client.results());
      if (scores.length === 0) throw new StudioError('DEVICE', `The board on ${client.port} printed an empty result vector for sample ${index}: check its th_results().`, { port: client.port, sample: String(index) });
      const predicted = argMax(scores);
      const prediction = { index, label: sample.label, predicted, correct: predicted === sample.label, scores, latencyMs: reply.elapsedUs / 1000 };
      predictions.push(prediction);
      options.onSample?.(prediction, predictions.length, samples.length);
    }
  } catch (error) {
    const data: ErrorData =
      error instanceof StudioError ? error.toData() : { code: 'INTERNAL', message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`, context: { port: client.port } };
    return { state: 'interrupted', error: data, board, predictions };
  }
  const correct = predictions.filter((p) => p.correct).length;
  return { state: 'completed', result: { board, samples: predictions.length, correct, top1: correct / predictions.length, predictions } };
}

/**
 * Accuracy and fidelity metrics over model outputs. Outputs are one flat array per model,
 * sample after sample, `width` scores (logits or probabilities) per sample. Accuracies are
 * fractions 0..1. Pure functions: no I/O, no runtime.
 */
import { StudioError } from '../../shared/errors';

export const NO_LABELS_NOTE =
  'This dataset has no labels: accuracy cannot be measured, fidelity against the float model still can.';
export const NO_SAMPLES_NOTE =
  'This dataset has no samples: nothing can be measured. Import samples into it, or choose another dataset.';

function sampleCount(values: ArrayLike<number>, width: number, what: string): number {
  if (!Number.isInteger(width) || width <= 0 || values.length % width !== 0) {
    throw new StudioError(
      'BAD_INPUT',
      `The ${what} hold ${values.length} values, not a whole number of samples of width ${width}; check the model's output shape.`,
      { width: String(width) },
    );
  }
  return values.length / width;
}

function checkLabels(labels: ArrayLike<number>, samples: number): void {
  if (labels.length !== samples) {
    throw new StudioError('BAD_INPUT', `There are ${samples} output rows but ${labels.length} labels; give one label per sample.`);
  }
}

/** Index of the largest score per sample (the first one on ties). */
export function argmaxRows(values: ArrayLike<number>, width: number): Int32Array {
  const samples = sampleCount(values, width, 'outputs');
  const out = new Int32Array(samples);
  for (let s = 0; s < samples; s++) {
    let best = 0;
    for (let j = 1; j < width; j++) if ((values[s * width + j] as number) > (values[s * width + best] as number)) best = j;
    out[s] = best;
  }
  return out;
}

/**
 * Fraction of samples whose label is among the k highest scores, k = min(k, width).
 * A score tied with the label's counts against it only when it comes earlier in the row
 * (the same order argmax uses), so top-1 here equals argmax accuracy.
 */
export function topKAccuracy(values: ArrayLike<number>, width: number, labels: ArrayLike<number>, k: number): number {
  const samples = sampleCount(values, width, 'outputs');
  checkLabels(labels, samples);
  if (samples === 0) return 0;
  const kk = Math.min(k, width);
  let hits = 0;
  for (let s = 0; s < samples; s++) {
    const label = labels[s] as number;
    if (label < 0 || label >= width) continue;
    const score = values[s * width + label] as number;
    let better = 0;
    for (let j = 0; j < width && better < kk; j++) {
      const v = values[s * width + j] as number;
      if (v > score || (v === score && j < label)) better++;
    }
    if (better < kk) hits++;
  }
  return hits / samples;
}

export function top1(values: ArrayLike<number>, width: number, labels: ArrayLike<number>): number {
  return topKAccuracy(values, width, labels, 1);
}

/** Top-5 accuracy, with k = min(5, width) so a model with fewer classes still gets a value. */
export function top5(values: ArrayLike<number>, width: number, labels: ArrayLike<number>): number {
  return topKAccuracy(values, width, labels, 5);
}

/** counts[label][prediction]: rows are true classes, columns predicted classes. */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, classCount: number): number[][] {
  checkLabels(labels, predictions.length);
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let s = 0; s < predictions.length; s++) {
    const row = matrix[labels[s] as number];
    const p = predictions[s] as number;
    if (row && p >= 0 && p < classCount) row[p] = (row[p] as number) + 1;
  }
  return matrix;
}

export interface ClassAccuracy {
  className: string;
  /** Samples whose true class is this one. */
  samples: number;
  /** Fraction of them predicted right; null when the class has no samples. */
  accuracy: number | null;
}

export function perClassAccuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>, classes: readonly string[]): ClassAccuracy[] {
  checkLabels(labels, predictions.length);
  const totals = new Array<number>(classes.length).fill(0);
  const right = new Array<number>(classes.length).fill(0);
  for (let s = 0; s < labels.length; s++) {
    const label = labels[s] as number;
    if (label < 0 || label >= classes.length) continue;
    totals[label] = (totals[label] as number) + 1;
    if (predictions[s] === label) right[label] = (right[label] as number) + 1;
  }
  return classes.map((className, c) => ({
    className,
    samples: totals[c] as number,
    accuracy: totals[c] ? (right[c] as number) / (totals[c] as number) : null,
  }));
}

function checkPair(reference: ArrayLike<number>, test: ArrayLike<number>): void {
  if (reference.length !== test.length) {
    throw new StudioError(
      'BAD_INPUT',
      `The reference outputs hold ${reference.length} values but the compared outputs hold ${test.length}; compare outputs of the same samples and output.`,
    );
  }
}

/**
 * A model with one score per sample (voice activity, a wake word: a sigmoid or a logit) has no
 * argmax to read, since the argmax of one value is class 0 for every sample. Its score is class
 * 1's: class 1 when the score reaches 0.5 if every score is a probability in [0, 1], else when it
 * reaches 0 (a logit's sign, the same boundary before the sigmoid).
 */
export function scoreThreshold(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= 0 && v <= 1)) return 0;
  }
  return 0.5;
}

/** Class per sample of one-score outputs: 1 where the score reaches `threshold`, else 0. */
export function thresholdRows(values: ArrayLike<number>, threshold: number): Int32Array {
  return Int32Array.from({ length: values.length }, (_, i) => ((values[i] as number) >= threshold ? 1 : 0));
}

/** The sentence saying how one-score outputs were read, naming class 1. */
export function scoreRuleNote(threshold: number, classes: readonly string[]): string {
  const positive = classes[1] !== undefined ? `'${classes[1]}'` : 'class 1';
  return threshold === 0.5
    ? `The model gives one score per sample, a probability: a sample counts as ${positive} when it is at least 0.5.`
    : `The model gives one score per sample, outside [0, 1] so read as a logit: a sample counts as ${positive} when it is at least 0.`;
}

/** Fraction of samples where both models' top-1 classes agree (no labels needed); one-score outputs are thresholded by the reference's rule. */
export function top1Agreement(reference: ArrayLike<number>, test: ArrayLike<number>, width: number): number {
  checkPair(reference, test);
  const threshold = width === 1 ? scoreThreshold(reference) : null;
  const a = threshold === null ? argmaxRows(reference, width) : thresholdRows(reference, threshold);
  const b = threshold === null ? argmaxRows(test, width) : thresholdRows(test, threshold);
  if (a.length === 0) return 0;
  let same = 0;
  for (let s = 0; s < a.length; s++) if (a[s] === b[s]) same++;
  return same / a.length;
}

/**
 * Mean over samples of cos(reference row, test row). Two all-zero rows count as 1 (identical);
 * one all-zero row against a non-zero one counts as 0.
 */
export function meanCosineSimilarity(reference: ArrayLike<number>, test: ArrayLike<number>, width: number): number {
  checkPair(reference, test);
  const samples = sampleCount(reference, width, 'reference outputs');
  if (samples === 0) return 0;
  let total = 0;
  for (let s = 0; s < samples; s++) {
    let dot = 0;
    let rr = 0;
    let tt = 0;
    for (let j = s * width; j < (s + 1) * width; j++) {
      const r = reference[j] as number;
      const t = test[j] as number;
      dot += r * t;
      rr += r * r;
      tt += t * t;
    }
    total += rr === 0 && tt === 0 ? 1 : rr === 0 || tt === 0 ? 0 : dot / Math.sqrt(rr * tt);
  }
  return total / samples;
}

/**
 * Signal-to-quantization-noise ratio in dB: 10·log10(Σ ref² / Σ (ref − test)²) over all values.
 * Returns null when the outputs are identical (no noise: the ratio is infinite, which JSON cannot
 * carry). A zero reference with non-zero noise gives a very large negative number, not −Infinity.
 */
export function sqnrDb(reference: ArrayLike<number>, test: ArrayLike<number>): number | null {
  checkPair(reference, test);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number;
    const d = r - (test[i] as number);
    signal += r * r;
    noise += d * d;
  }
  if (noise === 0) return null;
  return 10 * Math.log10(Math.max(signal, Number.MIN_VALUE) / noise);
}

/** Largest |reference − test| over all values (0 for empty outputs). */
export function maxAbsError(reference: ArrayLike<number>, test: ArrayLike<number>): number {
  checkPair(reference, test);
  let max = 0;
  for (let i = 0; i < reference.length; i++) max = Math.max(max, Math.abs((reference[i] as number) - (test[i] as number)));
  return max;
}

export interface FidelityMetrics {
  /** Fraction of samples with the same top-1 class as the reference (float) model. */
  agreement: number;
  /** Mean cosine similarity of output rows, −1..1. */
  cosine: number;
  /** SQNR in dB; null means identical outputs (infinite SQNR). */
  sqnrDb: number | null;
  maxAbsError: number;
}

export function fidelityMetrics(reference: ArrayLike<number>, test: ArrayLike<number>, width: number): FidelityMetrics {
  return {
    agreement: top1Agreement(reference, test, width),
    cosine: meanCosineSimilarity(reference, test, width),
    sqnrDb: sqnrDb(reference, test),
    maxAbsError: maxAbsError(reference, test),
  };
}

export interface EvaluationInput {
  /** The evaluated model's outputs, `width` per sample. */
  outputs: ArrayLike<number>;
  width: number;
  /** Class index per sample, or null for an unlabeled dataset. */
  labels: ArrayLike<number> | null;
  classes: readonly string[];
  /** The float parent's outputs on the same samples, for fidelity. */
  reference?: ArrayLike<number>;
}

export interface EvaluationSummary {
  samples: number;
  /** Fractions 0..1; null when the dataset has no labels or no samples. */
  top1: number | null;
  top5: number | null;
  /** The k used for top5: min(5, width). */
  topK: number;
  perClass: ClassAccuracy[] | null;
  /** counts[true class][predicted class], classCount × classCount; null without labels. */
  confusion: number[][] | null;
  /** Null when no reference outputs were given. */
  fidelity: FidelityMetrics | null;
  /** Sentences for the user, e.g. why accuracy is missing. */
  notes: string[];
}

export function evaluationSummary(input: EvaluationInput): EvaluationSummary {
  const { outputs, width, labels, classes, reference } = input;
  const samples = sampleCount(outputs, width, 'outputs');
  const notes: string[] = [];
  if (samples === 0) notes.push(NO_SAMPLES_NOTE);
  else if (!labels) notes.push(NO_LABELS_NOTE);
  const summary: EvaluationSummary = {
    samples,
    top1: null,
    top5: null,
    topK: Math.min(5, width),
    perClass: null,
    confusion: null,
    fidelity: reference && samples > 0 ? fidelityMetrics(reference, outputs, width) : null,
    notes,
  };
  if (!labels || samples === 0) return summary;
  checkLabels(labels, samples);
  const threshold = width === 1 ? scoreThreshold(outputs) : null;
  const predictions = threshold === null ? argmaxRows(outputs, width) : thresholdRows(outputs, threshold);
  let classCount = Math.max(classes.length, width, threshold === null ? 0 : 2);
  for (let s = 0; s < labels.length; s++) classCount = Math.max(classCount, (labels[s] as number) + 1);
  if (threshold === null) {
    summary.top1 = top1(outputs, width, labels);
    summary.top5 = top5(outputs, width, labels);
  } else {
    let right = 0;
    for (let s = 0; s < samples; s++) if (predictions[s] === labels[s]) right++;
    // One score picks one class: there is no second guess for a top-k.
    summary.top1 = right / samples;
    summary.top5 = summary.top1;
    summary.topK = 1;
    notes.push(scoreRuleNote(threshold, classes));
  }
  summary.perClass = perClassAccuracy(predictions, labels, classes);
  summary.confusion = confusionMatrix(predictions, labels, classCount);
  return summary;
}

import { describe, expect, it } from 'vitest';
import {
  argmaxRows,
  confusionMatrix,
  evaluationSummary,
  fidelityMetrics,
  maxAbsError,
  meanCosineSimilarity,
  NO_LABELS_NOTE,
  NO_SAMPLES_NOTE,
  perClassAccuracy,
  scoreThreshold,
  sqnrDb,
  top1,
  top1Agreement,
  top5,
  topKAccuracy,
} from '../../../src/core/eval/metrics';

// Four samples, three classes. Predictions (argmax, first on ties): 1, 0, 2, 0.
const outputs = Float32Array.of(0.1, 0.7, 0.2, /**/ 0.5, 0.3, 0.2, /**/ 0.2, 0.2, 0.6, /**/ 0.9, 0.05, 0.05);
const labels = Int32Array.of(1, 2, 0, 0);

describe('accuracy', () => {
  it('top-1, top-k and top-5 with k capped at the number of classes', () => {
    expect(Array.from(argmaxRows(outputs, 3))).toEqual([1, 0, 2, 0]);
    expect(top1(outputs, 3, labels)).toBe(0.5);
    // Sample 2: its label (class 0, 0.2) ties class 1, which comes later, so only 0.6 beats it: in the top 2.
    expect(topKAccuracy(outputs, 3, labels, 2)).toBe(0.75);
    expect(top5(outputs, 3, labels)).toBe(1);
  });

  it('per-class accuracy, with null for a class that has no samples', () => {
    expect(perClassAccuracy(argmaxRows(outputs, 3), labels, ['a', 'b', 'c', 'd'])).toEqual([
      { className: 'a', samples: 2, accuracy: 0.5 },
      { className: 'b', samples: 1, accuracy: 1 },
      { className: 'c', samples: 1, accuracy: 0 },
      { className: 'd', samples: 0, accuracy: null },
    ]);
  });

  it('confusion matrix: rows are true classes, columns predictions', () => {
    expect(confusionMatrix(argmaxRows(outputs, 3), labels, 3)).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('refuses outputs that are not whole rows and label counts that differ', () => {
    expect(() => top1(Float32Array.of(1, 2, 3, 4, 5), 3, labels)).toThrow(/5 values, not a whole number of samples of width 3/);
    expect(() => top1(outputs, 3, Int32Array.of(0))).toThrow(/4 output rows but 1 labels/);
  });
});

describe('fidelity', () => {
  const reference = Float32Array.of(1, 2, 3, /**/ 0, 0, 1);
  const test = Float32Array.of(1, 2, 2, /**/ 0, 0, 2);

  it('agreement, cosine, SQNR and max abs error on a hand-computed case', () => {
    expect(top1Agreement(reference, test, 3)).toBe(0.5); // row 0: 2 vs 1 (first of the tie); row 1: 2 vs 2
    // row 0: 11 / √(14·9); row 1: 2 / √(1·4) = 1
    expect(meanCosineSimilarity(reference, test, 3)).toBeCloseTo((11 / Math.sqrt(126) + 1) / 2, 6);
    // signal 14 + 1 = 15, noise 1 + 1 = 2: 10·log10(7.5)
    expect(sqnrDb(reference, test)).toBeCloseTo(8.750613, 5);
    expect(maxAbsError(reference, test)).toBe(1);
  });

  it('identical outputs: SQNR null (infinite), cosine 1, error 0; zero rows are handled', () => {
    expect(fidelityMetrics(reference, reference, 3)).toEqual({ agreement: 1, cosine: 1, sqnrDb: null, maxAbsError: 0 });
    expect(meanCosineSimilarity(Float32Array.of(0, 0), Float32Array.of(0, 0), 2)).toBe(1);
    expect(meanCosineSimilarity(Float32Array.of(0, 0), Float32Array.of(1, 0), 2)).toBe(0);
    expect(sqnrDb(Float32Array.of(0, 0), Float32Array.of(1, 0))).toBeLessThan(-3000);
  });

  it('refuses outputs of different lengths', () => {
    expect(() => sqnrDb(reference, Float32Array.of(1))).toThrow(/6 values but the compared outputs hold 1/);
  });
});

describe('evaluationSummary', () => {
  it('reports accuracy with labels and fidelity with a reference', () => {
    const summary = evaluationSummary({ outputs, width: 3, labels, classes: ['a', 'b', 'c'], reference: outputs });
    expect(summary).toMatchObject({ samples: 4, top1: 0.5, top5: 1, topK: 3, notes: [] });
    expect(summary.confusion?.[0]).toEqual([1, 0, 1]);
    expect(summary.perClass?.map((c) => c.accuracy)).toEqual([0.5, 1, 0]);
    expect(summary.fidelity).toEqual({ agreement: 1, cosine: expect.closeTo(1, 6), sqnrDb: null, maxAbsError: 0 });
  });

  it('without labels: accuracy null and a note that fidelity is still available', () => {
    const summary = evaluationSummary({ outputs, width: 3, labels: null, classes: [] });
    expect(summary).toMatchObject({ top1: null, top5: null, perClass: null, confusion: null, fidelity: null, notes: [NO_LABELS_NOTE] });
    expect(NO_LABELS_NOTE).toBe('This dataset has no labels: accuracy cannot be measured, fidelity against the float model still can.');
  });

  it('an empty dataset measures nothing and says so', () => {
    const summary = evaluationSummary({ outputs: new Float32Array(0), width: 10, labels: new Int32Array(0), classes: [] });
    expect(summary).toMatchObject({ samples: 0, top1: null, fidelity: null, notes: [NO_SAMPLES_NOTE] });
  });

  it('sizes the confusion matrix to cover classes, outputs and labels', () => {
    const summary = evaluationSummary({ outputs: Float32Array.of(1, 0), width: 2, labels: Int32Array.of(3), classes: ['a'] });
    expect(summary.confusion).toHaveLength(4);
    expect(summary.confusion?.[3]).toEqual([1, 0, 0, 0]);
    expect(summary.top1).toBe(0);
  });
});

describe('one score per sample (a voice-activity or wake-word probability)', () => {
  const classes = ['no-speech', 'speech'];
  const labels2 = Int32Array.of(1, 1, 0, 0, 1);

  it('reads the score as class 1 from 0.5 on, not as an argmax that is class 0 for every sample', () => {
    const scores = Float32Array.of(0.9, 0.5, 0.49, 0.1, 0.2);
    const summary = evaluationSummary({ outputs: scores, width: 1, labels: labels2, classes });
    // Right: 0.9→speech, 0.5→speech, 0.49→no-speech, 0.1→no-speech; wrong: 0.2 (speech).
    expect(summary).toMatchObject({ top1: 0.8, top5: 0.8, topK: 1 });
    expect(summary.confusion).toEqual([
      [2, 0],
      [1, 2],
    ]);
    expect(summary.perClass?.map((c) => [c.className, c.accuracy])).toEqual([
      ['no-speech', 1],
      ['speech', 2 / 3],
    ]);
    expect(summary.notes).toContain("The model gives one score per sample, a probability: a sample counts as 'speech' when it is at least 0.5.");
  });

  it('a score outside [0, 1] is a logit: its sign decides', () => {
    const logits = Float32Array.of(2.5, 0, -0.1, -3, -0.5);
    expect(scoreThreshold(logits)).toBe(0);
    const summary = evaluationSummary({ outputs: logits, width: 1, labels: labels2, classes });
    expect(summary.top1).toBe(0.8);
    expect(summary.notes.some((note) => note.includes('read as a logit'))).toBe(true);
  });

  it('agreement compares the decisions, by the reference\'s rule, so two models that differ in decisions do not agree 100 %', () => {
    const reference = Float32Array.of(0.9, 0.6, 0.4, 0.1);
    const test = Float32Array.of(0.8, 0.45, 0.55, 0.05);
    expect(top1Agreement(reference, test, 1)).toBe(0.5);
    expect(fidelityMetrics(reference, reference, 1).agreement).toBe(1);
  });
});

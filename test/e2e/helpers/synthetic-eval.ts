/**
 * An evaluation record with a made-up top-1 accuracy (synthetic, and its notes say which test
 * wrote it), for e2e tests that check how the UI draws accuracy rather than what a model scores.
 */
import type { ModelEntry } from '../../../src/shared/contract';
import { EvalRecord } from '../../../src/shared/eval-schema';

/** The record evaluating `model` on demo-digits; with a reference, the agreement with it is `top1` too. */
export function syntheticEvalRecord(model: ModelEntry, top1: number, writtenBy: string, reference: ModelEntry | null = null): EvalRecord {
  return EvalRecord.parse({
    schema: 'edgebench.eval/1',
    modelId: model.id,
    datasetId: 'demo-digits',
    referenceId: reference?.id ?? null,
    createdAt: '2026-12-01T10:00:00.000Z',
    result: {
      model: model.name,
      runtime: 'onnxruntime',
      samples: 1000,
      top1,
      top5: null,
      topK: 5,
      perClass: null,
      confusion: null,
      reference: reference?.name ?? null,
      agreement: reference ? top1 : null,
      cosine: null,
      sqnrDb: null,
      maxAbsError: null,
      outputName: 'synthetic',
      width: 10,
      layout: 'NCHW',
      inputShape: [1, 1, 28, 28],
      inferMs: 1,
      notes: [`synthetic: written by ${writtenBy}`],
    },
  });
}

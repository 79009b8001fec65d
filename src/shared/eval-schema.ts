import { z } from 'zod';
import { RuntimeName } from './run-schema';

/** Accuracy and fidelity of one model on one dataset. Fractions are 0..1. */
export const EvalResult = z.object({
  model: z.string(),
  runtime: RuntimeName,
  samples: z.number().int(),
  /** null without labels. */
  top1: z.number().nullable(),
  top5: z.number().nullable(),
  /** The k of top5: min(5, classes). */
  topK: z.number().int(),
  perClass: z.array(z.object({ className: z.string(), samples: z.number().int(), accuracy: z.number().nullable() })).nullable(),
  /** Rows are true classes, columns predicted classes; null without labels. */
  confusion: z.array(z.array(z.number().int())).nullable(),
  /** The reference model's name; null when there is none. */
  reference: z.string().nullable(),
  /** Against the reference (float) model; null for the reference itself or without one. */
  agreement: z.number().nullable(),
  cosine: z.number().nullable(),
  /** Signal-to-quantization-noise ratio in dB; null when identical to the reference or without one. */
  sqnrDb: z.number().nullable(),
  maxAbsError: z.number().nullable(),
  /** The output compared, values per sample, and how samples were fed. */
  outputName: z.string(),
  width: z.number().int(),
  layout: z.enum(['NCHW', 'NHWC']),
  inputShape: z.array(z.number().int()),
  /** Time spent in inference for the whole dataset. */
  inferMs: z.number(),
  notes: z.array(z.string()),
});
export type EvalResult = z.infer<typeof EvalResult>;

/** One stored evaluation: the latest result of a model on a dataset (workspace evals/). */
export const EvalRecord = z.object({
  schema: z.literal('edgebench.eval/1'),
  modelId: z.string(),
  datasetId: z.string(),
  /** The model the fidelity figures compare against, if any. */
  referenceId: z.string().nullable(),
  createdAt: z.string(),
  result: EvalResult,
});
export type EvalRecord = z.infer<typeof EvalRecord>;

export const LayerSqnr = z.object({ tensor: z.string(), node: z.string(), opType: z.string(), sqnrDb: z.number() });
export type LayerSqnr = z.infer<typeof LayerSqnr>;

/** Whether a model can take a dataset (its format has a runtime that evaluates, the samples fit its inputs); if not, why. */
export const EvalCheck = z.object({
  modelId: z.string(),
  evaluable: z.boolean(),
  /** One sentence naming the model and what to do; null when evaluable. */
  reason: z.string().nullable(),
});
export type EvalCheck = z.infer<typeof EvalCheck>;

/** A model asked for that was not evaluated: the dataset does not fit it, or its runner failed. */
export const EvalSkipped = z.object({ modelId: z.string(), reason: z.string() });
export type EvalSkipped = z.infer<typeof EvalSkipped>;

/** What an evaluation did: a record per model evaluated (in the order asked), and the models skipped with the reason. */
export const EvalRunResult = z.object({ records: z.array(EvalRecord), skipped: z.array(EvalSkipped) });
export type EvalRunResult = z.infer<typeof EvalRunResult>;

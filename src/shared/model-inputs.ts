/**
 * What a user says about a model's inputs: sizes for its symbolic dims and constant values. The
 * same three records come from CLI flags (--shape, --dim, --value), from a run's settings, and
 * from the sizes saved once per model in the workspace (models/<id>/inputs.json).
 */
import { z } from 'zod';

export const GivenInputs = z.object({
  /** Full shapes by input name (--shape NAME=1x3x224x224). */
  shapes: z.record(z.string(), z.array(z.number().int().min(0))).default({}),
  /** Sizes of named symbolic dims, for every input that has the dim (--dim NAME=SIZE). */
  dims: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Constant values by input name: every element takes the value (--value NAME=16000). */
  values: z.record(z.string(), z.number()).default({}),
});
export type GivenInputs = z.infer<typeof GivenInputs>;

export const NO_GIVEN_INPUTS: GivenInputs = { shapes: {}, dims: {}, values: {} };

export function isEmptyGivenInputs(given: GivenInputs): boolean {
  return Object.keys(given.shapes).length === 0 && Object.keys(given.dims).length === 0 && Object.keys(given.values).length === 0;
}

export const MODEL_INPUTS_SCHEMA = 'edgebench.inputs/1';
export const MODEL_INPUTS_FILE = 'inputs.json';

/** models/<id>/inputs.json as written (atomically) by the studio and `edgebench inputs set`. */
export const StoredModelInputs = GivenInputs.extend({
  schema: z.literal(MODEL_INPUTS_SCHEMA),
  updatedAt: z.string(),
});
export type StoredModelInputs = z.infer<typeof StoredModelInputs>;

/** The saved inputs a model's runs use, as the model list carries them. */
export const SavedInputs = GivenInputs.extend({
  updatedAt: z.string(),
  /** The model whose inputs.json holds them: the model itself, or for a variant without its own, its float parent. */
  fromModelId: z.string(),
});
export type SavedInputs = z.infer<typeof SavedInputs>;

/**
 * What a quantization variant is made from: the recipe (validated with zod, so the CLI and the
 * contract can share it), the calibration feeds and what comes back. Only zod is imported
 * here, so the schema can move to src/shared unchanged if the contract wants it.
 */
import { z } from 'zod';

export const QuantMode = z.enum(['dynamic', 'static', 'fp16']);
export type QuantMode = z.infer<typeof QuantMode>;

export const CalibrationMethod = z.enum(['minmax', 'percentile', 'entropy']);
export type CalibrationMethod = z.infer<typeof CalibrationMethod>;

/** onnxruntime's default for its Percentile calibrator. */
export const DEFAULT_PERCENTILE = 99.999;

export const QuantRecipe = z
  .object({
    /** dynamic: int8 weights, activations quantized at run time; static: int8 QDQ from calibration; fp16: float16 weights and compute. */
    mode: QuantMode,
    /** How static mode turns calibration activations into ranges; default minmax. */
    method: CalibrationMethod.optional(),
    /** Percentile of |x| (symmetric) or of x, cut evenly from both tails (asymmetric), for method percentile. */
    percentile: z.number().gt(0).lte(100).optional(),
    /** One scale per output channel for Conv/Gemm/MatMul weights instead of one per tensor. */
    perChannel: z.boolean().default(false),
    /** Static mode: int8 activations with zero point 0 instead of asymmetric uint8. */
    activationSymmetric: z.boolean().default(false),
    /** Node names or op types left in float. */
    exclude: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .superRefine((recipe, ctx) => {
    if (recipe.method !== undefined && recipe.mode !== 'static') {
      ctx.addIssue({ code: 'custom', path: ['method'], message: `method '${recipe.method}' only applies to mode 'static' (this recipe is '${recipe.mode}'); remove it or use mode 'static'.` });
    }
    if (recipe.percentile !== undefined && recipe.method !== 'percentile') {
      ctx.addIssue({ code: 'custom', path: ['percentile'], message: `percentile ${recipe.percentile} only applies to method 'percentile'; remove it or set method 'percentile'.` });
    }
    if (recipe.activationSymmetric && recipe.mode !== 'static') {
      ctx.addIssue({ code: 'custom', path: ['activationSymmetric'], message: `activationSymmetric only applies to mode 'static' (this recipe is '${recipe.mode}').` });
    }
  });
export type QuantRecipe = z.infer<typeof QuantRecipe>;
/** A recipe as a caller may write it (defaults omitted). */
export type QuantRecipeInput = z.input<typeof QuantRecipe>;

/** One float32 tensor of one calibration feed. */
export interface CalibrationTensor {
  dims: number[];
  data: Float32Array;
}

/** Calibration (or comparison) feeds, one per sample, keyed by model input name. */
export interface CalibrationData {
  inputs: Array<Record<string, CalibrationTensor>>;
}

export interface SkippedNode {
  node: string;
  opType: string;
  /** A sentence saying why the node stays in float. */
  reason: string;
}

export interface QuantResult {
  /** The variant's ONNX bytes. */
  bytes: Uint8Array;
  /** Names of the nodes that now run quantized (int8) or in float16, in graph order. */
  quantizedNodes: string[];
  /** Nodes that touch float tensors but stay float, in graph order. */
  skipped: SkippedNode[];
  /** The recipe with its defaults filled in (method, percentile). */
  recipe: QuantRecipe;
  calibrationSamples: number;
}

/** Fills the defaults a recipe leaves implicit, so the stored recipe re-creates the same bytes. */
export function normalizeRecipe(recipe: QuantRecipe): QuantRecipe {
  if (recipe.mode !== 'static') return { ...recipe };
  const method = recipe.method ?? 'minmax';
  return method === 'percentile' ? { ...recipe, method, percentile: recipe.percentile ?? DEFAULT_PERCENTILE } : { ...recipe, method };
}

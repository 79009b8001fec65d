/**
 * Variants: models made from another model (quantized here, or imported and linked), with the
 * recipe that re-creates them. Only zod: the contract, the CLI and the engine share it.
 */
import { z } from 'zod';

export const QuantMode = z.enum(['dynamic', 'static', 'fp16']);
export type QuantMode = z.infer<typeof QuantMode>;

export const CalibrationMethod = z.enum(['minmax', 'percentile', 'entropy']);
export type CalibrationMethod = z.infer<typeof CalibrationMethod>;

/**
 * int8 weight range: full (8 bits, -127..127) or reduced (7 bits, -64..64). onnxruntime's u8s8
 * kernels on x86 without VNNI (AVX2, AVX-512 without VNNI) add pairs of products in saturating
 * 16-bit sums, which full-range weights overflow; 'auto' picks reduced for such a CPU and full
 * elsewhere, and the variant's stored recipe records which it picked.
 */
export const WeightRange = z.enum(['auto', 'full', 'reduced']);
export type WeightRange = z.infer<typeof WeightRange>;

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
    /** int8 modes: full or 7-bit weights, or 'auto' for the CPU that will run the variant (see WeightRange). */
    weightRange: WeightRange.default('auto'),
  })
  .strict()
  .superRefine((recipe, ctx) => {
    if (recipe.method !== undefined && recipe.mode !== 'static') {
      ctx.addIssue({ code: 'custom', path: ['method'], message: `method '${recipe.method}' only applies to mode 'static' (this recipe is '${recipe.mode}'); remove it or use mode 'static'.` });
    }
    if (recipe.percentile !== undefined && recipe.method !== 'percentile') {
      ctx.addIssue({ code: 'custom', path: ['percentile'], message: `percentile ${recipe.percentile} only applies to method 'percentile'; remove it or set method 'percentile'.` });
    }
    if (recipe.weightRange !== 'auto' && recipe.mode === 'fp16') {
      ctx.addIssue({ code: 'custom', path: ['weightRange'], message: `weightRange '${recipe.weightRange}' only applies to the int8 modes (this recipe is 'fp16'); remove it.` });
    }
    if (recipe.activationSymmetric && recipe.mode !== 'static') {
      ctx.addIssue({ code: 'custom', path: ['activationSymmetric'], message: `activationSymmetric only applies to mode 'static' (this recipe is '${recipe.mode}').` });
    }
  });
export type QuantRecipe = z.infer<typeof QuantRecipe>;
/** A recipe as a caller may write it (defaults omitted). */
export type QuantRecipeInput = z.input<typeof QuantRecipe>;

/** How a variant came to be, stored in its model entry. */
export const VariantOrigin = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('quantized'),
    parentId: z.string(),
    recipe: QuantRecipe,
    /** The calibration set (static mode): dataset id, content hash and samples used. */
    calibration: z.object({ datasetId: z.string(), sha256: z.string(), samples: z.number().int() }).nullable(),
    quantizedNodes: z.number().int(),
    skipped: z.array(z.object({ node: z.string(), opType: z.string(), reason: z.string() })),
    /** Set when the variant imports a newer opset than its parent (raised so the int8 ops exist). */
    opset: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
    /** Choices the recipe did not spell out (opset raised, per-tensor weights, 7-bit weights), one sentence each. */
    notes: z.array(z.string()).default([]),
  }),
  z.object({
    /** Made elsewhere (e.g. a TFLite int8 export) and linked to its float model by the user. */
    kind: z.literal('linked'),
    parentId: z.string(),
  }),
]);
export type VariantOrigin = z.infer<typeof VariantOrigin>;

/** A short label for lists: "int8 static (entropy, per-channel)", "fp16", "int8 dynamic". */
export function recipeLabel(recipe: QuantRecipe): string {
  if (recipe.mode === 'fp16') return 'fp16';
  const details = [
    recipe.mode === 'static' ? (recipe.method ?? 'minmax') : null,
    recipe.perChannel ? 'per-channel' : null,
    recipe.exclude.length > 0 ? `${recipe.exclude.length} excluded` : null,
  ].filter((part): part is string => part !== null);
  return `int8 ${recipe.mode}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

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
 * elsewhere, judged on the CPU the variant is made for (a target's probe; default this
 * computer), and the variant's stored recipe records which it picked (its origin, for which CPU).
 */
export const WeightRange = z.enum(['auto', 'full', 'reduced']);
export type WeightRange = z.infer<typeof WeightRange>;

/**
 * x86 CPU flags (as /proc/cpuinfo spells them) of int8 dot products that sum u8×s8 products into
 * int32 without an intermediate saturating int16 (VPDPBUSD, AMX tiles).
 */
export const VNNI_FEATURES: readonly string[] = ['avx512_vnni', 'avx_vnni', 'amx_int8'];
const X86_ARCHES = new Set(['x64', 'x86_64', 'amd64', 'ia32', 'x86', 'i386', 'i686']);

/** Node's (x64, ia32) or uname's (x86_64, i686) spelling of an x86 CPU. */
export function isX86Arch(arch: string): boolean {
  return X86_ARCHES.has(arch.toLowerCase());
}

export function hasVnni(cpuFeatures: readonly string[]): boolean {
  return cpuFeatures.some((feature) => VNNI_FEATURES.includes(feature));
}

/** The CPU weight range 'auto' was resolved for, stored with the variant and shown in the Variants list. */
export const MadeFor = z.object({
  /** The studio's target id ('local' for This computer); absent for a variant the CLI made. */
  targetId: z.string().optional(),
  /** The target's name: "This computer", "Raspberry Pi 5", "pi@192.168.1.20". */
  label: z.string(),
  /** Its architecture as probed (x64, arm64, aarch64...); null when it had not been probed. */
  arch: z.string().nullable(),
  /** Whether it has VNNI; false on a CPU that is not x86; null when unknown (not probed, or x86 without known flags). */
  vnni: z.boolean().nullable(),
});
export type MadeFor = z.infer<typeof MadeFor>;

/** What a target's probe says about the CPU a variant is made for. */
export interface TargetCpu {
  /** The target's name, for sentences. */
  label: string;
  /** Probed architecture; null when the target has not been probed. */
  arch: string | null;
  /** Probed inference-relevant CPU flags; empty when unknown. */
  cpuFeatures: readonly string[];
}

/** Why 'auto' chose what it chose. */
export type AutoRangeBasis = 'x86-vnni' | 'x86-no-vnni' | 'x86-unknown-flags' | 'not-x86' | 'not-probed';

export interface AutoWeightRange {
  range: 'full' | 'reduced';
  basis: AutoRangeBasis;
  /** The reason as a clause: "Lab PC is x86 without VNNI". */
  why: string;
  madeFor: MadeFor;
}

/**
 * What weight range 'auto' gives for a CPU: 7-bit on x86 without VNNI, and wherever the CPU is
 * not known (a target not probed yet, x86 without flags), since 7-bit weights are safe
 * everywhere and full-range ones are not; full range with VNNI and on CPUs that are not x86 (see
 * src/core/quantize/weight-range.ts for why Arm does not saturate). The one rule the engine, the
 * CLI and the Variants form's preview share.
 */
export function autoWeightRange(cpu: TargetCpu): AutoWeightRange {
  const { label, arch } = cpu;
  const chosen = (basis: AutoRangeBasis, why: string, madeFor: MadeFor): AutoWeightRange => ({ range: rangeForMadeFor(madeFor), basis, why, madeFor });
  if (arch === null || arch === '') return chosen('not-probed', `${label} has not been probed yet (treated as x86 without VNNI)`, { label, arch: null, vnni: null });
  if (!isX86Arch(arch)) return chosen('not-x86', `${label} is ${arch}, whose int8 kernels do not saturate`, { label, arch, vnni: false });
  if (cpu.cpuFeatures.length === 0) return chosen('x86-unknown-flags', `${label} is x86 with unknown CPU flags (treated as without VNNI)`, { label, arch, vnni: null });
  return hasVnni(cpu.cpuFeatures)
    ? chosen('x86-vnni', `${label} is x86 with VNNI`, { label, arch, vnni: true })
    : chosen('x86-no-vnni', `${label} is x86 without VNNI`, { label, arch, vnni: false });
}

/**
 * The range 'auto' gives the CPU a variant records it was made for: full on a CPU that is not x86
 * and on x86 with VNNI, 7-bit wherever VNNI is absent or unknown. autoWeightRange decides by it,
 * so re-making a variant for the same CPU (exclude layers and re-quantize) gives the same range.
 */
export function rangeForMadeFor(madeFor: MadeFor): 'full' | 'reduced' {
  if (madeFor.arch === null) return 'reduced';
  if (!isX86Arch(madeFor.arch)) return 'full';
  return madeFor.vnni === true ? 'full' : 'reduced';
}

/** "Raspberry Pi 5 (arm64)", "Lab PC (x64, no VNNI)", "Pi (not probed)". */
export function madeForLabel(madeFor: MadeFor): string {
  if (madeFor.arch === null) return `${madeFor.label} (not probed)`;
  if (!isX86Arch(madeFor.arch)) return `${madeFor.label} (${madeFor.arch})`;
  const vnni = madeFor.vnni === null ? 'CPU flags unknown' : madeFor.vnni ? 'VNNI' : 'no VNNI';
  return `${madeFor.label} (${madeFor.arch}, ${vnni})`;
}

/**
 * Type of a TFLite full-integer variant's inputs and outputs (the converter's
 * inference_input_type / inference_output_type): int8, uint8, or float (QUANTIZE after each
 * input, DEQUANTIZE before each output). Only TFLite recipes have it.
 */
export const TfliteIo = z.enum(['int8', 'uint8', 'float']);
export type TfliteIo = z.infer<typeof TfliteIo>;

/**
 * TFLite full integer: FULLY_CONNECTED weights with one scale per tensor (the quantization spec's,
 * and every TFLite kernel's) or per output channel (TFLite 2.15+ and recent TFLite Micro kernels).
 * The quantizer's own option (src/core/quantize-tflite/types.ts, denseWeights).
 */
export const TfliteDenseWeights = z.enum(['per-tensor', 'per-channel']);
export type TfliteDenseWeights = z.infer<typeof TfliteDenseWeights>;

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
    /**
     * Set on TFLite full-integer recipes only (mode 'static': int8 weights and activations,
     * calibrated), the type of the variant's inputs and outputs. TFLite's dynamic and fp16 recipes
     * are the ONNX ones' modes, told apart by the parent's format.
     */
    io: TfliteIo.optional(),
    /** TFLite full integer only: FULLY_CONNECTED weights per tensor or per channel (absent in variants made before the choice was offered: per tensor). */
    denseWeights: TfliteDenseWeights.optional(),
    /** TFLite full integer only: each bias absorbs its int8 weights' mean error on the calibration samples (absent in variants made before the choice was offered). */
    biasCorrection: z.boolean().optional(),
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
    if (recipe.io !== undefined && recipe.mode !== 'static') {
      ctx.addIssue({ code: 'custom', path: ['io'], message: `io '${recipe.io}' only applies to TFLite full-integer recipes (mode 'static'; this recipe is '${recipe.mode}'); remove it.` });
    }
    for (const [key, value] of [['denseWeights', recipe.denseWeights], ['biasCorrection', recipe.biasCorrection]] as const) {
      if (value !== undefined && recipe.mode !== 'static') {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} only applies to TFLite full-integer recipes (mode 'static'; this recipe is '${recipe.mode}'); remove it.` });
      }
    }
    if (recipe.activationSymmetric && recipe.mode !== 'static') {
      ctx.addIssue({ code: 'custom', path: ['activationSymmetric'], message: `activationSymmetric only applies to mode 'static' (this recipe is '${recipe.mode}').` });
    }
  });
export type QuantRecipe = z.infer<typeof QuantRecipe>;
/** A recipe as a caller may write it (defaults omitted). */
export type QuantRecipeInput = z.input<typeof QuantRecipe>;

/** A pruning as the user asks for it: zero the smallest weights (magnitude) or remove convolution channels, by a fraction. */
export const PruneRecipe = z
  .object({
    method: z.enum(['magnitude', 'channels']),
    /** Fraction of each layer's weights zeroed, or of each convolution's output channels removed; 0 < amount < 1. */
    amount: z.number().gt(0).lt(1),
    /** Layers left unpruned: ONNX node names or op types, TFLite op:N or op names. */
    exclude: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type PruneRecipe = z.infer<typeof PruneRecipe>;

/** One layer of a pruned variant: weights before and after, sparsity, and channels when they were removed. */
export const PrunedLayer = z.object({
  layer: z.string(),
  op: z.string(),
  weightsBefore: z.number().int(),
  weightsAfter: z.number().int(),
  sparsity: z.number(),
  channelsBefore: z.number().int().optional(),
  channelsAfter: z.number().int().optional(),
});

/** "pruned 50 % (magnitude)", "pruned 25 % of channels". */
export function pruneLabel(recipe: PruneRecipe): string {
  const percent = `${Math.round(recipe.amount * 100)} %`;
  return recipe.method === 'magnitude' ? `pruned ${percent} (magnitude)` : `pruned ${percent} of channels`;
}

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
    /** The CPU weight range 'auto' was resolved for (absent when the recipe gave full or reduced, and in entries made before it was recorded). */
    madeFor: MadeFor.optional(),
  }),
  z.object({
    /** Made elsewhere (e.g. a TFLite int8 export) and linked to its float model by the user. */
    kind: z.literal('linked'),
    parentId: z.string(),
  }),
  z.object({
    /** Made here by pruning (src/core/prune): smallest weights zeroed, or convolution channels removed. */
    kind: z.literal('pruned'),
    parentId: z.string(),
    recipe: PruneRecipe,
    /** Zeros over the pruned layers' weights (magnitude), or weights removed from them (channels). */
    overall: z.number(),
    parameters: z.object({ before: z.number().int(), after: z.number().int() }),
    macs: z.object({ before: z.number(), after: z.number() }),
    layers: z.array(PrunedLayer),
    skipped: z.array(z.object({ node: z.string(), opType: z.string(), reason: z.string() })),
    /** Per engine, before any measurement: will it run faster, and the documented rule that says so. */
    speedup: z.array(z.object({ engine: z.string(), answer: z.enum(['yes', 'no']), reason: z.string() })),
    notes: z.array(z.string()).default([]),
  }),
]);
export type VariantOrigin = z.infer<typeof VariantOrigin>;

/** A short label for lists: "int8 static (entropy, per-channel)", "fp16", "int8 dynamic". */
export function recipeLabel(recipe: QuantRecipe): string {
  if (recipe.mode === 'fp16') return 'fp16';
  if (recipe.io !== undefined) return `int8 full integer (${[`${recipe.io} I/O`, ...tfliteChoicesBeyondDefaults(recipe), ...(recipe.exclude.length > 0 ? [`${recipe.exclude.length} excluded`] : [])].join(', ')})`;
  const details = [
    recipe.mode === 'static' ? (recipe.method ?? 'minmax') : null,
    recipe.perChannel ? 'per-channel' : null,
    recipe.exclude.length > 0 ? `${recipe.exclude.length} excluded` : null,
  ].filter((part): part is string => part !== null);
  return `int8 ${recipe.mode}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * A TFLite full-integer recipe's choices that differ from the quantizer's defaults (min/max ranges,
 * per-tensor dense weights, bias correction on), for its label: "percentile 99.99", "per-channel
 * dense", "no bias correction". Defaults are left out, so a default variant keeps the name it had
 * before the choices were offered, and two variants that differ only in them are told apart.
 */
function tfliteChoicesBeyondDefaults(recipe: QuantRecipe): string[] {
  const parts: string[] = [];
  if (recipe.method === 'percentile') parts.push(`percentile ${recipe.percentile ?? DEFAULT_PERCENTILE}`);
  else if (recipe.method !== undefined && recipe.method !== 'minmax') parts.push(recipe.method);
  if (recipe.denseWeights === 'per-channel') parts.push('per-channel dense');
  if (recipe.biasCorrection === false) parts.push('no bias correction');
  return parts;
}

/**
 * The one name of a model with its variant, for every list, chart legend and report: the float
 * original by its name, a variant as "demo-mnist (fp16)". A variant made here is already named
 * after its recipe ("demo-mnist · int8 static (minmax, per-channel)", with variant "int8 static
 * (minmax, per-channel)"), so a name that already says the variant is not told it again.
 */
export function modelVariantLabel(model: { name: string; variant: string }): string {
  const variant = model.variant.trim();
  if (variant === '' || variant === 'float' || model.name.includes(variant)) return model.name;
  return `${model.name} (${variant})`;
}

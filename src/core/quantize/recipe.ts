/**
 * What a quantization variant is made from: the recipe (src/shared/variants.ts), the
 * calibration feeds and what comes back.
 */
// The recipe schema lives in src/shared so the contract and the CLI share it with the engine.
import { DEFAULT_PERCENTILE, QuantRecipe } from '../../shared/variants';

export {
  CalibrationMethod,
  DEFAULT_PERCENTILE,
  QuantMode,
  QuantRecipe,
  type QuantRecipeInput,
} from '../../shared/variants';

/** One tensor of one calibration feed, in the typed array of the model input's dtype (bool as Uint8Array). */
export interface CalibrationTensor {
  dims: number[];
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
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
  /** The recipe with its defaults filled in (method, percentile) and 'auto' resolved (weightRange). */
  recipe: QuantRecipe;
  calibrationSamples: number;
  /** Set when the variant imports another opset than its parent (raised so the int8 ops exist). */
  opset?: { from: number; to: number };
  /** Sentences on choices the recipe did not spell out: opset raised, per-tensor instead of per-channel, 7-bit weights and why. */
  notes: string[];
  /** The side file (external data) the variant's untouched weights live in, when its parent kept them in one. */
  externalData?: { location: string; bytes: Uint8Array };
}

/** Fills the defaults a recipe leaves implicit, so the stored recipe re-creates the same bytes ('auto' weight range is resolved by the caller). */
export function normalizeRecipe(recipe: QuantRecipe): QuantRecipe {
  if (recipe.mode !== 'static') return { ...recipe };
  const method = recipe.method ?? 'minmax';
  return method === 'percentile' ? { ...recipe, method, percentile: recipe.percentile ?? DEFAULT_PERCENTILE } : { ...recipe, method };
}

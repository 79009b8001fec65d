export { quantizeOnnx } from './quantize';
export { perLayerSqnr, type LayerSqnr, EXACT_SQNR_DB } from './sqnr';
export {
  QuantRecipe,
  QuantMode,
  CalibrationMethod,
  DEFAULT_PERCENTILE,
  normalizeRecipe,
  type QuantRecipeInput,
  type CalibrationData,
  type CalibrationTensor,
  type QuantResult,
  type SkippedNode,
} from './recipe';
export { FLOAT16_OPS } from './fp16';

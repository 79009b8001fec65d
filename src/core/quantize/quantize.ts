/**
 * quantizeOnnx: one entry for the three variant kinds. The same model bytes, recipe and
 * calibration feeds give the same output bytes: names derive from the model's own names, every
 * list is built in graph order, and calibration runs single-threaded.
 *
 * onnxruntime's session.run is synchronous native work: call this from a worker process, never
 * from the UI or engine process.
 */
import * as ort from 'onnxruntime-node';
import { StudioError } from '../../shared/errors';
import { decodeOnnxModel } from '../formats/onnx/onnx-graph';
import { encodeOnnxModel } from '../formats/onnx/onnx-writer';
import { validateFeeds } from './calibrate';
import { QuantContext } from './context';
import { quantizeDynamic } from './dynamic';
import { convertFloat16 } from './fp16';
import { defaultOpset } from './graph';
import { quantizeStatic } from './qdq';
import { type CalibrationData, normalizeRecipe, QuantRecipe, type QuantRecipeInput, type QuantResult } from './recipe';

/**
 * DequantizeLinear with a per-channel axis needs opset 13; DynamicQuantizeLinear needs 11.
 * The variant keeps the model's opset (raising it could change other ops' meaning).
 */
const MIN_INT8_OPSET = 13;

function parseRecipe(recipe: QuantRecipeInput): QuantRecipe {
  const parsed = QuantRecipe.safeParse(recipe);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'recipe'}: ${issue.message}`).join('; ');
    throw new StudioError('BAD_INPUT', `The quantization recipe is not valid: ${issues}.`, {});
  }
  return normalizeRecipe(parsed.data);
}

/** The variant must load in onnxruntime; a variant that does not is our bug, reported as such. */
async function checkLoads(bytes: Uint8Array, recipe: QuantRecipe): Promise<void> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  } catch (error) {
    throw new StudioError(
      'INTERNAL',
      `The ${recipe.mode} variant does not load in onnxruntime (${(error as Error).message}). Exclude the node it names and retry, and report the model.`,
      { mode: recipe.mode },
    );
  } finally {
    await session?.release();
  }
}

export async function quantizeOnnx(modelBytes: Uint8Array, recipeInput: QuantRecipeInput, calibration?: CalibrationData): Promise<QuantResult> {
  const recipe = parseRecipe(recipeInput);
  const spec = decodeOnnxModel(modelBytes);
  const ctx = new QuantContext(spec, recipe.exclude);
  let calibrationSamples = 0;

  if (recipe.mode !== 'fp16') {
    const opset = defaultOpset(spec);
    if (opset < MIN_INT8_OPSET) {
      throw new StudioError(
        'BAD_INPUT',
        `The model imports ONNX opset ${opset}; int8 quantization needs opset ${MIN_INT8_OPSET} or newer (per-channel DequantizeLinear). Re-export the model with opset ${MIN_INT8_OPSET}+.`,
        { opset: String(opset) },
      );
    }
  }

  let quantized;
  if (recipe.mode === 'dynamic') quantized = quantizeDynamic(ctx, recipe.perChannel);
  else if (recipe.mode === 'fp16') quantized = convertFloat16(ctx);
  else {
    if (!calibration || calibration.inputs.length === 0) {
      throw new StudioError('BAD_INPUT', 'Static quantization needs calibration data: give a dataset with at least one sample (a few hundred is typical).', {});
    }
    validateFeeds(spec, calibration.inputs, 'Calibration');
    calibrationSamples = calibration.inputs.length;
    quantized = await quantizeStatic(ctx, recipe, calibration);
  }

  const bytes = encodeOnnxModel(quantized);
  await checkLoads(bytes, recipe);
  return {
    bytes,
    quantizedNodes: [...ctx.quantized],
    skipped: [...ctx.skipped],
    recipe,
    calibrationSamples,
  };
}

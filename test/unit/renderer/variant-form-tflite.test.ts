/**
 * The Create variant form's request for a TFLite model (variant-form.ts): TFLite's modes fix
 * per-channel convolution weights and the weight range, so only the mode, exclusions and, for full
 * integer, the dataset, samples, I/O type and the quantizer's choices (range method, dense-layer
 * weights, bias correction, at the quantizer's own defaults: test/integration/variants.test.ts
 * holds the two together, as this project cannot import the engine) are sent; the target is never sent.
 */
import { describe, expect, it } from 'vitest';
import { QuantRecipe, recipeLabel } from '../../../src/shared/variants';
import { defaultVariantForm, toQuantizeRequest } from '../../../src/renderer/src/variant-form';
import { recipeDetails } from '../../../src/renderer/src/variant-view';

const datasets = [{ id: 'demo-digits', name: 'demo-digits' }] as unknown as Parameters<typeof defaultVariantForm>[0];

describe('Create variant form on a TFLite model', () => {
  it('dynamic and fp16 send the mode and exclusions only, and each recipe passes the contract', () => {
    const form = { ...defaultVariantForm(datasets), exclude: ['op:3'] };
    const dynamic = toQuantizeRequest('m', { ...form, mode: 'dynamic', weightRange: 'reduced' }, [], 'tflite');
    expect(dynamic).toEqual({ request: { modelId: 'm', recipe: { mode: 'dynamic', perChannel: true, exclude: ['op:3'] }, calibrationSamples: 200 } });
    const fp16 = toQuantizeRequest('m', { ...form, mode: 'fp16' }, [], 'tflite');
    expect(fp16).toEqual({ request: { modelId: 'm', recipe: { mode: 'fp16', perChannel: false, exclude: ['op:3'] }, calibrationSamples: 200 } });
    for (const result of [dynamic, fp16]) if ('request' in result) expect(QuantRecipe.safeParse(result.request.recipe).success).toBe(true);
  });

  it('full integer sends the I/O type (int8 by default), the dataset and the samples, or says which field is wrong', () => {
    const form = { ...defaultVariantForm(datasets), mode: 'static' as const, samples: '50' };
    const full = toQuantizeRequest('m', form, [], 'tflite');
    expect(full).toEqual({
      request: { modelId: 'm', recipe: { mode: 'static', method: 'minmax', perChannel: true, io: 'int8', denseWeights: 'per-tensor', biasCorrection: true, exclude: [] }, datasetId: 'demo-digits', calibrationSamples: 50 },
    });
    expect(toQuantizeRequest('m', { ...form, io: 'uint8' }, [], 'tflite')).toMatchObject({ request: { recipe: { io: 'uint8' } } });
    expect(toQuantizeRequest('m', { ...form, datasetId: '', samples: '0' }, [], 'tflite')).toEqual({
      errors: { datasetId: 'Import a dataset on the Datasets page to calibrate with.', samples: 'A whole number from 1 to 10,000.' },
    });
  });

  it('per-channel dense weights, percentile ranges and no bias correction are sent as chosen, and their recipe is told apart from the default one', () => {
    const form = { ...defaultVariantForm(datasets), mode: 'static' as const };
    const chosen = toQuantizeRequest('m', { ...form, method: 'percentile', percentile: '99.99', denseWeights: 'per-channel', biasCorrection: false }, [], 'tflite');
    expect(chosen).toMatchObject({ request: { recipe: { mode: 'static', method: 'percentile', percentile: 99.99, denseWeights: 'per-channel', biasCorrection: false, io: 'int8' } } });
    expect(toQuantizeRequest('m', { ...form, method: 'percentile', percentile: '0' }, [], 'tflite')).toEqual({ errors: { percentile: 'Above 0, at most 100 (e.g. 99.999).' } });
    const defaults = toQuantizeRequest('m', form, [], 'tflite');
    if (!('request' in chosen) || !('request' in defaults)) throw new Error('expected requests');
    const chosenRecipe = QuantRecipe.parse(chosen.request.recipe);
    const defaultRecipe = QuantRecipe.parse(defaults.request.recipe);
    // The default keeps the name full-integer variants always had; the other names its choices.
    expect(recipeLabel(defaultRecipe)).toBe('int8 full integer (int8 I/O)');
    expect(recipeLabel(chosenRecipe)).toBe('int8 full integer (int8 I/O, percentile 99.99, per-channel dense, no bias correction)');
    const origin = (recipe: QuantRecipe) => ({ kind: 'quantized' as const, parentId: 'p', recipe, calibration: null, quantizedNodes: 3, skipped: [], notes: [] });
    expect(recipeDetails(origin(chosenRecipe))).toEqual(['percentile 99.99', 'int8 activations, int8 inputs and outputs', 'dense-layer weights per channel', 'no bias correction']);
    expect(recipeDetails(origin(defaultRecipe))).toEqual(['int8 activations, int8 inputs and outputs', 'dense-layer weights per tensor', 'bias correction']);
  });

  it('the dense-weights and bias-correction choices belong to full integer: a dynamic recipe with them is refused in one sentence', () => {
    const refused = QuantRecipe.safeParse({ mode: 'dynamic', denseWeights: 'per-channel' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("denseWeights only applies to TFLite full-integer recipes (mode 'static'; this recipe is 'dynamic'); remove it.");
  });

  it('an ONNX model\'s form is unchanged: no io in its recipes', () => {
    const form = { ...defaultVariantForm(datasets), mode: 'static' as const };
    const onnx = toQuantizeRequest('m', form, []);
    expect('request' in onnx && onnx.request.recipe.io).toBeUndefined();
    expect('request' in onnx && [onnx.request.recipe.denseWeights, onnx.request.recipe.biasCorrection]).toEqual([undefined, undefined]);
  });
});

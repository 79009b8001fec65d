/**
 * The Create variant form's request for a TFLite model (variant-form.ts): TFLite's modes fix
 * per-channel weights, the weight range and min/max calibration, so only the mode, exclusions
 * and, for full integer, the dataset, samples and I/O type are sent; the target is never sent.
 */
import { describe, expect, it } from 'vitest';
import { QuantRecipe } from '../../../src/shared/variants';
import { defaultVariantForm, toQuantizeRequest } from '../../../src/renderer/src/variant-form';

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
    expect(full).toEqual({ request: { modelId: 'm', recipe: { mode: 'static', perChannel: true, io: 'int8', exclude: [] }, datasetId: 'demo-digits', calibrationSamples: 50 } });
    expect(toQuantizeRequest('m', { ...form, io: 'uint8' }, [], 'tflite')).toMatchObject({ request: { recipe: { io: 'uint8' } } });
    expect(toQuantizeRequest('m', { ...form, datasetId: '', samples: '0' }, [], 'tflite')).toEqual({
      errors: { datasetId: 'Import a dataset on the Datasets page to calibrate with.', samples: 'A whole number from 1 to 10,000.' },
    });
  });

  it('an ONNX model\'s form is unchanged: no io in its recipes', () => {
    const form = { ...defaultVariantForm(datasets), mode: 'static' as const };
    const onnx = toQuantizeRequest('m', form, []);
    expect('request' in onnx && onnx.request.recipe.io).toBeUndefined();
  });
});

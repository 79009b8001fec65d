import { describe, expect, it } from 'vitest';
import { int8SaturationWarning } from '../../../src/core/bench/warnings';
import { quantizeOnnx } from '../../../src/core/quantize';
import { lacksVnni, onnxInt8WeightRange, resolveWeightRange } from '../../../src/core/quantize/weight-range';
import { defaultVariantForm, toQuantizeRequest } from '../../../src/renderer/src/variant-form';
import { demoFeeds, loadDemo } from './demo-data';

const HASWELL = { arch: 'x64', cpuFeatures: ['avx', 'avx2', 'fma'] };
const SAPPHIRE = { arch: 'x86_64', cpuFeatures: ['avx2', 'avx512f', 'avx512_vnni', 'amx_int8'] };
const PI5 = { arch: 'aarch64', cpuFeatures: ['asimd', 'asimddp'] };

describe('int8 weight range', () => {
  it('knows which CPUs saturate full-range weights: x86 without VNNI (or with unknown flags), not Arm', () => {
    expect(lacksVnni(HASWELL)).toBe(true);
    expect(lacksVnni({ arch: 'x64', cpuFeatures: [] })).toBe(true);
    expect(lacksVnni(SAPPHIRE)).toBe(false);
    expect(lacksVnni({ arch: 'x64', cpuFeatures: ['avx2', 'avx_vnni'] })).toBe(false);
    expect(lacksVnni(PI5)).toBe(false);
    expect(resolveWeightRange('full', { ...HASWELL, label: 'x' })).toEqual({ range: 'full' });
    expect(resolveWeightRange('auto', { ...HASWELL, label: 'board a' }).note).toMatch(/board a is x86 without VNNI/);
  });

  it('reads the range of the int8 weights a model file holds (dynamic and static variants)', async () => {
    const demo = loadDemo();
    expect(onnxInt8WeightRange(demo.model)).toBeNull();
    const calibration = { inputs: demoFeeds(demo.images, 20) };
    for (const mode of ['dynamic', 'static'] as const) {
      const full = await quantizeOnnx(demo.model, { mode, weightRange: 'full' }, calibration);
      const reduced = await quantizeOnnx(demo.model, { mode, weightRange: 'reduced' }, calibration);
      expect(onnxInt8WeightRange(full.bytes)).toBe('full');
      expect(onnxInt8WeightRange(reduced.bytes)).toBe('reduced');
    }
  });

  it('warns when a full-range int8 model runs on x86 without VNNI, and only then', () => {
    expect(int8SaturationWarning('full', HASWELL)).toMatchObject({ code: 'int8-saturation', message: expect.stringContaining('without VNNI') });
    expect(int8SaturationWarning('reduced', HASWELL)).toBeUndefined();
    expect(int8SaturationWarning(null, HASWELL)).toBeUndefined();
    expect(int8SaturationWarning('full', SAPPHIRE)).toBeUndefined();
    expect(int8SaturationWarning('full', PI5)).toBeUndefined();
  });

  it("the Variants form sends the weight range it shows (default 'auto'), and none for fp16", () => {
    const form = { ...defaultVariantForm([]), datasetId: 'digits' };
    expect(form.weightRange).toBe('auto');
    const dynamic = toQuantizeRequest('m', { ...form, weightRange: 'reduced' });
    expect('request' in dynamic && dynamic.request.recipe.weightRange).toBe('reduced');
    const fixed = toQuantizeRequest('m', { ...form, mode: 'static', weightRange: 'full' });
    expect('request' in fixed && fixed.request.recipe.weightRange).toBe('full');
    const fp16 = toQuantizeRequest('m', { ...form, mode: 'fp16', weightRange: 'reduced' });
    expect('request' in fp16 && fp16.request.recipe.weightRange).toBeUndefined();
  });
});

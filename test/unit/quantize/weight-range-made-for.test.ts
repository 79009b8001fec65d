/**
 * Weight range 'auto' is chosen for the CPU that will RUN a variant (a target's probed hardware),
 * not the machine that makes it: resolution per arch and flags, unprobed targets, what the entry
 * records, the studio's target choice, the Variants form's preview, and the int8-saturation run
 * warning for variants made for one CPU and run on another (hardware profiles as data).
 */
import { describe, expect, it } from 'vitest';
import type { TargetEntry } from '../../../src/shared/contract';
import type { HardwareProfile } from '../../../src/shared/run-schema';
import { autoWeightRange, madeForLabel, QuantRecipe, type VariantOrigin } from '../../../src/shared/variants';
import { int8SaturationWarning } from '../../../src/core/bench/warnings';
import { variantTarget } from '../../../src/core/jobs/variant-jobs';
import { quantizeOnnx } from '../../../src/core/quantize';
import { cpuInfoOf, onnxInt8WeightRange, resolveWeightRange } from '../../../src/core/quantize/weight-range';
import { autoRangePreview, defaultVariantForm, madeForOptions, toQuantizeRequest } from '../../../src/renderer/src/variant-form';
import { recipeDetails } from '../../../src/renderer/src/variant-view';
import { loadDemo } from './demo-data';

const profile = (arch: string, cpuModel: string, cpuFeatures: string[]): HardwareProfile => ({ arch, cpuModel, cores: 4, memoryBytes: 8 * 2 ** 30, os: 'Linux 6.1.0 (Debian GNU/Linux 12)', cpuFeatures });
/** What the probes report (src/core/targets/local-target.ts picks these flags from /proc/cpuinfo). */
const EPYC_AVX2 = profile('x64', 'AMD EPYC 7B12', ['avx', 'avx2', 'fma']);
const XEON_VNNI = profile('x64', 'Intel Xeon Platinum 8481C', ['avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'amx_int8']);
const ALDER_LAKE = profile('x64', '12th Gen Intel Core i7-1260P', ['avx', 'avx2', 'fma', 'avx_vnni']);
const PI5 = profile('arm64', 'Cortex-A76', ['asimd', 'asimddp']);
const ORIN = profile('aarch64', 'ARMv8 Processor rev 1 (v8l)', ['asimd', 'asimddp', 'i8mm']);
const NO_FLAGS = profile('x86_64', 'QEMU Virtual CPU', []);

const target = (id: string, kind: TargetEntry['kind'], name: string, hardware: HardwareProfile | null): TargetEntry => ({ id, kind, name, hardware, config: null, spec: id });
const TARGETS: TargetEntry[] = [
  target('local', 'local', 'This computer', XEON_VNNI),
  target('t-lab', 'ssh', 'Lab PC', EPYC_AVX2),
  target('t-pi', 'ssh', 'Raspberry Pi 5', PI5),
  target('t-new', 'ssh', 'New board', null),
  target('t-esp', 'serial', 'ESP32-S3', null),
];

describe("weight range 'auto' for the CPU a variant is made for", () => {
  it('x86 without VNNI, or with unknown flags, and a target not probed yet get 7-bit weights; VNNI and Arm get full range', () => {
    const auto = (label: string, hardware: HardwareProfile | null) => autoWeightRange({ label, arch: hardware?.arch ?? null, cpuFeatures: hardware?.cpuFeatures ?? [] });
    expect(auto('Lab PC', EPYC_AVX2)).toEqual({ range: 'reduced', basis: 'x86-no-vnni', why: 'Lab PC is x86 without VNNI', madeFor: { label: 'Lab PC', arch: 'x64', vnni: false } });
    expect(auto('Xeon', XEON_VNNI)).toMatchObject({ range: 'full', basis: 'x86-vnni', madeFor: { arch: 'x64', vnni: true } });
    expect(auto('Laptop', ALDER_LAKE)).toMatchObject({ range: 'full', basis: 'x86-vnni' });
    expect(auto('Raspberry Pi 5', PI5)).toMatchObject({ range: 'full', basis: 'not-x86', why: 'Raspberry Pi 5 is arm64, whose int8 kernels do not saturate', madeFor: { arch: 'arm64', vnni: false } });
    expect(auto('Orin', ORIN)).toMatchObject({ range: 'full', basis: 'not-x86', madeFor: { arch: 'aarch64' } });
    expect(auto('VM', NO_FLAGS)).toMatchObject({ range: 'reduced', basis: 'x86-unknown-flags', madeFor: { arch: 'x86_64', vnni: null } });
    expect(auto('New board', null)).toEqual({ range: 'reduced', basis: 'not-probed', why: 'New board has not been probed yet (treated as x86 without VNNI)', madeFor: { label: 'New board', arch: null, vnni: null } });
  });

  it("an unprobed target's variant says so in its notes and suggests testing the connection first", () => {
    const resolved = resolveWeightRange('auto', cpuInfoOf('New board', null));
    expect(resolved.range).toBe('reduced');
    expect(resolved.note).toMatch(/^Weights are 7-bit \(-64\.\.64\): New board has not been probed yet, so its CPU is unknown/);
    expect(resolved.note).toMatch(/Test its connection first \(on the Targets page, or with 'edgebench targets probe'\)/);
    expect(resolveWeightRange('auto', cpuInfoOf('Raspberry Pi 5', PI5))).toEqual({ range: 'full' });
    // An explicit range is what it says, whatever the CPU.
    expect(resolveWeightRange('full', cpuInfoOf('New board', null))).toEqual({ range: 'full' });
  });

  it('the quantizer gives an unprobed target 7-bit weights and an Arm board full-range ones, whatever this machine is', async () => {
    const demo = loadDemo();
    const unprobed = await quantizeOnnx(demo.model, { mode: 'dynamic', perChannel: true }, undefined, { cpu: cpuInfoOf('New board', null) });
    expect(unprobed.recipe.weightRange).toBe('reduced');
    expect(onnxInt8WeightRange(unprobed.bytes)).toBe('reduced');
    expect(unprobed.notes.join(' ')).toContain('New board has not been probed yet');
    const arm = await quantizeOnnx(demo.model, { mode: 'dynamic', perChannel: true }, undefined, { cpu: cpuInfoOf('Raspberry Pi 5', PI5) });
    expect(arm.recipe.weightRange).toBe('full');
    expect(onnxInt8WeightRange(arm.bytes)).toBe('full');
  });

  it('the Variants list says which CPU the choice was made for', () => {
    const origin = (weightRange: 'full' | 'reduced', madeFor?: ReturnType<typeof autoWeightRange>['madeFor']): VariantOrigin => ({
      kind: 'quantized',
      parentId: 'p',
      recipe: QuantRecipe.parse({ mode: 'dynamic', perChannel: true, weightRange }),
      calibration: null,
      quantizedNodes: 3,
      skipped: [],
      notes: [],
      ...(madeFor ? { madeFor } : {}),
    });
    expect(recipeDetails(origin('full', { label: 'Raspberry Pi 5', arch: 'aarch64', vnni: false }))).toEqual(['full-range weights, for Raspberry Pi 5 (aarch64)']);
    expect(recipeDetails(origin('reduced', { label: 'Lab PC', arch: 'x64', vnni: false }))).toEqual(['7-bit weights, for Lab PC (x64, no VNNI)']);
    expect(recipeDetails(origin('reduced', { label: 'New board', arch: null, vnni: null }))).toEqual(['7-bit weights, for New board (not probed)']);
    // A range the recipe gave, or an entry from before the choice was recorded.
    expect(recipeDetails(origin('reduced'))).toEqual(['7-bit weights']);
    expect(madeForLabel({ label: 'VM', arch: 'x86_64', vnni: null })).toBe('VM (x86_64, CPU flags unknown)');
  });
});

describe('the target a studio variant is made for', () => {
  const auto = QuantRecipe.parse({ mode: 'dynamic' });
  it('is This computer unless the request names another, which must be an SSH board of the workspace', () => {
    expect(variantTarget(TARGETS, undefined, auto).name).toBe('This computer');
    expect(variantTarget(TARGETS, 't-new', auto)).toMatchObject({ name: 'New board', hardware: null });
    expect(() => variantTarget(TARGETS, 't-esp', auto)).toThrow(/^'ESP32-S3' is a microcontroller board, where ONNX int8 variants do not run; /);
    expect(() => variantTarget(TARGETS, 't-gone', auto)).toThrow(/There is no target 't-gone' in this workspace/);
  });

  it('is refused where it cannot matter: fp16, or a weight range the recipe fixes', () => {
    expect(() => variantTarget(TARGETS, 't-pi', QuantRecipe.parse({ mode: 'fp16' }))).toThrow(/fp16 variant is the same for every CPU/);
    expect(() => variantTarget(TARGETS, 't-pi', QuantRecipe.parse({ mode: 'static', weightRange: 'full' }))).toThrow(/Weight range 'full' is the same for every CPU/);
    expect(variantTarget(TARGETS, undefined, QuantRecipe.parse({ mode: 'fp16' })).id).toBe('local');
  });
});

describe('the Variants form', () => {
  const form = { ...defaultVariantForm([]), datasetId: 'digits' };

  it('offers This computer and the SSH boards, saying which were not probed yet', () => {
    expect(madeForOptions(TARGETS).map((o) => o.label)).toEqual(['This computer', 'Lab PC', 'Raspberry Pi 5', 'New board (not probed yet)']);
  });

  it('shows the resolved choice before Create and sends the target only for weight range auto', () => {
    expect(autoRangePreview({ ...form, madeFor: 't-lab' }, TARGETS)).toBe('auto → 7-bit: Lab PC is x86 without VNNI');
    expect(autoRangePreview({ ...form, madeFor: 't-pi' }, TARGETS)).toBe('auto → full range: Raspberry Pi 5 is arm64, whose int8 kernels do not saturate');
    expect(autoRangePreview({ ...form, madeFor: 't-new' }, TARGETS)).toBe(
      'auto → 7-bit: New board has not been probed yet (treated as x86 without VNNI); test its connection on the Targets page first',
    );
    expect(autoRangePreview(form, TARGETS)).toBe('auto → full range: This computer is x86 with VNNI');
    // A removed target falls back to This computer; nothing is shown before the targets arrive, or without auto.
    expect(autoRangePreview({ ...form, madeFor: 't-gone' }, TARGETS)).toBe('auto → full range: This computer is x86 with VNNI');
    expect(autoRangePreview(form, [])).toBeNull();
    expect(autoRangePreview({ ...form, weightRange: 'full' }, TARGETS)).toBeNull();
    expect(autoRangePreview({ ...form, mode: 'fp16' }, TARGETS)).toBeNull();

    const request = (change: Partial<typeof form>) => {
      const result = toQuantizeRequest('m', { ...form, ...change }, TARGETS);
      if (!('request' in result)) throw new Error('the form has errors');
      return result.request;
    };
    expect(request({ madeFor: 't-pi' }).targetId).toBe('t-pi');
    expect(request({ mode: 'static', madeFor: 't-new' }).targetId).toBe('t-new');
    expect(request({ madeFor: 't-gone' }).targetId).toBe('local');
    expect(request({ madeFor: 't-pi', weightRange: 'reduced' }).targetId).toBeUndefined();
    expect(request({ madeFor: 't-pi', mode: 'fp16' }).targetId).toBeUndefined();
  });
});

describe('the int8-saturation run warning for variants made for one CPU and run on another', () => {
  it('a variant made for a CPU without VNNI has 7-bit weights: no warning where it runs, with VNNI or without', async () => {
    const demo = loadDemo();
    const variant = await quantizeOnnx(demo.model, { mode: 'dynamic', perChannel: true }, undefined, { cpu: cpuInfoOf('Lab PC', EPYC_AVX2) });
    const weights = onnxInt8WeightRange(variant.bytes);
    expect(weights).toBe('reduced');
    expect(int8SaturationWarning(weights, XEON_VNNI)).toBeUndefined();
    expect(int8SaturationWarning(weights, EPYC_AVX2)).toBeUndefined();
  });

  it('a full-range variant (made for an Arm board) run on an SSH target without VNNI is warned about', async () => {
    const demo = loadDemo();
    const variant = await quantizeOnnx(demo.model, { mode: 'dynamic', perChannel: true }, undefined, { cpu: cpuInfoOf('Raspberry Pi 5', PI5) });
    const weights = onnxInt8WeightRange(variant.bytes);
    expect(weights).toBe('full');
    expect(int8SaturationWarning(weights, EPYC_AVX2)).toMatchObject({ code: 'int8-saturation', message: expect.stringContaining('without VNNI') });
    expect(int8SaturationWarning(weights, PI5)).toBeUndefined();
    expect(int8SaturationWarning(weights, XEON_VNNI)).toBeUndefined();
  });
});

/**
 * "Exclude these and re-quantize" re-makes a variant for the CPU it was made for: the same
 * target when it still exists, else the weight range 'auto' gave it then; never silently for
 * This computer (whose VNNI may differ from the board's).
 */
import { describe, expect, it } from 'vitest';
import { QuantRecipe, type VariantOrigin } from '../../../src/shared/variants';
import { remakeFor } from '../../../src/renderer/src/variant-view';

type Quantized = Extract<VariantOrigin, { kind: 'quantized' }>;

function origin(madeFor: Quantized['madeFor'], weightRange: 'auto' | 'full' | 'reduced' = 'auto'): Quantized {
  return {
    kind: 'quantized',
    parentId: 'parent',
    recipe: QuantRecipe.parse({ mode: 'static', weightRange, exclude: ['conv1'] }),
    calibration: null,
    quantizedNodes: 4,
    skipped: [],
    notes: [],
    ...(madeFor ? { madeFor } : {}),
  };
}

describe('re-making a variant with more layers excluded', () => {
  it('asks for the same target again when it is still there, with the exclusions added', () => {
    const made = remakeFor(origin({ targetId: 'pi5', label: 'Raspberry Pi 5', arch: 'arm64', vnni: false }), ['conv1', 'conv7'], new Set(['local', 'pi5']));
    expect(made.targetId).toBe('pi5');
    expect(made.recipe.weightRange).toBe('auto');
    expect(made.recipe.exclude).toEqual(['conv1', 'conv7']);
  });

  it('keeps the range auto gave when the target is gone: full for Arm and VNNI, 7-bit otherwise', () => {
    const gone = new Set(['local']);
    expect(remakeFor(origin({ targetId: 'pi5', label: 'Pi', arch: 'arm64', vnni: false }), [], gone)).toEqual({ recipe: expect.objectContaining({ weightRange: 'full' }) });
    expect(remakeFor(origin({ targetId: 'xeon', label: 'Xeon', arch: 'x64', vnni: true }), [], gone).recipe.weightRange).toBe('full');
    expect(remakeFor(origin({ targetId: 'epyc', label: 'EPYC', arch: 'x64', vnni: false }), [], gone).recipe.weightRange).toBe('reduced');
    expect(remakeFor(origin({ label: 'made by the CLI', arch: null, vnni: null }), [], gone).recipe.weightRange).toBe('reduced');
  });

  it('leaves a recipe that gave its range, or a variant made before madeFor was recorded, as it was', () => {
    expect(remakeFor(origin({ targetId: 'pi5', label: 'Pi', arch: 'arm64', vnni: false }, 'reduced'), [], new Set(['pi5']))).toEqual({
      recipe: expect.objectContaining({ weightRange: 'reduced' }),
    });
    expect(remakeFor(origin(undefined), ['a'], new Set(['local']))).toEqual({ recipe: expect.objectContaining({ weightRange: 'auto', exclude: ['a'] }) });
  });
});

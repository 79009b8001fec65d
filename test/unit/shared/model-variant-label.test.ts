/**
 * One label for a model and its variant (issue 13): a variant made in the studio is named after its
 * recipe, so every list, legend and report that adds the variant to the name used to say it twice.
 */
import { describe, expect, it } from 'vitest';
import { runLabel as reportRunLabel } from '../../../src/core/reports/report-context';
import type { RunFile } from '../../../src/shared/run-schema';
import { modelVariantLabel, recipeLabel } from '../../../src/shared/variants';
import { FIXTURES, readRun } from '../reports/run-fixtures';

const recipe = recipeLabel({ mode: 'static', method: 'minmax', perChannel: true, exclude: [], weightRange: 'auto', activationSymmetric: false } as Parameters<typeof recipeLabel>[0]);
/** What variant-jobs.ts names a quantized variant: the parent's name and the recipe's label. */
const madeHere = { name: `demo-mnist · ${recipe}`, variant: recipe };

function variantRun(model: { name: string; variant: string }): RunFile {
  const run = readRun(FIXTURES.onnx);
  return { ...run, model: { ...run.model, ...model } };
}

describe('modelVariantLabel', () => {
  it('names a variant made here once, not "int8 static (minmax, per-channel) (int8 static (minmax, per-channel))"', () => {
    expect(recipe).toBe('int8 static (minmax, per-channel)');
    expect(modelVariantLabel(madeHere)).toBe('demo-mnist · int8 static (minmax, per-channel)');
  });

  it('adds the variant to a name that does not say it, and nothing to a float model', () => {
    expect(modelVariantLabel({ name: 'mobilenet_int8', variant: 'int8 (imported)' })).toBe('mobilenet_int8 (int8 (imported))');
    expect(modelVariantLabel({ name: 'demo-mnist', variant: 'fp16' })).toBe('demo-mnist (fp16)');
    expect(modelVariantLabel({ name: 'demo-mnist', variant: 'float' })).toBe('demo-mnist');
  });

  it('is what the report calls a variant run', () => {
    const label = reportRunLabel(variantRun(madeHere));
    expect(label).toMatch(/^demo-mnist · int8 static \(minmax, per-channel\) · /);
    expect(label.split(recipe).length - 1).toBe(1);
  });
});

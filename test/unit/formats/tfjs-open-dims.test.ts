/**
 * What the input planner makes of the open dims TF.js and TFLite files have: a TF.js -1 (or a
 * TFLite shape_signature -1) has no name, so each input's open dim is its own, sized by --shape
 * for that input or guessed per input, never shared by a name the studio made up.
 */
import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { guessedDimsOf, planModelInputs } from '../../../src/shared/input-plan';
import { NO_GIVEN_INPUTS } from '../../../src/shared/model-inputs';

/** A TF.js graph model with two [-1, 4] float inputs added together. */
function twoInputs(): Array<{ name: string; data: Uint8Array }> {
  const dims = (...sizes: number[]): { dim: Array<{ size: string }> } => ({ dim: sizes.map((size) => ({ size: String(size) })) });
  const placeholder = (name: string): object => ({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, 4) } } });
  const json = {
    format: 'graph-model',
    modelTopology: { node: [placeholder('a'), placeholder('b'), { name: 'sum', op: 'AddV2', input: ['a', 'b'], attr: { T: { type: 'DT_FLOAT' } } }] },
    weightsManifest: [],
  };
  return [{ name: 'pair.json', data: new TextEncoder().encode(JSON.stringify(json)) }];
}

describe('open dims from a TF.js file in the input planner', () => {
  const info = inspectModelBuffers(twoInputs());

  it('reads them as null on every input', () => {
    expect(info.inputs.map((t) => [t.name, t.shape])).toEqual([
      ['a', [null, 4]],
      ['b', [null, 4]],
    ]);
  });

  it('guesses each one for its own input, by position', () => {
    const plan = planModelInputs(info.inputs, NO_GIVEN_INPUTS);
    expect(plan.problems).toEqual([]);
    expect(plan.inputs.map((input) => [input.name, input.shape, guessedDimsOf(input)])).toEqual([
      ['a', [1, 4], [{ index: 0, name: null, value: 1 }]],
      ['b', [1, 4], [{ index: 0, name: null, value: 1 }]],
    ]);
  });

  it('a --shape sizes its own input only, and no --dim name reaches them', () => {
    const plan = planModelInputs(info.inputs, { ...NO_GIVEN_INPUTS, shapes: { a: [8, 4] } });
    expect(plan.inputs.map((input) => input.shape)).toEqual([
      [8, 4],
      [1, 4],
    ]);
    expect(planModelInputs(info.inputs, { ...NO_GIVEN_INPUTS, dims: { batch: 8 } }).problems).toEqual([{ kind: 'unknown-dim', level: 'flags', dim: 'batch', size: 8 }]);
  });
});

/** Home's counts and first step are worded for one as for many: "1 model", "One model … benchmark it". */
import { describe, expect, test } from 'vitest';
import { countOf, nextSteps } from '../../../src/renderer/src/components/home/home-view';
import type { ModelEntry } from '../../../src/shared/contract';

const model = (id: string): ModelEntry => ({ id, name: id, origin: null }) as unknown as ModelEntry;

describe('Home in the singular and the plural', () => {
  test('counts', () => {
    expect([countOf(1, 'model'), countOf(0, 'run'), countOf(3, 'dataset')]).toEqual(['1 model', '0 runs', '3 datasets']);
  });

  test('the first step with no runs', () => {
    const step = (models: ModelEntry[]): string | undefined => nextSteps(models, [], [], []).find((s) => s.id === 'start-run')?.text;
    expect(step([model('a')])).toBe('One model and no runs yet: benchmark it on this computer or a board.');
    expect(step([model('a'), model('b')])).toBe('2 models and no runs yet: benchmark them on this computer or a board.');
  });
});

/** The runs ticked for comparison survive a reload: saved per tab, read back, and an unreadable store is nothing ticked. */
import { describe, expect, test } from 'vitest';
import { loadComparedRunIds, saveComparedRunIds } from '../../../src/renderer/src/compare-selection';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
}

describe('the compare selection across reloads', () => {
  test('saved ids are read back in order; clearing the selection clears the store', () => {
    const storage = memoryStorage();
    expect(loadComparedRunIds(storage)).toEqual([]);
    saveComparedRunIds(['r3', 'r1', 'r2'], storage);
    expect(loadComparedRunIds(storage)).toEqual(['r3', 'r1', 'r2']);
    saveComparedRunIds([], storage);
    expect(loadComparedRunIds(storage)).toEqual([]);
  });

  test('a store holding something else, or refusing, is nothing ticked', () => {
    const storage = memoryStorage();
    storage.setItem('edgebench.comparedRunIds', '{not json');
    expect(loadComparedRunIds(storage)).toEqual([]);
    const refusing = { getItem: (): string => { throw new Error('SecurityError'); } };
    expect(loadComparedRunIds(refusing)).toEqual([]);
  });
});

/** The Runs page's model list shows a variant chip only where the name does not already say it. */
import { expect, test } from 'vitest';
import { variantTag } from '../../../src/renderer/src/components/bench/variant-tag';

test('a chip that would repeat the name is dropped', () => {
  expect(variantTag({ name: 'demo-mnist · fp16', variant: 'fp16' })).toBeNull();
  expect(variantTag({ name: 'demo-mnist · int8 dynamic (per-channel)', variant: 'int8 dynamic (per-channel)' })).toBeNull();
  expect(variantTag({ name: 'demo-mnist', variant: 'float' })).toBeNull();
  expect(variantTag({ name: 'mnist_int8_export', variant: 'linked int8' })).toBe('linked int8');
});

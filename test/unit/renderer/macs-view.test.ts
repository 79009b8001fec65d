import { describe, expect, test } from 'vitest';
import { macsFigure } from '../../../src/renderer/src/macs-view';

// PaddleOCR det's input as its ONNX file declares it: batch, height and width open.
const openInput = { name: 'x', dtype: 'float32', shape: ['batch', 3, 'height', 'width'] };
const fixedInput = { name: 'input', dtype: 'float32', shape: [1, 1, 28, 28] };

describe('MACs as the Models table and the model summary show them', () => {
  test('a model with open input sizes counted with them as 1 is marked, never a plain figure', () => {
    const figure = macsFigure({ macs: 4_150_000, inputs: [openInput] }, undefined);
    expect(figure).toEqual({ value: '4.15 M', note: 'open dims as 1', openDimsAsOne: true });
  });

  test('an input of unknown rank is open too', () => {
    expect(macsFigure({ macs: 12_000, inputs: [{ name: 'x', dtype: 'float32', shape: null }] }, undefined).openDimsAsOne).toBe(true);
  });

  test('counted at the saved sizes: the engine’s figure, said so, and no longer a stand-in', () => {
    const figure = macsFigure({ macs: 4_150_000, inputs: [openInput] }, { macs: 1_630_000_000, atSavedSizes: true });
    expect(figure).toEqual({ value: '1.63 G', note: 'at the saved input sizes', openDimsAsOne: false });
  });

  test('a model whose sizes are all fixed shows its figure as it is', () => {
    expect(macsFigure({ macs: 11_000, inputs: [fixedInput] }, undefined)).toEqual({ value: '11.0 k', note: null, openDimsAsOne: false });
  });
});

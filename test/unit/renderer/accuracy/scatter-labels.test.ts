/** A scatter whose labels did not all fit still names every point (issue 13 item 2): the note, a point's accessible name, the focus card. */
import { describe, expect, it } from 'vitest';
import { focusCardBox, hiddenLabelsNote, pointDescription, wrapWords } from '../../../../src/renderer/src/components/accuracy/scatter-labels';

const BOUNDS = { x: 0, y: 0, width: 300, height: 200 };
/** 6 px per character: the estimate placement uses, near enough for where lines break. */
const widthOf = (text: string): number => [...text].length * 6;

describe('scatter labels left out for room', () => {
  it('no note when every point has its label; singular for one, plural for more', () => {
    expect(hiddenLabelsNote(0)).toBeNull();
    expect(hiddenLabelsNote(1)).toBe('1 label hidden for room (the ringed point): hover a point, or Tab to it, for its name.');
    expect(hiddenLabelsNote(3)).toBe('3 labels hidden for room (the ringed points): hover a point, or Tab to it, for its name.');
  });

  it("a point's accessible name holds its label and both values, as the tooltip words them", () => {
    expect(pointDescription('mnist int8 · pi5 · onnxruntime · 4t', 'median latency (ms)', '1.02', 'top-1 accuracy', '97.0%')).toBe(
      'mnist int8 · pi5 · onnxruntime · 4t: median latency (ms) 1.02, top-1 accuracy 97.0%',
    );
  });

  it("a run's label that fits stays on one line; one that does not breaks before its separators, and the lines give it back", () => {
    const name = 'demo-mnist · int8 dynamic · pi5 (synthetic) · onnxruntime · 1t';
    expect(wrapWords(name, 1000, widthOf)).toEqual([name]);
    const lines = wrapWords(name, 160, widthOf);
    expect(lines).toEqual(['demo-mnist · int8 dynamic', '· pi5 (synthetic)', '· onnxruntime · 1t']);
    expect(lines.every((line) => widthOf(line) <= 160)).toBe(true);
    expect(lines.join(' ')).toBe(name);
    // A word wider than the card has a line of its own rather than being cut.
    expect(wrapWords('a · supercalifragilistic · b', 60, widthOf)).toEqual(['a', '· supercalifragilistic', '· b']);
  });

  it('the focus card sits above its point, below it at the top edge, and inside the bounds at either side', () => {
    expect(focusCardBox({ x: 150, y: 100 }, 80, 30, BOUNDS, 10)).toEqual({ x: 110, y: 60, width: 80, height: 30 });
    expect(focusCardBox({ x: 150, y: 20 }, 80, 30, BOUNDS, 10)).toEqual({ x: 110, y: 30, width: 80, height: 30 });
    expect(focusCardBox({ x: 5, y: 100 }, 80, 30, BOUNDS, 10).x).toBe(0);
    expect(focusCardBox({ x: 295, y: 100 }, 80, 30, BOUNDS, 10).x).toBe(220);
    // Wider than the bounds: from their left edge.
    expect(focusCardBox({ x: 150, y: 100 }, 400, 30, BOUNDS, 10).x).toBe(0);
  });
});

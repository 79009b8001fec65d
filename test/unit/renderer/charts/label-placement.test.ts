/** Scatter labels that never overlap (issue 13): greedy placement of each point's text. */
import { describe, expect, it } from 'vitest';
import { placeLabels, textWidth, type Box, type LabelPlacement, type LabelPoint, type TextMetrics } from '../../../../src/renderer/src/components/charts/label-placement';

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const hitsDot = (p: LabelPoint, box: Box, r = 5): boolean => {
  const nx = Math.min(Math.max(p.x, box.x), box.x + box.width);
  const ny = Math.min(Math.max(p.y, box.y), box.y + box.height);
  return (nx - p.x) ** 2 + (ny - p.y) ** 2 < r * r;
};
const BOUNDS: Box = { x: 0, y: 0, width: 600, height: 280 };

/** What every drawn label must keep to: inside the bounds, over no other drawn label and no dot. */
function problems(points: readonly LabelPoint[], placed: readonly LabelPlacement[], bounds: Box): string[] {
  const found: string[] = [];
  placed.forEach((a, i) => {
    if (a.hidden) return;
    const { box } = a;
    if (box.x < bounds.x || box.y < bounds.y || box.x + box.width > bounds.x + bounds.width || box.y + box.height > bounds.y + bounds.height) found.push(`label ${i} leaves the bounds`);
    placed.forEach((b, j) => j > i && !b.hidden && overlaps(box, b.box) && found.push(`labels ${i} and ${j} overlap`));
    points.forEach((p, j) => hitsDot(p, box) && found.push(`label ${i} covers point ${j}`));
  });
  return found;
}

/** A stand-in for the chart font's metrics: capitals and W/M wider than the rest, as a proportional font has them. */
const proportional = (text: string): TextMetrics => ({
  width: [...text].reduce((sum, c) => sum + (/[WM]/.test(c) ? 10 : /[A-Z]/.test(c) ? 7.5 : /[il.·]/.test(c) ? 3 : 6), 0),
  ascent: 9.8,
  descent: 2.5,
});

describe('label placement', () => {
  it('a lone point keeps its default spot: right of the dot, vertically centred, no leader', () => {
    const [only] = placeLabels([{ x: 100, y: 100, text: 'Pi 5' }], { bounds: BOUNDS });
    expect(only?.box).toEqual({ x: 108, y: 94, width: textWidth('Pi 5'), height: 12 });
    expect(only?.anchor).toBe('start');
    expect(only?.textX).toBe(108);
    expect(only?.leader).toBeNull();
  });

  it("a lone point at the chart's right edge keeps its label on its left", () => {
    const [only] = placeLabels([{ x: 560, y: 100, text: 'Jetson', prefer: 'left' }], { bounds: BOUNDS });
    expect(only?.anchor).toBe('end');
    expect(only?.textX).toBe(552);
    expect(only?.leader).toBeNull();
  });

  it('a cluster of 6 close points gives 6 boxes that overlap neither each other nor any dot', () => {
    const cluster: LabelPoint[] = [
      { x: 200, y: 120, text: 'Raspberry Pi 5' },
      { x: 204, y: 123, text: 'Jetson Orin' },
      { x: 198, y: 126, text: 'x86 laptop' },
      { x: 207, y: 118, text: 'Coral board' },
      { x: 202, y: 130, text: 'Pi 4' },
      { x: 210, y: 125, text: 'RK3588' },
    ];
    const placed = placeLabels(cluster, { bounds: BOUNDS });
    expect(placed).toHaveLength(6);
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) expect(overlaps(a.box, b.box)).toBe(false);
      for (const p of cluster) expect(hitsDot(p, a.box)).toBe(false);
      expect(a.box.width).toBe(textWidth(cluster[i]?.text ?? ''));
    }
    // The first keeps its default spot; the ones pushed farther out point back with a leader line.
    expect(placed[0]?.leader).toBeNull();
    expect(placed.some((p) => p.leader !== null)).toBe(true);
    for (const [i, p] of placed.entries()) {
      if (!p.leader) continue;
      const dot = cluster[i] as LabelPoint;
      expect(Math.hypot(p.leader.x1 - dot.x, p.leader.y1 - dot.y)).toBeCloseTo(5, 6);
    }
  });

  it('labels stay inside the bounds when a free spot there exists', () => {
    const placed = placeLabels(
      [
        { x: 595, y: 10, text: 'edge one' },
        { x: 590, y: 14, text: 'edge two' },
      ],
      { bounds: BOUNDS },
    );
    for (const { box } of placed) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(600);
      expect(box.y).toBeGreaterThanOrEqual(0);
    }
    expect(overlaps(placed[0]!.box, placed[1]!.box)).toBe(false);
  });

  it('a crowded chart: 30 points with long labels in a corner and along the edges, each label drawn whole or cut, none over another, a point or the edge', () => {
    // Accuracy-vs-latency of several models on many targets: medians a few pixels apart, accuracies nearly equal.
    const points: LabelPoint[] = [];
    const names = ['MobileNet v2 int8 · Raspberry Pi 5', 'MobileNet v2 float · Jetson Orin Nano', 'PaddleOCR cls · x86 laptop (4 threads)', 'openWakeWord · stm32 (synthetic)', 'Mediapipe hands · WASM'];
    for (let i = 0; i < 30; i++) {
      const x = i < 20 ? 470 + (i % 5) * 9 : 10 + (i % 10) * 60;
      const y = i < 20 ? 20 + Math.floor(i / 5) * 7 : 270 - (i % 3) * 4;
      points.push({ x, y, text: names[i % names.length]!, prefer: x > 560 ? 'left' : 'right' });
    }
    for (const measure of [undefined, proportional]) {
      const placed = placeLabels(points, { bounds: BOUNDS, measure });
      expect(placed).toHaveLength(30);
      expect(problems(points, placed, BOUNDS)).toEqual([]);
      // Every drawn text is the label or its start with an ellipsis; most are drawn whole, none left out here.
      placed.forEach((label, i) => {
        const whole = points[i]!.text;
        expect(label.text === whole || (label.text.endsWith('…') && whole.startsWith(label.text.slice(0, -1)))).toBe(true);
      });
      expect(placed.filter((l) => l.hidden)).toHaveLength(0);
      expect(placed.filter((l) => l.text === points[placed.indexOf(l)]!.text).length).toBeGreaterThan(15);
    }
  });

  it('boxes are as wide as the measured text and as tall as the font, the baseline below its ascent', () => {
    const [only] = placeLabels([{ x: 100, y: 100, text: 'Wide MW' }], { bounds: BOUNDS, measure: proportional });
    expect(only?.box.width).toBe(Math.ceil(proportional('Wide MW').width));
    expect(only?.box.height).toBe(Math.ceil(9.8 + 2.5) + 1);
    expect(only!.textY - only!.box.y).toBeCloseTo(9.8 + 0.5, 6);
  });

  it('when no spot is left even for a cut label, the label is left out rather than drawn over others', () => {
    // 80 points packed into a 120 × 60 box: there is not room for 80 labels.
    const tight: Box = { x: 0, y: 0, width: 120, height: 60 };
    const points: LabelPoint[] = Array.from({ length: 80 }, (_, i) => ({ x: 5 + (i % 10) * 12, y: 5 + Math.floor(i / 10) * 7, text: `target number ${i}` }));
    const placed = placeLabels(points, { bounds: tight });
    expect(problems(points, placed, tight)).toEqual([]);
    expect(placed.some((l) => l.hidden)).toBe(true);
  });

  it('estimates text width at 6.5 px a character', () => {
    expect(textWidth('abcd')).toBe(26);
    expect(textWidth('')).toBe(0);
  });
});

/**
 * Text metrics in a chart's font from a canvas: measuring there lays nothing out (an SVG text's
 * getBBox or a span's getBoundingClientRect forces a layout of the page each time), and gives the
 * font's real widths, where an estimate per character is wrong for capitals and narrow letters.
 */
import type { TextMetrics } from './label-placement';

let context: CanvasRenderingContext2D | null | undefined;

/**
 * A measurer for `font` (a CSS font shorthand: "10.5px system-ui, sans-serif"), or undefined
 * where the page has no 2D canvas (a test's DOM): the caller estimates instead.
 */
export function canvasMeasure(font: string): ((text: string) => TextMetrics) | undefined {
  if (context === undefined) {
    try {
      context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    } catch {
      context = null;
    }
  }
  const ctx = context;
  if (!ctx) return undefined;
  const cache = new Map<string, TextMetrics>();
  return (text) => {
    let found = cache.get(text);
    if (!found) {
      ctx.font = font;
      const m = ctx.measureText(text);
      found = { width: m.width, ascent: m.fontBoundingBoxAscent, descent: m.fontBoundingBoxDescent };
      cache.set(text, found);
    }
    return found;
  };
}

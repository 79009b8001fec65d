/**
 * The words and the one box a scatter needs so that every point can be named, labelled or not
 * (issue 13 item 2): the note under a chart some of whose labels found no room, what a point says
 * to a screen reader, and where the card naming a focused point goes. Pure, so unit tests read it.
 */
import type { Box } from '../charts/label-placement';

/** The note under the chart when labels were left out for room; null when every point has one. */
export function hiddenLabelsNote(hidden: number): string | null {
  if (hidden <= 0) return null;
  const labels = hidden === 1 ? '1 label' : `${hidden} labels`;
  const points = hidden === 1 ? 'the ringed point' : 'the ringed points';
  return `${labels} hidden for room (${points}): hover a point, or Tab to it, for its name.`;
}

/** A point's accessible name: its full label and both values, as the hover tooltip words them. */
export function pointDescription(name: string, xLabel: string, xText: string, yLabel: string, yText: string): string {
  return `${name}: ${xLabel} ${xText}, ${yLabel} ${yText}`;
}

/**
 * Where the card naming a focused point goes: centred above the dot, below it when there is no
 * room above, and moved sideways to stay inside the bounds (it may cover labels: it is drawn on
 * top while the point has focus). A card wider than the bounds starts at their left edge.
 */
export function focusCardBox(point: { x: number; y: number }, width: number, height: number, bounds: Box, clearance: number): Box {
  const above = point.y - clearance - height;
  const y = above >= bounds.y ? above : Math.min(point.y + clearance, bounds.y + bounds.height - height);
  const x = Math.max(bounds.x, Math.min(point.x - width / 2, bounds.x + bounds.width - width));
  return { x, y, width, height };
}

/**
 * The card's lines for a text no wider than maxWidth where words allow: broken at spaces, a " · "
 * separator kept with the word after it ("· onnxruntime"), so each part of a run's label
 * (model · target · runtime · threads) starts a line when they do not fit together. A word wider
 * than maxWidth gets a line of its own. Joined with spaces, the lines give the text back.
 */
export function wrapWords(text: string, maxWidth: number, widthOf: (line: string) => number): string[] {
  const words: string[] = [];
  for (const word of text.split(' ')) {
    if (words.at(-1) === '·') words[words.length - 1] = `· ${word}`;
    else words.push(word);
  }
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && widthOf(`${last} ${word}`) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

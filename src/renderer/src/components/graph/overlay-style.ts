/**
 * How the graph view paints an overlay's tone and level: a hue per tone, drawn over the node's
 * own background with an opacity that grows with `level` (so it reads in light and dark themes).
 * 'precision' is categorical instead: level ≥ 0.75 is a quantized node, 0.4–0.75 a half-precision
 * one, lower a node kept in float (precisionOverlay sets those levels).
 */
import type { NodeOverlay, OverlayTone } from './graph-overlay';

const TONE_COLOR: Record<Exclude<OverlayTone, 'precision'>, string> = {
  latency: '#d9480f',
  sqnr: '#c2255c',
  added: '#2f9e44',
  removed: '#e03131',
  changed: '#f08c00',
  faster: '#2f9e44',
  slower: '#e03131',
};

export const PRECISION_COLOR = { quantized: '#4263eb', half: '#0ca678', float: '#f59f00' } as const;

/** Level buckets: the overview draws one path per tone and bucket, so it needs few distinct fills. */
const BUCKETS = 5;

export interface OverlayFill {
  color: string;
  opacity: number;
  /** Same key, same fill: what the overview groups nodes by. */
  key: string;
}

export function overlayFill(overlay: NodeOverlay): OverlayFill {
  const level = Math.min(1, Math.max(0, Number.isFinite(overlay.level) ? overlay.level : 0));
  if (overlay.tone === 'precision') {
    const kind = level >= 0.75 ? 'quantized' : level >= 0.4 ? 'half' : 'float';
    return { color: PRECISION_COLOR[kind], opacity: 0.55, key: `precision-${kind}` };
  }
  const bucket = Math.round(level * (BUCKETS - 1));
  return { color: TONE_COLOR[overlay.tone], opacity: 0.12 + (0.73 * bucket) / (BUCKETS - 1), key: `${overlay.tone}-${bucket}` };
}

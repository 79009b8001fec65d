import type { GraphOverlay, NodeOverlay } from './graph-overlay';
import { overlayFill, PRECISION_COLOR } from './overlay-style';

/** The swatches an overlay's tones draw: a ramp from light to dark, or precision's three kinds. */
function Swatches({ sample }: { sample: NodeOverlay }) {
  if (sample.tone === 'precision') {
    return (
      <span className="graph-swatches">
        <span className="graph-swatch" style={{ background: PRECISION_COLOR.quantized }} /> quantized
        <span className="graph-swatch" style={{ background: PRECISION_COLOR.half }} /> fp16
        <span className="graph-swatch" style={{ background: PRECISION_COLOR.float }} /> float
      </span>
    );
  }
  return (
    <span className="graph-swatches" aria-hidden="true">
      {[0, 0.25, 0.5, 0.75, 1].map((level) => {
        const fill = overlayFill({ ...sample, level });
        return <span key={level} className="graph-swatch" style={{ background: fill.color, opacity: fill.opacity }} />;
      })}
    </span>
  );
}

export function OverlayLegend({ overlay }: { overlay: GraphOverlay }) {
  const sample = overlay.byNode.values().next().value;
  return (
    <div className="graph-legend" data-testid="graph-overlay-legend">
      <strong data-testid="graph-overlay-title">{overlay.title}</strong>
      {sample && <Swatches sample={sample} />}
      {overlay.marks && overlay.marks.keptFloat > 0 && (
        <span className="graph-swatches" data-testid="graph-legend-kept-float">
          <span className="graph-swatch graph-swatch-kept" /> kept in float
        </span>
      )}
      <span className="muted">{overlay.legend}</span>
      {overlay.byNode.size === 0 && <span className="graph-warning"> No node of this graph has a figure in this overlay.</span>}
    </div>
  );
}

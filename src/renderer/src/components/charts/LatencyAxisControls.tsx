import { useState } from 'react';
import { DEFAULT_LATENCY_VIEW, hiddenTailText, type HiddenTail, type LatencyScale, type LatencyView } from './latency-axis';
import './charts.css';

/** A chart's latency view, starting linear and fenced. */
export function useLatencyView(): [LatencyView, (patch: Partial<LatencyView>) => void] {
  const [view, setView] = useState<LatencyView>(DEFAULT_LATENCY_VIEW);
  return [view, (patch) => setView((old) => ({ ...old, ...patch }))];
}

const SCALES: ReadonlyArray<{ scale: LatencyScale; label: string }> = [
  { scale: 'linear', label: 'linear' },
  { scale: 'log', label: 'log' },
];

interface ScaleProps {
  /** Names the radio group: unique per chart on the page. */
  name: string;
  view: LatencyView;
  onChange: (patch: Partial<LatencyView>) => void;
}

/** The linear/log switch every latency axis carries, in a chart's title row. */
export function LatencyScaleToggle({ name, view, onChange }: ScaleProps) {
  return (
    <div className="segmented chart-scale" role="radiogroup" aria-label="Latency axis scale" data-testid="latency-scale" data-scale={view.scale}>
      {SCALES.map(({ scale, label }) => (
        <label key={scale} className={`segment${view.scale === scale ? ' active' : ''}`}>
          <input
            type="radio"
            name={`latency-scale-${name}`}
            checked={view.scale === scale}
            data-testid={`latency-scale-${scale}`}
            onChange={() => onChange({ scale })}
          />
          {label}
        </label>
      ))}
    </div>
  );
}

interface FenceProps {
  /** Samples beyond the fence the chart leaves out; null when it draws them all. */
  tail: HiddenTail | null;
  view: LatencyView;
  onChange: (patch: Partial<LatencyView>) => void;
  /** The fence can cut this chart at all (there are samples beyond it). */
  fenced: boolean;
}

/** Under a chart cut at the outlier fence: how much it left out, and a button to show everything (and back). */
export function FenceNote({ tail, view, onChange, fenced }: FenceProps) {
  if (!fenced) return null;
  return (
    <p className="chart-note muted fence-note" data-testid="fence-note" data-show-all={view.showAll ? 'yes' : 'no'}>
      {tail && !view.showAll ? <span>{hiddenTailText(tail)}. </span> : <span>Every sample drawn. </span>}
      <button type="button" className="link-button" data-testid="fence-toggle" onClick={() => onChange({ showAll: !view.showAll })}>
        {view.showAll ? 'Stop at the outlier fence' : 'Show all'}
      </button>
    </p>
  );
}

import { useId, type CSSProperties } from 'react';
import { routeLink } from '../../hooks/usePage';
import type { GridCell, ResultsGrid as Grid } from './results-grid';
import './results.css';

interface Props {
  grid: Grid;
  onBaseline: (cellKey: string) => void;
}

const TONE_TEXT: Record<GridCell['tone'], string> = {
  baseline: 'the baseline',
  faster: 'faster than the baseline',
  slower: 'slower than the baseline',
  similar: 'within the baseline’s CI',
  none: 'no comparison',
};

function Cell({ cell, onBaseline }: { cell: GridCell; onBaseline: (key: string) => void }) {
  const style = { '--level': String(cell.level) } as CSSProperties;
  const figures = (
    <>
      <span className="grid-median" data-testid="grid-median">
        {cell.median}
      </span>
      {cell.caution && (
        <span className={`grid-caution${cell.caution.text === 'unstable' ? '' : ' loud'}`} data-testid="grid-caution" title={cell.caution.title}>
          {cell.caution.text}
        </span>
      )}
      <span className="grid-ci" data-testid="grid-ci" title={cell.ci.kind === 'between-run' ? '95 % CI across fresh runs (repeats)' : '95 % CI of the median within the run'}>
        {cell.ci.kind ? `${cell.ci.kind === 'between-run' ? 'between-run' : 'within-run'} CI ${cell.ci.text}` : `CI ${cell.ci.text}`}
      </span>
      <dl className="grid-facts">
        <dt>p99</dt>
        <dd data-testid="grid-p99" title={cell.p99.title}>
          {cell.p99.text}
        </dd>
        <dt>peak RSS</dt>
        <dd data-testid="grid-rss">{cell.peakRss}</dd>
        <dt>size</dt>
        <dd data-testid="grid-size">{cell.size}</dd>
        <dt>accuracy</dt>
        <dd data-testid="grid-accuracy" title={cell.accuracy.title}>
          {cell.accuracy.text}
        </dd>
        {cell.energy && (
          <>
            <dt>energy</dt>
            <dd data-testid="grid-energy" title={cell.energy.title}>
              {cell.energy.text}
            </dd>
          </>
        )}
        {cell.accelerator && (
          <>
            <dt>accelerator</dt>
            <dd data-testid="grid-accelerator" className={cell.accelerator.missing ? 'bad' : undefined} title={cell.accelerator.title}>
              {cell.accelerator.text}
              {cell.accelerator.ops !== null && (
                <span className="grid-accelerator-ops" data-testid="grid-accelerator-ops">
                  {cell.accelerator.ops}
                </span>
              )}
            </dd>
          </>
        )}
      </dl>
    </>
  );
  return (
    <td
      className={`grid-cell tone-${cell.tone}`}
      style={style}
      data-testid="grid-cell"
      data-cell-key={cell.key}
      data-run-id={cell.runId ?? undefined}
      data-tone={cell.tone}
      data-status={cell.status.kind}
      title={TONE_TEXT[cell.tone]}
    >
      {cell.status.kind !== 'completed' && (
        <span className={`grid-status ${cell.status.kind}`} data-testid="grid-status">
          {cell.status.text}
        </span>
      )}
      {cell.runId !== null ? (
        <a className="grid-open" href={routeLink({ page: 'runs', runId: cell.runId })} data-testid="grid-open" aria-label={`Open the run: ${cell.median}`}>
          {figures}
        </a>
      ) : (
        <div className="grid-open">{figures}</div>
      )}
      <div className="grid-cell-foot">
        <span className={`grid-speedup ${cell.tone}`} data-testid="grid-speedup">
          {cell.speedupText}
        </span>
        {cell.tone !== 'baseline' && cell.medianMs !== null && (
          <button type="button" className="link-button grid-baseline-pick" data-testid="grid-baseline-pick" onClick={() => onBaseline(cell.key)}>
            Use as baseline
          </button>
        )}
      </div>
    </td>
  );
}

/** Models and variants (a linked network's formats on one row) down, target × format/runtime × threads across; each cell opens its run. */
export function ResultsGrid({ grid, onBaseline }: Props) {
  const aboutId = useId();
  return (
    <div className="card results-grid-card">
      {grid.baselineNote && (
        <p className="muted" data-testid="grid-baseline-note">
          {grid.baselineNote}
        </p>
      )}
      {/* Above the scrolling box, not a caption: a caption is as wide as the table and scrolls away with it. */}
      <p className="results-grid-about" id={aboutId}>
        Median (the run’s headline) with its 95 % CI; colour and speedup against the baseline cell (baseline median / cell median). Overlapping CIs read “similar”.
      </p>
      <div className="results-grid-scroll" data-testid="results-grid-scroll">
        <table className="table results-grid" data-testid="results-grid" data-columns={grid.columns.length} data-rows={grid.rows.length} aria-describedby={aboutId}>
          <thead>
            <tr>
              <th scope="col">Model</th>
              {grid.columns.map((column) => (
                <th key={column.key} scope="col" data-testid="grid-column">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.rows.map((row) => (
              <tr key={row.key} data-testid="grid-row" data-network-id={row.networkId ?? undefined}>
                <th scope="row">
                  {row.label}
                  {row.networkId !== null && (
                    <span className="tag" data-testid="grid-network-tag" title="One network in several formats: each format runs in its own runtime, in its own column">
                      network
                    </span>
                  )}
                </th>
                {row.cells.map((cell, i) =>
                  cell ? (
                    <Cell key={cell.key} cell={cell} onBaseline={onBaseline} />
                  ) : (
                    <td key={grid.columns[i]?.key ?? i} className="grid-cell empty-cell">
                      not in this job
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

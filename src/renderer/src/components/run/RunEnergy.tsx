import type { RunFile } from '../../../../shared/run-schema';
import { energyView } from '../../energy-view';

/** The run's energy per inference with its method and rails, each doubt beside it; or that it was not measured and how to. */
export function RunEnergy({ run }: { run: RunFile }) {
  const view = energyView(run);
  if (view === null) return null;
  if (view.kind === 'not-measured') {
    return (
      <section className="fact-group run-energy" data-testid="run-energy" data-energy="not-measured">
        <p className="muted">{view.text}</p>
        {view.howTo !== undefined && (
          <details>
            <summary>Reading the counters without root</summary>
            <p className="muted" data-testid="energy-permission-fix">
              {view.howTo}
            </p>
          </details>
        )}
      </section>
    );
  }
  return (
    <section className="fact-group run-energy" data-testid="run-energy" data-energy={view.reliable ? 'measured' : 'unreliable'}>
      <h3 className="section-title">Energy per inference</h3>
      <dl>
        {view.rows.map((row) => (
          <div key={row.testId} data-testid={row.testId}>
            <dt>{row.label}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
      {view.notes.map((note) => (
        <p key={note} className="banner banner-warning" data-testid="energy-note">
          {note}
        </p>
      ))}
    </section>
  );
}

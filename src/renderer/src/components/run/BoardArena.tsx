import type { RunFile } from '../../../../shared/run-schema';
import { boardArena } from '../../board-view';

/** A board run's tensor arena: the fit card's estimate beside what the board reported, SIMULATED or "not measured" where so. */
export function BoardArena({ run }: { run: RunFile }) {
  const arena = boardArena(run);
  if (arena === null) return null;
  return (
    <section className="fact-group board-arena" data-testid="board-arena">
      <h3 className="section-title">Tensor arena: estimate and board</h3>
      <dl>
        {arena.rows.map((row) => (
          <div key={row.testId} title={row.hint} data-testid={row.testId} data-tone={row.tone}>
            <dt>{row.label}</dt>
            <dd className={row.tone === 'missing' ? 'muted' : undefined}>{row.value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted" data-testid="board-arena-note">
        {arena.note}
      </p>
    </section>
  );
}

import { routeLink } from '../../hooks/usePage';

/**
 * "Diff per op" for Compare with exactly two runs ticked: opens #/diff/<a>/<b>, the per-op latency
 * delta of the first run to the second (both need a profile; the Diff page says so when one has none).
 */
export function DiffRunsLink({ runIds }: { runIds: readonly string[] }) {
  const [a, b] = runIds;
  if (runIds.length !== 2 || a === undefined || b === undefined) return null;
  return (
    <a className="button" href={routeLink({ page: 'diff', a, b })} data-testid="compare-diff-per-op" title="Per-op latency from the first run to the second, from their profiles">
      Diff per op
    </a>
  );
}

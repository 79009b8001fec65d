import type { TriageSession } from '../../../../shared/triage';
import { triageRows } from '../../triage-view';

interface Props {
  session: TriageSession;
  targetId: string;
  targetName: string;
}

/** The steps of one triage chain: what each exclusion bought in accuracy and cost in latency on the chosen target. */
export function TriageResults({ session, targetId, targetName }: Props) {
  const rows = triageRows(session, targetId);
  return (
    <div className="triage-results" data-testid="triage-results" data-session-id={session.id}>
      <p className="field-label">
        What each exclusion bought and cost <span className="muted">· latency on {targetName}, each step against the one before</span>
      </p>
      <table className="table triage-table">
        <thead>
          <tr>
            <th>Step</th>
            <th>Kept in float</th>
            <th className="num">Accuracy</th>
            <th className="num" title="Percentage points against the step before">Bought</th>
            <th className="num" title="Median latency with its 95 % confidence interval">Median latency</th>
            <th className="num" title="Change of median latency against the step before; grey when the two 95 % CIs overlap">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.index}-${row.variantId}`} data-testid="triage-row" data-variant-id={row.variantId}>
              <td>
                {row.index + 1}. {row.title}
                {row.stopped && (
                  <div className="muted small" data-testid="triage-row-stopped">
                    {row.stopped}
                  </div>
                )}
              </td>
              <td>
                <code>{row.excluded}</code>
              </td>
              <td className="num" data-stat="accuracy" title={row.accuracyTitle ?? undefined}>
                {row.accuracy}
              </td>
              <td className={`num tone-${row.accuracyTone ?? 'none'}`} data-stat="accuracy-change">
                {row.accuracyChange ?? '—'}
              </td>
              <td className="num" data-stat="latency" title={row.latencyTitle ?? undefined}>
                {row.latency}
                {row.latencyCi && <div className="muted small">{row.latencyCi}</div>}
              </td>
              <td className={`num tone-${row.latencyTone ?? 'none'}`} data-stat="latency-change" title={row.latencyTone === 'noise' ? 'The two 95 % CIs overlap: within noise' : undefined}>
                {row.latencyChange ?? '—'}
                {row.latencyNote && <div className="small">{row.latencyNote}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { environmentDifferences } from '../../../../shared/environment-diff';
import type { ComparedRun } from './CompareTable';

interface Props {
  runs: ComparedRun[];
  baselineId: string;
}

/**
 * Which environment facts differ between each run and the baseline (governor, clocks, steal,
 * throttling, kernel, model bytes...): where to look first when two runs do not agree. The
 * differences and their wording are environmentDifferences' (src/shared/environment-diff.ts).
 */
export function EnvironmentDiff({ runs, baselineId }: Props) {
  const baseline = runs.find((r) => r.run.id === baselineId) ?? runs[0];
  if (!baseline) return null;
  const others = runs.filter((r) => r !== baseline);
  return (
    <div className="card list-card environment-diff" data-testid="environment-diff">
      <h3 className="section-title">
        What differed <span className="muted">environment facts that differ from the baseline, likeliest cause first</span>
      </h3>
      {others.map(({ run, label, color }) => {
        const differences = environmentDifferences(baseline.run, run, { a: baseline.label, b: label });
        return (
          <div key={run.id} data-testid="environment-diff-run" data-run-id={run.id}>
            <div className="run-label">
              <span className="swatch" style={{ background: color }} aria-hidden="true" />
              {label}
            </div>
            {differences.length === 0 ? (
              <p className="muted">Nothing the two runs recorded differs.</p>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th>Fact</th>
                    <th>Baseline</th>
                    <th>This run</th>
                  </tr>
                </thead>
                <tbody>
                  {differences.map((d) => (
                    <tr key={d.fact} data-fact={d.fact} title={d.sentence}>
                      <td>{d.label}</td>
                      <td>{d.a}</td>
                      <td>{d.b}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </div>
  );
}

import type { EvalRow } from '../../accuracy';
import { formatPercent } from '../../format';

/** Past this many classes a matrix stops being readable; per-class accuracy still is. */
const MAX_MATRIX_CLASSES = 24;

function cellStyle(count: number, rowTotal: number, diagonal: boolean): { background?: string; color?: string } {
  if (count === 0 || rowTotal === 0) return {};
  // Square root so that the few confusions stay visible next to a full diagonal.
  const share = Math.round(Math.sqrt(count / rowTotal) * 85);
  const hue = diagonal ? 'var(--accent)' : 'var(--danger)';
  return { background: `color-mix(in srgb, ${hue} ${share}%, transparent)`, color: share > 55 ? '#ffffff' : undefined };
}

/** Per-class accuracy and the confusion matrix of one model (rows: true class, columns: predicted). */
export function ClassBreakdown({ row }: { row: EvalRow }) {
  const { result } = row.record;
  if (!result.perClass || !result.confusion) {
    return (
      <div className="card" data-testid="class-breakdown">
        <h3 className="section-title">Per class: {row.model.name}</h3>
        <p className="muted">{result.notes[0] ?? 'This dataset has no labels, so there is no per-class accuracy; fidelity is in the table above.'}</p>
      </div>
    );
  }
  const classes = result.perClass.map((c) => c.className);
  const confusion = result.confusion;
  return (
    <div className="card class-breakdown" data-testid="class-breakdown">
      <h3 className="section-title">
        Per class: {row.model.name} <span className="muted">· rows are the true class, columns the predicted one</span>
      </h3>
      <div className="class-grid">
        <table className="table compact per-class" data-testid="per-class">
          <thead>
            <tr>
              <th>Class</th>
              <th className="num">Samples</th>
              <th className="num">Accuracy</th>
            </tr>
          </thead>
          <tbody>
            {result.perClass.map((c) => (
              <tr key={c.className}>
                <td>{c.className}</td>
                <td className="num">{c.samples}</td>
                <td className="num">{c.accuracy === null ? '—' : formatPercent(c.accuracy, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {classes.length > MAX_MATRIX_CLASSES ? (
          <p className="muted">{classes.length} classes are too many for a readable confusion matrix; the per-class accuracy is beside it.</p>
        ) : (
          <table className="confusion" data-testid="confusion-matrix" aria-label="Confusion matrix">
            <thead>
              <tr>
                <th aria-label="True class by predicted class" />
                {classes.map((name) => (
                  <th key={name} scope="col">
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {confusion.map((counts, i) => {
                const total = counts.reduce((sum, n) => sum + n, 0);
                return (
                  <tr key={classes[i] ?? i}>
                    <th scope="row">{classes[i]}</th>
                    {counts.map((count, j) => (
                      <td key={j} style={cellStyle(count, total, i === j)} title={`true ${classes[i]}, predicted ${classes[j]}: ${count}`}>
                        {count === 0 ? '' : count}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

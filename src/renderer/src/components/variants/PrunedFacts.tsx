import type { VariantOrigin } from '../../../../shared/variants';
import { formatPercent } from '../../format';
import { SkippedList } from './SkippedList';

type PrunedOrigin = Extract<VariantOrigin, { kind: 'pruned' }>;

/** What a pruned variant is: how much went, per layer, what stayed and why, and whether each engine should run it faster. */
export function PrunedFacts({ origin, onBenchmark }: { origin: PrunedOrigin; onBenchmark?: () => void }) {
  const { parameters, macs } = origin;
  const fewerMacs = macs.before > 0 ? 1 - macs.after / macs.before : 0;
  return (
    <div className="variant-facts" data-testid="pruned-facts">
      <span>{origin.recipe.method === 'magnitude' ? `${formatPercent(origin.overall, 1)} of the pruned layers' weights are zero` : `${formatPercent(origin.overall, 1)} of the pruned layers' weights removed`}</span>
      <span>
        parameters {parameters.before.toLocaleString('en-US')} → {parameters.after.toLocaleString('en-US')}
      </span>
      <span>{fewerMacs > 0 ? `${formatPercent(fewerMacs, 0)} fewer MACs` : 'same MACs'}</span>
      <details className="skipped" data-testid="pruned-layers">
        <summary>{origin.layers.length} layers pruned</summary>
        <table className="pruned-layers">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Op</th>
              <th scope="col">Weights</th>
              <th scope="col">Sparsity</th>
              <th scope="col">Channels</th>
            </tr>
          </thead>
          <tbody>
            {origin.layers.map((l) => (
              <tr key={l.layer}>
                <td>
                  <code>{l.layer}</code>
                </td>
                <td>{l.op}</td>
                <td>
                  {l.weightsBefore.toLocaleString('en-US')} → {l.weightsAfter.toLocaleString('en-US')}
                </td>
                <td>{formatPercent(l.sparsity, 1)}</td>
                <td>{l.channelsBefore !== undefined ? `${l.channelsBefore} → ${l.channelsAfter ?? l.channelsBefore}` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {origin.skipped.length > 0 && <SkippedList label={`${origin.skipped.length} not pruned`} items={origin.skipped} testId="pruned-skipped" />}
      <div className="pruned-speedup" data-testid="pruned-speedup">
        <strong>Will it run faster?</strong> <span className="muted">(from each engine's documented rules, before any measurement)</span>
        <ul>
          {origin.speedup.map((s) => (
            <li key={s.engine} data-answer={s.answer}>
              <span className={s.answer === 'yes' ? 'good' : 'muted'}>{s.engine}:</span> {s.reason}
            </li>
          ))}
        </ul>
        {onBenchmark && (
          <button type="button" className="button tiny" onClick={onBenchmark} data-testid="pruned-benchmark">
            Benchmark against parent
          </button>
        )}
      </div>
      {origin.notes.map((note) => (
        <span key={note} className="muted">
          {note}
        </span>
      ))}
    </div>
  );
}

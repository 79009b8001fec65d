import type { RunFile } from '../../../shared/run-schema';
import { formatMb, formatMs } from '../format';

/** The run's statistics: latency percentiles, then start-up and memory. */
export function PercentileTable({ run }: { run: RunFile }) {
  const l = run.latencyMs;
  const latencyRows: Array<[string, string, string]> = [
    ['min', formatMs(l.min), 'fastest run'],
    ['median', formatMs(l.median), '50th percentile'],
    ['mean', formatMs(l.mean), 'average'],
    ['p90', formatMs(l.p90), '90th percentile'],
    ['p99', formatMs(l.p99), '99th percentile'],
    ['max', formatMs(l.max), 'slowest run'],
    ['stddev', formatMs(l.stddev), 'standard deviation'],
    ['count', String(l.count), 'measured runs'],
  ];
  const otherRows: Array<[string, string, string]> = [
    ['init', formatMs(run.initMs), 'loading the model into a session'],
    ['first inference', formatMs(run.firstInferenceMs), 'kept apart from warmup and measured runs'],
    ['peak RSS', formatMb(run.memory.peakRssBytes), 'of the runner process'],
  ];
  return (
    <table className="table compact stats" data-testid="percentile-table">
      <caption>Statistics</caption>
      <tbody>
        {latencyRows.map(([name, value, hint]) => (
          <tr key={name} data-stat={name}>
            <th scope="row" title={hint}>
              {name}
            </th>
            <td className="num">{value}</td>
          </tr>
        ))}
        <tr className="divider" aria-hidden="true">
          <td colSpan={2} />
        </tr>
        {otherRows.map(([name, value, hint]) => (
          <tr key={name} data-stat={name}>
            <th scope="row" title={hint}>
              {name}
            </th>
            <td className="num">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import type { RunFile } from '../../../../shared/run-schema';
import { formatMs } from '../../../../shared/units';

const dash = '—';
const ms = (value: number | undefined): string => (value === undefined ? dash : formatMs(value));

/**
 * The board's own benchmark tools (benchmark_model, trtexec, onnxruntime_perf_test) run on the same
 * model, beside the studio runner's figures. They often disagree: each row says what its tool
 * times, so the user can tell why.
 */
export function NativeTools({ run }: { run: RunFile }) {
  const native = run.native ?? [];
  if (native.length === 0) return null;
  return (
    <table className="table compact native-tools" data-testid="native-tools">
      <caption>
        Native tools on the board <span className="muted">· the same model, beside the studio runner (median {formatMs(run.latencyMs.median)})</span>
      </caption>
      <thead>
        <tr>
          <th>Tool</th>
          <th className="num">Mean</th>
          <th className="num">Median</th>
          <th className="num">p90</th>
          <th className="num">Init</th>
          <th>What it times</th>
        </tr>
      </thead>
      <tbody>
        {native.map((result) => (
          <tr key={result.tool} data-tool={result.tool}>
            <td title={result.command}>
              {result.tool}
              {result.version ? <span className="muted"> {result.version}</span> : null}
            </td>
            <td className="num">{ms(result.latencyMs.mean)}</td>
            <td className="num">{ms(result.latencyMs.median)}</td>
            <td className="num">{ms(result.latencyMs.p90)}</td>
            <td className="num">{ms(result.initMs)}</td>
            <td className="muted">{result.measures}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

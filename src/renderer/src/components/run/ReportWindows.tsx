import type { RunFile } from '../../../../shared/run-schema';
import { formatMs } from '../../../../shared/units';

/** Report mode's windows (MLPerf Tiny): each window's runs and median, and the median of those medians. */
export function ReportWindows({ report }: { report: NonNullable<RunFile['report']> }) {
  return (
    <table className="table compact report-windows" data-testid="report-windows">
      <caption>
        Report windows <span className="muted">· reported median {formatMs(report.medianOfWindowsMs)} (median of the windows&apos; medians)</span>
      </caption>
      <thead>
        <tr>
          <th>Window</th>
          <th className="num">Runs</th>
          <th className="num">Duration</th>
          <th className="num">Median</th>
        </tr>
      </thead>
      <tbody>
        {report.windows.map((window, i) => (
          <tr key={i}>
            <td>{i + 1}</td>
            <td className="num">{window.runs.toLocaleString('en-US')}</td>
            <td className="num">{(window.durationMs / 1000).toFixed(1)} s</td>
            <td className="num">{formatMs(window.medianMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

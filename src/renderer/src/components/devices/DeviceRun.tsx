import { useState } from 'react';
import type { BenchRequest, ModelEntry, TargetEntry } from '../../../../shared/contract';
import { MODEL_FORMATS } from '../../../../shared/plugins/model-formats';
import { SERIAL_PROTOCOLS } from '../../../../shared/plugins/serial-protocols';
import { distinctModelLabels } from '../../model-labels';

interface Props {
  target: TargetEntry;
  models: readonly ModelEntry[];
  /** A job is running (one at a time, as on the Runs page). */
  busy: boolean;
  onRun: (request: BenchRequest) => void;
}

/**
 * "Run benchmark" on one board. A board whose protocol takes models (EdgeBench: .tflite) gets one
 * over the cable; a board that runs the model built into its firmware (MLPerf Tiny) runs its own,
 * and any model of the same input size tells the studio how many input bytes to send.
 */
export function DeviceRun({ target, models, busy, onRun }: Props) {
  // A serial config's protocol says what the board takes.
  const protocol = target.config?.kind === 'serial' ? SERIAL_PROTOCOLS[target.config.protocol] : null;
  const takes = protocol?.formats ?? [];
  const builtIn = protocol !== null && takes.length === 0;
  // MLPerf Tiny's adapter keeps the MLPerf rule only in report mode (else 5 × 1 s windows): its own wording.
  const mlperf = protocol?.name === 'mlperf-tiny';
  const usable = builtIn ? models : models.filter((m) => takes.includes(m.info.format));
  const labels = distinctModelLabels(usable, { base: (m) => `${m.name} · ${m.variant} · ${m.info.format}`, omit: ['format'] });
  const takenNames = takes.map((format) => MODEL_FORMATS[format].label).join(' or ');
  const takenExtensions = takes.map((format) => MODEL_FORMATS[format].extensions[0] ?? format).join(' or ');
  const [picked, setPicked] = useState<string>('');
  const [runs, setRuns] = useState('100');
  const [report, setReport] = useState(false);
  const modelId = usable.some((m) => m.id === picked) ? picked : (usable[0]?.id ?? '');
  const runCount = Number(runs);
  const runsOk = Number.isInteger(runCount) && runCount >= (report ? 10 : 1);

  if (usable.length === 0) {
    return (
      <p className="muted device-run-empty" data-testid="device-run-empty">
        This board runs {takenNames} models: import the model&apos;s {takenExtensions} variant on the Models page (or drop it on the window), then run it here.
      </p>
    );
  }
  return (
    <form
      className="device-run"
      onSubmit={(event) => {
        event.preventDefault();
        if (!modelId || !runsOk) return;
        onRun({ modelIds: [modelId], targetIds: [target.id], settings: { runs: runCount, mode: report ? 'report' : 'quick' } });
      }}
    >
      <label className="field grow">
        <span className="field-label">{builtIn ? 'Model (tells the input size)' : `Model (${takenExtensions})`}</span>
        <select data-testid="device-run-model" value={modelId} onChange={(event) => setPicked(event.currentTarget.value)}>
          {usable.map((model) => (
            <option key={model.id} value={model.id}>
              {labels.get(model.id)}
            </option>
          ))}
        </select>
      </label>
      {!builtIn && (
        <label className={`field number${runsOk ? '' : ' invalid'}`} title="Timed invokes on the board">
          <span className="field-label">Runs</span>
          <input type="number" min={1} value={runs} data-testid="device-run-runs" aria-invalid={runsOk ? undefined : true} onChange={(event) => setRuns(event.currentTarget.value)} />
        </label>
      )}
      <label className="checkbox device-run-report" title="MLPerf Tiny's rule: 5 windows of at least 10 s of device time each; the median of the windows is reported.">
        <input type="checkbox" checked={report} data-testid="device-run-report" onChange={(event) => setReport(event.currentTarget.checked)} />
        <span>{mlperf ? 'MLPerf rule (5 × 10 s windows); else 5 × 1 s' : 'Report mode (5 × 10 s windows)'}</span>
      </label>
      <button type="submit" className="button primary" data-testid="device-run-start" disabled={busy || !runsOk}>
        {busy ? 'A benchmark is running…' : 'Run benchmark'}
      </button>
      {!runsOk && (
        <p className="device-run-invalid" role="alert">
          Runs must be a whole number of at least {report ? '10 (each report window needs 10)' : '1'}.
        </p>
      )}
    </form>
  );
}

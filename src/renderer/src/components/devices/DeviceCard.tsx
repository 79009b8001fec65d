import type { BenchRequest, ModelEntry, TargetEntry } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-schema';
import { SERIAL_PROTOCOLS } from '../../../../shared/plugins/serial-protocols';
import { formatDate } from '../../format';
import { formatBytes } from '../../../../shared/units';
import { summaryMedianText, summaryMemoryText } from '../../simulated-view';
import { testResultText } from '../../ui-messages';
import type { TargetTests } from '../targets/useTargetTests';
import { DeviceRun } from './DeviceRun';
import { SerialLog } from './SerialLog';
import type { DeviceEvents } from './useDeviceEvents';

interface Props {
  target: TargetEntry;
  models: readonly ModelEntry[];
  tests: TargetTests;
  events: DeviceEvents;
  benchBusy: boolean;
  onRun: (request: BenchRequest) => void;
  onRemove: () => void;
  /** This board's newest run (the runs list is newest first), or null. */
  lastRun: RunSummary | null;
  onOpenRun: (runId: string) => void;
  /** The board the user just started: highlighted, and focusable so the page can move the focus to it. */
  justAdded?: boolean;
}

/** Facts of a connection test, in the order a firmware engineer reads them, with their labels. */
const DETAIL_LABELS: Array<[key: string, label: string, unit?: string]> = [
  ['chip', 'Chip'],
  ['board', 'Board'],
  ['cpuMHz', 'Clock', 'MHz'],
  ['cores', 'Cores'],
  ['flashKiB', 'Flash', 'KiB'],
  ['psramKiB', 'PSRAM', 'KiB'],
  ['arenaKiB', 'Tensor arena', 'KiB'],
  ['modelCapacityKiB', 'Largest model', 'KiB'],
  ['idf', 'ESP-IDF'],
  ['tflm', 'TFLite Micro'],
  ['firmware', 'Firmware'],
  ['model', 'Firmware model'],
  ['baudRate', 'Baud rate'],
];

/** "16384" KiB reads better as "16 MiB" (IEC units, as formatBytes writes every other size). */
function withUnit(value: string, unit: string | undefined): string {
  if (unit === undefined) return value;
  const n = Number(value);
  if (unit === 'KiB' && Number.isFinite(n) && n >= 1024) return `${Number((n / 1024).toFixed(1))} MiB`;
  return `${value} ${unit}`;
}

function UploadBar({ sentBytes, totalBytes }: { sentBytes: number; totalBytes: number }) {
  const fraction = totalBytes > 0 ? sentBytes / totalBytes : 0;
  return (
    <div className="device-upload" data-testid="device-upload" data-sent={sentBytes} data-total={totalBytes}>
      <div className="progress-head">
        <span>{fraction >= 1 ? 'Model uploaded' : 'Uploading the model…'}</span>
        <span className="muted">
          {formatBytes(sentBytes)} of {formatBytes(totalBytes)}
        </span>
      </div>
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={totalBytes} aria-valuenow={sentBytes} aria-label="Model upload">
        <div className="progress-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
    </div>
  );
}

/** The board's newest run in one line, so a run started here is seen here, beside the log it made. */
function LastRun({ run, onOpenRun }: { run: RunSummary; onOpenRun: (runId: string) => void }) {
  const memory = summaryMemoryText(run);
  return (
    <div className="device-last-run" data-testid="device-last-run" data-run-id={run.id}>
      <span className="field-label">Last run on this board</span>
      <span>
        {run.modelName} · {formatDate(run.createdAt)} · median <strong data-testid="device-last-run-median">{summaryMedianText(run)}</strong> · memory{' '}
        <span data-testid="device-last-run-memory" className={memory.muted ? 'muted' : undefined}>
          {memory.text}
        </span>
      </span>
      <button type="button" className="button tiny" data-testid="device-last-run-open" onClick={() => onOpenRun(run.id)}>
        Open run
      </button>
    </div>
  );
}

/** One serial target: connection test with the chip's facts, Run benchmark, its last run, upload progress and the live serial log. */
export function DeviceCard({ target, models, tests, events, benchBusy, onRun, onRemove, lastRun, onOpenRun, justAdded = false }: Props) {
  // The port's protocol and baud rate are a serial config's own fields.
  const config = target.config?.kind === 'serial' ? target.config : null;
  const state = tests.states.get(target.id);
  const upload = events.uploadOf(target.id);
  const result = state?.status === 'result' ? state.result : null;
  return (
    <article
      className={`card device-card${justAdded ? ' just-added' : ''}`}
      data-testid="device-card"
      data-target-id={target.id}
      data-just-added={justAdded ? 'true' : undefined}
      tabIndex={-1}
      aria-label={target.name}
    >
      <header className="devices-card-head">
        <div>
          <h2>{target.name}</h2>
          <code className="muted device-spec">{target.spec}</code>
        </div>
        <div className="device-actions">
          <button type="button" className="button" data-testid="device-test" disabled={state?.status === 'testing'} onClick={() => void tests.test(target)}>
            {state?.status === 'testing' ? 'Connecting…' : 'Test connection'}
          </button>
          <button type="button" className="button danger" data-testid="device-remove" onClick={onRemove}>
            Remove
          </button>
        </div>
      </header>
      {config && (
        <p className="muted device-protocol">
          {SERIAL_PROTOCOLS[config.protocol].boardNote}{' '}
          Baud rate {config.baudRate === 'auto' ? 'found automatically' : config.baudRate}.
        </p>
      )}
      {state?.status === 'failed' && (
        <p className="device-test-result failed" role="alert" data-testid="device-test-result">
          {state.message}
        </p>
      )}
      {result && (
        <div className={`device-test-result ${result.ok ? 'ok' : 'failed'}`} data-testid="device-test-result" data-ok={result.ok}>
          <p>{testResultText(result)}</p>
          {result.ok && (
            <dl className="facts device-facts">
              {DETAIL_LABELS.filter(([key]) => result.details[key] !== undefined).map(([key, label, unit]) => (
                <div key={key}>
                  <dt>{label}</dt>
                  <dd>{withUnit(result.details[key] ?? '', unit)}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
      <DeviceRun target={target} models={models} busy={benchBusy} onRun={onRun} />
      {lastRun && <LastRun run={lastRun} onOpenRun={onOpenRun} />}
      {upload && <UploadBar sentBytes={upload.sentBytes} totalBytes={upload.totalBytes} />}
      <SerialLog lines={events.logOf(target.id)} onClear={() => events.clear(target.id)} />
    </article>
  );
}

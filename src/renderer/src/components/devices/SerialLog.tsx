import { useEffect, useRef, useState } from 'react';
import { MAX_LOG_LINES, type LogLine } from './useDeviceEvents';

interface Props {
  lines: readonly LogLine[];
  onClear: () => void;
}

const ARROW: Record<LogLine['direction'], string> = { rx: '←', tx: '→', info: '·' };
const TITLE: Record<LogLine['direction'], string> = { rx: 'from the board', tx: 'to the board', info: 'what the studio did' };

/** The live Rx/Tx log of one board: follows new lines unless paused; Pause freezes the view while the log goes on filling. */
export function SerialLog({ lines, onClear }: Props) {
  const [frozen, setFrozen] = useState<readonly LogLine[] | null>(null);
  const box = useRef<HTMLOListElement>(null);
  const shown = frozen ?? lines;

  useEffect(() => {
    if (frozen === null && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, frozen]);

  return (
    <section className="serial-log" data-testid="serial-log" aria-label="Serial log">
      <div className="serial-log-bar">
        <span className="field-label">Serial log</span>
        <span className="muted serial-log-count">
          {frozen ? `paused · ${lines.length - frozen.length > 0 ? `${lines.length - frozen.length} new lines hidden` : 'no new lines'}` : `${lines.length} lines`}
          {lines.length >= MAX_LOG_LINES ? ` (last ${MAX_LOG_LINES} kept)` : ''}
        </span>
        <button type="button" className="button tiny" data-testid="serial-log-pause" aria-pressed={frozen !== null} onClick={() => setFrozen(frozen ? null : lines)}>
          {frozen ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          className="button tiny"
          data-testid="serial-log-clear"
          onClick={() => {
            setFrozen(null);
            onClear();
          }}
        >
          Clear
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted serial-log-empty">Nothing yet: traffic with the board shows here as it happens (connect, upload, run).</p>
      ) : (
        <ol className="serial-log-lines" ref={box}>
          {shown.map((line) => (
            <li key={line.id} className={`log-${line.direction}`} data-direction={line.direction}>
              <span className="log-arrow" title={TITLE[line.direction]}>
                {ARROW[line.direction]}
              </span>
              <span className="log-text">{line.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

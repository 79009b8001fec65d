import { useState, type ReactNode } from 'react';
import { useModalDialog } from '../../hooks/useModalDialog';
import { uiErrorText } from '../../ui-messages';
import './housekeeping.css';

export interface RemovedItem {
  key: string;
  /** What the user knows it by ("demo-mnist · int8 dynamic · onnx"). */
  label: string;
  /** A second line: its id, date or file. */
  detail?: string;
}

interface Props {
  /** "Remove 2 runs?" */
  title: string;
  /** Exactly what goes, one line each. */
  items: readonly RemovedItem[];
  /** What stays or what else to know, under the list. */
  children?: ReactNode;
  /** Why Remove cannot be pressed yet (shown instead of pressing it), or null. */
  blocked?: string | null;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * The one confirmation every removal goes through: a modal naming every item that will go, with
 * Cancel focused first; a refusal from the engine is shown here and nothing closes.
 */
export function ConfirmRemove({ title, items, children, blocked = null, onConfirm, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { dialogProps } = useModalDialog({ onClose, canClose: !busy });
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(uiErrorText(failure));
      setBusy(false);
    }
  };
  return (
    <dialog {...dialogProps} className="remove-dialog modal-dialog" data-testid="confirm-remove" aria-labelledby="confirm-remove-title">
      <h2 id="confirm-remove-title">{title}</h2>
      <p className="muted">These are deleted from the workspace folder; this cannot be undone.</p>
      <ul className="remove-dialog-items" data-testid="confirm-remove-items">
        {items.map((item) => (
          <li key={item.key} data-testid="confirm-remove-item">
            <span>{item.label}</span>
            {item.detail && <code className="muted small">{item.detail}</code>}
          </li>
        ))}
      </ul>
      {children}
      {blocked && (
        <p className="warn-text" data-testid="confirm-remove-blocked">
          {blocked}
        </p>
      )}
      {error && (
        <p className="remove-dialog-error" role="alert" data-testid="confirm-remove-error">
          {error}
        </p>
      )}
      <div className="remove-dialog-actions">
        {/* Cancel comes first and takes the focus: Enter on an open dialog never deletes. */}
        <button type="button" className="button" autoFocus disabled={busy} onClick={onClose} data-testid="confirm-remove-cancel">
          Cancel
        </button>
        <button type="button" className="button danger" disabled={busy || blocked !== null} onClick={() => void confirm()} data-testid="confirm-remove-ok">
          {busy ? 'Removing…' : items.length === 1 ? 'Remove it' : `Remove all ${items.length}`}
        </button>
      </div>
    </dialog>
  );
}

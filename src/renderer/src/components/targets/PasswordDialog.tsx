import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { SshTargetConfig } from '../../../../shared/targets';

interface Props {
  config: SshTargetConfig;
  onSubmit: (password: string) => void;
  onCancel: () => void;
}

/**
 * Asks for an SSH password before a connection test. A modal <dialog>: the rest of the page is
 * inert, Escape cancels. The password lives in this component's state until it is handed to the
 * engine, which keeps it in memory for the session; nothing here stores or logs it.
 */
export function PasswordDialog({ config, onSubmit, onCancel }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector('input')?.focus();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (password === '') {
      setError('Type the password, or press Cancel.');
      return;
    }
    onSubmit(password);
  };

  return (
    <dialog
      ref={dialogRef}
      className="password-dialog"
      aria-labelledby="password-dialog-title"
      data-testid="password-dialog"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit}>
        <h2 id="password-dialog-title">Password for {config.name}</h2>
        <p className="muted">
          Logging in as <code>{config.user}</code> on <code>{config.host}:{config.port}</code>.
        </p>
        <label className={`field${error ? ' invalid' : ''}`}>
          <span className="field-label">Password</span>
          <input
            type="password"
            autoComplete="off"
            value={password}
            data-testid="password-input"
            aria-invalid={error ? true : undefined}
            onChange={(event) => {
              setPassword(event.currentTarget.value);
              setError(null);
            }}
          />
          <span className="field-hint wide-hint">
            {error ?? 'Held in memory until the studio closes; never written to the workspace or logged.'}
          </span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel} data-testid="password-cancel">
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="password-submit">
            Test connection
          </button>
        </div>
      </form>
    </dialog>
  );
}

import { useState, type FormEvent } from 'react';
import type { SshTargetConfig } from '../../../../shared/targets';
import { useModalDialog } from '../../hooks/useModalDialog';

interface Props {
  config: SshTargetConfig;
  onSubmit: (password: string) => void;
  onCancel: () => void;
}

/**
 * Asks for an SSH password before a connection test. A modal dialog (useModalDialog): the rest of
 * the page is inert, Escape cancels. The password lives in this component's state until it is handed to the
 * engine, which keeps it in memory for the session; nothing here stores or logs it.
 */
export function PasswordDialog({ config, onSubmit, onCancel }: Props) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { dialogProps } = useModalDialog({ onClose: onCancel, initialFocus: 'input' });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (password === '') {
      setError('Type the password, or press Cancel.');
      return;
    }
    onSubmit(password);
  };

  return (
    <dialog {...dialogProps} className="password-dialog modal-dialog" aria-labelledby="password-dialog-title" data-testid="password-dialog">
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

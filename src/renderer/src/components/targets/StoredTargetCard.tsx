import { useState } from 'react';
import type { TargetEntry } from '../../../../shared/contract';
import { kindBadge } from '../../target-kind-view';
import { TestOutcome } from './TestOutcome';
import type { TargetTestState } from './useTargetTests';

interface Props {
  target: TargetEntry;
  test: TargetTestState | undefined;
  onTest: () => void;
  onTrust: (fingerprint: string) => void;
  onDecline: (fingerprint: string) => void;
  onEdit: () => void;
  onRemove: () => Promise<void>;
}

/** A stored SSH board or serial device: how to reach it, its last test, and what can be done with it. */
export function StoredTargetCard({ target, test, onTest, onTrust, onDecline, onEdit, onRemove }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const testing = test?.status === 'testing';

  const remove = async (): Promise<void> => {
    setRemoving(true);
    try {
      await onRemove();
    } finally {
      setRemoving(false);
      setConfirming(false);
    }
  };

  return (
    <article className="card target-card" data-testid="stored-target" data-target-id={target.id} data-kind={target.kind} aria-label={target.name}>
      <header className="target-header">
        <div className="target-title">
          <h2>
            {target.name} <span className={`kind-badge kind-${target.kind}`}>{kindBadge(target.kind)}</span>
          </h2>
          <code className="target-spec" data-testid="target-spec">
            {target.spec}
          </code>
        </div>
        <div className="target-actions">
          <button type="button" className="button primary" onClick={onTest} disabled={testing} data-testid="target-test">
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="button" onClick={onEdit} disabled={testing} data-testid="target-edit">
            Edit
          </button>
          <button type="button" className="button danger" onClick={() => setConfirming(true)} disabled={testing || confirming} data-testid="target-remove">
            Remove
          </button>
        </div>
      </header>
      {confirming && (
        <div className="confirm-remove" role="alertdialog" aria-label={`Remove ${target.name}?`} data-testid="target-remove-confirm">
          <span>
            Remove <strong>{target.name}</strong> from targets.json? Runs made on it keep their results.
          </span>
          <button type="button" className="button danger" onClick={() => void remove()} disabled={removing} data-testid="target-remove-yes">
            {removing ? 'Removing…' : 'Remove'}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)} disabled={removing} data-testid="target-remove-no">
            Keep
          </button>
        </div>
      )}
      <TestOutcome target={target} state={test} onTrust={onTrust} onDecline={onDecline} />
    </article>
  );
}

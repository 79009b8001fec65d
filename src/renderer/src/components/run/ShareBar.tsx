import { formatPercent } from '../../format';

/** A fraction of the whole as a small bar and its percentage. */
export function ShareBar({ share }: { share: number }) {
  const clamped = Math.max(0, Math.min(1, share));
  return (
    <span className="share">
      <span className="share-track" aria-hidden="true">
        <span className="share-fill" style={{ width: `${(clamped * 100).toFixed(1)}%` }} />
      </span>
      <span className="share-value">{formatPercent(share)}</span>
    </span>
  );
}

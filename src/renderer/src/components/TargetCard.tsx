import type { TargetEntry } from '../../../shared/contract';
import { formatBytes } from '../../../shared/units';
import { isImplicitTarget, kindBadge, targetTitle } from '../target-kind-view';

interface Props {
  target: TargetEntry;
  probing: boolean;
  onProbe: () => void;
}

export function TargetCard({ target, probing, onProbe }: Props) {
  const hw = target.hardware;
  const implicit = isImplicitTarget(target);
  return (
    <article className="card target-card" data-testid={`target-${implicit ? target.kind : target.id}`}>
      <header className="target-header">
        <div>
          <h2>{targetTitle(target)}</h2>
          <span className="muted">
            {kindBadge(target.kind)}
            {implicit && target.name !== targetTitle(target) ? ` · ${target.name}` : ''}
          </span>
        </div>
        <button type="button" className="button" onClick={onProbe} disabled={probing}>
          {probing ? 'Probing…' : 'Probe again'}
        </button>
      </header>
      {hw === null ? (
        <p className="muted">{probing ? 'Reading the hardware profile…' : 'Not probed yet.'}</p>
      ) : (
        <>
          <dl className="facts">
            <div className="wide">
              <dt>CPU</dt>
              <dd>{hw.cpuModel}</dd>
            </div>
            <div>
              <dt>Architecture</dt>
              <dd>{hw.arch}</dd>
            </div>
            <div>
              <dt>Cores</dt>
              <dd>{hw.cores}</dd>
            </div>
            <div>
              <dt>Memory</dt>
              <dd>{formatBytes(hw.memoryBytes)}</dd>
            </div>
            <div className="wide">
              <dt>Operating system</dt>
              <dd>{hw.os}</dd>
            </div>
          </dl>
          <h3 className="section-title">CPU features</h3>
          {hw.cpuFeatures.length === 0 ? (
            <p className="muted">None of the features that matter for inference were detected.</p>
          ) : (
            <ul className="chips">
              {hw.cpuFeatures.map((feature) => (
                <li key={feature} className="chip">
                  {feature}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </article>
  );
}

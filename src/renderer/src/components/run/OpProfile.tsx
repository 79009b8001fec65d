import type { RunFile } from '../../../../shared/run-schema';
import { profileSourceLine } from '../../board-view';
import { formatUs } from '../../format';
import { formatMs } from '../../../../shared/units';
import { ProfileNodes } from './ProfileNodes';
import { ShareBar } from './ShareBar';

type Profile = NonNullable<RunFile['profile']>;

/** What crossing from JavaScript into the runtime costs per inference: our wall time minus its own. */
function BoundaryLine({ profile }: { profile: Profile }) {
  const costUs = (profile.wallMedianMs - profile.runtimeMedianMs) * 1000;
  return (
    <p className="boundary" data-testid="profile-boundary">
      onnxruntime&apos;s own run time <strong>{formatMs(profile.runtimeMedianMs)}</strong> vs our wall time{' '}
      <strong>{formatMs(profile.wallMedianMs)}</strong> → JS boundary cost{' '}
      <strong>{costUs > 0 ? formatUs(costUs) : '≈ 0 µs'}</strong>{' '}
      <span className="muted">(medians over {profile.runs} profiled runs, taken after measuring)</span>
    </p>
  );
}

/** The per-op profile (onnxruntime's, a board's ticks, or benchmark_model's): per op type, then per node. */
export function OpProfile({ profile }: { profile: Profile }) {
  const ops = [...profile.ops].sort((a, b) => b.meanUs - a.meanUs);
  const source = profileSourceLine(profile);
  return (
    <section className="op-profile" data-testid="op-profile" data-source={profile.source ?? 'runtime'} data-simulated={profile.simulated ? 'true' : undefined}>
      <h3 className="section-title">Op profile{profile.simulated ? ' (SIMULATED)' : ''}</h3>
      {source === null ? (
        <BoundaryLine profile={profile} />
      ) : (
        <p className="boundary" data-testid="profile-source">
          {source}
        </p>
      )}
      <div className="profile-tables">
        <table className="table compact profile-ops-table" data-testid="profile-ops">
          <caption>By op type</caption>
          <thead>
            <tr>
              <th>Op type</th>
              <th className="num">Nodes</th>
              <th className="num">Mean</th>
              <th>Share of run time</th>
            </tr>
          </thead>
          <tbody>
            {ops.map((op) => (
              <tr key={op.opType} data-op-type={op.opType}>
                <td>
                  <code>{op.opType}</code>
                </td>
                <td className="num">{op.nodes}</td>
                <td className="num">{formatUs(op.meanUs)}</td>
                <td>
                  <ShareBar share={op.share} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ProfileNodes nodes={profile.nodes} />
      </div>
    </section>
  );
}

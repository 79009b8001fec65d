import { useMemo } from 'react';
import { RUNTIMES, RuntimeName } from '../../../../shared/plugins/runtimes';
import { messageFor } from '../../../../shared/remedies';
import { boardProfileMissing } from '../../board-view';
import { useRunFiles } from '../../data/queries';
import { betweenRunDisagreement } from '../../repeats-view';
import { runLabel } from '../../run-label';
import { ExportButton } from '../export/ExportButton';
import { BoardArena } from './BoardArena';
import { LatencyHistogram } from './LatencyHistogram';
import { NativeTools } from './NativeTools';
import { OpProfile } from './OpProfile';
import { ReportWindows } from './ReportWindows';
import { RunFacts } from './RunFacts';
import { RunEnergy } from './RunEnergy';
import { RunAccelerator } from './RunAccelerator';
import { RunInputs } from './RunInputs';
import { RunRepeats } from './RunRepeats';
import { RunHeader } from './RunHeader';
import { StatsTable } from './StatsTable';

interface Props {
  runId: string;
}

/** Whether the run's runtime has a per-op profiler the studio reads (a run file may name a runtime this studio does not have). */
function hasProfiler(runtime: string): boolean {
  const name = RuntimeName.safeParse(runtime);
  return name.success && RUNTIMES[name.data].profiler;
}

function profileMissingReason(runtime: string, profileRuns: number): string {
  if (!hasProfiler(runtime)) return `No op profile in this run: ${runtime} has no per-op profiler the studio reads.`;
  if (profileRuns === 0) return 'No op profile in this run: its profile runs were set to 0 (Advanced, Profile runs).';
  return 'No op profile in this run: the profiler gave none (see the warnings).';
}

/** One run read from its file: verdict, histogram, statistics, time split, memory and op profile. */
export function RunDetail({ runId }: Props) {
  const ids = useMemo(() => [runId], [runId]);
  const [run] = useRunFiles(ids);

  if (!run) return <div className="card muted">Reading the run…</div>;
  const disagreement = betweenRunDisagreement(run);
  const warnings = [
    ...run.warnings.map((warning) => ({ code: warning.code, text: messageFor(warning, 'ui') })),
    // Repeats that disagree in a file whose warnings do not say so: said here, like the others.
    ...(disagreement === null ? [] : [{ code: 'between-run-variation', text: disagreement }]),
  ];
  return (
    <article className="card run-detail" data-testid="run-detail" data-run-id={run.id}>
      <ExportButton scope="run" className="run-export" runs={[{ id: run.id, label: runLabel(run) }]} />
      <RunHeader run={run} />
      {warnings.length > 0 && (
        <ul className="warnings" data-testid="run-warnings">
          {warnings.map((warning) => (
            <li key={warning.code} className="banner banner-warning" data-warning={warning.code}>
              <span className="banner-icon" aria-hidden="true">
                ⚠
              </span>
              <span className="banner-text">{warning.text}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="run-body">
        <LatencyHistogram key={run.id} runId={run.id} latency={run.latencyMs} />
        <StatsTable run={run} />
      </div>
      <RunRepeats run={run} />
      <RunFacts run={run} />
      <BoardArena run={run} />
      <RunEnergy run={run} />
      <RunAccelerator run={run} />
      {run.report && <ReportWindows report={run.report} />}
      <NativeTools run={run} />
      {run.profile ? (
        <OpProfile profile={run.profile} />
      ) : (
        <p className="muted profile-missing" data-testid="profile-missing">
          {boardProfileMissing(run) ?? profileMissingReason(run.runtime.name, run.settings.profileRuns)}
        </p>
      )}
      <RunInputs run={run} />
    </article>
  );
}

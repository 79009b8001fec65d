import type { RunFile } from '../../../../shared/run-schema';
import { acceleratorOpsText, cpuOpPhrases } from '../../../../shared/runtimes';

/**
 * What a Python-runner engine was asked to accelerate with and what really ran (delegate,
 * execution providers, Arm NN backend, OpenVINO device), what could not be used and why, and
 * which ops stayed on the CPU, as the source that knows said. Absent for CPU-only runtimes.
 */
export function RunAccelerator({ run }: { run: RunFile }) {
  const accelerator = run.accelerator;
  if (accelerator === undefined) return null;
  const ops = accelerator.ops;
  return (
    <section className="fact-group run-accelerator" data-testid="run-accelerator">
      <h3 className="section-title">Accelerator</h3>
      <dl>
        <div data-testid="accelerator-used">
          <dt>Ran on</dt>
          <dd>{accelerator.used.join(', ') || 'nothing reported'}</dd>
        </div>
        <div data-testid="accelerator-requested">
          <dt>Asked for</dt>
          <dd>{accelerator.requested.join(', ')}</dd>
        </div>
        {ops !== undefined && (
          <div data-testid="accelerator-ops">
            <dt>Ops</dt>
            <dd>{acceleratorOpsText(ops)}</dd>
          </div>
        )}
      </dl>
      {accelerator.unavailable.map((missing) => (
        <p key={missing.name} className="muted" data-testid="accelerator-unavailable" data-name={missing.name}>
          {missing.name} not used: {missing.reason}
        </p>
      ))}
      {ops !== undefined && ops.cpuOps.length > 0 && (
        <details data-testid="accelerator-cpu-ops">
          <summary>Ops on the CPU ({ops.cpuOps.reduce((n, op) => n + op.count, 0)})</summary>
          <ul>
            {cpuOpPhrases(ops).map((phrase, index) => (
              <li key={`${ops.cpuOps[index]?.opType ?? ''}-${index}`} data-op={ops.cpuOps[index]?.opType}>
                {phrase}
              </li>
            ))}
          </ul>
        </details>
      )}
      {(accelerator.notes ?? []).map((note) => (
        <p key={note} className="muted" data-testid="accelerator-note">
          {note}
        </p>
      ))}
    </section>
  );
}

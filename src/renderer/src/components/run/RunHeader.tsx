import { guessedInputsOfRun } from '../../../../shared/input-messages';
import type { RunFile } from '../../../../shared/run-schema';
import { formatDate, formatThreads } from '../../format';
import { cpuSelectionShort } from '../../../../shared/cpu-pinning';

function settingsLine(run: RunFile): string {
  const s = run.settings;
  const warmup = `${s.warmupRuns} warmup${s.warmupMinTimeMs > 0 ? ` (≥ ${s.warmupMinTimeMs} ms)` : ''}`;
  if (s.mode === 'report') return `${warmup}, report mode (median of ${run.report?.windows.length ?? 5} windows)`;
  const limits = [
    s.minTimeMs > 0 ? `at least ${s.minTimeMs} ms` : '',
    s.maxTimeMs > 0 ? `at most ${s.maxTimeMs} ms` : '',
  ].filter(Boolean);
  return `${warmup}, ${s.runs} runs${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`;
}

export function VerdictBadge({ verdict, guessedInputs = false }: { verdict: RunFile['verdict']; guessedInputs?: boolean }) {
  const title = guessedInputs
    ? 'Input sizes were guessed: these numbers are for inputs nobody chose. Set the sizes under Input sizes on the Models page.'
    : verdict === 'stable'
      ? 'No warning puts these numbers in doubt.'
      : 'A warning below puts these numbers in doubt: read it before trusting them.';
  return (
    <span className={`verdict verdict-${verdict}`} data-testid="run-verdict" data-verdict={verdict} data-guessed-inputs={guessedInputs ? 'true' : undefined} title={title}>
      {verdict === 'stable' ? '✓ stable' : guessedInputs ? '⚠ unstable: input sizes guessed' : '⚠ unstable'}
    </span>
  );
}

/** A run that stopped mid-measure: its numbers cover the runs measured before it stopped. */
export function PartialBadge({ small = false, reason }: { small?: boolean; reason?: string }) {
  return (
    <span className={`verdict run-partial${small ? ' small' : ''}`} data-testid="run-partial" title={reason ?? 'Measuring stopped early: these numbers cover the runs measured before it stopped.'}>
      partial
    </span>
  );
}

/** Which model ran where, on what runtime and backend, with which settings; the verdict, and why a partial run stopped. */
export function RunHeader({ run }: { run: RunFile }) {
  const r = run.runtime;
  return (
    <header className="run-header">
      <h2>
        {run.model.name}
        {run.model.variant !== 'float' && <span className="tag">{run.model.variant}</span>}
        <span className="muted"> on {run.target.name}</span>
        <VerdictBadge verdict={run.verdict} guessedInputs={guessedInputsOfRun(run.inputs).length > 0} />
        {run.status === 'partial' && <PartialBadge reason={run.stopped?.reason} />}
      </h2>
      {run.stopped !== undefined && (
        <p className="run-stopped" role="note" data-testid="run-stopped">
          <strong>Partial run:</strong> {run.stopped.reason} The numbers below cover the {run.latencyMs.count.toLocaleString('en-US')} runs measured before{' '}
          {run.stopped.before}.
        </p>
      )}
      <p className="muted" data-testid="run-runtime">
        {formatDate(run.createdAt)} · {r.name} {r.version} ({r.backend}) · {formatThreads(r.threads)}
        {run.settings.cpus !== undefined ? ` · CPUs ${cpuSelectionShort(run.settings.cpus, run.cpuPinning)}` : ''} · {settingsLine(run)}
        {run.settings.freshInputs ? ' · fresh inputs' : ''} · {run.target.hardware.cpuModel}
        {run.job && run.job.cells > 1 ? ` · cell ${run.job.cell + 1} of ${run.job.cells}` : ''}
      </p>
    </header>
  );
}

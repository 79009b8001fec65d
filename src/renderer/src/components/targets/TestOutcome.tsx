import type { TargetEntry, TargetTestResult } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-schema';
import { detailOf } from '../../../../shared/errors';
import { TARGET_KINDS } from '../../../../shared/plugins/target-kinds';
import { useRuns } from '../../data/queries';
import { formatDate } from '../../format';
import { testResultText } from '../../ui-messages';
import { HardwareSummary } from './HardwareSummary';
import type { TargetTestState } from './useTargetTests';

interface Props {
  target: TargetEntry;
  state: TargetTestState | undefined;
  onTrust: (fingerprint: string) => void;
  onDecline: (fingerprint: string) => void;
}

function where(target: TargetEntry): string {
  const config = target.config;
  if (config?.kind === 'ssh') return `${config.host}:${config.port}`;
  if (config?.kind === 'serial') return config.path;
  return target.name;
}

type FailureView = { view: 'trust'; fingerprint: string } | { view: 'changed' } | { view: 'message' };

/**
 * How a failed test is shown, by the kind of its error: every kind is named, so a new kind does
 * not compile until this page decides how to show it. A result from an engine that sent no error
 * data falls back to its host key.
 */
function failureView(result: TargetTestResult): FailureView {
  const detail = result.error === undefined ? undefined : detailOf(result.error);
  if (detail === undefined) {
    if (result.hostKey?.status === 'unknown') return { view: 'trust', fingerprint: result.hostKey.fingerprint };
    return result.hostKey?.status === 'changed' ? { view: 'changed' } : { view: 'message' };
  }
  switch (detail.kind) {
    case 'host-key-unknown':
      return { view: 'trust', fingerprint: detail.fingerprint };
    case 'host-key-changed':
      return { view: 'changed' };
    case 'host-key-revoked':
    case 'auth-failed':
    case 'refused':
    case 'unreachable':
    case 'dns':
    case 'timeout':
    case 'connection-lost':
    case 'exec-timeout':
    case 'transfer-failed':
    case 'no-runtime':
    case 'port-missing':
    case 'port-busy':
    case 'port-permission':
    case 'port-not-serial':
    case 'bad-baud':
    case 'port-vanished':
    case 'port-timeout':
    case 'port-failed':
    case 'port-closed':
    case 'baud-not-found':
    case 'board-reset':
    case 'no-answer':
    case 'device-error':
    case 'not-mlperf-tiny':
    case 'input-size':
    case 'load-incomplete':
    case 'no-timestamps':
    case 'clock-stopped':
    case 'short-window':
    case 'device-gone':
    case 'model-too-big':
    case 'arena-too-small':
      return { view: 'message' };
    default: {
      const unhandled: never = detail;
      return unhandled;
    }
  }
}


/** The target's newest run: a run file names its target, not the target's id, so the name links them. */
function lastRunOn(target: TargetEntry, runs: readonly RunSummary[]): RunSummary | null {
  let last: RunSummary | null = null;
  for (const run of runs) if (run.targetName === target.name && (last === null || run.createdAt > last.createdAt)) last = run;
  return last;
}

/** The last "Test connection" of a stored target: what it found, a host key to trust, or what went wrong. */
export function TestOutcome({ target, state, onTrust, onDecline }: Props) {
  const lastRun = lastRunOn(target, useRuns());
  if (state === undefined) {
    // The engine may still know the hardware from a test made before this page was opened.
    if (target.hardware) return <HardwareSummary hardware={target.hardware} />;
    // A run file exists only for a run that took samples: the connection worked then, whether or not it was tested.
    if (lastRun) {
      return (
        <p className="muted" data-testid="target-last-run" data-run-id={lastRun.id}>
          Last run {formatDate(lastRun.createdAt)} ({lastRun.modelName}) {lastRun.status === 'completed' ? 'succeeded' : 'stopped early but took samples'}, so
          the connection works. Test connection reads what the board is.
        </p>
      );
    }
    return (
      <p className="muted" data-testid="target-untested">
        {TARGET_KINDS[target.kind].stored?.form.testNote ?? 'Not tested yet.'}
      </p>
    );
  }
  if (state.status === 'testing') {
    return (
      <p className="muted" data-testid="target-testing" aria-live="polite">
        {state.trusting ? 'Trusting the host key and connecting…' : `Connecting to ${where(target)}…`}
      </p>
    );
  }
  if (state.status === 'failed') {
    return (
      <p className="test-message test-error" role="alert" data-testid="target-test-error">
        {state.message}
      </p>
    );
  }
  if (state.status === 'declined') {
    return (
      <p className="test-message" data-testid="target-test-declined">
        Host key {state.fingerprint} not trusted: the studio will not connect to {where(target)} until you trust its key.
      </p>
    );
  }
  const { result } = state;
  if (result.ok) {
    return (
      <div data-testid="target-test-ok">
        <p className="test-message test-ok">{result.message}</p>
        {result.hardware && <HardwareSummary hardware={result.hardware} details={result.details} />}
      </div>
    );
  }
  const failure = failureView(result);
  if (failure.view === 'trust') {
    const { fingerprint } = failure;
    return (
      <div className="host-key" data-testid="host-key-prompt">
        <p>
          First connection to <code>{where(target)}</code>. Check that the host key&apos;s fingerprint matches the board&apos;s
          (run <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on it) before you trust it:
        </p>
        <code className="fingerprint" data-testid="host-key-fingerprint">
          {fingerprint}
        </code>
        <div className="host-key-actions">
          <button type="button" className="button primary" onClick={() => onTrust(fingerprint)} data-testid="host-key-trust">
            Trust this host key
          </button>
          <button type="button" className="button" onClick={() => onDecline(fingerprint)} data-testid="host-key-cancel">
            Cancel
          </button>
        </div>
      </div>
    );
  }
  if (failure.view === 'changed') {
    return (
      <div className="host-key changed" role="alert" data-testid="host-key-changed">
        {/* The engine's message names both keys, the known_hosts line, and what to do. */}
        <p>{testResultText(result)}</p>
      </div>
    );
  }
  return (
    <p className="test-message test-error" role="alert" data-testid="target-test-error">
      {testResultText(result)}
    </p>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { TargetEntry } from '../../../shared/contract';
import type { TargetConfig } from '../../../shared/targets';
import { TargetCard } from '../components/TargetCard';
import { PasswordDialog } from '../components/targets/PasswordDialog';
import { StoredTargetCard } from '../components/targets/StoredTargetCard';
import { TargetForm } from '../components/targets/TargetForm';
import { useTargetTests } from '../components/targets/useTargetTests';
import '../components/targets/targets.css';
import { useProbeTarget, useWorkspaceChange, workspaceChanges } from '../data/mutations';
import { useTargets, useWorkspaceInfo } from '../data/queries';
import { isImplicitTarget } from '../target-kind-view';

interface Props {
  onError: (error: unknown) => void;
}

export function TargetsPage({ onError }: Props) {
  const targets = useTargets();
  // Why the workspace's targets.json cannot be used (it is then left untouched), or null.
  const targetsProblem = useWorkspaceInfo()?.problems.find((problem) => problem.path === 'targets.json')?.message ?? null;
  const probeTarget = useProbeTarget();
  const probing = probeTarget.isPending ? probeTarget.variables.id : null;
  const { mutateAsync: addTarget } = useWorkspaceChange(workspaceChanges.addTarget);
  const { mutateAsync: updateTarget } = useWorkspaceChange(workspaceChanges.updateTarget);
  const { mutateAsync: removeTarget } = useWorkspaceChange(workspaceChanges.removeTarget);
  const autoProbed = useRef(new Set<string>());
  // 'new' while adding a target, a target id while editing it.
  const [formFor, setFormFor] = useState<string | null>(null);
  const [passwordFor, setPasswordFor] = useState<TargetEntry | null>(null);
  const tests = useTargetTests();

  const probe = (target: TargetEntry): Promise<void> => probeTarget.mutateAsync(target).then(() => undefined, onError);

  // "This computer" answers instantly, so probe it once if the engine had no profile yet.
  useEffect(() => {
    const local = targets.find((t) => isImplicitTarget(t) && t.hardware === null);
    if (local && !autoProbed.current.has(local.id)) {
      autoProbed.current.add(local.id);
      void probe(local);
    }
  });

  const local = targets.filter(isImplicitTarget);
  const stored = targets.filter((t) => !isImplicitTarget(t) && t.config !== null);
  const namesExcept = (id: string | null): string[] => stored.filter((t) => t.id !== id).map((t) => t.name);

  const save = async (id: string | null, config: TargetConfig): Promise<void> => {
    try {
      if (id === null) await addTarget(config);
      else {
        await updateTarget({ id, config });
        tests.forget(id);
      }
      setFormFor(null);
    } catch (error) {
      onError(error);
    }
  };

  const remove = async (target: TargetEntry): Promise<void> => {
    try {
      await removeTarget({ id: target.id });
      tests.forget(target.id);
    } catch (error) {
      onError(error);
    }
  };

  const startTest = (target: TargetEntry): void => {
    if (tests.needsPassword(target)) setPasswordFor(target);
    else void tests.test(target);
  };

  return (
    <section className="page" aria-labelledby="targets-title">
      <header className="page-header">
        <div>
          <h1 id="targets-title">Targets</h1>
          <p className="page-sub">Where models run. Every benchmark records the hardware it ran on.</p>
        </div>
        <button
          type="button"
          className="button primary"
          onClick={() => setFormFor('new')}
          disabled={formFor === 'new' || targetsProblem !== null}
          title={targetsProblem !== null ? 'targets.json must be repaired or moved aside first' : undefined}
          data-testid="target-add"
        >
          Add target
        </button>
      </header>
      {targetsProblem !== null && (
        <div className="card targets-damaged" role="alert" data-testid="targets-damaged">
          <h2>The saved targets cannot be read</h2>
          <p>
            <code>targets.json</code> in this workspace: {targetsProblem}
          </p>
          <p className="muted">
            Benchmarks on this computer still work. Once the file is repaired or moved aside, reload the page to see the boards
            it lists.
          </p>
        </div>
      )}
      {formFor === 'new' && <TargetForm otherNames={namesExcept(null)} onSave={(config) => save(null, config)} onCancel={() => setFormFor(null)} />}
      <div className="target-grid">
        {local.map((target) => (
          <TargetCard key={target.id} target={target} probing={probing === target.id} onProbe={() => void probe(target)} />
        ))}
        {stored.map((target) =>
          formFor === target.id && target.config ? (
            <TargetForm
              key={target.id}
              editing={{ id: target.id, config: target.config }}
              otherNames={namesExcept(target.id)}
              onSave={(config) => save(target.id, config)}
              onCancel={() => setFormFor(null)}
            />
          ) : (
            <StoredTargetCard
              key={target.id}
              target={target}
              test={tests.states.get(target.id)}
              onTest={() => startTest(target)}
              onTrust={(fingerprint) => void tests.trust(target, fingerprint)}
              onDecline={(fingerprint) => tests.decline(target, fingerprint)}
              onEdit={() => setFormFor(target.id)}
              onRemove={() => remove(target)}
            />
          ),
        )}
        {stored.length === 0 && formFor !== 'new' && targetsProblem === null && (
          <div className="card empty-targets" data-testid="targets-empty">
            <h2>No boards yet</h2>
            <p>
              Add a Raspberry Pi or Jetson over SSH (<code>ssh://user@host:port</code>), or an ESP32 / STM32 board on a USB
              cable (<code>serial:///dev/ttyUSB0</code>). A benchmark can then run on it beside this computer, several boards
              at once.
            </p>
            <button type="button" className="button" onClick={() => setFormFor('new')} data-testid="targets-empty-add">
              Add target
            </button>
          </div>
        )}
      </div>
      {/* Only SSH logs in with a password (auth 'password'): the dialog asks for an SSH config's user and host. */}
      {passwordFor?.config?.kind === 'ssh' && (
        <PasswordDialog
          config={passwordFor.config}
          onCancel={() => setPasswordFor(null)}
          onSubmit={(password) => {
            const target = passwordFor;
            setPasswordFor(null);
            void tests.test(target, password);
          }}
        />
      )}
    </section>
  );
}

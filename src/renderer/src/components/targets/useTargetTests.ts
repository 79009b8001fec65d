import { useCallback, useState } from 'react';
import type { StudioApi, TargetEntry, TargetTestResult } from '../../../../shared/contract';
import { useApi } from '../../data/api-context';
import { useReplaceTarget } from '../../data/queries';
import { uiErrorText } from '../../ui-messages';

export type TargetTestState =
  | { status: 'testing'; trusting: boolean }
  | { status: 'result'; result: TargetTestResult }
  /** The call itself was refused (no password for this session, target gone…). */
  | { status: 'failed'; message: string }
  /** The user declined an unknown host key. */
  | { status: 'declined'; fingerprint: string };

interface SessionMemory {
  /** Last outcome per target id, so the page shows it again after a page switch. */
  results: Map<string, TargetTestState>;
  /** Targets whose password the engine holds for this session (only the fact, never the password). */
  passwordGiven: Set<string>;
}

// Per API object, i.e. per studio session; lost on reload, as the engine-side password may be too.
const memory = new WeakMap<StudioApi, SessionMemory>();

function sessionMemory(api: StudioApi): SessionMemory {
  let found = memory.get(api);
  if (!found) {
    found = { results: new Map(), passwordGiven: new Set() };
    memory.set(api, found);
  }
  return found;
}

/**
 * "Test connection" for stored targets: runs targets.test, asks for trust of a new host key by
 * passing its fingerprint back, and remembers each target's last outcome for this session. The
 * hardware a test finds goes into the cached targets list at once.
 */
export function useTargetTests() {
  const api = useApi();
  const onHardware = useReplaceTarget();
  const session = sessionMemory(api);
  const [states, setStates] = useState<ReadonlyMap<string, TargetTestState>>(() => new Map(session.results));

  const setState = useCallback(
    (id: string, state: TargetTestState | null) => {
      if (state === null) session.results.delete(id);
      else if (state.status !== 'testing') session.results.set(id, state);
      setStates((old) => {
        const next = new Map(old);
        if (state === null) next.delete(id);
        else next.set(id, state);
        return next;
      });
    },
    [session],
  );

  const run = useCallback(
    async (target: TargetEntry, request: { password?: string; acceptHostKey?: string }): Promise<void> => {
      setState(target.id, { status: 'testing', trusting: request.acceptHostKey !== undefined });
      if (request.password !== undefined) session.passwordGiven.add(target.id);
      try {
        const result = await api.targets.test({ id: target.id, ...request });
        // A refused login may be a mistyped password: ask again next time.
        if (!result.ok && result.hostKey === null) session.passwordGiven.delete(target.id);
        setState(target.id, { status: 'result', result });
        if (result.ok && result.hardware) onHardware({ ...target, hardware: result.hardware });
      } catch (error) {
        session.passwordGiven.delete(target.id);
        setState(target.id, { status: 'failed', message: uiErrorText(error) });
      }
    },
    [api, onHardware, session, setState],
  );

  return {
    states,
    /** Whether Test connection must first ask for the password (auth 'password', none given this session). */
    // Password login is SSH's own (auth 'password'): no other kind has a secret the studio holds.
    needsPassword: (target: TargetEntry): boolean =>
      target.config?.kind === 'ssh' && target.config.auth === 'password' && !session.passwordGiven.has(target.id),
    test: (target: TargetEntry, password?: string) => run(target, password === undefined ? {} : { password }),
    trust: (target: TargetEntry, fingerprint: string) => run(target, { acceptHostKey: fingerprint }),
    decline: (target: TargetEntry, fingerprint: string) => setState(target.id, { status: 'declined', fingerprint }),
    /** After an edit or removal the old outcome no longer describes the target. */
    forget: (id: string) => {
      session.passwordGiven.delete(id);
      setState(id, null);
    },
  };
}

export type TargetTests = ReturnType<typeof useTargetTests>;

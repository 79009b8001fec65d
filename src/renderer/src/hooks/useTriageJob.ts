import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../../shared/contract';
import type { ErrorData } from '../../../shared/errors';
import type { TriageStartRequest, TriageStepName } from '../../../shared/triage';
import { useApi } from '../data/api-context';

export type TriageProgress = EventPayload<'triage.progress'>;
export type TriageDone = EventPayload<'triage.done'>;

export type TriageJobState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'running'; triageId: string; progress: TriageProgress | null; reached: TriageStepName; cancelling: boolean }
  | { status: 'ended'; done: TriageDone }
  /** triage.start itself was refused (no new layer picked, unknown target…). */
  | { status: 'rejected'; error: ErrorData };

/**
 * One "Keep in float and compare" at a time from the Accuracy page: its progress (triage.progress)
 * and its end (triage.done), matched by the id triage.start answers; events of a job this page
 * did not start are ignored. `onDone` gets the ended job (the page reloads the triage table).
 */
export function useTriageJob(onDone: (done: TriageDone) => void, onRejected: (error: unknown) => void) {
  const api = useApi();
  const [state, setState] = useState<TriageJobState>({ status: 'idle' });
  const idRef = useRef<string | null>(null);
  // Events that arrive before triage.start answered wait here.
  const early = useRef<Array<{ kind: 'progress'; event: TriageProgress } | { kind: 'done'; event: TriageDone }>>([]);
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  }, [onDone]);

  const apply = useCallback((item: { kind: 'progress'; event: TriageProgress } | { kind: 'done'; event: TriageDone }) => {
    if (item.event.triageId !== idRef.current) return;
    if (item.kind === 'done') {
      idRef.current = null;
      setState({ status: 'ended', done: item.event });
      onDoneRef.current(item.event);
      return;
    }
    const event = item.event;
    setState((current) => (current.status === 'running' ? { ...current, progress: event, reached: event.step } : current));
  }, []);

  useEffect(() => {
    const route = (item: { kind: 'progress'; event: TriageProgress } | { kind: 'done'; event: TriageDone }): void => {
      if (idRef.current === null) early.current.push(item);
      else apply(item);
    };
    const offs = [api.on('triage.progress', (event) => route({ kind: 'progress', event })), api.on('triage.done', (event) => route({ kind: 'done', event }))];
    return () => offs.forEach((off) => off());
  }, [api, apply]);

  const start = useCallback(
    async (request: TriageStartRequest): Promise<void> => {
      early.current = [];
      setState({ status: 'starting' });
      try {
        const { triageId } = await api.triage.start(request);
        idRef.current = triageId;
        setState({ status: 'running', triageId, progress: null, reached: 'quantize', cancelling: false });
        for (const item of early.current.splice(0)) apply(item);
      } catch (error) {
        setState({ status: 'idle' });
        onRejected(error);
      }
    },
    [api, apply, onRejected],
  );

  const cancel = useCallback(async (): Promise<void> => {
    const id = idRef.current;
    if (!id) return;
    setState((current) => (current.status === 'running' ? { ...current, cancelling: true } : current));
    await api.triage.cancel({ triageId: id });
  }, [api]);

  const dismiss = useCallback(() => setState({ status: 'idle' }), []);

  return { state, start, cancel, dismiss };
}

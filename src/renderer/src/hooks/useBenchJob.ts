import { useCallback, useEffect, useRef, useState } from 'react';
import type { BenchRequest, EventPayload, StudioApi } from '../../../shared/contract';
import type { ErrorData } from '../../../shared/errors';
import { toErrorData } from '../../../shared/errors';

type Progress = EventPayload<'bench.progress'>;
type Done = EventPayload<'bench.done'>;

export type BenchJobState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'running'; jobId: string; progress: Progress | null; cancelling: boolean }
  | { status: 'failed'; error: ErrorData; runnerLog: string[] };

/**
 * One benchmark job at a time, started from the Runs page. Lives above the pages so that
 * its progress survives switching pages. `onRunReady` receives the new run's id.
 */
export function useBenchJob(api: StudioApi, onRunReady: (runId: string) => void) {
  const [state, setState] = useState<BenchJobState>({ status: 'idle' });
  const jobIdRef = useRef<string | null>(null);
  // Events that arrive before `bench.start` answered (a very short job) wait here.
  const earlyRef = useRef<Array<Progress | Done> | null>(null);
  const onRunReadyRef = useRef(onRunReady);
  useEffect(() => {
    onRunReadyRef.current = onRunReady;
  }, [onRunReady]);

  const apply = useCallback((event: Progress | Done) => {
    if ('ok' in event) {
      jobIdRef.current = null;
      if (event.ok) {
        setState({ status: 'idle' });
        onRunReadyRef.current(event.runId);
      } else {
        setState({ status: 'failed', error: event.error, runnerLog: event.runnerLog });
      }
    } else {
      setState((s) => (s.status === 'running' ? { ...s, progress: event } : s));
    }
  }, []);

  useEffect(() => {
    const route = (event: Progress | Done): void => {
      if (earlyRef.current) earlyRef.current.push(event);
      else if (event.jobId === jobIdRef.current) apply(event);
    };
    const offProgress = api.on('bench.progress', route);
    const offDone = api.on('bench.done', route);
    return () => {
      offProgress();
      offDone();
    };
  }, [api, apply]);

  const start = useCallback(
    async (request: BenchRequest): Promise<void> => {
      setState({ status: 'starting' });
      earlyRef.current = [];
      try {
        const { jobId } = await api.bench.start(request);
        const early = earlyRef.current;
        earlyRef.current = null;
        jobIdRef.current = jobId;
        setState({ status: 'running', jobId, progress: null, cancelling: false });
        for (const event of early.filter((e) => e.jobId === jobId)) apply(event);
      } catch (error) {
        earlyRef.current = null;
        setState({ status: 'failed', error: toErrorData(error), runnerLog: [] });
      }
    },
    [api, apply],
  );

  const cancel = useCallback(async (): Promise<void> => {
    const jobId = jobIdRef.current;
    if (!jobId) return;
    setState((s) => (s.status === 'running' ? { ...s, cancelling: true } : s));
    try {
      await api.bench.cancel({ jobId });
    } catch (error) {
      setState({ status: 'failed', error: toErrorData(error), runnerLog: [] });
    }
  }, [api]);

  const dismiss = useCallback(() => setState({ status: 'idle' }), []);

  return { state, start, cancel, dismiss };
}

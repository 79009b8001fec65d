import { useCallback, useEffect, useRef, useState } from 'react';
import type { BenchRequest } from '../../../shared/contract';
import { toErrorData, type ErrorData } from '../../../shared/errors';
import { useApi } from '../data/api-context';
import { applyJobEvent, applyUpload, jobFailures, jobRunIds, newJob, type JobEvent, type JobView } from '../bench-job';

export type BenchJobState =
  | { status: 'idle' }
  | { status: 'starting' }
  /** bench.start itself was refused (bad settings, unknown model...). */
  | { status: 'rejected'; error: ErrorData }
  | { status: 'job'; job: JobView };

export function isBenchBusy(state: BenchJobState): boolean {
  return state.status === 'starting' || (state.status === 'job' && state.job.status === 'running');
}

/**
 * One matrix job at a time, started from the Runs page. Lives above the pages so that its
 * progress survives switching pages. Once bench.start answers, `onStarted` receives the job (App
 * opens its results page); when a job ends, `onRunsReady` receives its runs and its cell count; a
 * single-cell job that succeeded then steps aside, any other keeps its per-cell summary on
 * screen until dismissed.
 */
export function useBenchJob(
  onRunsReady: (runIds: string[], cells: number) => void,
  onError: (error: unknown) => void,
  onStarted?: (job: JobView) => void,
) {
  const api = useApi();
  const [state, setState] = useState<BenchJobState>({ status: 'idle' });
  const jobRef = useRef<JobView | null>(null);
  // Events that arrive before `bench.start` answered (a very short job) wait here.
  const earlyRef = useRef<JobEvent[] | null>(null);
  const onRunsReadyRef = useRef(onRunsReady);
  const onStartedRef = useRef(onStarted);
  useEffect(() => {
    onRunsReadyRef.current = onRunsReady;
    onStartedRef.current = onStarted;
  }, [onRunsReady, onStarted]);

  const apply = useCallback((event: JobEvent) => {
    const job = jobRef.current;
    if (!job) return;
    const next = applyJobEvent(job, event);
    if (next === job) return;
    jobRef.current = next;
    if (event.kind === 'done') {
      const runIds = jobRunIds(next);
      const clean = next.status === 'finished' && jobFailures(next) === 0;
      setState(clean && next.cells.length === 1 ? { status: 'idle' } : { status: 'job', job: next });
      if (runIds.length > 0 && next.status === 'finished') onRunsReadyRef.current(runIds, next.cells.length);
    } else {
      setState({ status: 'job', job: next });
    }
  }, []);

  useEffect(() => {
    const route = (event: JobEvent): void => {
      if (earlyRef.current) earlyRef.current.push(event);
      else apply(event);
    };
    const offs = [
      api.on('bench.progress', (event) => route({ kind: 'progress', event })),
      api.on('bench.cellDone', (event) => route({ kind: 'cellDone', event })),
      api.on('bench.done', (event) => route({ kind: 'done', event })),
      api.on('device.upload', (event) => {
        const job = jobRef.current;
        const next = job ? applyUpload(job, event) : null;
        if (next && next !== job) {
          jobRef.current = next;
          setState({ status: 'job', job: next });
        }
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, apply]);

  const start = useCallback(
    async (request: BenchRequest): Promise<void> => {
      setState({ status: 'starting' });
      jobRef.current = null;
      earlyRef.current = [];
      try {
        const { jobId, cells } = await api.bench.start(request);
        const early = earlyRef.current;
        earlyRef.current = null;
        jobRef.current = newJob(jobId, cells);
        setState({ status: 'job', job: jobRef.current });
        onStartedRef.current?.(jobRef.current);
        for (const event of early) apply(event);
      } catch (error) {
        earlyRef.current = null;
        setState({ status: 'rejected', error: toErrorData(error) });
      }
    },
    [api, apply],
  );

  const cancel = useCallback(async (): Promise<void> => {
    const job = jobRef.current;
    if (!job || job.status !== 'running') return;
    jobRef.current = { ...job, cancelling: true };
    setState({ status: 'job', job: jobRef.current });
    try {
      await api.bench.cancel({ jobId: job.jobId });
    } catch (error) {
      // The job goes on; say why it could not be stopped.
      if (jobRef.current?.jobId === job.jobId) {
        jobRef.current = { ...jobRef.current, cancelling: false };
        setState({ status: 'job', job: jobRef.current });
      }
      onError(error);
    }
  }, [api, onError]);

  const dismiss = useCallback(() => {
    if (jobRef.current?.status === 'running') return;
    jobRef.current = null;
    setState({ status: 'idle' });
  }, []);

  return { state, start, cancel, dismiss };
}

export type BenchJob = ReturnType<typeof useBenchJob>;

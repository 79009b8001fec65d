/** What the UI knows about one matrix job, folded from its events (pure, so it is easy to follow). */
import type { BenchCell, BenchPhase, EventPayload } from '../../shared/contract';
import type { ErrorData } from '../../shared/errors';

export type ProgressEvent = EventPayload<'bench.progress'>;
export type CellDoneEvent = EventPayload<'bench.cellDone'>;
export type DoneEvent = EventPayload<'bench.done'>;
export type UploadEvent = EventPayload<'device.upload'>;
export type JobEvent =
  | { kind: 'progress'; event: ProgressEvent }
  | { kind: 'cellDone'; event: CellDoneEvent }
  | { kind: 'done'; event: DoneEvent };

export type CellState =
  | { state: 'queued' }
  | { state: 'running'; phase: BenchPhase; completed: number; total: number; fraction: number; repeat?: { index: number; of: number } }
  | { state: 'done'; runId: string }
  /** partialRunId: the run saved from the samples measured before it failed, if any. */
  | { state: 'failed'; error: ErrorData; runnerLog: string[]; partialRunId?: string }
  /** Was running when the job was cancelled. */
  | { state: 'cancelled' }
  /** Had not started when the job was cancelled. */
  | { state: 'skipped' };

export interface JobView {
  jobId: string;
  cells: BenchCell[];
  cellStates: CellState[];
  /** 0..1 over the whole job. */
  fraction: number;
  status: 'running' | 'finished' | 'cancelled';
  cancelling: boolean;
  /** The latest model upload per target id (SFTP or serial), while the job runs. */
  uploads: Record<string, { sentBytes: number; totalBytes: number }>;
}

/** The job's cells grouped by target, in the order the targets first appear. */
export interface TargetGroup {
  targetId: string;
  targetName: string;
  /** Indexes into the job's cells. */
  cellIndexes: number[];
}

export function groupCellsByTarget(cells: readonly BenchCell[]): TargetGroup[] {
  const groups = new Map<string, TargetGroup>();
  cells.forEach((cell, i) => {
    const group = groups.get(cell.targetId) ?? { targetId: cell.targetId, targetName: cell.targetName, cellIndexes: [] };
    group.cellIndexes.push(i);
    groups.set(cell.targetId, group);
  });
  return [...groups.values()];
}

/** Upload events carry no job id: a running job takes those of its own targets. */
export function applyUpload(job: JobView, event: UploadEvent): JobView {
  if (job.status !== 'running' || !job.cells.some((c) => c.targetId === event.targetId)) return job;
  return { ...job, uploads: { ...job.uploads, [event.targetId]: { sentBytes: event.sentBytes, totalBytes: event.totalBytes } } };
}

export function newJob(jobId: string, cells: BenchCell[]): JobView {
  return {
    jobId,
    cells,
    cellStates: cells.map(() => ({ state: 'queued' })),
    fraction: 0,
    status: 'running',
    cancelling: false,
    uploads: {},
  };
}

function withCell(job: JobView, index: number, state: CellState): CellState[] {
  return job.cellStates.map((old, i) => (i === index ? state : old));
}

function finishedCells(job: JobView): number {
  return job.cellStates.filter((c) => c.state === 'done' || c.state === 'failed').length;
}

export function applyJobEvent(job: JobView, { kind, event }: JobEvent): JobView {
  if (event.jobId !== job.jobId) return job;
  switch (kind) {
    case 'progress': {
      const current = job.cellStates[event.cell];
      // A late progress event must not revive a cell that already finished.
      if (!current || (current.state !== 'queued' && current.state !== 'running')) return job;
      const running: CellState = {
        state: 'running',
        phase: event.phase,
        completed: event.completed,
        total: event.total,
        fraction: event.cellFraction,
        ...(event.repeat !== undefined && event.repeats !== undefined ? { repeat: { index: event.repeat, of: event.repeats } } : {}),
      };
      return { ...job, cellStates: withCell(job, event.cell, running), fraction: Math.max(job.fraction, event.fraction) };
    }
    case 'cellDone': {
      const state: CellState = event.ok
        ? { state: 'done', runId: event.runId }
        : { state: 'failed', error: event.error, runnerLog: event.runnerLog, ...(event.partialRunId !== undefined ? { partialRunId: event.partialRunId } : {}) };
      const next = { ...job, cellStates: withCell(job, event.cell, state) };
      return { ...next, fraction: Math.max(next.fraction, finishedCells(next) / Math.max(1, job.cells.length)) };
    }
    case 'done': {
      const cellStates = job.cellStates.map((c): CellState => {
        if (c.state === 'running') return { state: 'cancelled' };
        if (c.state === 'queued') return { state: 'skipped' };
        return c;
      });
      return {
        ...job,
        cellStates,
        status: event.cancelled ? 'cancelled' : 'finished',
        cancelling: false,
        uploads: {},
        fraction: event.cancelled ? job.fraction : 1,
      };
    }
  }
}

/** Runs the job produced so far, in cell order. */
export function jobRunIds(job: JobView): string[] {
  return job.cellStates.flatMap((c) => (c.state === 'done' ? [c.runId] : []));
}

export function jobFailures(job: JobView): number {
  return job.cellStates.filter((c) => c.state === 'failed').length;
}

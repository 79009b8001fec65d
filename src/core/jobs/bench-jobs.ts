import { randomBytes } from 'node:crypto';
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import type { BenchCell, BenchRequest, EventName, EventPayload } from '../../shared/contract';
import { StudioError, toErrorData } from '../../shared/errors';
import { BenchSettings } from '../../shared/run-schema';
import type { RunnerSpawner } from '../runner/runner-client';
import { mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';
import { checkInputFlags, planMatrix, runMatrix, type MatrixModel } from './matrix';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Job {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs benchmark jobs in the background and reports them as events. The call that starts a
 * job returns at once with its id and planned cells; progress and results arrive as
 * bench.progress / bench.cellDone / bench.done.
 */
export class BenchJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly workspace: Workspace,
    private readonly spawner: RunnerSpawner,
    private readonly emit: Emit,
  ) {}

  async start(request: BenchRequest): Promise<{ jobId: string; cells: BenchCell[] }> {
    if (request.targetId !== 'local') {
      throw new StudioError('NOT_FOUND', `There is no target '${request.targetId}'; only 'local' (This computer) exists so far.`, {
        target: request.targetId,
      });
    }
    const models: MatrixModel[] = [];
    for (const id of request.modelIds) {
      const entry = await this.workspace.readModelEntry(id);
      models.push({ id, name: entry.name, path: mainModelPath(this.workspace, entry), variant: entry.variant, info: entry.info });
    }
    const settings = BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, ...stripUndefined(request.settings) });
    checkInputFlags(models, settings);
    const cells = planMatrix(models, request.runtimes, request.threads ?? [settings.threads]);
    const jobId = `job-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    const count = cells.length;

    const run = async (): Promise<void> => {
      const runIds: string[] = [];
      let failed = 0;
      let cancelled = false;
      try {
        const outcome = await runMatrix(jobId, cells, settings, {
          spawner: this.spawner,
          signal: controller.signal,
          onProgress: (cell, p) =>
            this.emit('bench.progress', {
              jobId,
              cell: cell.index,
              cells: count,
              phase: p.phase,
              completed: p.completed,
              total: p.total,
              cellFraction: p.fraction,
              fraction: (cell.index + p.fraction) / count,
            }),
          onCellDone: async (result) => {
            if (result.ok) {
              await this.workspace.writeRun(result.run);
              runIds.push(result.run.id);
              this.emit('bench.cellDone', { jobId, cell: result.cell.index, ok: true, runId: result.run.id });
              this.emit('workspace.changed', { what: 'runs' });
            } else {
              failed++;
              this.emit('bench.cellDone', {
                jobId,
                cell: result.cell.index,
                ok: false,
                error: result.error,
                runnerLog: result.runnerLog,
              });
            }
          },
        });
        cancelled = outcome.cancelled;
      } catch (error) {
        // Only errors that concern every cell get here (bad input found while starting the first).
        failed = count - runIds.length;
        const data = toErrorData(error);
        this.emit('bench.cellDone', { jobId, cell: runIds.length, ok: false, error: data, runnerLog: [] });
      } finally {
        this.jobs.delete(jobId);
        this.emit('bench.done', { jobId, cancelled, runIds, failed });
      }
    };
    this.jobs.set(jobId, { controller, done: run() });
    return {
      jobId,
      cells: cells.map((cell) => ({
        index: cell.index,
        modelId: cell.model.id ?? '',
        modelName: cell.model.name,
        runtime: cell.runtime,
        threads: cell.threads,
      })),
    };
  }

  cancel(jobId: string): { cancelled: boolean } {
    const job = this.jobs.get(jobId);
    if (!job) return { cancelled: false };
    job.controller.abort();
    return { cancelled: true };
  }

  async closeAll(): Promise<void> {
    const pending = [...this.jobs.values()];
    for (const job of pending) job.controller.abort();
    await Promise.all(pending.map((job) => job.done));
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { randomBytes } from 'node:crypto';
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import type { BenchCell, BenchRequest, EventName, EventPayload } from '../../shared/contract';
import { BenchSettings, type TargetKind } from '../../shared/run-schema';
import type { RunnerSpawner } from '../runner/runner-client';
import { openTarget, type OpenTarget, type TargetContext } from '../targets/target-registry';
import { localTargetWithPython } from '../targets/python-runtimes';
import { checkMatrixInputs } from '../bench/bench-inputs';
import { energyMetersFor } from '../power/cell-meter';
import { failedOrCancelled, unhandledState } from '../bench/cell-outcome';
import { repeatsFor } from '../../shared/bench-defaults';
import { savedInputsForRun } from '../workspace/inputs-store';
import { mainModelPath } from '../workspace/model-store';
import type { StoredTarget } from '../workspace/targets-store';
import type { Workspace } from '../workspace/workspace';
import { checkInputFlags, planMatrix, runMatrix, type CellResult, type MatrixCell, type MatrixModel } from './matrix';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Job {
  controller: AbortController;
  done: Promise<void>;
}

/** A target of a job: this computer, or one from targets.json. */
export type JobTarget = { id: 'local'; name: string } | { id: string; name: string; stored: StoredTarget };

export interface BenchJobsDeps {
  workspace: Workspace;
  spawner: RunnerSpawner;
  emit: Emit;
  /** Finds a target by id (local or stored). */
  resolveTarget(id: string): Promise<JobTarget>;
  /** Connection context for a stored target (known hosts, session password, logs). */
  targetContext(targetId: string): TargetContext;
}

/**
 * Runs benchmark jobs in the background and reports them as events. The call that starts a job
 * returns at once with its planned cells; targets run in parallel with each other, each
 * target's cells one at a time; progress and results arrive as bench.progress / bench.cellDone /
 * bench.done.
 */
export class BenchJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: BenchJobsDeps) {}

  async start(request: BenchRequest): Promise<{ jobId: string; cells: BenchCell[] }> {
    const { workspace } = this.deps;
    const targets = await Promise.all([...new Set(request.targetIds)].map((id) => this.deps.resolveTarget(id)));
    const models: MatrixModel[] = [];
    for (const id of request.modelIds) {
      const entry = await workspace.readModelEntry(id);
      models.push({
        id,
        name: entry.name,
        path: mainModelPath(workspace, entry),
        variant: entry.variant,
        info: entry.info,
        savedInputs: savedInputsForRun(entry),
      });
    }
    const given = stripUndefined(request.settings);
    const mode = given.mode ?? DEFAULT_BENCH_SETTINGS.mode;
    // Report mode implies REPORT_MODE_REPEATS fresh processes when the request names no repeats.
    const settings = BenchSettings.parse({ ...DEFAULT_BENCH_SETTINGS, ...given, repeats: repeatsFor(mode, given.repeats) });
    checkInputFlags(models, settings);
    // An image model without sizes (or an input too large to build) is refused before any cell starts, worded for the UI.
    checkMatrixInputs(models, settings, 'ui');
    const threads = request.threads ?? [settings.threads];
    // Energy per inference where the form picked a power source for a target: refused here, before any cell, if it cannot be read.
    const energy = energyMetersFor(request.energy ?? [], targets.map((t) => ({ id: t.id, name: t.name, kind: 'stored' in t ? t.stored.config.kind : 'local' })));
    const plans: Array<{ target: JobTarget; cells: MatrixCell[] }> = [];
    for (const target of targets) {
      // A CPU axis on a target that cannot pin is refused here, naming the target, before any cell.
      const kind: TargetKind = 'stored' in target ? target.stored.config.kind : 'local';
      const cpuAxis = request.cpus === undefined ? undefined : { selections: request.cpus, target: { kind, name: target.name } };
      plans.push({ target, cells: planMatrix(models, request.runtimes, threads, plans.reduce((n, p) => n + p.cells.length, 0), cpuAxis) });
    }
    const count = plans.reduce((n, p) => n + p.cells.length, 0);
    const jobId = `job-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    const cellFractions = new Array<number>(count).fill(0);

    const runOnTarget = async (plan: { target: JobTarget; cells: MatrixCell[] }, record: (result: CellResult) => Promise<void>): Promise<boolean> => {
      let opened: OpenTarget | null = null;
      try {
        if ('stored' in plan.target) opened = await openTarget(plan.target.stored.config, { ...this.deps.targetContext(plan.target.id), signal: controller.signal });
        const outcome = await runMatrix(jobId, plan.cells, settings, {
          spawner: this.deps.spawner,
          // This computer: 'python:*' cells in the Python runner under the user's own Python, and a cell with CPUs pinned to them.
          target: opened?.target ?? localTargetWithPython(this.deps.spawner),
          signal: controller.signal,
          totalCells: count,
          energy: energy.get(plan.target.id),
          onProgress: (cell, p) => {
            cellFractions[cell.index] = p.fraction;
            this.emit('bench.progress', {
              jobId,
              cell: cell.index,
              cells: count,
              phase: p.phase,
              completed: p.completed,
              total: p.total,
              cellFraction: p.fraction,
              fraction: cellFractions.reduce((a, b) => a + b, 0) / count,
              ...(p.repeat !== undefined && p.repeats !== undefined && p.repeats > 1 ? { repeat: p.repeat, repeats: p.repeats } : {}),
            });
          },
          onCellDone: record,
        });
        return outcome.cancelled;
      } catch (error) {
        // A target that cannot be reached (or flags every cell would refuse): its cells fail with the reason.
        const outcome = failedOrCancelled(error);
        if (outcome.state === 'cancelled') return true;
        for (const cell of plan.cells) await record({ ...outcome, cell });
        return false;
      } finally {
        await opened?.close().catch(() => undefined);
      }
    };

    const run = async (): Promise<void> => {
      const runIds: string[] = [];
      let failed = 0;
      const record = async (result: CellResult): Promise<void> => {
        const cell = result.cell.index;
        cellFractions[cell] = 1;
        switch (result.state) {
          case 'completed':
            await workspace.writeRun(result.run);
            runIds.push(result.run.id);
            this.emit('bench.cellDone', { jobId, cell, ok: true, state: 'completed', runId: result.run.id });
            this.emit('workspace.changed', { what: 'runs' });
            return;
          case 'partial':
            failed++;
            // A cell that stopped mid-measure keeps what it measured: its partial run is saved like any run.
            await workspace.writeRun(result.run);
            runIds.push(result.run.id);
            this.emit('workspace.changed', { what: 'runs' });
            this.emit('bench.cellDone', { jobId, cell, ok: false, state: 'partial', error: result.error, runnerLog: result.runnerLog, partialRunId: result.run.id });
            return;
          case 'failed':
            failed++;
            this.emit('bench.cellDone', { jobId, cell, ok: false, state: 'failed', error: result.error, runnerLog: result.runnerLog });
            return;
          case 'cancelled':
            // The job is ending: bench.done tells it was cancelled, and the cell's samples are dropped.
            return;
          default:
            unhandledState(result);
        }
      };
      let cancelled = false;
      try {
        const outcomes = await Promise.all(plans.map((plan) => runOnTarget(plan, record)));
        cancelled = outcomes.some(Boolean) || controller.signal.aborted;
      } finally {
        this.jobs.delete(jobId);
        this.emit('bench.done', { jobId, cancelled, runIds, failed });
      }
    };
    this.jobs.set(jobId, { controller, done: run() });
    return {
      jobId,
      cells: plans.flatMap((plan) =>
        plan.cells.map((cell) => ({
          index: cell.index,
          targetId: plan.target.id,
          targetName: plan.target.name,
          modelId: cell.model.id ?? '',
          modelName: cell.model.name,
          runtime: cell.runtime,
          threads: cell.threads,
          ...(cell.cpus !== undefined ? { cpus: cell.cpus } : {}),
        })),
      ),
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

  private emit: Emit = (event, payload) => this.deps.emit(event, payload);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

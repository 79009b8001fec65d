import { randomBytes } from 'node:crypto';
import { DEFAULT_BENCH_SETTINGS } from '../../shared/bench-defaults';
import type { BenchRequest, EventName, EventPayload } from '../../shared/contract';
import { StudioError, toErrorData } from '../../shared/errors';
import type { BenchSettings } from '../../shared/run-schema';
import { runLocalBenchmark } from '../bench/run-local-benchmark';
import type { RunnerSpawner } from '../runner/runner-client';
import { mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Job {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs benchmark jobs in the background and reports them as events. The call that starts a
 * job returns at once with its id; progress and the result arrive as bench.progress / bench.done.
 */
export class BenchJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly workspace: Workspace,
    private readonly spawner: RunnerSpawner,
    private readonly emit: Emit,
  ) {}

  async start(request: BenchRequest): Promise<{ jobId: string }> {
    if (request.targetId !== 'local') {
      throw new StudioError('NOT_FOUND', `There is no target '${request.targetId}'; only 'local' (This computer) exists so far.`, {
        target: request.targetId,
      });
    }
    const entry = await this.workspace.readModelEntry(request.modelId);
    if (entry.info.format !== 'onnx') {
      throw new StudioError(
        'BAD_INPUT',
        `'${entry.name}' is a ${entry.info.format} model; this version benchmarks ONNX models with onnxruntime only.`,
        { model: entry.name },
      );
    }
    const settings: BenchSettings = { ...DEFAULT_BENCH_SETTINGS, ...stripUndefined(request.settings) };
    const jobId = `job-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();

    const run = async (): Promise<void> => {
      this.emit('bench.progress', { jobId, phase: 'starting', completed: 0, total: 0, fraction: 0 });
      try {
        const result = await runLocalBenchmark(
          {
            modelPath: mainModelPath(this.workspace, entry),
            model: {
              name: entry.name,
              format: entry.info.format,
              sha256: entry.info.sha256,
              sizeBytes: entry.info.sizeBytes,
              variant: entry.variant,
            },
            inputsInfo: entry.info.inputs,
            settings,
            targetName: 'This computer',
          },
          {
            spawner: this.spawner,
            signal: controller.signal,
            onProgress: (p) => this.emit('bench.progress', { jobId, ...p }),
          },
        );
        this.emit('bench.progress', { jobId, phase: 'saving', completed: 0, total: 0, fraction: 1 });
        await this.workspace.writeRun(result);
        this.emit('bench.done', { jobId, ok: true, runId: result.id });
        this.emit('workspace.changed', { what: 'runs' });
      } catch (error) {
        const data = toErrorData(error);
        const runnerLog = (data.context.runnerLog ?? '').split('\n').filter((line) => line.trim() !== '');
        this.emit('bench.done', { jobId, ok: false, error: data, runnerLog });
      } finally {
        this.jobs.delete(jobId);
      }
    };
    this.jobs.set(jobId, { controller, done: run() });
    return { jobId };
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

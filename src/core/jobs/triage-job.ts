/**
 * The quantization triage loop as one job: a static int8 variant with more layers kept in float
 * is made (variant-jobs), evaluated against the float parent (eval-jobs) and benchmarked on the
 * targets and settings of the variant it refines (bench-jobs), with one progress stream
 * (triage.progress) and one end (triage.done). The chain of steps is saved after every step, so
 * a cancel or a failure keeps what was made and measured before it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { BenchRequest, EventName, EventPayload, ModelEntry, TargetEntry } from '../../shared/contract';
import { StudioError, toErrorData, type ErrorData } from '../../shared/errors';
import type { EvalRecord } from '../../shared/eval-schema';
import type { BenchSettings, RunFile } from '../../shared/run-schema';
import {
  attributeProfile,
  TRIAGE_SCHEMA,
  triageAccuracyOf,
  triageLatencyOf,
  sameCell,
  sameSettings,
  type GraphNodeRef,
  type ProfiledRunLayers,
  type TriageLatency,
  type TriageLayerLatencyResult,
  type TriageSession,
  type TriageStartRequest,
  type TriageStep,
  type TriageStepName,
} from '../../shared/triage';
import { decodeModelProto } from '../formats/onnx/onnx-codec';
import type { RunnerChild, RunnerSpawner } from '../runner/runner-client';
import type { StudioEventListener } from '../studio-types';
import { mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';
import type { BenchJobs } from './bench-jobs';
import { runEvaluations } from './eval-jobs';
import { listTriageSessions, writeTriageSession } from './triage-store';
import { createQuantizedVariant, variantTarget } from './variant-jobs';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface TriageJobsDeps {
  workspace: Workspace;
  runnerSpawner: RunnerSpawner;
  workerSpawner: RunnerSpawner;
  bench: BenchJobs;
  listTargets(): Promise<TargetEntry[]>;
  emit: Emit;
  /** Every engine event, to follow the benchmark job this job starts. */
  subscribe(listener: StudioEventListener): () => void;
}

/** Shares of the progress bar: making the variant, evaluating it, then the benchmark cells. */
const FRACTION = { quantize: [0, 0.25], evaluate: [0.25, 0.45], benchmark: [0.45, 1] } as const satisfies Record<TriageStepName, readonly [number, number]>;

interface RunningTriage {
  controller: AbortController;
  sessionId: string;
  /** The benchmark job running now, to cancel it through bench-jobs. */
  benchJobId: string | null;
  done: Promise<void>;
}

/** One benchmark job of the plan: these models on these targets with one runtime, thread count, CPU selection and settings. */
interface BenchGroup {
  modelIds: string[];
  targetIds: string[];
  runtime: BenchRequest['runtimes'];
  threads: number[] | undefined;
  /** The refined run's CPU selection: a request's cpus axis, since bench jobs pin each cell from it, not from settings.cpus. */
  cpus: string[] | undefined;
  settings: Partial<BenchSettings>;
}

export class TriageJobs {
  private readonly running = new Map<string, RunningTriage>();

  constructor(private readonly deps: TriageJobsDeps) {}

  async start(request: TriageStartRequest): Promise<{ triageId: string; sessionId: string }> {
    const { workspace } = this.deps;
    const refined = await workspace.readModelEntry(request.variantId);
    const origin = refined.origin;
    if (origin?.kind !== 'quantized' || origin.recipe.mode !== 'static' || request.recipe.mode !== 'static') {
      throw new StudioError('BAD_INPUT', `Keep in float and compare refines a static int8 variant; '${refined.name}' is not one. Make one with mode 'static' on the Models page.`);
    }
    const added = request.recipe.exclude.filter((layer) => !origin.recipe.exclude.includes(layer));
    const dropped = origin.recipe.exclude.filter((layer) => !request.recipe.exclude.includes(layer));
    if (added.length === 0 || dropped.length > 0) {
      throw new StudioError('BAD_INPUT', `Pick at least one layer to keep in float that '${refined.name}' still quantizes; the layers it already keeps in float stay in float.`);
    }
    const targets = await this.deps.listTargets();
    if (!targets.some((t) => t.id === request.targetId)) {
      throw new StudioError('NOT_FOUND', `There is no target '${request.targetId}' in this workspace; choose This computer or a target the Targets page lists.`, { target: request.targetId });
    }
    const quantizeTarget = variantTarget(targets, request.madeForTargetId, request.recipe);
    await workspace.readDataset(request.datasetId);

    const { sessions } = await listTriageSessions(workspace);
    const continued = sessions.find((s) => s.parentId === origin.parentId && s.datasetId === request.datasetId && s.steps.at(-1)?.variantId === refined.id);
    if (continued && [...this.running.values()].some((r) => r.sessionId === continued.id)) {
      throw new StudioError('BAD_INPUT', `A triage step of '${refined.name}' is already running; wait for it to end or cancel it.`);
    }
    const now = new Date().toISOString();
    const session: TriageSession = continued
      ? structuredClone(continued)
      : {
          schema: TRIAGE_SCHEMA,
          id: `triage-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
          parentId: origin.parentId,
          datasetId: request.datasetId,
          createdAt: now,
          updatedAt: now,
          steps: [await this.firstStep(refined, request.datasetId, targets)],
        };
    const triageId = `tri-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    const entry: RunningTriage = { controller, sessionId: session.id, benchJobId: null, done: Promise.resolve() };
    this.running.set(triageId, entry);
    entry.done = this.run(triageId, entry, session, request, added, quantizeTarget, targets).finally(() => this.running.delete(triageId));
    return { triageId, sessionId: session.id };
  }

  cancel(triageId: string): { cancelled: boolean } {
    const entry = this.running.get(triageId);
    if (!entry) return { cancelled: false };
    entry.controller.abort();
    if (entry.benchJobId) this.deps.bench.cancel(entry.benchJobId);
    return { cancelled: true };
  }

  list(): ReturnType<typeof listTriageSessions> {
    return listTriageSessions(this.deps.workspace);
  }

  async closeAll(): Promise<void> {
    const pending = [...this.running.keys()];
    for (const id of pending) this.cancel(id);
    await Promise.all([...this.running.values()].map((entry) => entry.done));
  }

  /** Per-layer time from the newest profiled run of a model and of its float parent on one target. */
  async layerLatency(request: { modelId: string; targetId: string }): Promise<TriageLayerLatencyResult> {
    const { workspace } = this.deps;
    const model = await workspace.readModelEntry(request.modelId);
    const target = (await this.deps.listTargets()).find((t) => t.id === request.targetId);
    if (!target) throw new StudioError('NOT_FOUND', `There is no target '${request.targetId}' in this workspace; choose one the Targets page lists.`, { target: request.targetId });
    const parent = model.origin ? await workspace.readModelEntry(model.origin.parentId).catch(() => null) : null;
    const runs = await workspace.listRuns();
    return {
      variant: await this.profiledLayers(model, target, runs),
      parent: parent ? await this.profiledLayers(parent, target, runs) : null,
    };
  }

  private async profiledLayers(model: ModelEntry, target: TargetEntry, runs: readonly RunFile[]): Promise<ProfiledRunLayers | null> {
    if (model.info.format !== 'onnx') return null;
    const run = runs.find((r) => r.model.sha256 === model.info.sha256 && r.profile && r.profile.nodes.length > 0 && runsOn(r, target));
    if (!run?.profile) return null;
    const graph = await graphNodesOf(mainModelPath(this.deps.workspace, model));
    const { layers, unmatchedUs } = attributeProfile(run.profile.nodes, graph);
    return { runId: run.id, createdAt: run.createdAt, medianMs: triageLatencyOf(run, target).medianMs, layers, unmatchedUs };
  }

  /** The variant the triage starts from, with its newest evaluation on the dataset and newest runs per target. */
  private async firstStep(variant: ModelEntry, datasetId: string, targets: readonly TargetEntry[]): Promise<TriageStep> {
    const evals = await this.deps.workspace.listEvals();
    const record = newestEval(evals, variant.id, datasetId);
    return {
      variantId: variant.id,
      variantName: variant.name,
      exclude: variant.origin?.kind === 'quantized' ? [...variant.origin.recipe.exclude] : [],
      added: [],
      accuracy: record ? triageAccuracyOf(record.result, record.createdAt) : null,
      latency: newestLatencies(await this.deps.workspace.listRuns(), variant, targets),
    };
  }

  private async run(
    triageId: string,
    entry: RunningTriage,
    session: TriageSession,
    request: TriageStartRequest,
    added: string[],
    quantizeTarget: TargetEntry,
    targets: readonly TargetEntry[],
  ): Promise<void> {
    const { workspace } = this.deps;
    const signal = entry.controller.signal;
    const previous = session.steps.at(-1) as TriageStep;
    let at: TriageStepName = 'quantize';
    let failedCells = 0;
    let step: TriageStep | null = null;
    const save = async (): Promise<void> => {
      session.updatedAt = new Date().toISOString();
      await writeTriageSession(workspace, session);
    };
    const progress = (message: string, within: number, cell?: { k: number; n: number }): void => {
      const [from, to] = FRACTION[at];
      this.deps.emit('triage.progress', {
        triageId,
        sessionId: session.id,
        step: at,
        message,
        ...(cell ? { cell: cell.k, cells: cell.n } : {}),
        fraction: Math.min(1, from + (to - from) * Math.min(1, Math.max(0, within))),
      });
    };
    const finish = (state: 'completed' | 'cancelled' | 'failed', error?: ErrorData): void => {
      this.deps.emit('triage.done', { triageId, sessionId: session.id, state, ...(state === 'completed' ? {} : { at }), ...(error ? { error } : {}), failedCells, session });
    };
    const refinedEntry = await workspace.readModelEntry(previous.variantId);
    const refinedOrigin = refinedEntry.origin?.kind === 'quantized' ? refinedEntry.origin : null;
    try {
      // 1. The variant: the refined one's recipe with the picked layers kept in float.
      progress(`Making the variant that keeps ${added.join(', ')} in float…`, 0);
      const made = await createQuantizedVariant(
        workspace,
        killOnAbort(this.deps.workerSpawner, signal),
        {
          modelId: session.parentId,
          recipe: request.recipe,
          datasetId: refinedOrigin?.calibration?.datasetId ?? request.datasetId,
          calibrationSamples: refinedOrigin?.calibration?.samples ?? 200,
          target: quantizeTarget,
        },
        (message) => progress(message, 0.5),
      ).catch((error: unknown) => rethrowUnlessCancelled(error, signal));
      this.deps.emit('workspace.changed', { what: 'models' });
      step = {
        variantId: made.id,
        variantName: made.name,
        exclude: made.origin?.kind === 'quantized' ? [...made.origin.recipe.exclude] : [...request.recipe.exclude],
        added,
        accuracy: null,
        latency: [],
      };
      session.steps.push(step);
      await save();

      // 2. Accuracy and fidelity against the float parent (the refined variant too, when it has no evaluation on this dataset).
      at = 'evaluate';
      throwIfCancelled(signal);
      // The same samples as the step before, or its accuracy change would compare different data.
      const limit = request.evalLimit ?? previous.accuracy?.samples;
      const comparable = previous.accuracy !== null && (limit === undefined || previous.accuracy.samples === limit);
      const toEvaluate = comparable ? [made.id] : [previous.variantId, made.id];
      progress(`Evaluating ${made.name} on the dataset…`, 0);
      const evaluated = await runEvaluations(
        workspace,
        killOnAbort(this.deps.runnerSpawner, signal),
        { modelIds: toEvaluate, datasetId: request.datasetId, referenceId: session.parentId, limit },
        (message) => progress(message, 0.5),
      ).catch((error: unknown) => rethrowUnlessCancelled(error, signal));
      this.deps.emit('workspace.changed', { what: 'evals' });
      for (const record of evaluated.records) {
        const accuracy = triageAccuracyOf(record.result, record.createdAt);
        if (record.modelId === made.id) step.accuracy = accuracy;
        else if (record.modelId === previous.variantId) previous.accuracy = accuracy;
      }
      await save();

      // 3. The benchmark: the refined variant's targets and settings, plus the chosen target.
      at = 'benchmark';
      throwIfCancelled(signal);
      const groups = await this.benchPlan(previous, made.id, request.targetId, targets);
      const stepsByModel = new Map<string, TriageStep>([[made.id, step], [previous.variantId, previous]]);
      const cellsTotal = groups.reduce((n, g) => n + g.modelIds.length * g.targetIds.length * (g.threads?.length ?? 1), 0);
      let cellsBefore = 0;
      for (const group of groups) {
        throwIfCancelled(signal);
        const outcome = await this.benchGroup(entry, group, targets, stepsByModel, save, (cell, fraction, message) =>
          progress(message, (cellsBefore + fraction * (cell + 1)) / cellsTotal, { k: cellsBefore + cell + 1, n: cellsTotal }),
        );
        failedCells += outcome.failed;
        cellsBefore += outcome.cells;
        if (outcome.cancelled) throw new StudioError('CANCELLED', 'Cancelled.');
      }
      await save();
      finish('completed');
    } catch (error) {
      const cancelled = signal.aborted || (error instanceof StudioError && error.code === 'CANCELLED');
      const data = toErrorData(error);
      const reason = cancelled ? cancelledReason(at) : data.message;
      if (step) step.stopped = { at, cancelled, reason };
      // The chain is saved once a variant was made; a failure before that leaves no new step to keep.
      if (step) await save().catch(() => undefined);
      finish(cancelled ? 'cancelled' : 'failed', cancelled ? undefined : data);
    }
  }

  /**
   * The benchmark jobs to run: for each of the refined variant's newest runs, the same target,
   * runtime, threads, CPU selection and settings (read from its run file); the chosen target with the default
   * settings when the refined variant has no run there, benchmarking the refined variant beside
   * the new one so the two are measured alike.
   */
  private async benchPlan(previous: TriageStep, newId: string, chosenTargetId: string, targets: readonly TargetEntry[]): Promise<BenchGroup[]> {
    const groups = new Map<string, BenchGroup>();
    const known = new Set(targets.map((t) => t.id));
    for (const latency of previous.latency) {
      if (!known.has(latency.targetId)) continue;
      const run = await this.deps.workspace.readRun(latency.runId).catch(() => null);
      const settings = run ? benchSettingsOf(run.settings) : {};
      const runtime = [latency.runtime] as BenchRequest['runtimes'];
      const cpus = latency.cpus !== undefined ? [latency.cpus] : undefined;
      const key = JSON.stringify([latency.runtime, latency.threads, latency.cpus ?? null, settings]);
      const group = groups.get(key) ?? { modelIds: [newId], targetIds: [], runtime, threads: [latency.threads], cpus, settings };
      if (!group.targetIds.includes(latency.targetId)) group.targetIds.push(latency.targetId);
      groups.set(key, group);
    }
    if (!previous.latency.some((l) => l.targetId === chosenTargetId)) {
      groups.set('chosen', { modelIds: [previous.variantId, newId], targetIds: [chosenTargetId], runtime: undefined, threads: undefined, cpus: undefined, settings: {} });
    }
    return [...groups.values()];
  }

  /** Runs one bench job through bench-jobs and records each finished cell's run in its step. */
  private async benchGroup(
    entry: RunningTriage,
    group: BenchGroup,
    targets: readonly TargetEntry[],
    stepsByModel: ReadonlyMap<string, TriageStep>,
    save: () => Promise<void>,
    onCell: (cell: number, fraction: number, message: string) => void,
  ): Promise<{ cancelled: boolean; failed: number; cells: number }> {
    // Subscribed before the job starts, so no event of a very short job is missed.
    const seen: Array<{ event: EventName; payload: unknown }> = [];
    let jobId: string | null = null;
    let settle: ((done: EventPayload<'bench.done'>) => void) | null = null;
    const finished = new Promise<EventPayload<'bench.done'>>((resolve) => (settle = resolve));
    const cellNames = new Map<number, string>();
    let failed = 0;
    let recording = Promise.resolve();
    const handle = (event: EventName, payload: unknown): void => {
      if (event === 'bench.progress') {
        const p = payload as EventPayload<'bench.progress'>;
        onCell(p.cell, p.cellFraction, `Benchmarking ${cellNames.get(p.cell) ?? 'a cell'}: ${p.phase}`);
      } else if (event === 'bench.cellDone') {
        const done = payload as EventPayload<'bench.cellDone'>;
        const runId = done.ok ? done.runId : done.partialRunId;
        if (!done.ok) {
          failed += 1;
          onCell(done.cell, 1, `${cellNames.get(done.cell) ?? 'A cell'} failed: ${done.error.message}`);
        }
        if (runId) recording = recording.then(() => this.recordRun(runId, targets, stepsByModel).then(save));
      } else if (event === 'bench.done') settle?.(payload as EventPayload<'bench.done'>);
    };
    const off = this.deps.subscribe((event, payload) => {
      if (!event.startsWith('bench.')) return;
      const id = (payload as { jobId?: string }).jobId;
      if (jobId === null) seen.push({ event, payload });
      else if (id === jobId) handle(event, payload);
    });
    try {
      const started = await this.deps.bench.start({
        modelIds: group.modelIds,
        targetIds: group.targetIds,
        ...(group.runtime ? { runtimes: group.runtime } : {}),
        ...(group.threads ? { threads: group.threads } : {}),
        ...(group.cpus ? { cpus: group.cpus } : {}),
        settings: group.settings,
      });
      jobId = started.jobId;
      entry.benchJobId = jobId;
      for (const cell of started.cells) cellNames.set(cell.index, `${cell.modelName} on ${cell.targetName}`);
      for (const early of seen.splice(0)) if ((early.payload as { jobId?: string }).jobId === jobId) handle(early.event, early.payload);
      // A cancel that came while bench.start was planning reaches the job now.
      if (entry.controller.signal.aborted) this.deps.bench.cancel(jobId);
      const done = await finished;
      await recording;
      return { cancelled: done.cancelled, failed, cells: started.cells.length };
    } finally {
      off();
      entry.benchJobId = null;
    }
  }

  private async recordRun(runId: string, targets: readonly TargetEntry[], stepsByModel: ReadonlyMap<string, TriageStep>): Promise<void> {
    const run = await this.deps.workspace.readRun(runId);
    const target = targets.find((t) => runsOn(run, t));
    if (!target) return;
    for (const [modelId, step] of stepsByModel) {
      const model = await this.deps.workspace.readModelEntry(modelId);
      if (model.info.sha256 !== run.model.sha256) continue;
      const latency = triageLatencyOf(run, target);
      step.latency = [...step.latency.filter((l) => !sameSettings(l, latency)), latency];
    }
  }
}

function cancelledReason(at: TriageStepName): string {
  switch (at) {
    case 'quantize':
      return 'Cancelled while making the variant; nothing was made.';
    case 'evaluate':
      return 'Cancelled during the evaluation; the variant is kept, press Keep in float and compare again to measure it.';
    case 'benchmark':
      return 'Cancelled during the benchmark; the variant, its evaluation and the cells that finished are kept.';
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
}

/** A worker or runner killed by a cancel reports that it exited; it was cancelled. */
function rethrowUnlessCancelled(error: unknown, signal: AbortSignal): never {
  if (signal.aborted) throw new StudioError('CANCELLED', 'Cancelled.');
  throw error;
}

/**
 * Kills the processes a spawner started once the signal aborts, so that a quantization or an
 * evaluation (whose jobs take no signal) stops where it is; the job then reports it was cancelled.
 */
function killOnAbort(spawner: RunnerSpawner, signal: AbortSignal): RunnerSpawner {
  const children = new Set<RunnerChild>();
  signal.addEventListener('abort', () => children.forEach((child) => child.kill('SIGKILL')), { once: true });
  return {
    spawn: () => {
      const child = spawner.spawn();
      children.add(child);
      void child.exited.then(() => children.delete(child));
      if (signal.aborted) child.kill('SIGKILL');
      return child;
    },
  };
}

/** evals.run answers the records, or (issue 13) the records with the models it skipped. */
function newestEval(records: readonly EvalRecord[], modelId: string, datasetId: string): EvalRecord | undefined {
  return records.filter((r) => r.modelId === modelId && r.datasetId === datasetId).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** A run was made on a target when its CLI spec matches (absent = This computer), or, for a target without a spec, its name. */
function runsOn(run: RunFile, target: TargetEntry): boolean {
  const spec = run.target.spec ?? 'local';
  return spec === target.spec && (target.spec !== 'local' || run.target.kind === target.kind);
}

/** The newest run of a model per target, runtime and thread count. */
function newestLatencies(runs: readonly RunFile[], model: ModelEntry, targets: readonly TargetEntry[]): TriageLatency[] {
  const out: TriageLatency[] = [];
  for (const run of [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    if (run.model.sha256 !== model.info.sha256) continue;
    const target = targets.find((t) => runsOn(run, t));
    if (!target) continue;
    const latency = triageLatencyOf(run, target);
    if (sameCell(out, latency)) continue;
    out.push(latency);
  }
  return out;
}

/** A run's settings as a bench request takes them again (the thread count and CPUs go in the request's threads and cpus). */
function benchSettingsOf(settings: BenchSettings): Partial<BenchSettings> {
  const { threads: _threads, cpus: _cpus, ...rest } = settings;
  return rest;
}

/** The main graph's nodes, named as the quantizer names them (unnamed: "<OpType>_<position>"). */
async function graphNodesOf(modelPath: string): Promise<GraphNodeRef[]> {
  const model = decodeModelProto(new Uint8Array(await fs.readFile(modelPath)), modelPath);
  return (model.graph?.node ?? []).map((node, position) => ({
    name: node.name || `${node.opType}_${position}`,
    opType: node.opType,
    inputs: node.input,
    outputs: node.output,
  }));
}

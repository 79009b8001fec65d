/**
 * A benchmark matrix on one target: every model × runtime × thread count is a cell. Cells run
 * one after another (they would disturb each other's timings otherwise); a cell that fails
 * (runtime error, runner crash or hang) is recorded and the next cell runs, and one that stopped
 * mid-measure keeps its partial run; cancel stops the running cell and skips the rest, keeping
 * the finished cells. Each cell ends in one of the states of cell-outcome.ts.
 *
 * With settings.repeats = R > 1 (on a target kind that honours repeats), each cell runs R times,
 * each in a fresh runner process, interleaved across cells: round 1 runs every cell once, round 2
 * again, and so on (A B C A B C …), so a slow drift of the machine touches every cell alike. A
 * cell still ends in ONE outcome and one run file, pooled from its repeats (run-file.ts
 * poolRepeats), once its last repeat is done: onCellDone comes in the order cells finish (a cell
 * that fails in round 1 is done at once, the others after round R in cell order); the results
 * are in cell order. A repeat that fails after earlier ones measured makes the cell partial,
 * keeping the repeats measured, and the cell runs no more repeats. Cancel stops the running
 * repeat: that cell is cancelled and the unfinished cells are dropped (cell-outcome.ts: a cancel
 * keeps only finished cells).
 */
import { StudioError } from '../../shared/errors';
import type { ModelInfo } from '../../shared/model-info';
import { CPU_SELECTION_PATTERN, type BenchSettings, type RunFile, type RuntimeName, type TargetKind } from '../../shared/run-schema';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';
import { RUNTIMES_FOR_FORMAT, RUNTIME_LABELS } from '../../shared/runtimes';
import { settingsForModelInputs, type SavedInputsForRun } from '../bench/bench-inputs';
import { failedOrCancelled, failureOf, stoppedInRepeat, unhandledState, type CellOutcome, type Measured } from '../bench/cell-outcome';
import { poolRepeats, type RepeatRun } from '../bench/run-file';
import { runLocalBenchmark, type BenchProgress, type LocalBenchJob, type LocalBenchOptions } from '../bench/run-local-benchmark';
import type { RunnerSpawner, RunnerTimeouts } from '../runner/runner-client';
import type { CellEnergyMeter } from '../power/cell-meter';
import { pooledEnergy } from '../power/energy-math';

export interface MatrixModel {
  /** Workspace id, when the model comes from a workspace. */
  id?: string;
  name: string;
  /** The file a runtime loads (.onnx, .tflite, model.json). */
  path: string;
  variant: string;
  info: ModelInfo;
  /** Input sizes and values saved with the model in a workspace; the flags take precedence over them. */
  savedInputs?: SavedInputsForRun | null;
}

export interface MatrixCell {
  index: number;
  model: MatrixModel;
  runtime: RuntimeName;
  threads: number;
  /** The CPUs the cell's runner is pinned to (all, little, mid, big, 0xMASK); absent: not pinned. */
  cpus?: string;
}

/** A CPU axis for one target: its selections, and the target, which must be of a kind that pins (its descriptor's benchSettings has 'cpus'). */
export interface CpuAxis {
  selections: readonly string[];
  target: { kind: TargetKind; name: string };
}

/** A cell and how it ended: its run (complete or partial, to be written like any run), why it failed, or that it was cancelled. */
export type CellResult = CellOutcome & { cell: MatrixCell };

/**
 * Runs one cell somewhere: this computer by default; an SSH target deploys the model first, then
 * runs it on the board. Resolves with the run, complete or partial; rejects when nothing was measured.
 */
export type CellRunner = (job: LocalBenchJob, opts: Omit<LocalBenchOptions, 'spawner'>) => Promise<Measured>;

export interface MatrixHooks {
  /** Starts runners on this computer; needed unless `target` runs the cells. */
  spawner?: RunnerSpawner;
  /** Where the cells run; default this computer (runLocalBenchmark with `spawner`). */
  target?: {
    kind: TargetKind;
    name: string;
    runCell: CellRunner;
    /** The CLI's --target spec, recorded in each run. */
    spec?: string;
    /** Refuses, before any cell runs, cells the target cannot run as asked (a CPU selection its CPUs cannot meet). */
    checkCells?: (cells: readonly MatrixCell[]) => Promise<void>;
  };
  signal?: AbortSignal;
  timeouts?: Partial<RunnerTimeouts>;
  onProgress?: (cell: MatrixCell, progress: BenchProgress) => void;
  /** Called as each cell ends, before the next starts (the studio saves the run here); last, the cancelled cell. */
  onCellDone?: (result: CellResult) => Promise<void> | void;
  /** Cells in the whole job, when it spans several targets (each with its own runMatrix). */
  totalCells?: number;
  /** A power source's meter for each runner process (--energy); its energy is pooled over a cell's repeats. */
  energy?: () => CellEnergyMeter;
}

/**
 * Plans the cells: model × runtime × threads, × CPU selection when there is a CPU axis. Without
 * `runtimes`, each model runs on its own format's runtime; a runtime that cannot load a model's
 * format is refused, naming the runtimes that can; a CPU axis on a target that cannot pin is
 * refused, naming the target.
 */
export function planMatrix(models: MatrixModel[], runtimes: RuntimeName[] | undefined, threads: number[], firstIndex = 0, cpuAxis?: CpuAxis): MatrixCell[] {
  const selections = cpuAxis === undefined ? [undefined] : uniqueInOrder(cpuAxis.selections.map((selection) => selection.toLowerCase()));
  if (cpuAxis !== undefined) checkCpuAxis(cpuAxis);
  const cells: MatrixCell[] = [];
  for (const model of models) {
    const able = RUNTIMES_FOR_FORMAT[model.info.format];
    const chosen = runtimes ?? [able[0] as RuntimeName];
    for (const runtime of chosen) {
      if (!able.includes(runtime)) {
        throw new StudioError(
          'BAD_INPUT',
          `${RUNTIME_LABELS[runtime]} cannot load '${model.name}' (a ${model.info.format} model); it can be run by: ${able.join(', ')}.`,
          { model: model.name, runtime },
        );
      }
      for (const threadCount of uniqueInOrder(threads)) {
        for (const cpus of selections) {
          cells.push({ index: firstIndex + cells.length, model, runtime, threads: threadCount, ...(cpus !== undefined ? { cpus } : {}) });
        }
      }
    }
  }
  return cells;
}

/** Every selection well formed, on a target kind that pins; else one sentence, before any cell runs. */
function checkCpuAxis(axis: CpuAxis): void {
  const { kind, name } = axis.target;
  const bad = axis.selections.find((selection) => !CPU_SELECTION_PATTERN.test(selection.toLowerCase()));
  if (bad !== undefined) {
    throw new StudioError('BAD_INPUT', `'${bad}' is not a CPU selection: use all, little, mid, big or a hex mask such as 0x0f, separated by commas.`, { cpus: bad });
  }
  if (!TARGET_KINDS[kind].benchSettings.includes('cpus')) {
    throw new StudioError(
      'BAD_INPUT',
      `${name} cannot pin a benchmark to CPUs; leave the CPU selection out for it, or sweep CPUs on an SSH board or an Android device.`,
      { target: name, kind },
    );
  }
}

export async function runMatrix(
  jobId: string,
  cells: MatrixCell[],
  settings: BenchSettings,
  hooks: MatrixHooks,
): Promise<{ results: CellResult[]; cancelled: boolean }> {
  const results: CellResult[] = [];
  const spec = hooks.target?.spec;
  const finish = (run: RunFile, model: MatrixModel): RunFile => withSavedInputs(spec ? { ...run, target: { ...run.target, spec } } : run, model);
  const kind = hooks.target?.kind ?? 'local';
  // A kind whose runs do not honour repeats (a microcontroller) runs each cell once, and its settings say so.
  const honoured = TARGET_KINDS[kind].benchSettings.includes('repeats');
  await hooks.target?.checkCells?.(cells);
  if (honoured && settings.repeats > 1) return runRepeated(jobId, cells, settings, hooks, finish);
  const once = settings.repeats > 1 ? { ...settings, repeats: 1 } : settings;
  for (const cell of cells) {
    if (hooks.signal?.aborted) return { results, cancelled: true };
    const outcome = await runOneCell(jobId, cell, cellSettings(once, cell), cells.length, hooks, (progress) => hooks.onProgress?.(cell, progress));
    const result: CellResult = resultOf(cell, outcome, finish);
    results.push(result);
    await hooks.onCellDone?.(result);
    if (result.state === 'cancelled') return { results, cancelled: true };
  }
  return { results, cancelled: false };
}

/** The settings a cell runs with: the model's saved inputs where no flag gave them, and the cell's thread count and CPUs. */
function cellSettings(settings: BenchSettings, cell: MatrixCell): BenchSettings {
  const { cpus: _jobWide, ...rest } = settingsForModelInputs(settings, cell.model.info.inputs, cell.model.savedInputs ?? null);
  return { ...rest, threads: cell.threads, ...(cell.cpus !== undefined ? { cpus: cell.cpus } : {}) };
}

/** One runner process measuring `cell` with `settings`: its outcome; bad flags (the same for every cell) reject. */
async function runOneCell(
  jobId: string,
  cell: MatrixCell,
  settings: BenchSettings,
  cellCount: number,
  hooks: MatrixHooks,
  onProgress: (progress: BenchProgress) => void,
): Promise<CellOutcome> {
  try {
    const runCell: CellRunner = hooks.target?.runCell ?? ((job, opts) => runLocalBenchmark(job, { ...opts, spawner: localSpawner(hooks) }));
    return await runCell(
      {
        modelPath: cell.model.path,
        model: {
          name: cell.model.name,
          format: cell.model.info.format,
          sha256: cell.model.info.sha256,
          sizeBytes: cell.model.info.sizeBytes,
          variant: cell.model.variant,
          path: cell.model.path,
        },
        inputsInfo: cell.model.info.inputs,
        runtime: cell.runtime,
        settings,
        targetName: hooks.target?.name ?? 'This computer',
        targetKind: hooks.target?.kind ?? 'local',
        job: { id: jobId, cell: cell.index, cells: hooks.totalCells ?? cellCount },
      },
      { signal: hooks.signal, timeouts: hooks.timeouts, onProgress, ...(hooks.energy ? { energy: hooks.energy() } : {}) },
    );
  } catch (error) {
    // Bad flags are the same for every cell: stop at once instead of failing each cell alike.
    if (error instanceof StudioError && error.code === 'BAD_INPUT') throw error;
    return failedOrCancelled(error);
  }
}

/**
 * Every cell settings.repeats times, each time in a fresh runner, round by round (A B C A B C …);
 * each cell's repeats pooled into its one run file when its last repeat ends. The profile and the
 * board's native tools run only in the last repeat (they explain the latency; once is enough).
 */
async function runRepeated(
  jobId: string,
  cells: MatrixCell[],
  settings: BenchSettings,
  hooks: MatrixHooks,
  finish: (run: RunFile, model: MatrixModel) => RunFile,
): Promise<{ results: CellResult[]; cancelled: boolean }> {
  const total = settings.repeats;
  const results: CellResult[] = [];
  const measured = new Map<number, RepeatRun[]>(cells.map((cell) => [cell.index, []]));
  const done = new Set<number>();
  const inCellOrder = (): CellResult[] => [...results].sort((a, b) => a.cell.index - b.cell.index);
  for (let round = 0; round < total; round++) {
    const last = round === total - 1;
    for (const cell of cells) {
      if (done.has(cell.index)) continue;
      if (hooks.signal?.aborted) return { results: inCellOrder(), cancelled: true };
      const base = cellSettings(settings, cell);
      const repeatSettings = last ? base : { ...base, profileRuns: 0, nativeTools: false };
      const startedAt = new Date().toISOString();
      const outcome = await runOneCell(jobId, cell, repeatSettings, cells.length, hooks, (progress) =>
        hooks.onProgress?.(cell, { ...progress, fraction: (round + progress.fraction) / total, repeat: round + 1, repeats: total }),
      );
      const pooled = pooledOutcome(outcome, measured.get(cell.index) ?? [], startedAt, base, { round, total, last });
      if (pooled === null) continue;
      done.add(cell.index);
      const result = resultOf(cell, pooled, finish);
      results.push(result);
      await hooks.onCellDone?.(result);
      if (result.state === 'cancelled') return { results: inCellOrder(), cancelled: true };
    }
  }
  return { results: inCellOrder(), cancelled: false };
}

/**
 * A cell's outcome after one more repeat, or null while it has repeats to go. `kept` (the cell's
 * repeats so far) takes the repeat's run when it measured one.
 */
function pooledOutcome(
  outcome: CellOutcome,
  kept: RepeatRun[],
  startedAt: string,
  settings: BenchSettings,
  at: { round: number; total: number; last: boolean },
): CellOutcome | null {
  const which = `repeat ${at.round + 1} of ${at.total}`;
  switch (outcome.state) {
    case 'completed':
      kept.push({ run: outcome.run, startedAt });
      return at.last ? { state: 'completed', run: withPooledEnergy(poolRepeats(settings, kept), kept) } : null;
    case 'partial': {
      // Its own samples count too: the repeats before it, and what it measured before it stopped.
      const failure = failureOf(outcome);
      kept.push({ run: outcome.run, startedAt });
      const before = `${outcome.run.stopped?.before ?? 'it stopped'} in ${which}`;
      return stoppedInRepeat(failure, outcome.runnerLog, before, (stop) => withPooledEnergy(poolRepeats(settings, kept, stop), kept));
    }
    case 'failed':
      if (kept.length === 0) return outcome;
      return stoppedInRepeat(outcome.error, outcome.runnerLog, `${which} failed`, (stop) => withPooledEnergy(poolRepeats(settings, kept, stop), kept));
    case 'cancelled':
      return outcome;
    default:
      return unhandledState(outcome);
  }
}

/** The pooled run carries the energy of all its repeats, not its first repeat's (poolRepeats starts from the first run). */
function withPooledEnergy(run: RunFile, kept: readonly RepeatRun[]): RunFile {
  const { energy: _first, ...rest } = run;
  const energy = pooledEnergy(kept.map((repeat) => repeat.run.energy));
  return energy === undefined ? rest : { ...rest, energy };
}

/** The cell's result; its run, complete or partial, with the target's spec and the model's saved inputs recorded. */
function resultOf(cell: MatrixCell, outcome: CellOutcome, finish: (run: RunFile, model: MatrixModel) => RunFile): CellResult {
  switch (outcome.state) {
    case 'completed':
    case 'partial':
      return { ...outcome, cell, run: finish(outcome.run, cell.model) };
    case 'failed':
    case 'cancelled':
      return { ...outcome, cell };
    default:
      return unhandledState(outcome);
  }
}

/**
 * In a matrix of different models, --shape and --value apply to the models that have that
 * input; a name no model has is a mistake, refused before anything runs.
 */
export function checkInputFlags(models: MatrixModel[], settings: BenchSettings): void {
  const known = new Set(models.flatMap((model) => model.info.inputs.map((input) => input.name)));
  const listed = [...known].map((name) => `'${name}'`).join(', ') || '(none)';
  for (const [flag, names] of [
    ['--shape', Object.keys(settings.shapes)],
    ['--value', Object.keys(settings.values)],
  ] as const) {
    for (const name of names) {
      if (!known.has(name)) {
        throw new StudioError('BAD_INPUT', `${flag} names input '${name}', which no model here has; the inputs are ${listed}.`, {
          flag,
          input: name,
        });
      }
    }
  }
}

/** A run records the saved inputs it used, so a report can say the sizes came from the workspace. */
function withSavedInputs(run: RunFile, model: MatrixModel): RunFile {
  return model.savedInputs ? { ...run, savedInputs: model.savedInputs } : run;
}

function localSpawner(hooks: MatrixHooks): RunnerSpawner {
  if (hooks.spawner === undefined) throw new StudioError('INTERNAL', 'runMatrix was given neither a spawner nor a target to run its cells.');
  return hooks.spawner;
}

function uniqueInOrder<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

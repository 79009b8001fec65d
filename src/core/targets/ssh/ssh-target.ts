/**
 * An SSH board as a benchmark target: connects (and reconnects after a lost link), probes once
 * per connection, picks a runner, uploads the model and the runner into the board's cache, then
 * runs the same benchmark code as local runs over an SSH runner spawner. Several boards run in
 * parallel; each board's cells run one at a time.
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { StudioError, detailOf, type ErrorDetail } from '../../../shared/errors';
import type { BenchSettings, RunFile } from '../../../shared/run-schema';
import { isPythonRuntime } from '../../../shared/runtimes';
import { restatePartial, type Measured } from '../../bench/cell-outcome';
import { attachBoardShell } from '../../power/cell-meter';
import { sshRemoteShell } from '../../power/ssh-shell';
import { runLocalBenchmark, type LocalBenchJob, type LocalBenchOptions } from '../../bench/run-local-benchmark';
import { runMatrix, type CellResult, type MatrixCell, type MatrixHooks } from '../../jobs/matrix';
import { findPythonRunnerScript, pythonRunnerDigest, pythonRunnerFiles } from '../native-tools/python-spawner';
import { nativeRunProfile } from '../native-tools/benchmark-model-profile';
import { nativeToolPlans, runNativeTools } from './native-on-board';
import { deployNodeRunner } from './node-runner-deploy';
import type { SshProbe } from './probe-parse';
import { emulatedTargetName, withEmulatedWarning } from './emulated-board';
import { remoteEnvironment, throttlingDuringRun } from './remote-environment';
import { DEFAULT_CACHE_DIR, uploadFileToCache, uploadTreeToCache, type UploadProgress } from './sftp-cache';
import { openSshConnection, type SshConnectOptions, type SshConnection, type SshTargetSpec } from './ssh-connection';
import { connectionLost } from './ssh-errors';
import { chooseRunner, probeSshTarget, type RunnerChoice, type RunnerPreference } from './ssh-probe';
import { sshRunnerSpawner, type RemoteRunner } from './ssh-spawner';
import { noTasksetError, pinningRecord, resolveCpuSelection, withCpuPinning } from '../cpu-clusters';

export interface SshTargetOptions {
  connect: Omit<SshConnectOptions, 'signal'>;
  /** The board's cache folder, relative to the login's home or absolute; default ~/.cache/edgebench. */
  cacheDir?: string;
  /** The Python runner script, for boards without a usable Node; default resources/runners/python/edgebench_runner.py. */
  pythonRunnerFile?: string;
  /** Which runner to use where both could run a model (ONNX on a board with Node and Python onnxruntime); default 'node'. */
  preferRunner?: RunnerPreference;
  /** Told as a model file is sent to the board (not called when the board's cache has it). */
  onUpload?: UploadProgress;
  /** Told what the studio picked on this board, e.g. "pi4: the studio's Node runner (...)". */
  onNotice?: (message: string) => void;
}

export class SshTargetSession {
  private conn: SshConnection | null = null;
  private probed: SshProbe | null = null;
  private runners = new Map<string, RemoteRunner>();

  constructor(
    readonly spec: SshTargetSpec,
    private readonly options: SshTargetOptions,
  ) {}

  /** The live connection, opening a new one if there is none or the last one was lost. */
  async connection(signal?: AbortSignal): Promise<SshConnection> {
    if (this.conn !== null && this.conn.lost === null) return this.conn;
    this.conn = await openSshConnection(this.spec, { ...this.options.connect, ...(signal !== undefined ? { signal } : {}) });
    // A new connection may reach a reinstalled board: probe and deploy again.
    this.probed = null;
    this.runners.clear();
    return this.conn;
  }

  async probe(signal?: AbortSignal): Promise<SshProbe> {
    const conn = await this.connection(signal);
    this.probed ??= await probeSshTarget(conn);
    return this.probed;
  }

  /** The board's cache folder as an absolute path (the runner's working folder is the home). */
  async cacheDir(): Promise<string> {
    const probe = await this.probe();
    return posix.isAbsolute(this.options.cacheDir ?? '') ? (this.options.cacheDir as string) : posix.join(probe.home, this.options.cacheDir ?? DEFAULT_CACHE_DIR);
  }

  /** Picks and deploys the runner for a model format (once per connection). */
  async runner(format: LocalBenchJob['model']['format'], runtime?: LocalBenchJob['runtime']): Promise<RemoteRunner> {
    const probe = await this.probe();
    // A 'python:*' runtime names an engine of the board's Python: only the Python runner serves it.
    const prefer = runtime !== undefined && isPythonRuntime(runtime) ? 'python' : this.options.preferRunner;
    const choice = chooseRunner(probe, format, this.spec, prefer);
    const key = choice.kind === 'node' ? 'node' : `python:${choice.python}`;
    const known = this.runners.get(key);
    if (known !== undefined) return known;
    const runner = await this.deploy(choice, probe);
    this.options.onNotice?.(`${this.spec.name}: using ${runner.description}.`);
    this.runners.set(key, runner);
    return runner;
  }

  private async deploy(choice: RunnerChoice, probe: SshProbe): Promise<RemoteRunner> {
    const conn = await this.connection();
    const cacheDir = await this.cacheDir();
    if (choice.kind === 'node') return deployNodeRunner(conn, probe, cacheDir);
    const file = this.options.pythonRunnerFile ?? findPythonRunnerScript();
    if (!existsSync(file)) {
      throw new StudioError('RUNNER', `${this.spec.name} can only run this model with ${choice.reason}, but the runner script '${file}' is missing; reinstall the studio, or install Node 18+ on the board to use the studio's own runner.`, {
        target: this.spec.name,
        file,
      });
    }
    // The entry script and its edgebench_*.py modules, together in a folder named by their content.
    const files = pythonRunnerFiles(file);
    const runnerDir = posix.join(cacheDir, 'python-runner', pythonRunnerDigest(files));
    await uploadTreeToCache(conn, files.map((localPath) => ({ localPath, relativePath: posix.basename(localPath) })), runnerDir);
    return { kind: 'python', argv: [choice.python, '-u', posix.join(runnerDir, posix.basename(file))], description: choice.reason };
  }

  /** Uploads a model into the board's cache (skipped when it is there) and returns its path on the board. */
  async uploadModel(localPath: string, sha256: string): Promise<string> {
    const conn = await this.connection();
    const upload = await uploadFileToCache(conn, localPath, { cacheDir: await this.cacheDir(), fileName: posix.basename(localPath), sha256, onProgress: this.options.onUpload });
    return upload.remotePath;
  }

  /** One benchmark on the board; the job's modelPath is a local file, uploaded first. A partial run is kept as it is (no native tools). */
  async runBenchmark(job: LocalBenchJob, opts: Omit<LocalBenchOptions, 'spawner' | 'environment'>): Promise<Measured> {
    let outcome: Measured;
    try {
      const conn = await this.connection(opts.signal);
      const probe = await this.probe();
      const runner = await this.runner(job.model.format, job.runtime);
      const remoteModel = await this.uploadModel(job.modelPath, job.model.sha256);
      const pinning = boardPinning(probe, job.settings.cpus, this.spec.name);
      const spawner = sshRunnerSpawner(conn, runner, pinning?.taskset);
      const environment = remoteEnvironment(conn, () => spawner.lastRemotePid);
      // A board's power meter (--energy tegrastats, pi-pmic) runs in a channel of its own beside the runner's.
      attachBoardShell(opts.energy, sshRemoteShell(conn));
      // An emulated board (the test lab's arm64 board) is named and warned about as such in its runs.
      const targetName = emulatedTargetName(this.spec.name, probe.hardware);
      const measured = await runLocalBenchmark({ ...job, modelPath: remoteModel, targetName, targetKind: 'ssh' }, { ...opts, spawner, environment });
      outcome = withCpuPinning(measured, pinning?.record(environment.runnerAllowedCpus));
      if (outcome.state === 'completed') {
        const run = withEmulatedWarning(withThrottleWarning(outcome.run, throttlingDuringRun(environment.throttleReadings)));
        return { state: 'completed', run: await withNativeTools(conn, probe, run, { remote: remoteModel, local: job.modelPath }, opts.signal) };
      }
    } catch (error) {
      throw (error instanceof StudioError ? this.lostLinkError(error) : undefined) ?? error;
    }
    // The samples kept before the drop, and the partial run made of them, stay with the truer reason.
    const lost = this.lostLinkError(outcome.error);
    return lost === undefined ? outcome : restatePartial(outcome, lost, 'the link dropped');
  }

  /** A runner that "crashed" because the link went down, as the lost link it is; undefined for any other failure. */
  private lostLinkError(failure: { code: string; context: Record<string, string>; detail?: ErrorDetail | undefined }): StudioError | undefined {
    const reason = this.conn?.lost;
    if (reason === null || reason === undefined || failure.code === 'CANCELLED') return undefined;
    if (detailOf(failure)?.kind === 'connection-lost' && failure.context.runnerLog === undefined) return undefined;
    const lost = connectionLost(this.spec, failure.context.phase ?? 'running the benchmark', reason);
    return new StudioError(lost.code, lost.message, { ...failure.context, ...lost.context }, lost.detail === undefined ? {} : { detail: lost.detail });
  }

  async close(): Promise<void> {
    await this.conn?.close();
    this.conn = null;
  }
}

/**
 * What a cell's CPU selection means on this board: the taskset to start the runner under (none
 * for all: nothing to narrow, and taskset need not be there), and the run's record of it. A
 * selection the board's CPUs cannot meet, or a board without taskset, is one sentence.
 */
export function boardPinning(
  probe: SshProbe,
  selection: string | undefined,
  board: string,
): { taskset?: { taskset: string; cpuList: string }; record: (allowed: number[] | undefined) => NonNullable<RunFile['cpuPinning']> } | undefined {
  if (selection === undefined) return undefined;
  const { topology, taskset } = probe.cpu;
  const pinned = resolveCpuSelection(selection, topology, board);
  if (selection !== 'all' && taskset === null) {
    throw noTasksetError(board, selection, pinned.list, true);
  }
  return {
    ...(selection !== 'all' && taskset !== null ? { taskset: { taskset, cpuList: pinned.list } } : {}),
    record: (allowed) => pinningRecord(pinned, topology, allowed),
  };
}

/**
 * The board's own benchmark tools on the same model file, beside the runner's result (unless the
 * settings turn them off). Uses the run's connection: a link lost meanwhile is a warning, not a reconnect.
 */
async function withNativeTools(conn: SshConnection, probe: SshProbe, run: RunFile, model: { remote: string; local: string }, signal: AbortSignal | undefined): Promise<RunFile> {
  if (!run.settings.nativeTools) return run;
  const plans = nativeToolPlans(probe.nativeTools, run.model.format, model.remote, run.settings, run.latencyMs.mean);
  if (plans.length === 0) return run;
  const outcome = await runNativeTools(conn, plans, signal);
  // benchmark_model's op profile becomes the run's per-op profile when the runner gave none.
  const profile = run.profile ?? (await nativeRunProfile(outcome.results, run.model.format, model.local));
  return { ...run, ...(outcome.results.length > 0 ? { native: outcome.results } : {}), ...(profile !== undefined ? { profile } : {}), warnings: [...run.warnings, ...outcome.warnings] };
}

/** Throttling seen during a run puts its numbers in doubt: unstable, with a warning saying what to do. */
function withThrottleWarning(run: RunFile, flags: string[]): RunFile {
  if (flags.length === 0) return run;
  const message = `The board reported ${flags.join(', ')} during this run (vcgencmd get_throttled), so its CPU may have slowed down; cool it or use a stronger power supply, then run again.`;
  return { ...run, verdict: 'unstable', warnings: [...run.warnings, { code: 'throttled', message }] };
}

/** The cells of one board as the matrix runner sees them. */
export function sshMatrixTarget(session: SshTargetSession): NonNullable<MatrixHooks['target']> {
  return {
    kind: 'ssh',
    name: session.spec.name,
    runCell: (job, opts) => session.runBenchmark(job, opts),
    // A CPU axis the board cannot meet (no middle cluster, no taskset) is refused before its first cell.
    checkCells: async (cells) => {
      const selections = [...new Set(cells.flatMap((cell) => (cell.cpus !== undefined ? [cell.cpus] : [])))];
      if (selections.length === 0) return;
      const probe = await session.probe();
      for (const selection of selections) boardPinning(probe, selection, session.spec.name);
    },
  };
}

export interface SshMatrixResult {
  target: string;
  results: CellResult[];
  cancelled: boolean;
}

/**
 * The same cells on several boards: boards in parallel, each board's cells one at a time. Each
 * board gets its own copy of the cells, numbered after the previous board's, so every cell of the
 * job has its own index (board i's cell k is i × cells + k). The studio and the CLI plan per
 * target instead (src/core/jobs/bench-jobs.ts, through the target registry); this is the
 * shortest way to drive several sessions from code and tests.
 */
export async function runSshMatrix(
  jobId: string,
  sessions: SshTargetSession[],
  cells: MatrixCell[],
  settings: BenchSettings,
  hooks: Omit<MatrixHooks, 'spawner' | 'target' | 'onProgress' | 'onCellDone'> & {
    onProgress?: (target: string, ...rest: Parameters<NonNullable<MatrixHooks['onProgress']>>) => void;
    onCellDone?: (target: string, result: CellResult) => Promise<void> | void;
  },
): Promise<SshMatrixResult[]> {
  return Promise.all(
    sessions.map(async (session, board): Promise<SshMatrixResult> => {
      const name = session.spec.name;
      const boardCells = cells.map((cell, k) => ({ ...cell, index: board * cells.length + k }));
      const outcome = await runMatrix(jobId, boardCells, settings, {
        ...hooks,
        totalCells: sessions.length * cells.length,
        target: sshMatrixTarget(session),
        onProgress: (cell, progress) => hooks.onProgress?.(name, cell, progress),
        onCellDone: (result) => hooks.onCellDone?.(name, result),
      });
      return { target: name, ...outcome };
    }),
  );
}

/**
 * The workspace: a plain folder the user can keep in git.
 *
 *   models/<id>/entry.json + the model's files    (id = first 16 hex digits of the sha256)
 *   models/<id>/inputs.json                        (schema edgebench.inputs/1: input sizes and values saved with the model)
 *   datasets/<id>/dataset.json + its data files
 *   runs/<run id>.json                             (schema edgebench.run/1, raw samples included)
 *   evals/<model id>__<dataset id>.json            (schema edgebench.eval/1: the latest evaluation)
 *   targets.json                                   (SSH and serial targets; "This computer" is implicit)
 *   networks.json                                  (schema edgebench.networks/1: models that are one network in several formats)
 *   .edgebench-workspace.json                      (marks the folder as a workspace; records seeding)
 *
 * Every write is atomic. A file that fails to parse is reported as a problem and never
 * rewritten or deleted: the user may want to repair it by hand.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatasetEntry, ModelEntry, type WorkspaceProblem } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { energySummary } from '../../shared/energy';
import { acceleratorSummary } from '../../shared/runtimes';
import { EvalRecord } from '../../shared/eval-schema';
import { DatasetManifest, isLabeled } from '../datasets/dataset-manifest';
import { headlineMedianMs, RunFile, type RunSummary } from '../../shared/run-schema';
import { MODEL_INPUTS_FILE, MODEL_INPUTS_SCHEMA, StoredModelInputs, type GivenInputs } from '../../shared/model-inputs';
import { writeJsonAtomic } from './atomic-write';
import { TargetsStore, targetsProblem } from './targets-store';
import { networksPath, readNetworks } from './networks-store';
import { guessedInputsOfRun } from '../../shared/input-messages';

export const MODEL_ENTRY_SCHEMA = 'edgebench.model/1';
const StoredModelEntry = ModelEntry.extend({ schema: z.literal(MODEL_ENTRY_SCHEMA) });

export { DatasetManifest };

const WorkspaceMarker = z.object({
  schema: z.literal('edgebench.workspace/1'),
  createdAt: z.string(),
  seededDemo: z.boolean(),
});
type WorkspaceMarker = z.infer<typeof WorkspaceMarker>;
const MARKER_FILE = '.edgebench-workspace.json';

/** Receives a damaged file's path and why it was not read. */
type Noter = (file: string, message: string) => void;
const ignore: Noter = () => undefined;

export interface WorkspaceSnapshot {
  models: ModelEntry[];
  datasets: DatasetEntry[];
  runs: RunFile[];
  evals: EvalRecord[];
  problems: WorkspaceProblem[];
}

export class Workspace {
  constructor(readonly root: string) {}

  modelsDir(): string {
    return path.join(this.root, 'models');
  }
  modelDir(id: string): string {
    return path.join(this.modelsDir(), safeSegment(id));
  }
  datasetsDir(): string {
    return path.join(this.root, 'datasets');
  }
  runsDir(): string {
    return path.join(this.root, 'runs');
  }
  datasetDir(id: string): string {
    return path.join(this.datasetsDir(), safeSegment(id));
  }
  evalsDir(): string {
    return path.join(this.root, 'evals');
  }
  /** Scratch space inside the workspace, so a finished file can be renamed into place atomically. */
  tempDir(): string {
    return path.join(this.root, '.tmp');
  }
  runPath(id: string): string {
    return path.join(this.runsDir(), `${safeSegment(id)}.json`);
  }

  /** Creates the folders; returns true when this call made a brand-new workspace. */
  async ensure(): Promise<{ created: boolean; marker: WorkspaceMarker }> {
    try {
      await fs.mkdir(this.root, { recursive: true });
      for (const dir of [this.modelsDir(), this.datasetsDir(), this.runsDir()]) await fs.mkdir(dir, { recursive: true });
    } catch (error) {
      throw new StudioError(
        'WORKSPACE',
        `The workspace folder '${this.root}' cannot be created (${(error as Error).message}). Choose a folder you can write to.`,
        { path: this.root },
      );
    }
    const markerPath = path.join(this.root, MARKER_FILE);
    const existing = await readJson(markerPath, WorkspaceMarker);
    if (existing.kind === 'ok') return { created: false, marker: existing.value };
    if (existing.kind === 'damaged') {
      // Keep the damaged marker; treat the folder as an existing workspace so nothing is re-seeded over it.
      return { created: false, marker: { schema: 'edgebench.workspace/1', createdAt: '', seededDemo: true } };
    }
    const marker: WorkspaceMarker = { schema: 'edgebench.workspace/1', createdAt: new Date().toISOString(), seededDemo: false };
    await writeJsonAtomic(markerPath, marker);
    return { created: true, marker };
  }

  async markSeeded(marker: WorkspaceMarker): Promise<void> {
    await writeJsonAtomic(path.join(this.root, MARKER_FILE), { ...marker, seededDemo: true });
  }

  /** Everything, with every damaged file as a problem (workspace.info). */
  async scan(): Promise<WorkspaceSnapshot> {
    const problems: WorkspaceProblem[] = [];
    const note = this.noter(problems);
    const models = await this.listModels(note);
    const datasets = await this.listDatasets(note);
    const runs = await this.listRuns(note);
    const evals = await this.listEvals(note);
    const targets = new TargetsStore(this.root);
    const stored = await targets.read();
    if (stored.kind === 'damaged') note(targets.file, targetsProblem(stored.detail));
    const networks = await readNetworks(this);
    if (networks.kind === 'damaged') note(networksPath(this), networks.message);
    return { models, datasets, runs, evals, problems };
  }

  // One kind at a time, so listing models does not parse every run file (runs carry all their samples).
  // Damaged files are reported through `note` (scan) or skipped (the lists; workspace.info reports them).

  async listModels(note: Noter = ignore): Promise<ModelEntry[]> {
    const models: ModelEntry[] = [];
    for (const dir of await listDirs(this.modelsDir())) {
      const entryPath = path.join(this.modelsDir(), dir, 'entry.json');
      const read = await readJson(entryPath, StoredModelEntry);
      if (read.kind === 'ok') models.push(stripSchema(read.value));
      else if (read.kind === 'damaged') note(entryPath, read.message);
      else note(entryPath, 'The model folder has no entry.json; re-import the model to use it.');
    }
    const own = new Map<string, OwnInputs>();
    for (const model of models) {
      const read = await this.readOwnInputs(model.id);
      own.set(model.id, read);
      if (read.kind === 'damaged') note(this.modelInputsPath(model.id), read.message);
    }
    return models.map((model) => withSavedInputs(model, own)).sort((a, b) => a.importedAt.localeCompare(b.importedAt));
  }

  /** models/<id>/inputs.json: the input sizes and values saved with a model. */
  modelInputsPath(id: string): string {
    return path.join(this.modelDir(id), MODEL_INPUTS_FILE);
  }

  /** A model's own saved inputs, read without ever modifying the file. */
  private async readOwnInputs(id: string): Promise<OwnInputs> {
    return readJson(this.modelInputsPath(id), StoredModelInputs);
  }

  /** Saves a model's input sizes and values (atomically); the caller has checked them against the model. */
  async writeModelInputs(id: string, inputs: GivenInputs): Promise<StoredModelInputs> {
    const stored = StoredModelInputs.parse({ schema: MODEL_INPUTS_SCHEMA, updatedAt: new Date().toISOString(), ...inputs });
    await writeJsonAtomic(this.modelInputsPath(id), stored);
    return stored;
  }

  /** Removes a model's saved inputs; false when it had none. A damaged file is refused, never deleted. */
  async removeModelInputs(id: string): Promise<boolean> {
    const read = await this.readOwnInputs(id);
    if (read.kind === 'missing') return false;
    if (read.kind === 'damaged') throw new StudioError('WORKSPACE', `${this.modelInputsPath(id)}: ${read.message}`, { path: this.modelInputsPath(id) });
    await fs.rm(this.modelInputsPath(id), { force: true });
    return true;
  }

  async listDatasets(note: Noter = ignore): Promise<DatasetEntry[]> {
    const datasets: DatasetEntry[] = [];
    for (const dir of await listDirs(this.datasetsDir())) {
      const manifestPath = path.join(this.datasetsDir(), dir, 'dataset.json');
      const read = await readJson(manifestPath, DatasetManifest);
      if (read.kind === 'ok') datasets.push(toDatasetEntry(dir, read.value));
      else if (read.kind === 'damaged') note(manifestPath, read.message);
    }
    return datasets;
  }

  async listRuns(note: Noter = ignore): Promise<RunFile[]> {
    const runs: RunFile[] = [];
    for (const file of await listFiles(this.runsDir(), '.json')) {
      const runPath = path.join(this.runsDir(), file);
      const read = await readRunFile(runPath);
      if (read.kind === 'ok') runs.push(read.value);
      else if (read.kind === 'damaged') note(runPath, read.message);
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async listEvals(note: Noter = ignore): Promise<EvalRecord[]> {
    const evals: EvalRecord[] = [];
    for (const file of await listFiles(this.evalsDir(), '.json')) {
      const evalPath = path.join(this.evalsDir(), file);
      const read = await readJson(evalPath, EvalRecord);
      if (read.kind === 'ok') evals.push(read.value);
      else if (read.kind === 'damaged') note(evalPath, read.message);
    }
    return evals;
  }

  private noter(problems: WorkspaceProblem[]): Noter {
    return (file, message) => problems.push({ path: path.relative(this.root, file), message });
  }

  async readModelEntry(id: string): Promise<ModelEntry> {
    const entryPath = path.join(this.modelDir(id), 'entry.json');
    const read = await readJson(entryPath, StoredModelEntry);
    if (read.kind === 'ok') {
      const entry = stripSchema(read.value);
      const own = new Map<string, OwnInputs>([[entry.id, await this.readOwnInputs(entry.id)]]);
      const parentId = entry.origin?.parentId;
      if (parentId !== undefined && own.get(entry.id)?.kind === 'missing') own.set(parentId, await this.readOwnInputs(parentId).catch(() => ({ kind: 'missing' as const })));
      return withSavedInputs(entry, own);
    }
    if (read.kind === 'damaged') throw new StudioError('WORKSPACE', read.message, { path: entryPath });
    throw new StudioError('NOT_FOUND', `There is no model '${id}' in this workspace. Import it first.`, { id });
  }

  async writeModelEntry(entry: ModelEntry): Promise<void> {
    // Saved inputs live in their own file (inputs.json), so entry.json never carries a copy that could go stale.
    const { savedInputs: _saved, savedInputsProblem: _problem, ...stored } = entry;
    await writeJsonAtomic(path.join(this.modelDir(entry.id), 'entry.json'), { schema: MODEL_ENTRY_SCHEMA, ...stored });
  }

  async readRun(id: string): Promise<RunFile> {
    const runPath = this.runPath(id);
    const read = await readRunFile(runPath);
    if (read.kind === 'ok') return read.value;
    if (read.kind === 'damaged') throw new StudioError('WORKSPACE', read.message, { path: runPath });
    // A run file copied in by hand may carry another name: find it by the id inside.
    const copied = (await this.listRuns()).find((run) => run.id === id);
    if (copied) return copied;
    throw new StudioError('NOT_FOUND', `There is no run '${id}' in this workspace.`, { id });
  }

  async writeEval(record: EvalRecord): Promise<void> {
    const file = `${safeSegment(record.modelId)}__${safeSegment(record.datasetId)}.json`;
    await writeJsonAtomic(path.join(this.evalsDir(), file), EvalRecord.parse(record));
  }

  async readDataset(id: string): Promise<{ dir: string; manifest: DatasetManifest; entry: DatasetEntry }> {
    const dir = this.datasetDir(id);
    const read = await readJson(path.join(dir, 'dataset.json'), DatasetManifest);
    if (read.kind === 'ok') return { dir, manifest: read.value, entry: toDatasetEntry(id, read.value) };
    if (read.kind === 'damaged') throw new StudioError('WORKSPACE', read.message, { path: dir });
    throw new StudioError('NOT_FOUND', `There is no dataset '${id}' in this workspace. Import it first.`, { id });
  }

  async writeRun(run: RunFile): Promise<void> {
    const runPath = this.runPath(run.id);
    forgetRunFile(runPath);
    await writeJsonAtomic(runPath, RunFile.parse(run));
    forgetRunFile(runPath);
  }
}

export function summarizeRun(run: RunFile): RunSummary {
  return {
    id: run.id,
    createdAt: run.createdAt,
    modelName: run.model.name,
    modelSha256: run.model.sha256,
    variant: run.model.variant,
    targetName: run.target.name,
    runtime: `${run.runtime.name} ${run.runtime.version}`,
    threads: run.runtime.threads,
    runtimeBackend: run.runtime.backend,
    status: run.status,
    // With repeats the median of the repeats' medians, in report mode of the windows' medians.
    median: headlineMedianMs(run),
    p90: run.latencyMs.p90,
    count: run.latencyMs.count,
    verdict: run.verdict,
    warnings: run.warnings.length,
    peakRssBytes: run.memory.peakRssBytes,
    jobId: run.job?.id ?? null,
    ...(run.betweenRun ? { betweenRun: { repeats: run.betweenRun.repeats, ci95: run.betweenRun.ci95, disagree: run.betweenRun.disagree } } : {}),
    p99: run.latencyMs.p99,
    medianCi95: run.latencyMs.medianCi95,
    runtimeName: run.runtime.name,
    modelSizeBytes: run.model.sizeBytes,
    ...(run.job ? { jobCell: { cell: run.job.cell, cells: run.job.cells } } : {}),
    ...(run.energy ? { energy: energySummary(run.energy) } : {}),
    ...(run.accelerator ? { accelerator: acceleratorSummary(run.accelerator) } : {}),
    ...(guessedInputsOfRun(run.inputs).length > 0 ? { guessedInputs: guessedInputsOfRun(run.inputs).map((guess) => guess.input) } : {}),
    ...(run.settings.cpus !== undefined ? { cpus: run.settings.cpus } : {}),
    ...(run.boardMemory?.simulated === true ? { simulated: true } : {}),
  };
}

export function toDatasetEntry(id: string, manifest: DatasetManifest): DatasetEntry {
  return {
    id,
    name: manifest.name,
    samples: manifest.samples,
    classes: manifest.classes,
    sampleShape: manifest.sampleShape,
    description: manifest.source,
    labeled: isLabeled(manifest),
    preprocessing: manifest.preprocessing,
  };
}

type OwnInputs = ReadResult<StoredModelInputs>;

/**
 * A model with the inputs its runs use: its own inputs.json, or for a variant without one, its
 * float parent's (a variant has the parent's inputs); a damaged file is reported, not used.
 */
function withSavedInputs(entry: ModelEntry, own: ReadonlyMap<string, OwnInputs>): ModelEntry {
  const mine = own.get(entry.id);
  if (mine?.kind === 'damaged') return { ...entry, savedInputs: null, savedInputsProblem: `models/${entry.id}/${MODEL_INPUTS_FILE}: ${mine.message}` };
  const parentId = entry.origin?.parentId;
  const source = mine?.kind === 'ok' ? { id: entry.id, read: mine } : parentId !== undefined ? { id: parentId, read: own.get(parentId) } : null;
  if (source?.read?.kind === 'damaged') {
    return { ...entry, savedInputs: null, savedInputsProblem: `its float model's models/${source.id}/${MODEL_INPUTS_FILE}: ${source.read.message}` };
  }
  if (source?.read?.kind !== 'ok') return { ...entry, savedInputs: null, savedInputsProblem: null };
  const { schema: _schema, ...saved } = source.read.value;
  return { ...entry, savedInputs: { ...saved, fromModelId: source.id }, savedInputsProblem: null };
}

function stripSchema(entry: z.infer<typeof StoredModelEntry>): ModelEntry {
  const { schema: _schema, ...rest } = entry;
  return rest;
}

/** An id used as a file or folder name must not be able to climb out of its folder. */
function safeSegment(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(id) || id.includes('..')) {
    throw new StudioError('BAD_INPUT', `'${id}' is not a valid id: use letters, digits, '.', '_' and '-' only.`, { id });
  }
  return id;
}

/**
 * Parsed and validated run files, keyed by absolute path and checked against the file's mtime and size
 * on every read, so a file changed on disk is read again. A run's raw samples make parsing and validating
 * its file the slow part of opening it (100,000 samples take tens of ms), so the last few are kept.
 * Damaged files are never cached: they report as before on every read. The cached value is shared by
 * every caller, so it is deeply frozen: a caller that tried to change it would throw, not change the
 * next caller's run.
 */
const RUN_CACHE_LIMIT = 16;
const runCache = new Map<string, { mtimeMs: number; size: number; value: RunFile }>();

/** Drops the cached copy of a run file: called when the studio writes or removes it. */
export function forgetRunFile(file: string): void {
  runCache.delete(path.resolve(file));
}

async function readRunFile(file: string): Promise<ReadResult<RunFile>> {
  const key = path.resolve(file);
  const before = await fs.stat(key).catch(() => null);
  if (!before) {
    runCache.delete(key);
    return readJson(file, RunFile);
  }
  const cached = runCache.get(key);
  if (cached && cached.mtimeMs === before.mtimeMs && cached.size === before.size) {
    runCache.delete(key);
    runCache.set(key, cached);
    return { kind: 'ok', value: cached.value };
  }
  runCache.delete(key);
  const read = await readJson(file, RunFile);
  if (read.kind !== 'ok') return read;
  // Only keep it if the file did not change while it was being read.
  const after = await fs.stat(key).catch(() => null);
  if (after && after.mtimeMs === before.mtimeMs && after.size === before.size) {
    runCache.set(key, { mtimeMs: after.mtimeMs, size: after.size, value: deepFreeze(read.value) });
    while (runCache.size > RUN_CACHE_LIMIT) runCache.delete(runCache.keys().next().value as string);
  }
  return read;
}

/** Freezes a parsed JSON value and everything in it (1–5 ms for a run of 100,000 samples here, once per read from disk). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) if (typeof child === 'object') deepFreeze(child);
  return value;
}

type ReadResult<T> = { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'damaged'; message: string };

/** Reads and validates a JSON file without ever modifying it. */
async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'damaged', message: `It cannot be read (${(error as Error).message}); it was left untouched.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'damaged',
      message: `It is not valid JSON (${(error as Error).message}); it was left untouched. Repair or remove it by hand.`,
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
    return {
      kind: 'damaged',
      message: `It does not match the expected format${where} (${issue?.message ?? 'invalid'}); it was left untouched.`,
    };
  }
  return { kind: 'ok', value: parsed.data };
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

async function listFiles(dir: string, extension: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(extension) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

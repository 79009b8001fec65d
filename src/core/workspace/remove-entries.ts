/**
 * Removing models (with their variants when asked), runs and datasets from the workspace.
 *
 * Every removal is all or nothing: each entry is first read (a damaged file is refused and left
 * byte for byte as it was, never deleted), then every folder or file goes into one trash folder
 * under .tmp by rename (atomic on one file system, and .tmp is inside the workspace), and only
 * once all of them moved is the trash deleted. If one rename fails, the ones already moved are
 * renamed back, so a removal never leaves half of what the user picked.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { descendantsOf } from '../../shared/model-family';
import { RunFile } from '../../shared/run-schema';
import { forgetRunFile, type Workspace } from './workspace';

/** Moves every path into one trash folder, puts them back if one cannot move, then deletes the trash. */
export async function removeTogether(workspace: Workspace, paths: readonly string[]): Promise<void> {
  const trash = path.join(workspace.tempDir(), `removing-${randomBytes(4).toString('hex')}`);
  const moved: Array<{ from: string; to: string }> = [];
  let trashMade = false;
  try {
    await fs.mkdir(trash, { recursive: true });
    trashMade = true;
    for (const [index, from] of paths.entries()) {
      const to = path.join(trash, `${index}-${path.basename(from)}`);
      await fs.rename(from, to);
      moved.push({ from, to });
    }
  } catch (error) {
    for (const { from, to } of moved.reverse()) await fs.rename(to, from).catch(() => undefined);
    await fs.rm(trash, { recursive: true, force: true }).catch(() => undefined);
    const failed = trashMade ? (paths[moved.length] ?? trash) : workspace.tempDir();
    throw new StudioError(
      'WORKSPACE',
      `'${path.relative(workspace.root, failed)}' cannot be removed (${(error as Error).message}); nothing was removed. Check that the workspace folder is writable and try again.`,
      { path: failed },
    );
  }
  // Everything picked is out of the workspace now; a trash folder that cannot be deleted is only scratch.
  await fs.rm(trash, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Removes a model; a model with variants is refused unless `withVariants`, which removes them too.
 * Runs of a removed model stay: a run file carries everything it shows.
 */
export async function removeModelEntries(workspace: Workspace, id: string, withVariants: boolean): Promise<string[]> {
  const entry = await workspace.readModelEntry(id); // NOT_FOUND, or WORKSPACE for a damaged entry.json (left alone)
  const variants = descendantsOf(await workspace.listModels(), id);
  if (variants.length > 0 && !withVariants) {
    const names = variants.map((variant) => `'${variant.name} (${variant.variant})'`).join(', ');
    throw new StudioError(
      'BAD_INPUT',
      `The model '${entry.name}' has ${variants.length === 1 ? 'a variant' : `${variants.length} variants`} (${names}), so it was not removed; remove it together with its variants, or remove the variants first.`,
      { id, variants: variants.map((variant) => variant.id).join(',') },
    );
  }
  const ids = [id, ...variants.map((variant) => variant.id)];
  await removeTogether(workspace, ids.map((modelId) => workspace.modelDir(modelId)));
  return ids;
}

/** The file that holds run `id`: runs/<id>.json, or a file copied in by hand under another name. */
async function runFileOf(workspace: Workspace, id: string): Promise<string> {
  const named = workspace.runPath(id);
  const text = await fs.readFile(named, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new StudioError('WORKSPACE', `The run file '${path.relative(workspace.root, named)}' cannot be read (${error.message}); it was left untouched.`, { path: named });
  });
  if (text !== null) {
    if (!RunFile.safeParse(safeJson(text)).success) {
      throw new StudioError(
        'WORKSPACE',
        `The run file '${path.relative(workspace.root, named)}' is damaged, so it was not removed; repair it or delete it by hand.`,
        { path: named },
      );
    }
    return named;
  }
  for (const file of (await fs.readdir(workspace.runsDir()).catch(() => [])).filter((name) => name.endsWith('.json') && !name.startsWith('.'))) {
    const candidate = path.join(workspace.runsDir(), file);
    const parsed = RunFile.safeParse(safeJson(await fs.readFile(candidate, 'utf8').catch(() => '')));
    if (parsed.success && parsed.data.id === id) return candidate;
  }
  throw new StudioError('NOT_FOUND', `There is no run '${id}' in this workspace; it may have been removed already.`, { id });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Removes the runs with these ids, all or none: one unknown or damaged is refused before any goes. */
export async function removeRunFiles(workspace: Workspace, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const files: string[] = [];
  for (const id of unique) files.push(await runFileOf(workspace, id));
  await removeTogether(workspace, files);
  for (const file of files) forgetRunFile(file);
  return unique;
}

/** Removes one dataset's folder; evaluations made on it stay, as runs of a removed model do. */
export async function removeDatasetEntry(workspace: Workspace, id: string): Promise<void> {
  const { dir } = await workspace.readDataset(id); // NOT_FOUND, or WORKSPACE for a damaged dataset.json (left alone)
  await removeTogether(workspace, [dir]);
}

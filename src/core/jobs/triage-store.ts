/**
 * Triage chains in the workspace: triage/<id>.json (schema edgebench.triage/1), one file per
 * chain, written atomically. A file that does not parse is reported and never rewritten: a
 * step that would extend it starts a new chain instead.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TriageSession, type TriageList } from '../../shared/triage';
import { writeJsonAtomic } from '../workspace/atomic-write';
import type { Workspace } from '../workspace/workspace';

const TRIAGE_DIR = 'triage';

export function triageDir(workspace: Workspace): string {
  return path.join(workspace.root, TRIAGE_DIR);
}

export function triagePath(workspace: Workspace, id: string): string {
  return path.join(triageDir(workspace), `${id}.json`);
}

/** Every readable chain (newest first) and every damaged file as a problem (path relative to the workspace). */
export async function listTriageSessions(workspace: Workspace): Promise<TriageList> {
  let files: string[];
  try {
    files = (await fs.readdir(triageDir(workspace))).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { sessions: [], problems: [] };
    throw error;
  }
  const sessions: TriageSession[] = [];
  const problems: TriageList['problems'] = [];
  for (const file of files.sort()) {
    const relative = `${TRIAGE_DIR}/${file}`;
    let text: string;
    try {
      text = await fs.readFile(path.join(triageDir(workspace), file), 'utf8');
    } catch (error) {
      problems.push({ path: relative, message: `It could not be read (${(error as Error).message}); it is left as it is.` });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push({ path: relative, message: 'It is not valid JSON, so its triage steps are not shown; it is left as it is for you to repair or remove.' });
      continue;
    }
    const parsed = TriageSession.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      problems.push({ path: relative, message: `It is not a triage file the studio can read (${issue?.message ?? 'unknown shape'}${where}); it is left as it is.` });
      continue;
    }
    sessions.push(parsed.data);
  }
  return { sessions: sessions.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)), problems };
}

export async function writeTriageSession(workspace: Workspace, session: TriageSession): Promise<void> {
  await writeJsonAtomic(triagePath(workspace, session.id), TriageSession.parse(session));
}
